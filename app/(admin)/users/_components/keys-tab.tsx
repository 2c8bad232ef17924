"use client";
import { useMemo } from "react";
import { KeysManager, type KeyActions, type KeyListItem } from "@/components/keys/keys-manager";
import { createKeyAction, deleteKeyAction, renameKeyAction, setKeyStatusAction } from "../actions";

/**
 * The edit dialog's API Keys tab: the shared keys UI with the admin actions. Those take the user's id
 * in the payload (the key actions — status, rename, delete — take the key's id, which the UI sends itself), so create gets it
 * added here, last, so that nothing the form sends can name another user.
 */
export function KeysTab({ userId, keys }: { userId: string; keys: KeyListItem[] }) {
  const actions = useMemo<KeyActions>(
    () => ({
      create: (prev, payload) => createKeyAction(prev, { ...(payload as Record<string, unknown>), userId }),
      setStatus: setKeyStatusAction,
      delete: deleteKeyAction,
      rename: renameKeyAction,
    }),
    [userId],
  );
  return <KeysManager keys={keys} actions={actions} />;
}
