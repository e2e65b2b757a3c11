import type { InboxContext } from "@fedify/fedify";
import type { Audio, Create, Delete, Page, Update, Video } from "@fedify/vocab";

import { importPartnerResource } from "../resources.ts";
import type { FederationServices } from "../services.ts";
import { record, typeName } from "./journal.ts";

type Ctx = InboxContext<FederationServices>;

/** Create or Update of a Page, Video or Audio by a partner we follow: refresh the library copy from its origin. */
export async function onPartnerResource(ctx: Ctx, activity: Create | Update, object: Page | Video | Audio): Promise<void> {
  const actorId = activity.actorId!;
  const kind = typeName(object);
  const following = await ctx.data.store.following.get(actorId.href);
  if (!following || following.status === "rejected") return record(ctx, activity, "ignored", `${kind} from an actor this instance does not follow`);
  if (!object.id) return record(ctx, activity, "rejected", `${kind} has no id`);
  const existing = await ctx.data.store.resources.byIri(object.id.href);
  if (existing?.local) return record(ctx, activity, "rejected", "Remote actor tried to change a local resource");
  const result = await importPartnerResource(ctx, object.id.href, actorId.href);
  if (!result.ok) return record(ctx, activity, "rejected", result.reason);
  await record(ctx, activity, "accepted", result.created ? `Stored ${kind} ${object.id.href} in the library` : `Library copy of ${object.id.href} is current`);
}

/** Delete of a partner's resource: removes the copy. Returns false when no resource has that id, so other handlers can try. */
export async function onResourceDeleted(ctx: Ctx, deletion: Delete, objectId: URL, actorId: URL): Promise<boolean> {
  const resource = await ctx.data.store.resources.byIri(objectId.href);
  if (!resource) return false;
  if (resource.local || resource.sourceActor !== actorId.href) {
    await record(ctx, deletion, "rejected", "Only the resource's publisher may delete it");
    return true;
  }
  await ctx.data.store.resources.remove(resource.iri);
  await record(ctx, deletion, "accepted", `Removed library copy of ${resource.iri}`);
  return true;
}
