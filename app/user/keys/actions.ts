"use server";
import { userAction } from "@/lib/auth/action";
import { createOwnKey, deleteOwnKey, renameOwnKey, setOwnKeyStatus } from "@/lib/keys/own";
import { CreateOwnKey, DeleteOwnKey, RenameOwnKey, SetOwnKeyStatus } from "@/lib/keys/schemas";

// The signed-in user's own API keys. No payload names a user: each action acts for the session's
// user, and lib/keys/own answers another user's key id as a key that does not exist.
const revalidate = { revalidate: "/user/keys" };

export const createOwnKeyAction = userAction(
  CreateOwnKey,
  async ({ label }, me) => {
    const { key, prefix } = await createOwnKey(me, label);
    return { key, prefix };
  },
  // A new key's only showing would put the user's credential in the admin's hands.
  { ...revalidate, notWhileImpersonating: "create an API key for the user" },
);

export const renameOwnKeyAction = userAction(RenameOwnKey, async ({ keyId, label }, me) => renameOwnKey(me, keyId, label), revalidate);

export const setOwnKeyStatusAction = userAction(SetOwnKeyStatus, async ({ keyId, status }, me) => setOwnKeyStatus(me, keyId, status), revalidate);

export const deleteOwnKeyAction = userAction(DeleteOwnKey, async ({ keyId }, me) => deleteOwnKey(me, keyId), revalidate);
