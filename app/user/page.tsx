import { redirect } from "next/navigation";
import { userPage } from "@/lib/auth/dal";
import { PORTAL_HOME } from "@/lib/auth/redirects";

// The portal's address leads to its first page (after the same session checks as every portal page).
export default async function PortalRoot() {
  await userPage("/user");
  redirect(PORTAL_HOME);
}
