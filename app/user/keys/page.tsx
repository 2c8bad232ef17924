import { PageHeading } from "@/components/ui/page-heading";
import { userPage } from "@/lib/auth/dal";
import { config } from "@/lib/config";
import { ownKeys, ownModels } from "@/lib/keys/own";
import { OwnKeys } from "./_components/own-keys";

// The signed-in user's own API keys, and how to connect a client with one.
export default async function UserKeysPage() {
  const me = await userPage("/user/keys");
  const [keys, models] = await Promise.all([ownKeys(me), ownModels(me)]);
  return (
    <div className="flex flex-col gap-6">
      <PageHeading title="API keys">Keys for your clients and agents. A key is shown once, when you create it.</PageHeading>
      <OwnKeys
        keys={keys.map(({ id, prefix, label, status, suspendedBy, createdAt, lastUsedAt }) => ({ id, prefix, label, status, suspendedBy, createdAt, lastUsedAt }))}
        appUrl={config().appUrl}
        models={models}
        impersonating={Boolean(me.impersonator)}
      />
    </div>
  );
}
