import { Badge, type tones } from "@/components/ui/badge";
import { RESOURCE_LABELS, type ResourceType } from "@/lib/permissions/rules";

// One colour per resource type, so that a long list of grants reads at a glance; the type's name is
// always written in the badge too, so the colour is never the only cue.
const typeTone: Record<ResourceType, keyof typeof tones> = {
  model_endpoint: "blue",
  skill: "emerald",
  mcp_tool: "violet",
  moe_mode: "amber",
  expert_template: "orange",
  cc_profile: "cyan",
};

export function GrantTypeBadge({ type }: { type: ResourceType }) {
  return (
    <Badge tone={typeTone[type]} className="shrink-0 whitespace-nowrap">
      {RESOURCE_LABELS[type]}
    </Badge>
  );
}
