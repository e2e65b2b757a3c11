import type { Federation, RequestContext } from "@fedify/fedify";
import { Article, Image, Mention, Note } from "@fedify/vocab";
import { LanguageString } from "@fedify/vocab-runtime";
import { isPublic } from "../src/domain/workflow.ts";

import { findDiscussionItem } from "../src/domain/discussion.ts";
import type { Practice } from "../src/domain/practice.ts";
import { absolute, PATHS } from "../src/domain/urls.ts";
import type { Reply } from "../src/storage/types.ts";
import { createOfflineContextLoader, PUBLIC_COLLECTION } from "./context.ts";
import { sameOrigin } from "./inbox/journal.ts";
import { practiceToArticle } from "./mapping.ts";
import { replyThreadContext, threadContextUrl } from "./thread-context.ts";
import type { FederationServices } from "./services.ts";
import { toInstant } from "./time.ts";

type Context = RequestContext<FederationServices> | import("@fedify/fedify").Context<FederationServices>;

/** Builds the Article for a local practice, keeping Minga's own fields when Fedify serializes it. */
export async function buildArticle(ctx: Context, practice: Practice): Promise<Article> {
  const { config, store } = ctx.data;
  const [reactions, replies] = await Promise.all([store.reactions.count(practice.iri), store.replies.countForRoot(practice.iri)]);
  const json = practiceToArticle(
    practice,
    {
      origin: config.origin,
      group: ctx.getActorUri(config.organizationHandle).href,
      followers: ctx.getFollowersUri(config.organizationHandle).href,
      replies: absolute(config.origin, PATHS.practiceReplies(practice.slug)),
      context: threadContextUrl(config.origin, "practice", practice.slug),
      themeUrl: (theme) => absolute(config.origin, PATHS.library(theme)),
    },
    { likes: reactions.like, shares: reactions.announce, replies },
  );
  // Parsing our own JSON gives an Article that serializes back to exactly this JSON when served by id.
  const loader = createOfflineContextLoader(config.origin);
  return Article.fromJsonLd(json, { documentLoader: loader, contextLoader: loader });
}

/**
 * Returns the id of the Create that announces a local item of any kind. The
 * id is stable, so re-reading the outbox gives the same activity that was sent.
 */
export function practiceCreateId(item: Pick<Practice, "iri">): URL {
  return new URL(`${item.iri}#create`);
}

/** A remote actor a reply mentions: the author of the reply or item it responds to. */
export interface Mentioned {
  iri: string;
  handle: string | null;
}

/**
 * Finds the remote authors of the reply's parent and of the item it belongs
 * to. They are mentioned in the Note, since Mastodon notifies people of
 * Mention tags, not of addressing alone.
 */
export async function replyMentions(ctx: Context, reply: Reply): Promise<Mentioned[]> {
  const { store, config } = ctx.data;
  const authors = new Set<string>();
  for (const iri of [reply.inReplyTo, reply.rootIri]) {
    const item = (await findDiscussionItem(store, iri))?.item;
    if (item && !item.local) authors.add(item.attributedTo);
    const parent = await store.replies.byIri(iri);
    if (parent && !parent.local) authors.add(parent.authorIri);
  }
  const known = await store.remoteActors.byIris([...authors]);
  return [...authors]
    .filter((iri) => !sameOrigin(iri, config.origin))
    .map((iri) => ({ iri, handle: known.get(iri)?.handle ?? null }));
}

/** Builds the Note for a local member's reply. */
export function buildNote(ctx: Context, reply: Reply, authorUsername: string, mentions: Mentioned[], threadContext: URL | null = null): Note {
  const { config } = ctx.data;
  return new Note({
    id: new URL(reply.iri),
    attribution: ctx.getActorUri(authorUsername),
    contents: reply.language ? [reply.contentHtml, new LanguageString(reply.contentHtml, reply.language)] : [reply.contentHtml],
    mediaType: "text/html",
    replyTarget: new URL(reply.inReplyTo),
    contexts: threadContext ? [threadContext] : [],
    // Mastodon reads an attachment's `name` as its alt text.
    attachments: (reply.attachments ?? [])
      .filter((attachment) => attachment.kind === "image" && attachment.file)
      .map((attachment) => new Image({ url: new URL(attachment.url), mediaType: attachment.mediaType, name: attachment.description })),
    url: new URL(reply.url ?? reply.iri),
    published: toInstant(reply.published),
    updated: reply.updated ? toInstant(reply.updated) : null,
    to: new URL(PUBLIC_COLLECTION),
    ccs: [ctx.getFollowersUri(config.organizationHandle), ctx.getFollowersUri(authorUsername), ...mentions.map((mention) => new URL(mention.iri))],
    tags: mentions.map((mention) => new Mention({ href: new URL(mention.iri), name: mention.handle })),
  });
}

/** Registers the Article and Note dispatchers and each practice's replies collection; federation/outbox.ts registers the outbox. */
export function registerObjects(federation: Federation<FederationServices>): void {
  federation.setObjectDispatcher(Article, "/practices/{slug}", async (ctx, values) => {
    const practice = await ctx.data.store.practices.bySlug(values.slug);
    if (!practice || !practice.local || !isPublic(practice.status) || practice.deleted) return null;
    return buildArticle(ctx, practice);
  });

  federation.setObjectDispatcher(Note, "/replies/{id}", async (ctx, values) => {
    const { store, config } = ctx.data;
    const reply = await store.replies.byIri(absolute(config.origin, PATHS.reply(values.id)));
    if (!reply || !reply.local || reply.deleted || reply.hidden || reply.authorAccountId === null) return null;
    const author = await store.accounts.byId(reply.authorAccountId);
    return author ? buildNote(ctx, reply, author.username, await replyMentions(ctx, reply), await replyThreadContext(store, config.origin, reply.rootIri)) : null;
  });

  federation
    .setOrderedCollectionDispatcher("replies", Note, "/practices/{slug}/replies", async (ctx, values) => {
      const { store } = ctx.data;
      const practice = await store.practices.bySlug(values.slug);
      if (!practice || !practice.local || !isPublic(practice.status) || practice.deleted) return null;
      const replies = (await store.replies.listForRoot(practice.iri)).filter((reply) => !reply.deleted && !reply.hidden);
      return { items: replies.map((reply) => new URL(reply.iri)) as unknown as Note[] };
    })
    .setCounter(async (ctx, values) => {
      const practice = await ctx.data.store.practices.bySlug(values.slug);
      return practice ? ctx.data.store.replies.countForRoot(practice.iri) : null;
    });
}

