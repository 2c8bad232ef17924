import { requireRole } from "@/lib/auth/dal";
import { exportDownload } from "@/lib/templates/download";
import { PROFILE_ROLES } from "@/lib/templates/rules";

/** GET: the templates this session manages, as a JSON file that import reads back. */
export const GET = (request: Request) => exportDownload(request, "template", () => requireRole(PROFILE_ROLES));
