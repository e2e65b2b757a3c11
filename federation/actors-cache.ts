import { isActor, type Actor } from "@fedify/vocab";
import { validatePublicUrl } from "@fedify/vocab-runtime";

import type { RemoteActor, Store } from "../src/storage/types.ts";
import { typeName } from "./inbox/journal.ts";

/** Returns the URL when it is http(s) and, unless private addresses are allowed, public; else null. */
async function checkedUrl(url: string | null | undefined, allowPrivateAddresses: boolean): Promise<string | null> {
  if (!url || !/^https?:\/\//i.test(url)) return null;
  if (allowPrivateAddresses) return url;
  try {
    await validatePublicUrl(url);
    return url;
  } catch {
    return null;
  }
}

/**
 * Keeps what we show of a remote actor: name, handle, profile link and
 * inboxes. Links must be http(s), and inboxes public addresses unless
 * ALLOW_PRIVATE_ADDRESSES is on, because Fedify 2.3.6 delivers to any inbox.
 */
export async function rememberActor(store: Store, actor: Actor, allowPrivateAddresses = false): Promise<RemoteActor | null> {
  if (!actor.id || !isActor(actor)) return null;
  const host = actor.id.host;
  const username = actor.preferredUsername?.toString() ?? null;
  const declaredUrl = actor.url instanceof URL ? actor.url.href : (actor.url?.href?.href ?? null);
  const url = declaredUrl && /^https?:\/\//i.test(declaredUrl) ? declaredUrl : actor.id.href;
  const remote: RemoteActor = {
    iri: actor.id.href,
    handle: username ? `@${username}@${host}` : null,
    name: actor.name?.toString() ?? username,
    url,
    type: typeName(actor),
    inbox: await checkedUrl(actor.inboxId?.href, allowPrivateAddresses),
    sharedInbox: await checkedUrl(actor.endpoints?.sharedInbox?.href, allowPrivateAddresses),
    fetched: new Date().toISOString(),
  };
  await store.remoteActors.save(remote);
  return remote;
}
