import type { Request, Response, Router } from "express";

import { domainCovers, MAX_REASON_LENGTH, MAX_REPORT_COMMENT_LENGTH, normalizeDomain } from "../../domain/moderation.ts";
import { consultationPath } from "../../domain/consultation-service.ts";
import { findDiscussionItem, type DiscussionItem } from "../../domain/discussion.ts";
import { learningPath } from "../../domain/learning-service.ts";
import { resourcePath } from "../../domain/resources.ts";
import { htmlToText } from "../../domain/text.ts";
import { replyAnchor } from "../../domain/urls.ts";
import { logger } from "../../logging.ts";
import type { Account, Reply, Report } from "../../storage/types.ts";
import { rememberActor } from "../../../federation/actors-cache.ts";
import { lookupActor, PartnerError } from "../../../federation/partners.ts";
import { forwardReport, ForwardError } from "../../../federation/reports.ts";
import { practicePath } from "../../../views/components/practice-card.ts";
import { html } from "../../../views/html.ts";
import { AuditPage, ConfirmAllowlistPage, DeleteReplyPage, DomainsPage, ModerationPage, ReportReplyPage, type ReportedObject, type ReportView } from "../../../views/pages/moderation.ts";
import { MessagePage } from "../../../views/pages/simple.ts";
import { pageContext, sendPage, type WebServices } from "../context.ts";
import { safeNext } from "./auth.ts";
import { allowConsultationModerators } from "./consultations.ts";
import { requireRole } from "./editor.ts";
import { describeReplies } from "../discussion.ts";

const log = logger("web", "moderation");

const AUDIT_PAGE_SIZE = 50;
const EXCERPT_LENGTH = 280;

function excerpt(reply: Reply): string {
  const text = htmlToText(reply.contentHtml);
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH - 1)}…` : text;
}

export function registerModerationRoutes(router: Router, services: WebServices): void {
  const { store, config, moderation } = services;
  const moderators = requireRole(services, ["admin", "editor", "reviewer"]);
  const admins = requireRole(services, ["admin"]);
  const members = requireRole(services, ["admin", "editor", "reviewer", "member"]);
  const replyModerators = allowConsultationModerators(services, moderators);

  async function notFound(request: Request, response: Response) {
    const context = await pageContext(services, request, response);
    sendPage(response, html`<${MessagePage} context=${context} title=${context.t("errors:notFoundTitle")} message=${context.t("errors:notFound")} />`, 404);
  }

  /** Finds the page a reply is on, with its anchor, for links back after an action. */
  async function replyPage(reply: Reply): Promise<{ href: string }> {
    const root = await findDiscussionItem(store, reply.rootIri);
    return { href: root ? `${itemPath(root)}#${replyAnchor(reply.iri)}` : "/" };
  }

  async function findReply(value: unknown): Promise<Reply | null> {
    return typeof value === "string" && value ? store.replies.byIri(value) : null;
  }

  // Queue and blocked accounts.

  async function describeReport(report: Report): Promise<ReportView> {
    const objects: ReportedObject[] = [];
    let forwardTo: string | null = null;
    for (const iri of report.objectIris) {
      const reply = await store.replies.byIri(iri);
      if (reply) {
        const [view] = await describeReplies(store, [reply]);
        const { href } = await replyPage(reply);
        objects.push({
          iri,
          kind: "reply",
          label: view.authorName,
          href,
          excerpt: reply.deleted ? null : excerpt(reply),
          hidden: reply.hidden !== null,
          deleted: reply.deleted !== null,
          author: { iri: reply.authorIri, local: reply.local, blocked: view.authorBlocked ?? false },
        });
        if (!reply.local && report.origin === "local" && forwardTo === null) forwardTo = new URL(reply.authorIri).host;
        continue;
      }
      const practice = await store.practices.byIri(iri);
      if (practice) {
        objects.push({ iri, kind: "item", label: practice.text[practice.primaryLanguage]?.title ?? practice.slug, href: practicePath(practice), excerpt: null, hidden: Boolean(practice.hidden), deleted: practice.deleted !== null });
        continue;
      }
      const actor = await store.remoteActors.byIri(iri);
      const local = iri.startsWith(`${config.origin}/actors/`) ? decodeURIComponent(iri.slice(`${config.origin}/actors/`.length)) : null;
      if (actor || local) {
        objects.push({ iri, kind: "account", label: actor?.handle ?? (local ? `@${local}` : iri), href: local ? `/members/${encodeURIComponent(local)}` : (actor?.url ?? null), excerpt: null, hidden: false, deleted: false });
        continue;
      }
      objects.push({ iri, kind: "unknown", label: iri, href: null, excerpt: null, hidden: false, deleted: false });
    }
    let reporter = report.reporterActor ?? "?";
    if (report.reporterAccountId !== null) reporter = (await store.accounts.byId(report.reporterAccountId))?.displayName ?? "?";
    else if (report.reporterActor) reporter = new URL(report.reporterActor).host;
    return { report, reporter, objects, forwardTo };
  }

  async function showQueue(request: Request, response: Response, blockForm = { actor: "", reason: "", error: null as string | null }, status = 200) {
    const context = await pageContext(services, request, response);
    const open = await Promise.all((await store.moderation.reports("open", 200)).map(describeReport));
    const resolved = await Promise.all((await store.moderation.reports("resolved", 20)).map(describeReport));
    const blocks = await store.moderation.actorBlocks();
    const actors = await store.remoteActors.byIris(blocks.map((block) => block.actorIri));
    const blockNames = new Map([...actors].map(([iri, actor]) => [iri, [actor.name, actor.handle].filter(Boolean).join(" ")]));
    sendPage(response, html`<${ModerationPage} context=${context} open=${open} resolved=${resolved} blocks=${blocks} blockNames=${blockNames} blockForm=${blockForm} />`, status);
  }

  router.get("/moderation", moderators, (request, response) => showQueue(request, response));

  async function reportAction(request: Request, response: Response, action: (account: Account, report: Report) => Promise<string>) {
    const report = await store.moderation.report(Number.parseInt(String(request.params.id), 10));
    if (!report) return notFound(request, response);
    const notice = await action(response.locals.account as Account, report);
    response.redirect(303, `/moderation?notice=${notice}`);
  }

  router.post("/moderation/reports/:id/resolve", moderators, (request, response) =>
    reportAction(request, response, async (account, report) => {
      await moderation.resolveReport(account, report);
      return "reportResolved";
    }));

  router.post("/moderation/reports/:id/reopen", moderators, (request, response) =>
    reportAction(request, response, async (account, report) => {
      await moderation.reopenReport(account, report);
      return "reportReopened";
    }));

  router.post("/moderation/reports/:id/forward", moderators, (request, response) =>
    reportAction(request, response, async (account, report) => {
      if (report.origin !== "local" || report.forwarded) return "forwardNotPossible";
      try {
        const host = await forwardReport(services.federation.context(), report);
        await moderation.reportForwarded(account, report, host);
        return "reportForwarded";
      } catch (error) {
        if (!(error instanceof ForwardError)) throw error;
        log.info("Report {id} not forwarded: {message}", { id: report.id, message: error.message });
        return "forwardNotPossible";
      }
    }));

  /**
   * Reads the account to block from a form: an actor this instance already
   * knows, or a handle or URL looked up as a fediverse actor. A page that is
   * not an actor, such as a profile page, is refused rather than blocked.
   */
  async function resolveActor(input: string): Promise<string | null> {
    if (/^https?:\/\//i.test(input) && (await store.remoteActors.byIri(input))) return input;
    try {
      const actor = await lookupActor(services.federation.context(), input);
      await rememberActor(store, actor, config.allowPrivateAddresses);
      return actor.id!.href;
    } catch (error) {
      if (!(error instanceof PartnerError)) throw error;
      log.info("Could not find the account {input} to block: {message}", { input, message: error.message });
      return null;
    }
  }

  router.post("/moderation/accounts/block", moderators, async (request, response) => {
    const input = String(request.body.actor ?? "").trim();
    const reason = String(request.body.reason ?? "");
    const context = await pageContext(services, request, response);
    const fail = (error: string) => showQueue(request, response, { actor: input, reason, error: context.t(`errors:${error}`) }, 422);
    if (!input) return fail("blockActorRequired");
    if (reason.length > MAX_REASON_LENGTH) return fail("reasonTooLong");
    const actorIri = await resolveActor(input);
    if (!actorIri) return fail("blockActorNotFound");
    if (new URL(actorIri).origin === new URL(config.origin).origin) return fail("blockActorLocal");
    await moderation.blockActor(response.locals.account as Account, actorIri, reason);
    log.info("{username} blocked {actor}", { username: (response.locals.account as Account).username, actor: actorIri });
    const next = request.body.next ? safeNext(request.body.next) : "/moderation";
    response.redirect(303, withNotice(next, "accountBlocked"));
  });

  router.post("/moderation/accounts/unblock", moderators, async (request, response) => {
    const actor = String(request.body.actor ?? "");
    await moderation.unblockActor(response.locals.account as Account, actor);
    log.info("{username} unblocked {actor}", { username: (response.locals.account as Account).username, actor });
    const next = request.body.next ? safeNext(request.body.next) : "/moderation";
    response.redirect(303, withNotice(next, "accountUnblocked"));
  });

  // Replies.

  router.post("/moderation/replies/hide", replyModerators, async (request, response) => {
    const reply = await findReply(request.body.reply);
    if (!reply || reply.deleted) return notFound(request, response);
    await moderation.hideReply(response.locals.account as Account, reply);
    log.info("{username} hid reply {reply}", { username: (response.locals.account as Account).username, reply: reply.iri });
    response.redirect(303, withNotice(request.body.next ? safeNext(request.body.next) : (await replyPage(reply)).href, "replyHidden"));
  });

  router.post("/moderation/replies/show", replyModerators, async (request, response) => {
    const reply = await findReply(request.body.reply);
    if (!reply || reply.deleted) return notFound(request, response);
    await moderation.showReply(response.locals.account as Account, reply);
    log.info("{username} showed reply {reply} again", { username: (response.locals.account as Account).username, reply: reply.iri });
    response.redirect(303, withNotice(request.body.next ? safeNext(request.body.next) : (await replyPage(reply)).href, "replyShown"));
  });

  async function showDelete(request: Request, response: Response, reply: Reply, error: string | null, own = false) {
    const context = await pageContext(services, request, response);
    const [view] = await describeReplies(store, [reply]);
    const { href } = await replyPage(reply);
    sendPage(response, html`<${DeleteReplyPage} context=${context} reply=${view} excerpt=${excerpt(reply)} backHref=${href} error=${error} own=${own} />`, error ? 422 : 200);
  }

  router.get("/moderation/replies/delete", replyModerators, async (request, response) => {
    const reply = await findReply(request.query.reply);
    if (!reply || reply.deleted) return notFound(request, response);
    await showDelete(request, response, reply, null);
  });

  router.post("/moderation/replies/delete", replyModerators, async (request, response) => {
    const reply = await findReply(request.body.reply);
    if (!reply || reply.deleted) return notFound(request, response);
    if (request.body.confirm !== "yes") return showDelete(request, response, reply, "deleteReplyConfirm");
    await moderation.deleteReply(response.locals.account as Account, reply);
    log.info("{username} deleted reply {reply}", { username: (response.locals.account as Account).username, reply: reply.iri });
    response.redirect(303, withNotice((await replyPage(reply)).href, "replyDeleted"));
  });

  // Authors deleting their own replies, which may reveal more than they meant to (a name, a place).

  async function ownReply(request: Request, response: Response, value: unknown): Promise<Reply | null> {
    const account = response.locals.account as Account | null;
    if (!account) {
      response.redirect(303, `/sign-in?next=${encodeURIComponent(request.originalUrl)}`);
      return null;
    }
    const reply = await findReply(value);
    if (!reply || reply.deleted || !reply.local || reply.authorAccountId !== account.id) {
      await notFound(request, response);
      return null;
    }
    return reply;
  }

  router.get("/account/replies/delete", async (request, response) => {
    const reply = await ownReply(request, response, request.query.reply);
    if (reply) await showDelete(request, response, reply, null, true);
  });

  router.post("/account/replies/delete", async (request, response) => {
    const reply = await ownReply(request, response, request.body.reply);
    if (!reply) return;
    if (request.body.confirm !== "yes") return showDelete(request, response, reply, "deleteReplyConfirm", true);
    await moderation.deleteReply(response.locals.account as Account, reply);
    log.info("{username} deleted their own reply {reply}", { username: (response.locals.account as Account).username, reply: reply.iri });
    response.redirect(303, withNotice((await replyPage(reply)).href, "replyDeleted"));
  });

  // Members' reports.

  async function showReportForm(request: Request, response: Response, reply: Reply, comment: string, error: string | null) {
    const context = await pageContext(services, request, response);
    const [view] = await describeReplies(store, [reply]);
    const { href } = await replyPage(reply);
    sendPage(response, html`<${ReportReplyPage} context=${context} reply=${view} excerpt=${excerpt(reply)} backHref=${href} comment=${comment} error=${error} />`, error ? 422 : 200);
  }

  router.get("/report", members, async (request, response) => {
    const reply = await findReply(request.query.reply);
    if (!reply || reply.deleted) return notFound(request, response);
    await showReportForm(request, response, reply, "", null);
  });

  router.post("/report", members, async (request, response) => {
    const reply = await findReply(request.body.reply);
    if (!reply || reply.deleted) return notFound(request, response);
    const comment = String(request.body.comment ?? "");
    if (!comment.trim()) return showReportForm(request, response, reply, comment, "reportCommentRequired");
    if (comment.length > MAX_REPORT_COMMENT_LENGTH) return showReportForm(request, response, reply, comment, "reportCommentTooLong");
    const report = await moderation.reportReply(response.locals.account as Account, reply, comment);
    log.info("Report {id} about {reply}", { id: report.id, reply: reply.iri });
    response.redirect(303, withNotice((await replyPage(reply)).href, "reportSent"));
  });

  // Domains and the audit log, for admins.

  async function showDomains(request: Request, response: Response, form = { domain: "", reason: "", kind: "block" as "block" | "allow", hide: true, error: null as string | null }, status = 200) {
    const context = await pageContext(services, request, response);
    sendPage(response, html`<${DomainsPage} context=${context} mode=${await moderation.mode()} rules=${await moderation.rules()} form=${form} />`, status);
  }

  router.get("/admin/domains", admins, (request, response) => showDomains(request, response));

  router.post("/admin/domains", admins, async (request, response) => {
    const input = String(request.body.domain ?? "");
    const reason = String(request.body.reason ?? "");
    const kind = request.body.kind === "allow" ? "allow" : "block";
    const hide = request.body.hide === "yes";
    const form = { domain: input, reason, kind: kind as "block" | "allow", hide };
    if (!input.trim()) return showDomains(request, response, { ...form, error: "domainRequired" }, 422);
    const domain = normalizeDomain(input);
    if (!domain) return showDomains(request, response, { ...form, error: "domainInvalid" }, 422);
    if (domain === new URL(config.origin).host || domain === new URL(config.origin).hostname) return showDomains(request, response, { ...form, error: "domainOwn" }, 422);
    if (reason.length > MAX_REASON_LENGTH) return showDomains(request, response, { ...form, error: "reasonTooLong" }, 422);
    const account = response.locals.account as Account;
    if (kind === "block") {
      const result = await moderation.blockDomain(account, domain, reason, hide);
      log.info("{username} blocked {domain}", { username: account.username, domain, ...result });
    } else {
      await moderation.allowDomain(account, domain, reason);
      log.info("{username} allowed {domain}", { username: account.username, domain });
    }
    response.redirect(303, `/admin/domains?notice=${kind === "block" ? "domainBlocked" : "domainAllowed"}`);
  });

  router.post("/admin/domains/remove", admins, async (request, response) => {
    await moderation.removeDomainRule(response.locals.account as Account, String(request.body.domain ?? ""));
    response.redirect(303, "/admin/domains?notice=domainRemoved");
  });

  // With few or no allowed domains the allowlist cuts partners off, so the domains page links here and only this page switches to it.
  router.get("/admin/domains/mode", admins, async (request, response) => {
    if ((await moderation.mode()) === "allowlist") return response.redirect(303, "/admin/domains");
    const context = await pageContext(services, request, response);
    const allowed = (await moderation.rules()).filter((rule) => rule.kind === "allow").map((rule) => rule.domain);
    const covered = (actorIri: string) => {
      try {
        const url = new URL(actorIri);
        return allowed.some((domain) => domainCovers(domain, url));
      } catch {
        return false;
      }
    };
    const cutOff = (await store.following.list()).filter((entry) => !covered(entry.actorIri)).map((entry) => entry.handle);
    const followers = (await store.followers.list(config.organizationHandle, "accepted", 500, 0)).items;
    const cutOffFollowers = followers.filter((follower) => !covered(follower.actorIri)).length;
    sendPage(response, html`<${ConfirmAllowlistPage} context=${context} allowedDomains=${allowed.length} cutOff=${cutOff} cutOffFollowers=${cutOffFollowers} />`);
  });

  router.post("/admin/domains/mode", admins, async (request, response) => {
    const mode = request.body.mode === "allowlist" ? "allowlist" : "open";
    await moderation.setMode(response.locals.account as Account, mode);
    log.info("Federation mode is now {mode}", { mode, username: (response.locals.account as Account).username });
    const allowed = (await moderation.rules()).some((rule) => rule.kind === "allow");
    response.redirect(303, `/admin/domains?notice=${mode === "allowlist" && !allowed ? "allowlistEmpty" : "saved"}`);
  });

  router.get("/admin/audit", admins, async (request, response) => {
    const context = await pageContext(services, request, response);
    const requested = Math.max(1, Number.parseInt(String(request.query.page ?? "1"), 10) || 1);
    const { total } = await store.moderation.auditLog(1, 0);
    const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
    const page = Math.min(requested, pages);
    const { items } = await store.moderation.auditLog(AUDIT_PAGE_SIZE, (page - 1) * AUDIT_PAGE_SIZE);
    sendPage(response, html`<${AuditPage} context=${context} entries=${items} page=${page} pages=${pages} />`);
  });
}

/** Returns the path of the page that shows an item and its discussion. */
function itemPath(root: DiscussionItem): string {
  switch (root.kind) {
    case "practice":
      return practicePath(root.item);
    case "consultation":
      return consultationPath(root.item.slug);
    case "resource":
      return resourcePath(root.item);
    case "learning":
      return learningPath(root.item.slug);
  }
}

/** Adds a notice to a path that may carry a fragment, keeping the fragment last. */
function withNotice(path: string, notice: string): string {
  const [base, fragment] = path.split("#");
  const separator = base.includes("?") ? "&" : "?";
  return `${base}${separator}notice=${notice}${fragment ? `#${fragment}` : ""}`;
}
