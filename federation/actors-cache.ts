import { isActor, Link, type Actor } from "@fedify/vocab";
import { LanguageString, validatePublicUrl } from "@fedify/vocab-runtime";

import { htmlToText } from "../src/domain/text.ts";
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

/** Maximum lengths, in characters, of the name and summary kept of a remote actor. Longer ones are cut. */
const MAX_NAME_LENGTH = 200;
const MAX_SUMMARY_LENGTH = 2000;

/**
 * Collects the language-tagged values of a property (`nameMap`, `summaryMap`)
 * as plain text, keyed by primary language subtag ("fr" for "fr-CA"). The
 * first value of each language wins, and untagged values are left out.
 */
function languageValues(values: readonly (string | LanguageString)[], maxLength: number): Record<string, string> {
  const found: Record<string, string> = {};
  for (const value of values) {
    if (!(value instanceof LanguageString)) continue;
    const language = value.locale.language.toLowerCase();
    const text = htmlToText(value.toString()).slice(0, maxLength);
    if (text && !(language in found)) found[language] = text;
  }
  return found;
}

/**
 * Keeps what we show of a remote actor: name (and its translations), summary, handle, profile link and
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
    names: languageValues(actor.names, MAX_NAME_LENGTH),
    summaries: languageValues(actor.summaries, MAX_SUMMARY_LENGTH),
  };
  // A summary without a language tag (as Mastodon sends) is kept under "und", the BCP 47 code for an undetermined language.
  const untaggedSummary = actor.summaries.find((value) => !(value instanceof LanguageString));
  const untaggedText = untaggedSummary === undefined ? "" : htmlToText(untaggedSummary.toString()).slice(0, MAX_SUMMARY_LENGTH);
  if (untaggedText && Object.keys(remote.summaries!).length === 0) remote.summaries!.und = untaggedText;
  await store.remoteActors.save(remote);
  if (media && remote.icon && !remote.icon.file && !remote.icon.failure) media.scheduleIcon(remote.iri);
  return remote;
}
