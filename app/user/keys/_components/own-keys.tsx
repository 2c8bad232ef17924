"use client";
import { useState } from "react";
import { KeysManager, type KeyActions, type KeyListItem } from "@/components/keys/keys-manager";
import { createOwnKeyAction, deleteOwnKeyAction, renameOwnKeyAction, setOwnKeyStatusAction } from "../actions";
import { HowToConnect } from "./connect";

// The portal's actions take the same payloads as the admin's key actions, minus the user (the session names it).
const actions: KeyActions = { create: createOwnKeyAction, setStatus: setOwnKeyStatusAction, delete: deleteOwnKeyAction, rename: renameOwnKeyAction };

/** The user's keys and, beside them, how to connect: with the key just created filled in, else a placeholder. */
export function OwnKeys({ keys, appUrl, models, impersonating = false }: { keys: KeyListItem[]; appUrl: string; models: string[]; impersonating?: boolean }) {
  const [newKey, setNewKey] = useState<string>();
  return (
    <div className="flex min-w-0 flex-col gap-6">
      <section className="min-w-0 rounded-lg border border-line bg-surface p-4 sm:p-6" aria-labelledby="keys-heading">
        <h2 id="keys-heading" className="mb-3 text-lg font-medium">
          Your keys
        </h2>
        <KeysManager
          keys={keys}
          actions={actions}
          viewer="owner"
          onCreated={setNewKey}
          // A new key is shown once: made by an impersonating admin, the user's credential would be in their hands.
          createRefused={impersonating ? "While impersonating, you cannot create an API key for the user." : undefined}
        />
      </section>
      <HowToConnect appUrl={appUrl} apiKey={newKey} models={models} />
    </div>
  );
}
