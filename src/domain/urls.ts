import { createHash } from "node:crypto";

/**
 * URL scheme shared by pages and ActivityPub ids. The federation layer
 * registers its dispatchers on the same paths, so one URL serves HTML to
 * browsers and JSON-LD to ActivityPub clients.
 */
export const PATHS = {
  practice: (slug: string) => `/practices/${encodeURIComponent(slug)}`,
  practiceReplies: (slug: string) => `/practices/${encodeURIComponent(slug)}/replies`,
  remotePractice: (slug: string) => `/library/${encodeURIComponent(slug)}`,
  reply: (id: string) => `/replies/${encodeURIComponent(id)}`,
  actor: (identifier: string) => `/actors/${encodeURIComponent(identifier)}`,
  member: (username: string) => `/members/${encodeURIComponent(username)}`,
  library: (theme?: string) => (theme ? `/library?theme=${encodeURIComponent(theme)}` : "/library"),
} as const;

/** The HTML id of a reply on its discussion page, short and stable, since reply ids are long URLs. */
export function replyAnchor(iri: string): string {
  return `reply-${createHash("sha256").update(iri).digest("hex").slice(0, 12)}`;
}

export function absolute(origin: string, path: string): string {
  return new URL(path, origin).href;
}
