import type { Request, Response, Router } from "express";
import { isPublic } from "../../domain/workflow.ts";
import { ReviewPanel } from "../../../views/components/review.ts";
import { mayEditPractice } from "./editor.ts";
import { reviewActions, reviewHistory, seesReview } from "./review.ts";

import { organizationProfile } from "../../domain/organization.ts";
import type { Practice } from "../../domain/practice.ts";
import { absolute, PATHS } from "../../domain/urls.ts";
import { THEME_IDS } from "../../domain/vocabulary.ts";
import type { Account } from "../../storage/types.ts";
import { practicePath } from "../../../views/components/practice-card.ts";
import { resourcePath } from "../../domain/resources.ts";
import { html } from "../../../views/html.ts";
import { HomePage } from "../../../views/pages/home.ts";
import { LIBRARY_PAGE_SIZE, LibraryPage } from "../../../views/pages/library.ts";
import { LIBRARY_KINDS, type LibraryKind } from "../../domain/resource.ts";
import { libraryEntries } from "../library-entries.ts";
import { parseSearchText } from "../../search/query.ts";
import { PracticePage } from "../../../views/pages/practice.ts";
import { MemberPage, MessagePage, type ContributionView } from "../../../views/pages/simple.ts";
import { pageContext, sendPage, type WebServices } from "../context.ts";
import { partnerNames } from "../partner-names.ts";
import { EMPTY_REPLY_FORM, loadDiscussion, receiveReply, type ReplyForm } from "../discussion.ts";

const MAX_PAGE = 100_000;

export function registerPageRoutes(router: Router, services: WebServices) {
  const { store, config } = services;

  router.get("/", async (request, response) => {
    const context = await pageContext(services, request, response);
    const profile = await organizationProfile(store, config);
    const latest = await store.practices.list({ limit: 6, offset: 0 });
    const partners = (await store.following.list()).filter((entry) => entry.status === "accepted").length;
    const handle = `@${config.organizationHandle}@${new URL(config.origin).host}`;
    sendPage(response, html`<${HomePage} context=${context} profile=${profile} latest=${latest.items} handle=${handle} partnerCount=${partners} />`);
  });

  router.get("/library", async (request, response) => {
    const notice = request.query.notice === "resourceDeleted" ? "resources:notices.deleted" : null;
    const context = await pageContext(services, request, response);
    if (notice) context.notice = context.t(notice);
    const theme = typeof request.query.theme === "string" && (THEME_IDS as string[]).includes(request.query.theme) ? request.query.theme : null;
    const kind = (LIBRARY_KINDS as readonly string[]).includes(String(request.query.kind)) ? (request.query.kind as LibraryKind) : null;
    // Pages past the last one show an empty list; the cap keeps the SQL offset an integer.
    const page = Math.min(MAX_PAGE, Math.max(1, Number.parseInt(String(request.query.page ?? "1"), 10) || 1));
    const search = parseSearchText(request.query.q);
    // Text with no letter or digit, such as "*" or "-", searches nothing rather than listing everything.
    const searchError = search.error ?? (search.text !== "" && search.terms.length === 0 ? "noWords" : null);
    const { entries, total } = searchError
      ? { entries: [], total: 0 }
      : await libraryEntries(store, { terms: search.terms, theme, kind, page, pageSize: LIBRARY_PAGE_SIZE });
    const names = await partnerNames(store, entries.map((entry) => entry.item), context.language);
    sendPage(
      response,
      html`<${LibraryPage} context=${context} entries=${entries} total=${total} page=${page} theme=${theme} kind=${kind} sourceNames=${names}
        query=${search.text} queryError=${searchError} />`,
    );
  });

  async function showPractice(
    request: Request,
    response: Response,
    practice: Practice | null,
    replyForm: ReplyForm = EMPTY_REPLY_FORM,
    status = 200,
    reviewForm = { comment: "", error: null as string | null },
  ) {
    const context = await pageContext(services, request, response);
    const account = context.account;
    const hiddenFromReader = practice?.hidden && (account === null || account.role === "member");
    if (!practice || hiddenFromReader || (!isPublic(practice.status) && !seesReview(account, practice))) {
      return sendPage(response, html`<${MessagePage} context=${context} title=${context.t("errors:notFoundTitle")} message=${context.t("errors:notFound")} />`, 404);
    }
    if (practice.deleted) {
      return sendPage(response, html`<${MessagePage} context=${context} title=${context.t("errors:goneTitle")} message=${context.t("errors:gone")} />`, 410);
    }
    const { replies, likes, shares, replyTo } = await loadDiscussion(store, request, practice.iri);
    const names = await partnerNames(store, [practice], context.language);
    sendPage(
      response,
      html`<${PracticePage} context=${context} practice=${practice} sourceName=${practice.sourceActor ? names.get(practice.sourceActor) : null}
        replies=${replies} likes=${likes} shares=${shares} replyTo=${replyTo} replyForm=${replyForm}
        canEdit=${mayEditPractice(account, practice)} reviewError=${reviewForm.error} review=${seesReview(account, practice)
          ? html`<${ReviewPanel} context=${context} action=${`${practicePath(practice)}/review`} status=${practice.status}
              history=${await reviewHistory(store, practice.iri)} actions=${reviewActions(account, practice)} comment=${reviewForm.comment} error=${reviewForm.error} />`
          : null} />`,
      status,
    );
  }

  router.get("/practices/:slug", async (request, response) => {
    const practice = await store.practices.bySlug(request.params.slug);
    await showPractice(request, response, practice?.local ? practice : null);
  });

  router.get("/library/:slug", async (request, response) => {
    const practice = await store.practices.bySlug(request.params.slug);
    if (practice?.local) return response.redirect(301, practicePath(practice));
    await showPractice(request, response, practice);
  });

  async function reply(request: Request, response: Response, practice: Practice | null) {
    const account = response.locals.account as Account | null;
    // A copy that moderation hid is closed to members' replies, as it is to their reading.
    const hiddenFromReader = practice?.hidden && (account === null || account.role === "member");
    if (!practice || hiddenFromReader || practice.deleted || !isPublic(practice.status)) return showPractice(request, response, practice);
    await receiveReply(services, request, response, {
      rootIri: practice.iri,
      pagePath: practicePath(practice),
      show: (form) => showPractice(request, response, practice, form, 422),
    });
  }

  router.get("/members/:username", async (request, response) => {
    const context = await pageContext(services, request, response);
    const member = await store.accounts.byUsername(request.params.username);
    if (!member) {
      return sendPage(response, html`<${MessagePage} context=${context} title=${context.t("errors:notFoundTitle")} message=${context.t("errors:notFound")} />`, 404);
    }
    const handle = `@${member.username}@${new URL(config.origin).host}`;
    const replyCount = await store.replies.countByAuthor(absolute(config.origin, PATHS.actor(member.username)));
    // TODO: page the contributions once a member has written more than this many items of a kind.
    const query = { local: true, authorAccountId: member.id, limit: 100, offset: 0 };
    const contributions: ContributionView[] = [
      ...(await store.practices.list(query)).items.map((practice) => ({ kind: "practice" as const, path: practicePath(practice), text: practice.text, primaryLanguage: practice.primaryLanguage, published: practice.published ?? practice.updated })),
      ...(await store.resources.list(query)).items.map((resource) => ({ kind: "resource" as const, path: resourcePath(resource), text: resource.text, primaryLanguage: resource.primaryLanguage, published: resource.published ?? resource.updated })),
    ].sort((a, b) => b.published.localeCompare(a.published));
    sendPage(response, html`<${MemberPage} context=${context} member=${member} handle=${handle} replyCount=${replyCount} contributions=${contributions} />`);
  });

  router.post("/practices/:slug/replies", async (request, response) => {
    const practice = await store.practices.bySlug(request.params.slug);
    await reply(request, response, practice?.local ? practice : null);
  });

  router.post("/library/:slug/replies", async (request, response) => {
    const practice = await store.practices.bySlug(request.params.slug);
    await reply(request, response, practice && !practice.local ? practice : null);
  });
  return { showPractice };
}
