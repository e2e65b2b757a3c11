import type { Request, Response, Router } from "express";

import type { Practice } from "../../domain/practice.ts";
import { ReviewError } from "../../domain/practices.ts";
import { missingAccessibilityKey, type Resource } from "../../domain/resource.ts";
import { InaccessibleMediaError } from "../../domain/resources.ts";
import { pickLanguage } from "../../domain/text.ts";
import { allowedActions, isPublic, REVIEW_ACTIONS, type ReviewAction } from "../../domain/workflow.ts";
import { logger } from "../../logging.ts";
import type { Account, Store } from "../../storage/types.ts";
import { practicePath } from "../../../views/components/practice-card.ts";
import { changesWereRequested, OwnSubmissions, ReviewQueue, type QueueItem, type ReviewStep } from "../../../views/components/review.ts";
import { html } from "../../../views/html.ts";
import { Layout } from "../../../views/layout.ts";
import { pageContext, sendPage, type WebServices } from "../context.ts";
import { isStaff, requireRole } from "./editor.ts";

const log = logger("web", "review");

/** Loads the review history of an item, with names, for its review panel. */
export async function reviewHistory(store: Store, itemIri: string): Promise<ReviewStep[]> {
  const entries = await store.reviews.forItem(itemIri);
  const steps: ReviewStep[] = [];
  for (const entry of entries) {
    const account = entry.accountId === null ? null : await store.accounts.byId(entry.accountId);
    steps.push({ who: account?.displayName ?? "?", action: entry.action, toStatus: entry.toStatus, comment: entry.comment, created: entry.created });
  }
  return steps;
}

/** Returns whether the reader may see an item's review panel, as its author or as staff. */
export function seesReview(account: Account | null, item: Practice | Resource): boolean {
  return item.local && account !== null && (account.role !== "member" || item.authorAccountId === account.id);
}

/** Lists the review actions the reader may take on an item now. */
export function reviewActions(account: Account | null, item: Practice | Resource): ReviewAction[] {
  if (!account || !item.local || item.deleted) return [];
  return allowedActions(item.status, account.role, item.authorAccountId === account.id);
}

export function registerReviewRoutes(
  router: Router,
  services: WebServices,
  show: {
    practice: (request: Request, response: Response, practice: Practice, review: { comment: string; error: string | null }, status: number) => Promise<void>;
    resource: (request: Request, response: Response, resource: Resource, review: { comment: string; error: string | null }, status: number) => Promise<void>;
  },
): void {
  const { store } = services;
  const signedIn = requireRole(services, ["admin", "editor", "reviewer", "member"]);

  async function notFound(request: Request, response: Response) {
    const context = await pageContext(services, request, response);
    sendPage(response, html`<${Layout} context=${context} title=${context.t("errors:notFoundTitle")}><h1>${context.t("errors:notFoundTitle")}</h1><p>${context.t("errors:notFound")}</p><//>`, 404);
  }

  function parse(request: Request): { action: ReviewAction | null; comment: string } {
    const action = (REVIEW_ACTIONS as readonly string[]).includes(String(request.body.action)) ? (request.body.action as ReviewAction) : null;
    return { action, comment: String(request.body.comment ?? "") };
  }

  router.post("/practices/:slug/review", signedIn, async (request, response) => {
    const practice = await store.practices.bySlug(String(request.params.slug));
    const account = response.locals.account as Account;
    if (!practice || !practice.local || practice.deleted || !seesReview(account, practice)) return notFound(request, response);
    const { action, comment } = parse(request);
    try {
      if (!action) throw new ReviewError("notAllowed");
      const saved = await services.practices.review(practice, action, account, comment);
      response.redirect(303, `${practicePath(saved)}?notice=review.${action}#review-heading`);
    } catch (error) {
      if (!(error instanceof ReviewError)) throw error;
      await show.practice(request, response, practice, { comment, error: `review.${error.code}` }, error.code === "notAllowed" ? 403 : 422);
    }
  });

  router.post("/resources/:slug/review", signedIn, async (request, response) => {
    const resource = await store.resources.bySlug(String(request.params.slug));
    const account = response.locals.account as Account;
    if (!resource || !resource.local || resource.deleted || !seesReview(account, resource)) return notFound(request, response);
    const { action, comment } = parse(request);
    try {
      if (!action) throw new ReviewError("notAllowed");
      const saved = await services.resources.review(resource, action, account, comment);
      response.redirect(303, `/resources/${encodeURIComponent(saved.slug)}?notice=review.${action}#review-heading`);
    } catch (error) {
      if (error instanceof InaccessibleMediaError) {
        log.info("Publishing resource {slug} was held back because it lacks {missing}", { slug: resource.slug, missing: error.missing, username: account.username });
        return show.resource(request, response, resource, { comment, error: `resources:errors.inaccessibleReview.${missingAccessibilityKey(error.missing)}` }, 422);
      }
      if (!(error instanceof ReviewError)) throw error;
      await show.resource(request, response, resource, { comment, error: `review.${error.code}` }, error.code === "notAllowed" ? 403 : 422);
    }
  });

  /**
   * Lists what waits for review, for the staff, and the reader's own drafts
   * and submissions, so a member finds what they handed in and what came
   * back with a request for changes.
   */
  router.get("/review", signedIn, async (request, response) => {
    const context = await pageContext(services, request, response);
    const account = response.locals.account as Account;
    const waiting = (status: string) => status === "submitted" || status === "in_review";
    const queue: QueueItem[] = [];
    const own: QueueItem[] = [];
    const names = new Map<number, string>();
    const author = async (id: number | null) => {
      if (id === null) return "?";
      if (!names.has(id)) names.set(id, (await store.accounts.byId(id))?.displayName ?? "?");
      return names.get(id)!;
    };
    const addToLists = async (item: Practice | Resource, link: Pick<QueueItem, "title" | "href" | "kind">) => {
      const inQueue = isStaff(account) && waiting(item.status);
      const isOwn = item.authorAccountId === account.id && !isPublic(item.status);
      if (!inQueue && !isOwn) return;
      const changesRequested = item.status === "draft" && changesWereRequested((await store.reviews.forItem(item.iri)).map((entry) => entry.action));
      const entry: QueueItem = { ...link, status: item.status, changesRequested, author: await author(item.authorAccountId), updated: item.updated };
      if (inQueue) queue.push(entry);
      if (isOwn) own.push(entry);
    };
    // TODO: query the store for waiting and own items once an instance has more than 1,000 local items of a kind, because these scans stop there.
    for (const practice of (await store.practices.list({ local: true, includeDrafts: true, limit: 1000, offset: 0 })).items) {
      const title = pickLanguage(practice.text, context.language, practice.primaryLanguage)?.value.title ?? practice.slug;
      await addToLists(practice, { title, href: practicePath(practice), kind: "practice" });
    }
    for (const resource of (await store.resources.list({ local: true, includeDrafts: true, limit: 1000, offset: 0 })).items) {
      const title = pickLanguage(resource.text, context.language, resource.primaryLanguage)?.value.title ?? resource.slug;
      await addToLists(resource, { title, href: `/resources/${encodeURIComponent(resource.slug)}`, kind: "resource" });
    }
    queue.sort((a, b) => a.updated.localeCompare(b.updated));
    own.sort((a, b) => b.updated.localeCompare(a.updated));
    const title = context.t(isStaff(account) ? "review.queueTitle" : "review.ownTitle");
    sendPage(response, html`<${Layout} context=${context} title=${title}>
      <h1>${title}</h1>
      ${isStaff(account) ? html`<${ReviewQueue} context=${context} items=${queue} />` : null}
      <${OwnSubmissions} context=${context} items=${own} headed=${isStaff(account)} />
    <//>`);
  });
}
