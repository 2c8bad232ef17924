import { requireRole } from "@/lib/auth/dal";
import { exportDownload } from "@/lib/templates/download";
import { PROFILE_ROLES } from "@/lib/templates/rules";

/** GET: the profiles this session manages, as a JSON file that import reads back. */
export const GET = (request: Request) => exportDownload(request, "profile", () => requireRole(PROFILE_ROLES));
