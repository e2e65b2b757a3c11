import type { InboxContext } from "@fedify/fedify";
import { getTypeId, type Activity, type Object as ASObject } from "@fedify/vocab";

import { logger } from "../../src/logging.ts";
import type { InboundOutcome } from "../../src/storage/types.ts";
import type { FederationServices } from "../services.ts";

const log = logger("federation", "inbox");

/**
 * Records what became of an inbound activity, in the inbound log that the
 * admin page shows and in the logs: accepted at info, rejected remote
 * input at debug, since the network sends junk every minute.
 */
export async function record(
  ctx: InboxContext<FederationServices>,
  activity: Activity,
  outcome: InboundOutcome,
  reason: string,
): Promise<void> {
  const type = typeName(activity);
  const fields = { activityId: activity.id?.href ?? null, type, actor: activity.actorId?.href ?? null, outcome, reason };
  if (outcome === "accepted") log.info("Accepted {type} from {actor}: {reason}", fields);
  else log.debug("Did not apply {type} from {actor}: {reason}", fields);
  await ctx.data.store.inboundLog.add({
    received: new Date().toISOString(),
    activityIri: fields.activityId,
    type,
    actorIri: fields.actor,
    outcome,
    reason,
  });
}

/** True when both URLs share scheme, host and port. */
export function sameOrigin(a: URL | string | null | undefined, b: URL | string | null | undefined): boolean {
  if (!a || !b) return false;
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** The ActivityStreams type of an object, such as "Like" or "EmojiReact", read from its type IRI rather than its class. */
export function typeName(object: ASObject): string {
  const iri = getTypeId(object).href;
  return iri.slice(Math.max(iri.lastIndexOf("#"), iri.lastIndexOf("/")) + 1);
}
