import type { LibraryKind } from "../domain/resource.ts";
import type { LibraryHit, Store } from "../storage/types.ts";

/** One item of the library listing: a practice or a resource, the same shape as a search hit. */
export type LibraryEntry = LibraryHit;

/** Largest number of items merged per table for a page of the mixed listing. */
const MAX_MERGED = 2000;

function listedAt(entry: LibraryEntry): string {
  return entry.item.published ?? entry.item.updated;
}

/**
 * Lists one page of the library: practices, resources, recordings, or all of
 * them. With search terms, the items matching all of them come most relevant
 * first; without, newest first. The mixed listing without terms reads every
 * item up to the end of the page from both tables and merges them, so it
 * reads more rows the deeper the page is.
 */
export async function libraryEntries(
  store: Store,
  options: { terms: string[]; theme: string | null; kind: LibraryKind | null; page: number; pageSize: number },
): Promise<{ entries: LibraryEntry[]; total: number }> {
  const theme = options.theme ?? undefined;
  const offset = (options.page - 1) * options.pageSize;
  if (options.terms.length > 0) {
    const { hits, total } = await store.search.library({ terms: options.terms, kind: options.kind, theme, limit: options.pageSize, offset });
    return { entries: hits, total };
  }
  if (options.kind === "practice") {
    const { items, total } = await store.practices.list({ theme, limit: options.pageSize, offset });
    return { entries: items.map((item) => ({ kind: "practice", item })), total };
  }
  if (options.kind === "resource" || options.kind === "media") {
    const { items, total } = await store.resources.list({ theme, media: options.kind === "media", limit: options.pageSize, offset });
    return { entries: items.map((item) => ({ kind: "resource", item })), total };
  }
  // TODO: page the mixed listing with a keyset cursor; past MAX_MERGED items per table its deeper pages come out empty.
  const end = Math.min(offset + options.pageSize, MAX_MERGED);
  const [practices, resources] = await Promise.all([
    store.practices.list({ theme, limit: end, offset: 0 }),
    store.resources.list({ theme, limit: end, offset: 0 }),
  ]);
  const merged: LibraryEntry[] = [
    ...practices.items.map((item): LibraryEntry => ({ kind: "practice", item })),
    ...resources.items.map((item): LibraryEntry => ({ kind: "resource", item })),
  ].sort((a, b) => (listedAt(a) < listedAt(b) ? 1 : listedAt(a) > listedAt(b) ? -1 : a.item.iri.localeCompare(b.item.iri)));
  return { entries: merged.slice(offset, offset + options.pageSize), total: practices.total + resources.total };
}
