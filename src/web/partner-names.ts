import { remoteActorName, type ShownText } from "../domain/organization.ts";
import type { Store } from "../storage/types.ts";

/** Names, in the reader's language where the partner gives one, of the partners whose copies are listed. */
export async function partnerNames(store: Store, items: { sourceActor: string | null }[], language: string): Promise<Map<string, ShownText>> {
  const sources = [...new Set(items.map((item) => item.sourceActor).filter((source): source is string => source !== null))];
  const actors = await store.remoteActors.byIris(sources);
  return new Map([...actors].map(([iri, actor]) => [iri, remoteActorName(actor, language)]));
}
