import type { InboxContext } from "@fedify/fedify";
import type { Flag } from "@fedify/vocab";

import { htmlToText } from "../../src/domain/text.ts";
import type { FederationServices } from "../services.ts";
import { record, sameOrigin } from "./journal.ts";

type Ctx = InboxContext<FederationServices>;

/** Most objects one Flag may name; Mastodon sends the account and the reported posts. */
const MAX_FLAG_OBJECTS = 50;

/**
 * Flag: another server reports something we hold, such as a member's reply,
 * one of our items or accounts, or a remote reply shown in our discussions.
 * It goes to the moderators' queue; the same Flag twice is queued once.
 */
export async function onFlagged(ctx: Ctx, flag: Flag): Promise<void> {
  const { store, config, moderation } = ctx.data;
  if (!flag.actorId) return record(ctx, flag, "rejected", "Flag has no actor");
  if (!flag.id) return record(ctx, flag, "rejected", "Flag has no id");
  const objectIris = flag.objectIds.map((id) => id.href);
  if (objectIris.length === 0) return record(ctx, flag, "rejected", "Flag names nothing");
  if (objectIris.length > MAX_FLAG_OBJECTS) return record(ctx, flag, "rejected", `Flag names more than ${MAX_FLAG_OBJECTS} objects`);
  const held: string[] = [];
  for (const iri of objectIris) {
    if (sameOrigin(iri, config.origin) || (await store.replies.byIri(iri)) || (await store.practices.byIri(iri))) held.push(iri);
  }
  if (held.length === 0) return record(ctx, flag, "ignored", "Flag names nothing this instance holds");
  const comment = htmlToText(flag.content?.toString() ?? "");
  const report = await moderation.receiveFlag({ iri: flag.id.href, actorIri: flag.actorId.href, objectIris, comment });
  if (!report) return record(ctx, flag, "ignored", "Flag already received");
  await record(ctx, flag, "accepted", `Report ${report.id} queued for the moderators`);
}
