import { requireAdmin } from "@/lib/auth/dal";
import { exportDownload } from "@/lib/templates/download";

/** GET: the profiles this session manages, as a JSON file that import reads back. */
export const GET = (request: Request) => exportDownload(request, "profile", () => requireAdmin());
