import { redirect } from "next/navigation";

// One login page for everyone (SPEC §5); the portal's address for it is an alias.
export default function UserLogin() {
  redirect("/login");
}
