import { isActor, Link, type Actor } from "@fedify/vocab";
import { validatePublicUrl } from "@fedify/vocab-runtime";

import type { RemoteActor, RemoteImage, Store } from "../src/storage/types.ts";
import type { RemoteMedia } from "./remote-media.ts";
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

/** Reads the picture an actor embeds in `icon`, keeping the copy already made of the same URL; a picture given only by URL is not fetched. */
async function actorIcon(store: Store, actor: Actor): Promise<RemoteImage | null> {
  const refuseFetch = async (url: string): Promise<never> => {
    throw new Error(`Icon ${url} is not embedded`);
  };
  const icon = await actor.getIcon({ documentLoader: refuseFetch, contextLoader: refuseFetch, suppressError: true }).catch(() => null);
  const link = icon?.urls.find((url) => url instanceof URL || url instanceof Link);
  const href = link instanceof URL ? link.href : (link?.href?.href ?? null);
  if (!href || !/^https?:\/\//i.test(href)) return null;
  const known = (await store.remoteActors.byIri(actor.id!.href))?.icon;
  return known?.url === href ? known : { url: href, file: null, failure: null };
}

/**
 * Keeps what we show of a remote actor: name, handle, profile link and
 * inboxes. Links must be http(s), and inboxes public addresses unless
 * ALLOW_PRIVATE_ADDRESSES is on, because Fedify 2.3.6 delivers to any inbox.
 */
export async function rememberActor(store: Store, actor: Actor, allowPrivateAddresses = false, media?: RemoteMedia): Promise<RemoteActor | null> {
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
    icon: await actorIcon(store, actor),
  };
  await store.remoteActors.save(remote);
  if (media && remote.icon && !remote.icon.file && !remote.icon.failure) media.scheduleIcon(remote.iri);
  return remote;
}
