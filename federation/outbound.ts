import type { Context, Federation } from "@fedify/fedify";
import { Announce, Create, Delete, Tombstone, Update, type Recipient } from "@fedify/vocab";
import { nowInstant, toInstant } from "./time.ts";

import { findDiscussionItem } from "../src/domain/discussion.ts";
import type { DomainEvents } from "../src/domain/events.ts";
import type { Practice } from "../src/domain/practice.ts";
import { logger } from "../src/logging.ts";
import type { Reply } from "../src/storage/types.ts";
import { PUBLIC_COLLECTION } from "./context.ts";
import { sameOrigin } from "./inbox/journal.ts";
import { buildGroup, buildPerson } from "./actors.ts";
import { replyThreadContext } from "./thread-context.ts";
import { buildArticle, buildNote, practiceCreateId, replyMentions } from "./objects.ts";
import { sendResourceActivity } from "./resources.ts";
import type { Resource } from "../src/domain/resource.ts";
import type { ResourceEvents } from "../src/domain/resources.ts";
import type { FederationServices } from "./services.ts";

const log = logger("federation", "outbound");

/**
 * Most of the organization's followers a member's profile update goes to.
 * TODO: page through the followers once an organization has more than this many.
 */
const MAX_PROFILE_RECIPIENTS = 1000;

type Ctx = Context<FederationServices>;

/** DomainEvents whose reply hook can reuse the context of the inbox request that caused it. */
export interface DomainEventsWithContext extends DomainEvents {
  replyAdded(reply: Reply, ctx?: Ctx): Promise<void>;
}

/**
 * The one place where what happened locally becomes activities. Sending
 * only enqueues, and #send logs a failure instead of throwing it at the user.
 */
export class Outbound implements DomainEventsWithContext, ResourceEvents {
  constructor(
    private readonly federation: Federation<FederationServices>,
    private readonly services: FederationServices,
  ) {}

  #context(): Ctx {
    return this.federation.createContext(new URL(this.services.config.origin), this.services);
  }

  get #group(): string {
    return this.services.config.organizationHandle;
  }

  async #send(what: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      log.error("Could not queue {what}: {error}", { what, error });
    }
  }

  /** Sends the organization's Group, as its profile now reads, to its followers, so partners show its new name, summary and logo. */
  async organizationUpdated(): Promise<void> {
    await this.#send("Update of the organization's profile", async () => {
      const ctx = this.#context();
      const group = await buildGroup(ctx, this.#group);
      await ctx.sendActivity(
        { identifier: this.#group },
        "followers",
        new Update({
          id: new URL(`${group.id!.href}#updates/${crypto.randomUUID()}`),
          actor: group.id!,
          object: group,
          published: nowInstant(),
          to: new URL(PUBLIC_COLLECTION),
          cc: ctx.getFollowersUri(this.#group),
        }),
      );
    });
  }

  /** Sends a member's Person, as their profile now reads, to the people who follow them. */
  async memberUpdated(username: string): Promise<void> {
    await this.#send(`Update of ${username}'s profile`, async () => {
      const ctx = this.#context();
      const person = await buildPerson(ctx, username);
      if (!person) return;
      const update = new Update({
        id: new URL(`${person.id!.href}#updates/${crypto.randomUUID()}`),
        actor: person.id!,
        object: person,
        published: nowInstant(),
        to: new URL(PUBLIC_COLLECTION),
        cc: ctx.getFollowersUri(username),
      });
      await ctx.sendActivity({ identifier: username }, "followers", update);
      // Partner instances follow the organization, not each member, yet show members' replies; they get the new profile too.
      const partners = (await this.services.store.followers.list(this.#group, "accepted", MAX_PROFILE_RECIPIENTS, 0)).items;
      if (partners.length === 0) return;
      const recipients: Recipient[] = partners.map((follower) => ({
        id: new URL(follower.actorIri),
        inboxId: new URL(follower.inbox),
        endpoints: follower.sharedInbox ? { sharedInbox: new URL(follower.sharedInbox) } : null,
      }));
      await ctx.sendActivity({ identifier: username }, recipients, update, { preferSharedInbox: true });
    });
  }

  async practicePublished(practice: Practice): Promise<void> {
    await this.#send(`Create for ${practice.iri}`, async () => {
      const ctx = this.#context();
      const article = await buildArticle(ctx, practice);
      await ctx.sendActivity(
        { identifier: this.#group },
        "followers",
        new Create({
          id: practiceCreateId(practice),
          actor: ctx.getActorUri(this.#group),
          object: article,
          published: toInstant(practice.published ?? practice.updated),
          to: new URL(PUBLIC_COLLECTION),
          cc: ctx.getFollowersUri(this.#group),
        }),
        { preferSharedInbox: true, orderingKey: practice.iri },
      );
      log.info("Queued Create for {iri}", { iri: practice.iri });
    });
  }

  async practiceUpdated(practice: Practice): Promise<void> {
    await this.#send(`Update for ${practice.iri}`, async () => {
      const ctx = this.#context();
      const article = await buildArticle(ctx, practice);
      await ctx.sendActivity(
        { identifier: this.#group },
        "followers",
        new Update({
          id: new URL(`${practice.iri}#update-${Date.parse(practice.updated)}`),
          actor: ctx.getActorUri(this.#group),
          object: article,
          updated: toInstant(practice.updated),
          to: new URL(PUBLIC_COLLECTION),
          cc: ctx.getFollowersUri(this.#group),
        }),
        { preferSharedInbox: true, orderingKey: practice.iri },
      );
      log.info("Queued Update for {iri}", { iri: practice.iri });
    });
  }

  async practiceDeleted(practice: Practice): Promise<void> {
    await this.#send(`Delete for ${practice.iri}`, async () => {
      const ctx = this.#context();
      await ctx.sendActivity(
        { identifier: this.#group },
        "followers",
        new Delete({
          id: new URL(`${practice.iri}#delete`),
          actor: ctx.getActorUri(this.#group),
          object: new Tombstone({ id: new URL(practice.iri), deleted: toInstant(practice.deleted ?? practice.updated) }),
          to: new URL(PUBLIC_COLLECTION),
          cc: ctx.getFollowersUri(this.#group),
        }),
        { preferSharedInbox: true, orderingKey: practice.iri },
      );
      log.info("Queued Delete for {iri}", { iri: practice.iri });
    });
  }

  /**
   * A local reply goes as Create(Note) to the remote author of its parent and
   * to the remote owner of the item (practice, consultation, resource or
   * learning opportunity); a reply on one of our own items is
   * also announced by the organization so its followers see the thread.
   */
  async replyAdded(reply: Reply, inboxContext?: Ctx): Promise<void> {
    const ctx = inboxContext ?? this.#context();
    const { store } = this.services;
    const root = (await findDiscussionItem(store, reply.rootIri))?.item;
    if (reply.local && reply.authorAccountId !== null) {
      await this.#send(`Create for reply ${reply.iri}`, async () => {
        const author = await store.accounts.byId(reply.authorAccountId!);
        if (!author) return;
        const recipients = await this.#remoteRecipients([reply.inReplyTo, reply.rootIri]);
        if (recipients.length === 0) return;
        await ctx.sendActivity(
          { identifier: author.username },
          recipients,
          new Create({
            id: new URL(`${reply.iri}#create`),
            actor: ctx.getActorUri(author.username),
            object: buildNote(ctx, reply, author.username, await replyMentions(ctx, reply), await replyThreadContext(this.services.store, this.services.config.origin, reply.rootIri)),
            published: toInstant(reply.published),
            to: new URL(PUBLIC_COLLECTION),
            ccs: recipients.map((recipient) => recipient.id!),
          }),
          { preferSharedInbox: true },
        );
        log.info("Queued reply {iri} to {count} remote actors", { iri: reply.iri, count: recipients.length });
      });
    }
    if (root?.local) {
      await this.#send(`Announce of reply ${reply.iri}`, async () => {
        await ctx.sendActivity(
          { identifier: this.#group },
          "followers",
          new Announce({
            id: new URL(`${ctx.getActorUri(this.#group).href}#announces/${encodeURIComponent(reply.iri)}`),
            actor: ctx.getActorUri(this.#group),
            object: new URL(reply.iri),
            published: nowInstant(),
            to: new URL(PUBLIC_COLLECTION),
            cc: ctx.getFollowersUri(this.#group),
          }),
          { preferSharedInbox: true },
        );
      });
    }
  }

  /**
   * A moderator deleted a local reply: its author's server tells the remote
   * authors it was sent to, and the organization's followers, who received
   * it through the organization's Announce.
   */
  async replyDeleted(reply: Reply): Promise<void> {
    if (!reply.local || reply.authorAccountId === null) return;
    const { store } = this.services;
    await this.#send(`Delete for reply ${reply.iri}`, async () => {
      const author = await store.accounts.byId(reply.authorAccountId!);
      if (!author) return;
      const ctx = this.#context();
      const recipients = await this.#remoteRecipients([reply.inReplyTo, reply.rootIri]);
      const root = (await findDiscussionItem(store, reply.rootIri))?.item;
      if (root?.local) {
        const { items } = await store.followers.list(this.#group, "accepted", Number.MAX_SAFE_INTEGER, 0);
        for (const follower of items) {
          if (!(await this.services.moderation.permits(follower.inbox))) continue;
          recipients.push({ id: new URL(follower.actorIri), inboxId: new URL(follower.inbox), endpoints: follower.sharedInbox ? { sharedInbox: new URL(follower.sharedInbox) } : null });
        }
      }
      if (recipients.length === 0) return;
      await ctx.sendActivity(
        { identifier: author.username },
        recipients,
        new Delete({
          id: new URL(`${reply.iri}#delete`),
          actor: ctx.getActorUri(author.username),
          object: new Tombstone({ id: new URL(reply.iri), deleted: toInstant(reply.deleted ?? new Date().toISOString()) }),
          to: new URL(PUBLIC_COLLECTION),
        }),
        { preferSharedInbox: true, orderingKey: reply.iri },
      );
      log.info("Queued Delete for reply {iri} to {count} remote actors", { iri: reply.iri, count: recipients.length });
    });
  }

  async resourcePublished(resource: Resource): Promise<void> {
    await this.#send(`Create for ${resource.iri}`, () => sendResourceActivity(this.#context(), "create", resource));
  }

  async resourceUpdated(resource: Resource): Promise<void> {
    await this.#send(`Update for ${resource.iri}`, () => sendResourceActivity(this.#context(), "update", resource));
  }

  async resourceDeleted(resource: Resource): Promise<void> {
    await this.#send(`Delete for ${resource.iri}`, () => sendResourceActivity(this.#context(), "delete", resource));
  }

  /** The remote authors of the given items or replies, as recipients with their inboxes; servers moderation refuses are left out. */
  async #remoteRecipients(iris: string[]): Promise<Recipient[]> {
    const { store, config } = this.services;
    const authors = new Set<string>();
    for (const iri of iris) {
      const item = (await findDiscussionItem(store, iri))?.item;
      if (item && !item.local) authors.add(item.attributedTo);
      const reply = await store.replies.byIri(iri);
      if (reply && !reply.local) authors.add(reply.authorIri);
    }
    const known = await store.remoteActors.byIris([...authors]);
    const recipients: Recipient[] = [];
    for (const iri of authors) {
      if (sameOrigin(iri, config.origin)) continue;
      const actor = known.get(iri);
      if (!(await this.services.moderation.permits(iri))) {
        log.info("Not delivering to {actor}: its server is blocked or not on the allowlist", { actor: iri });
        continue;
      }
      if (!actor?.inbox) {
        log.warn("No inbox known for {actor}; reply not delivered to it", { actor: iri });
        continue;
      }
      recipients.push({ id: new URL(iri), inboxId: new URL(actor.inbox), endpoints: actor.sharedInbox ? { sharedInbox: new URL(actor.sharedInbox) } : null });
    }
    return recipients;
  }
}
