"use server";
import { z } from "zod";
import { adminAction } from "@/lib/auth/action";
import { createKey, deleteKey, renameKey, setKeyStatus } from "@/lib/keys";
import { KeyId, KeyLabel, KeyStatusField } from "@/lib/keys/schemas";
import { mailEnabled, sendWelcomeMail } from "@/lib/mail";
import { bulkPermissions, grant, revoke } from "@/lib/permissions";
import { BulkPermissions, Grant, Revoke } from "@/lib/permissions/schemas";
import { createUser, deleteUser, recordWelcomeMail, resetPassword, setActive, setAlerts, setRole, setTimezone, updateUser } from "@/lib/users";
import { CreateUser, Flag, ResetPassword, SetAlerts, SetRole, SetTimezone, UpdateUser, UserId } from "@/lib/users/schemas";

// Thin: each action is the admin gate + a schema + one call into lib/users. Ids travel in the payload
// and are parsed like every other field; what the admin may do to that record is re-checked in lib.

const revalidate = { revalidate: "/users" };

export const createUserAction = adminAction(
  CreateUser,
  async (input, admin) => {
    const user = await createUser(admin, input);
    if (!input.sendWelcome) return { id: user.id, mail: "not-requested" as const };
    if (!mailEnabled()) return { id: user.id, mail: "disabled" as const };
    try {
      await sendWelcomeMail(
        { username: input.username, email: input.email, displayName: input.displayName },
        input.includePassword ? input.password : undefined,
      );
      await recordWelcomeMail(admin, user, true);
      return { id: user.id, mail: "sent" as const };
    } catch (e) {
      console.error("[mail] welcome mail failed:", (e as Error).message);
      await recordWelcomeMail(admin, user, false);
      return { id: user.id, mail: "failed" as const };
    }
  },
  revalidate,
);

export const updateUserAction = adminAction(
  UpdateUser.extend({ id: UserId }),
  async ({ id, ...input }, admin) => updateUser(admin, id, input),
  revalidate,
);

export const setRoleAction = adminAction(SetRole.extend({ id: UserId }), async ({ id, role }, admin) => setRole(admin, id, role), revalidate);

// Answers when the new offset takes over the budget windows (null: at once), for the tab to say so.
export const setTimezoneAction = adminAction(
  SetTimezone.extend({ id: UserId }),
  async ({ id, timezoneOffsetHours }, admin) => setTimezone(admin, id, timezoneOffsetHours),
  revalidate,
);

export const setAlertsAction = adminAction(SetAlerts.extend({ id: UserId }), async ({ id, ...input }, admin) => setAlerts(admin, id, input), revalidate);

export const setActiveAction = adminAction(
  z.object({ id: UserId, active: Flag }),
  async ({ id, active }, admin) => setActive(admin, id, active),
  revalidate,
);

export const deleteUserAction = adminAction(z.object({ id: UserId }), async ({ id }, admin) => deleteUser(admin, id), revalidate);

export const resetPasswordAction = adminAction(
  ResetPassword.extend({ id: UserId }),
  async ({ id, password, mustChange }, admin) => resetPassword(admin, id, password, mustChange),
  revalidate,
);

// API keys of a user (the edit dialog's API Keys tab). The full key exists only in createKeyAction's
// answer; nothing stores, logs or renders it afterwards.

export const createKeyAction = adminAction(
  z.object({ userId: UserId, label: KeyLabel }),
  async ({ userId, label }, admin) => {
    const { key, prefix } = await createKey(admin, userId, label);
    return { key, prefix };
  },
  revalidate,
);

export const setKeyStatusAction = adminAction(
  z.object({ keyId: KeyId, status: KeyStatusField }),
  async ({ keyId, status }, admin) => setKeyStatus(admin, keyId, status),
  revalidate,
);

export const renameKeyAction = adminAction(z.object({ keyId: KeyId, label: KeyLabel }), async ({ keyId, label }, admin) => renameKey(admin, keyId, label), revalidate);

export const deleteKeyAction = adminAction(z.object({ keyId: KeyId }), async ({ keyId }, admin) => deleteKey(admin, keyId), revalidate);

// Permissions (the edit dialog's Permissions tab, and the bulk action on /users's selected rows).
// Unknown resource ids refuse the whole request at the `ids` field; grants already held are ignored.

export const grantAction = adminAction(Grant, async ({ userId, type, ids }, admin) => grant(admin, userId, type, ids), revalidate);

export const revokeAction = adminAction(Revoke, async ({ userId, grantIds }, admin) => revoke(admin, userId, grantIds), revalidate);

export const bulkPermissionsAction = adminAction(
  BulkPermissions,
  async ({ userIds, op, type, ids }, admin) => bulkPermissions(admin, userIds, op, type, ids),
  revalidate,
);
