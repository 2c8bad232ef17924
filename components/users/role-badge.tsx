import { Badge, type tones } from "@/components/ui/badge";
import type { Role } from "@/db/enums";

const roleTone: Record<Role, keyof typeof tones> = { user: "neutral", subscriber: "emerald", expert: "violet", admin: "rose" };

export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={roleTone[role]}>{role}</Badge>;
}

export function StatusBadge({ active }: { active: boolean }) {
  return active ? <Badge tone="green">Active</Badge> : <Badge tone="amber">Suspended</Badge>;
}
