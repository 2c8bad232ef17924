import { redirect } from "next/navigation";
import { homeOf } from "@/components/nav";
import { getSession } from "@/lib/auth/dal";

export default async function Home() {
  const user = await getSession();
  if (!user) redirect("/login");
  if (user.mustChangePassword) redirect("/change-password");
  redirect(homeOf(user.role));
}
