import { z } from "zod";
import { KEY_STATUSES } from "@/db/enums";
import { idOf } from "@/lib/ids";

export const KeyId = idOf("key");

export const KeyStatusField = z.enum(KEY_STATUSES, { error: "Status must be active or suspended" });

export const KeyLabel = z
  .union([z.string(), z.null()], { error: "Label must be text" })
  .optional()
  .transform((v) => (v ?? "").trim())
  .refine((v) => v.length <= 100, "Label must be at most 100 characters");

// The portal's own-key actions (app/user/keys): the key id names one of the signed-in user's keys.
export const CreateOwnKey = z.object({ label: KeyLabel });
export const RenameOwnKey = z.object({ keyId: KeyId, label: KeyLabel });
export const SetOwnKeyStatus = z.object({ keyId: KeyId, status: KeyStatusField });
export const DeleteOwnKey = z.object({ keyId: KeyId });
