import { isActor, type Actor } from "@fedify/vocab";

import type { RemoteActor, Store } from "../src/storage/types.ts";
import { typeName } from "./inbox/journal.ts";

/** Keeps what we show of a remote actor: name, handle, profile link, inboxes. */
export async function rememberActor(store: Store, actor: Actor): Promise<RemoteActor | null> {
  if (!actor.id || !isActor(actor)) return null;
  const host = actor.id.host;
  const username = actor.preferredUsername?.toString() ?? null;
  const url = actor.url instanceof URL ? actor.url.href : (actor.url?.href?.href ?? actor.id.href);
  const remote: RemoteActor = {
    iri: actor.id.href,
    handle: username ? `@${username}@${host}` : null,
    name: actor.name?.toString() ?? username,
    url,
    type: typeName(actor),
    inbox: actor.inboxId?.href ?? null,
    sharedInbox: actor.endpoints?.sharedInbox?.href ?? null,
    fetched: new Date().toISOString(),
  };
  await store.remoteActors.save(remote);
  return remote;
}
