import Link from "next/link";
import { Badge } from "@/components/ui/badge";

const SHOWN = 5;

/**
 * The portal sidebar's word on templates and CC profiles: for experts and admins the active CC profile
 * (green while it is enabled), for every role that may call templates the names of the assigned ones.
 * `profile` undefined: the role has no CC profiles; `templates` undefined: the role has no templates.
 */
export function TemplatesPanel({ profile, templates }: { profile?: { name: string; active: boolean } | null; templates?: string[] }) {
  if (profile === undefined && templates === undefined) return null;
  return (
    <section aria-labelledby="portal-templates-heading" className="flex flex-col gap-3 text-sm" data-testid="portal-templates">
      <h2 id="portal-templates-heading" className="text-xs font-semibold uppercase tracking-wide text-muted">
        Templates &amp; Claude Code
      </h2>
      {profile !== undefined && (
        <div className="flex flex-col gap-1" data-testid="portal-active-profile" data-state={profile ? (profile.active ? "enabled" : "disabled") : "none"}>
          <span className="font-medium">Active CC profile</span>
          {profile ? (
            <span className="flex min-w-0 flex-wrap items-center gap-1">
              <Badge tone={profile.active ? "green" : "amber"} className="max-w-full break-all">
                {profile.name}
              </Badge>
              {!profile.active && <span className="text-xs text-muted">disabled</span>}
            </span>
          ) : (
            <span className="text-xs text-muted">No active CC profile</span>
          )}
        </div>
      )}
      {templates !== undefined && (
        <div className="flex flex-col gap-1" data-testid="portal-assigned">
          <Link href="/user/templates" className="font-medium text-link hover:underline">
            Assigned templates
          </Link>
          {templates.length ? (
            <ul className="flex flex-col gap-0.5 text-xs">
              {templates.slice(0, SHOWN).map((name) => (
                <li key={name} className="font-mono break-all text-fg">
                  {name}
                </li>
              ))}
              {templates.length > SHOWN && <li className="text-muted">+{templates.length - SHOWN} more</li>}
            </ul>
          ) : (
            <span className="text-xs text-muted">None yet</span>
          )}
        </div>
      )}
    </section>
  );
}
