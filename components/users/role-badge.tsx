import { Badge } from "@/components/ui/badge";
import type { Role } from "@/db/enums";

const colours: Record<Role, string> = {
  user: "bg-slate-100 text-slate-700",
  subscriber: "bg-emerald-100 text-emerald-800",
  expert: "bg-violet-100 text-violet-800",
  admin: "bg-rose-100 text-rose-800",
};

export function RoleBadge({ role }: { role: Role }) {
  return <Badge className={colours[role]}>{role}</Badge>;
}

export function StatusBadge({ active }: { active: boolean }) {
  return active ? <Badge className="bg-green-100 text-green-800">Active</Badge> : <Badge className="bg-amber-100 text-amber-800">Suspended</Badge>;
}
