import { requireAdmin } from "@/lib/auth/dal";
import { exportDownload } from "@/lib/templates/download";

/** GET: the templates this session manages, as a JSON file that import reads back. */
export const GET = (request: Request) => exportDownload(request, "template", () => requireAdmin());
