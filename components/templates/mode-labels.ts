import type { Mode } from "@/lib/permissions/rules";

export const MODE_LABELS: Record<Mode, string> = { native: "Native", moe_reasoning: "MoE reasoning", moe_orchestrated: "MoE orchestrated" };
