import type { Context } from "@fedify/fedify";
import { Flag } from "@fedify/vocab";

import { logger } from "../src/logging.ts";
import type { Report } from "../src/storage/types.ts";
import { sameOrigin } from "./inbox/journal.ts";
import { INSTANCE_ACTOR, type FederationServices } from "./services.ts";

const log = logger("federation", "reports");

/** Why a report cannot be forwarded, for a translated message. */
export class ForwardError extends Error {
  constructor(
    readonly code: "notRemote" | "noInbox" | "refused",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Sends a member's report about a remote reply to the reply's server as a
 * Flag, from the instance actor so the member who reported stays unnamed,
 * as Mastodon does. The Flag names the author and the reply, the shape
 * Mastodon's inbox expects. Returns the server's host.
 */
export async function forwardReport(ctx: Context<FederationServices>, report: Report): Promise<string> {
  const { store, config, moderation } = ctx.data;
  const reply = await store.replies.byIri(report.objectIris[0] ?? "");
  if (!reply || reply.local || sameOrigin(reply.authorIri, config.origin)) throw new ForwardError("notRemote", "Only reports about remote replies can be forwarded");
  if (!(await moderation.permits(reply.authorIri))) throw new ForwardError("refused", `${new URL(reply.authorIri).host} is blocked or not on the allowlist`);
  const author = await store.remoteActors.byIri(reply.authorIri);
  if (!author?.inbox) throw new ForwardError("noInbox", `No inbox is known for ${reply.authorIri}`);
  const instanceActor = ctx.getActorUri(INSTANCE_ACTOR);
  await ctx.sendActivity(
    { identifier: INSTANCE_ACTOR },
    { id: new URL(author.iri), inboxId: new URL(author.inbox), endpoints: author.sharedInbox ? { sharedInbox: new URL(author.sharedInbox) } : null },
    new Flag({
      id: new URL(`${instanceActor.href}#reports/${report.id}`),
      actor: instanceActor,
      objects: [new URL(reply.authorIri), new URL(reply.iri)],
      content: report.comment,
    }),
    { preferSharedInbox: true },
  );
  const host = new URL(reply.authorIri).host;
  log.info("Forwarded report {id} to {host}", { id: report.id, host });
  return host;
}
