import { formatDateTime } from "../../src/domain/dates.ts";
import type { DomainRule, ActorBlock, AuditEntry, Report } from "../../src/storage/types.ts";
import type { ReplyView } from "../components/discussion.ts";
import { CsrfField, html, type PageContext } from "../html.ts";
import { AdminNav, Layout } from "../layout.ts";


/** One reported object as the queue shows it: a reply with its text, an item, or an account. */
export interface ReportedObject {
  iri: string;
  kind: "reply" | "item" | "account" | "unknown";
  label: string;
  href: string | null;
  excerpt: string | null;
  hidden: boolean;
  deleted: boolean;
  /** For a reply: its author, so moderators can act on the reply and its author from the queue. */
  author?: { iri: string; local: boolean; blocked: boolean };
}

export interface ReportView {
  report: Report;
  reporter: string;
  objects: ReportedObject[];
  /** Host of the reported reply's server when the report may be forwarded there as a Flag. */
  forwardTo: string | null;
}

/** Renders a field's error, tied to its input by id. */
function FieldError(props: { id: string; message: string | null }) {
  return props.message ? html`<p class="field-error" id=${props.id}>${props.message}</p>` : null;
}

/** Hide or show, delete, and block or unblock the author of a reported reply, from the queue itself. */
function ReplyActions(props: { context: PageContext; object: ReportedObject }) {
  const { t } = props.context;
  const { object } = props;
  const author = object.author!;
  return html`
    <div class="moderation-actions">
      <form method="post" action=${object.hidden ? "/moderation/replies/show" : "/moderation/replies/hide"} class="inline-form">
        <${CsrfField} context=${props.context} />
        <input type="hidden" name="reply" value=${object.iri} /><input type="hidden" name="next" value="/moderation" />
        <button type="submit" class="secondary" aria-label=${t(object.hidden ? "moderation.showNamed" : "moderation.hideNamed", { name: object.label })}>${t(object.hidden ? "moderation.show" : "moderation.hide")}</button>
      </form>
      <a href=${`/moderation/replies/delete?reply=${encodeURIComponent(object.iri)}`} aria-label=${t("moderation.deleteNamed", { name: object.label })}>${t("moderation.delete")}</a>
      ${author.local ? null : html`<form method="post" action=${author.blocked ? "/moderation/accounts/unblock" : "/moderation/accounts/block"} class="inline-form">
          <${CsrfField} context=${props.context} />
          <input type="hidden" name="actor" value=${author.iri} /><input type="hidden" name="next" value="/moderation" />
          <button type="submit" class="secondary" aria-label=${t(author.blocked ? "moderation.unblockAuthorNamed" : "moderation.blockNamed", { name: object.label })}>
            ${t(author.blocked ? "moderation.unblockAuthor" : "moderation.blockAuthor")}</button>
        </form>`}
    </div>
  `;
}

function ReportItem(props: { context: PageContext; view: ReportView }) {
  const { t, language } = props.context;
  const { report, reporter, objects, forwardTo } = props.view;
  const headingId = `report-${report.id}`;
  return html`
    <li>
      <article class="report" aria-labelledby=${headingId}>
        <h3 id=${headingId}>${t("moderation.reportNumber", { id: report.id })}</h3>
        <p>
          ${t(report.origin === "remote" ? "moderation.reportedByServer" : "moderation.reportedBy", { name: reporter })}
          ${" · "}<time datetime=${report.created}>${formatDateTime(language, report.created)}</time>
        </p>
        ${report.comment ? html`<blockquote class="report-comment">${report.comment}</blockquote>` : html`<p>${t("moderation.noComment")}</p>`}
        <ul class="reported">
          ${objects.map((object) => html`<li>
            <span class="badge">${t(`moderation.kinds.${object.kind}`)}</span>${" "}
            ${object.href ? html`<a href=${object.href}>${object.label}</a>` : html`<span class="handle">${object.label}</span>`}
            ${object.deleted ? html` <span class="badge">${t("moderation.deletedBadge")}</span>` : object.hidden ? html` <span class="badge">${t("moderation.hiddenBadge")}</span>` : null}
            ${object.excerpt ? html`<p class="excerpt">${object.excerpt}</p>` : null}
            ${object.kind === "reply" && !object.deleted && object.author ? html`<${ReplyActions} context=${props.context} object=${object} />` : null}
          </li>`)}
        </ul>
        ${report.forwarded ? html`<p>${t("moderation.forwardedOn", { date: formatDateTime(language, report.forwarded) })}</p>` : null}
        ${report.status === "resolved" && report.resolved
          ? html`<p>${t("moderation.resolvedBy", { name: report.resolvedBy ?? "", date: formatDateTime(language, report.resolved) })}</p>`
          : null}
        <div class="actions">
          ${report.status === "open"
            ? html`<form method="post" action=${`/moderation/reports/${report.id}/resolve`} class="inline-form"><${CsrfField} context=${props.context} />
                <button type="submit" aria-describedby=${headingId}>${t("moderation.resolve")}</button></form>`
            : html`<form method="post" action=${`/moderation/reports/${report.id}/reopen`} class="inline-form"><${CsrfField} context=${props.context} />
                <button type="submit" class="secondary" aria-describedby=${headingId}>${t("moderation.reopen")}</button></form>`}
          ${forwardTo && !report.forwarded
            ? html`${" "}<form method="post" action=${`/moderation/reports/${report.id}/forward`} class="inline-form"><${CsrfField} context=${props.context} />
                <button type="submit" class="secondary" aria-describedby=${`${headingId} ${headingId}-forward-hint`}>${t("moderation.forward", { host: forwardTo })}</button></form>
                <p class="hint" id=${`${headingId}-forward-hint`}>${t("moderation.forwardHint")}</p>`
            : null}
        </div>
      </article>
    </li>
  `;
}

/** Renders the moderators' page: the report queue, then the blocked accounts. */
export function ModerationPage(props: {
  context: PageContext;
  open: ReportView[];
  resolved: ReportView[];
  blocks: ActorBlock[];
  /** Display names and handles of blocked accounts, by actor IRI, when known. */
  blockNames: Map<string, string>;
  blockForm: { actor: string; reason: string; error: string | null };
}) {
  const { t, language } = props.context;
  const { blockForm } = props;
  return html`
    <${Layout} context=${props.context} title=${t("moderation.title")}>
      <h1>${t("moderation.title")}</h1>
      <section aria-labelledby="open-reports">
        <h2 id="open-reports">${t("moderation.openReports", { count: props.open.length })}</h2>
        ${props.open.length === 0 ? html`<p>${t("moderation.noOpenReports")}</p>` : html`<ol class="reports">${props.open.map((view) => html`<${ReportItem} context=${props.context} view=${view} />`)}</ol>`}
      </section>
      <section aria-labelledby="blocked-accounts">
        <h2 id="blocked-accounts">${t("moderation.blockedAccounts", { count: props.blocks.length })}</h2>
        ${props.blocks.length === 0 ? html`<p>${t("moderation.noBlockedAccounts")}</p>` : html`
          <div class="table-scroll" tabindex="0" role="region" aria-labelledby="blocked-accounts"><table>
            <thead><tr><th scope="col">${t("moderation.account")}</th><th scope="col">${t("moderation.reason")}</th><th scope="col">${t("moderation.blockedOn")}</th><th scope="col"><span class="visually-hidden">${t("admin.actions")}</span></th></tr></thead>
            <tbody>
              ${props.blocks.map((block) => html`<tr>
                <td>${props.blockNames.get(block.actorIri) ?? null} <span class="handle">${block.actorIri}</span></td>
                <td>${block.reason}</td>
                <td><time datetime=${block.created}>${formatDateTime(language, block.created)}</time> · ${block.createdBy}</td>
                <td><form method="post" action="/moderation/accounts/unblock" class="inline-form"><${CsrfField} context=${props.context} />
                  <input type="hidden" name="actor" value=${block.actorIri} />
                  <button type="submit" class="secondary" aria-label=${t("moderation.unblockNamed", { account: block.actorIri })}>${t("moderation.unblock")}</button>
                </form></td>
              </tr>`)}
            </tbody>
          </table></div>`}
        <h3>${t("moderation.blockAccount")}</h3>
        <form method="post" action="/moderation/accounts/block" class="narrow" novalidate><${CsrfField} context=${props.context} />
          <div class="field">
            <label for="block-actor">${t("moderation.accountAddress")}</label>
            <p class="hint" id="block-actor-hint">${t("moderation.accountAddressHint")}</p>
            <input id="block-actor" name="actor" value=${blockForm.actor} required aria-invalid=${blockForm.error ? "true" : undefined}
              aria-describedby=${blockForm.error ? "block-actor-hint block-actor-error" : "block-actor-hint"} />
            <${FieldError} id="block-actor-error" message=${blockForm.error} />
          </div>
          <div class="field">
            <label for="block-reason">${t("moderation.reasonOptional")}</label>
            <input id="block-reason" name="reason" value=${blockForm.reason} maxlength="500" />
          </div>
          <button type="submit">${t("moderation.block")}</button>
        </form>
      </section>
      <section aria-labelledby="resolved-reports">
        <h2 id="resolved-reports">${t("moderation.resolvedReports")}</h2>
        ${props.resolved.length === 0 ? html`<p>${t("moderation.noResolvedReports")}</p>` : html`<ol class="reports">${props.resolved.map((view) => html`<${ReportItem} context=${props.context} view=${view} />`)}</ol>`}
      </section>
    <//>
  `;
}

/** Renders the form in which a member reports a reply to the moderators. */
export function ReportReplyPage(props: { context: PageContext; reply: ReplyView; excerpt: string; backHref: string; comment: string; error: string | null }) {
  const { t } = props.context;
  return html`
    <${Layout} context=${props.context} title=${t("report.title")}>
      <h1>${t("report.title")}</h1>
      ${props.error ? html`<div class="error-summary" role="alert" autofocus aria-labelledby="error-summary-title" tabindex="-1">
          <h2 id="error-summary-title">${t("editor.errorSummary", { count: 1 })}</h2>
          <ul><li><a href="#report-comment">${t("editor.errorItem", { field: t("report.commentName"), error: t(`errors:${props.error}`) })}</a></li></ul>
        </div>` : null}
      <p>${t("report.about", { name: props.reply.authorName })}</p>
      <blockquote class="report-comment">${props.excerpt}</blockquote>
      <p>${t("report.explanation")}</p>
      <form method="post" action="/report" class="narrow" novalidate><${CsrfField} context=${props.context} />
        <input type="hidden" name="reply" value=${props.reply.reply.iri} />
        <div class="field">
          <label for="report-comment">${t("report.comment")}</label>
          <p class="hint" id="report-comment-hint">${t("report.commentHint")}</p>
          <textarea id="report-comment" name="comment" rows="4" maxlength="1000" required aria-invalid=${props.error ? "true" : undefined}
            aria-describedby=${props.error ? "report-comment-hint report-comment-error" : "report-comment-hint"}>${props.comment}</textarea>
          <${FieldError} id="report-comment-error" message=${props.error ? t(`errors:${props.error}`) : null} />
        </div>
        <button type="submit">${t("report.submit")}</button>
        ${" "}<a href=${props.backHref}>${t("report.cancel")}</a>
      </form>
    <//>
  `;
}

/** Confirms that a moderator, or the reply's own author (`own`), deletes a reply for good. */
export function DeleteReplyPage(props: { context: PageContext; reply: ReplyView; excerpt: string; backHref: string; error: string | null; own?: boolean }) {
  const { t } = props.context;
  return html`
    <${Layout} context=${props.context} title=${t("moderation.deleteTitle")}>
      <h1>${t("moderation.deleteTitle")}</h1>
      <p>${props.own ? t("moderation.deleteOwnAbout") : t("moderation.deleteAbout", { name: props.reply.authorName })}</p>
      <blockquote class="report-comment">${props.excerpt}</blockquote>
      <p>${t(props.reply.reply.local ? "moderation.deleteLocalExplanation" : "moderation.deleteRemoteExplanation")}</p>
      <form method="post" action=${props.own ? "/account/replies/delete" : "/moderation/replies/delete"} class="narrow" novalidate><${CsrfField} context=${props.context} />
        <input type="hidden" name="reply" value=${props.reply.reply.iri} />
        <div class="choice">
          <input type="checkbox" id="confirm-delete" name="confirm" value="yes" required aria-invalid=${props.error ? "true" : undefined}
            aria-describedby=${props.error ? "confirm-delete-error" : undefined} />
          <label for="confirm-delete">${t("moderation.deleteConfirm")}</label>
        </div>
        <${FieldError} id="confirm-delete-error" message=${props.error ? t(`errors:${props.error}`) : null} />
        <button type="submit" class="danger">${t("moderation.deleteForGood")}</button>
        ${" "}<a href=${props.backHref}>${t("report.cancel")}</a>
      </form>
    <//>
  `;
}

/** Renders the admin's domain page: the federation mode, blocked domains and allowed domains. */
export function DomainsPage(props: {
  context: PageContext;
  mode: "open" | "allowlist";
  rules: DomainRule[];
  form: { domain: string; reason: string; kind: "block" | "allow"; hide: boolean; error: string | null };
}) {
  const { t, language } = props.context;
  const blocks = props.rules.filter((rule) => rule.kind === "block");
  const allows = props.rules.filter((rule) => rule.kind === "allow");
  const { form } = props;
  const ruleTable = (rules: DomainRule[], caption: string, headingId: string) => html`
    <div class="table-scroll" tabindex="0" role="region" aria-labelledby=${headingId}><table>
      <caption class="visually-hidden">${caption}</caption>
      <thead><tr><th scope="col">${t("domains.domain")}</th><th scope="col">${t("moderation.reason")}</th><th scope="col">${t("domains.added")}</th><th scope="col"><span class="visually-hidden">${t("admin.actions")}</span></th></tr></thead>
      <tbody>
        ${rules.map((rule) => html`<tr>
          <td>${rule.domain}${rule.kind === "block" && rule.hideContent ? html` <span class="badge">${t("domains.contentHidden")}</span>` : null}</td>
          <td>${rule.reason}</td>
          <td><time datetime=${rule.created}>${formatDateTime(language, rule.created)}</time> · ${rule.createdBy}</td>
          <td><form method="post" action="/admin/domains/remove" class="inline-form"><${CsrfField} context=${props.context} />
            <input type="hidden" name="domain" value=${rule.domain} />
            <button type="submit" class="secondary" aria-label=${t(rule.kind === "block" ? "domains.unblockNamed" : "domains.disallowNamed", { domain: rule.domain })}>
              ${t(rule.kind === "block" ? "domains.unblock" : "domains.disallow")}</button>
          </form></td>
        </tr>`)}
      </tbody>
    </table></div>`;
  return html`
    <${Layout} context=${props.context} title=${t("domains.title")}>
      <h1>${t("domains.title")}</h1>
      <${AdminNav} context=${props.context} current="/admin/domains" />
      <section aria-labelledby="mode-heading">
        <h2 id="mode-heading">${t("domains.modeHeading")}</h2>
        <p>${t(props.mode === "allowlist" ? "domains.modeAllowlist" : "domains.modeOpen")}</p>
        ${props.mode === "allowlist" && allows.length === 0 ? html`<p class="warning"><strong>${t("domains.allowlistEmpty")}</strong></p>` : null}
        ${props.mode === "allowlist"
          ? html`<form method="post" action="/admin/domains/mode" class="inline-form"><${CsrfField} context=${props.context} />
              <input type="hidden" name="mode" value="open" />
              <button type="submit">${t("domains.switchToOpen")}</button>
            </form>`
          : html`<p><a href="/admin/domains/mode?mode=allowlist">${t("domains.switchToAllowlist")}</a></p>`}
      </section>
      <section aria-labelledby="add-heading">
        <h2 id="add-heading">${t("domains.addHeading")}</h2>
        <form method="post" action="/admin/domains" class="narrow" novalidate><${CsrfField} context=${props.context} />
          <div class="field">
            <label for="domain">${t("domains.domain")}</label>
            <p class="hint" id="domain-hint">${t("domains.domainHint")}</p>
            <input id="domain" name="domain" value=${form.domain} required aria-invalid=${form.error ? "true" : undefined}
              aria-describedby=${form.error ? "domain-hint domain-error" : "domain-hint"} />
            <${FieldError} id="domain-error" message=${form.error ? t(`errors:${form.error}`) : null} />
          </div>
          <fieldset class="field">
            <legend>${t("domains.kind")}</legend>
            <div class="choice"><input type="radio" id="kind-block" name="kind" value="block" checked=${form.kind === "block"} /> <label for="kind-block">${t("domains.kindBlock")}</label></div>
            <div class="choice"><input type="radio" id="kind-allow" name="kind" value="allow" checked=${form.kind === "allow"} /> <label for="kind-allow">${t("domains.kindAllow")}</label></div>
          </fieldset>
          <div class="choice">
            <input type="checkbox" id="hide-content" name="hide" value="yes" checked=${form.hide} aria-describedby="hide-content-hint" />
            <label for="hide-content">${t("domains.hideContent")}</label>
          </div>
          <p class="hint" id="hide-content-hint">${t("domains.hideContentHint")}</p>
          <div class="field">
            <label for="domain-reason">${t("moderation.reasonOptional")}</label>
            <input id="domain-reason" name="reason" value=${form.reason} maxlength="500" />
          </div>
          <button type="submit">${t("domains.add")}</button>
        </form>
      </section>
      <section aria-labelledby="blocked-heading">
        <h2 id="blocked-heading">${t("domains.blocked", { count: blocks.length })}</h2>
        ${blocks.length === 0 ? html`<p>${t("domains.noBlocked")}</p>` : ruleTable(blocks, t("domains.blocked", { count: blocks.length }), "blocked-heading")}
      </section>
      <section aria-labelledby="allowed-heading">
        <h2 id="allowed-heading">${t("domains.allowed", { count: allows.length })}</h2>
        <p>${t("domains.allowedExplanation")}</p>
        ${allows.length === 0 ? html`<p>${t("domains.noAllowed")}</p>` : ruleTable(allows, t("domains.allowed", { count: allows.length }), "allowed-heading")}
      </section>
    <//>
  `;
}

/**
 * Asks an admin to confirm switching to the allowlist, naming the followed
 * partners it cuts off, because with an empty allowlist it cuts off every server.
 */
export function ConfirmAllowlistPage(props: { context: PageContext; allowedDomains: number; cutOff: string[]; cutOffFollowers: number }) {
  const { t } = props.context;
  return html`
    <${Layout} context=${props.context} title=${t("domains.confirmTitle")}>
      <h1>${t("domains.confirmTitle")}</h1>
      <p><strong>${props.allowedDomains === 0 ? t("domains.confirmEmpty") : t("domains.confirmAllowed", { count: props.allowedDomains })}</strong></p>
      ${props.cutOff.length > 0
        ? html`<p>${t("domains.confirmCutOff", { count: props.cutOff.length })}</p>
            <ul>${props.cutOff.map((handle) => html`<li class="handle">${handle}</li>`)}</ul>`
        : null}
      ${props.cutOffFollowers > 0 ? html`<p>${t("domains.confirmFollowers", { count: props.cutOffFollowers })}</p>` : null}
      <p>${t("domains.confirmUndo")}</p>
      <form method="post" action="/admin/domains/mode" class="narrow"><${CsrfField} context=${props.context} />
        <input type="hidden" name="mode" value="allowlist" />
        <button type="submit" class="danger">${t("domains.confirmSwitch")}</button>
        ${" "}<a href="/admin/domains">${t("report.cancel")}</a>
      </form>
    <//>
  `;
}

/**
 * Shows an audit entry's details in the reader's language: they are stored
 * as named values, such as {"role":"editor","expires":"…"}. Older entries
 * written as plain text are shown as they are.
 */
function auditDetail(context: PageContext, detail: string): string {
  const { t, language } = context;
  if (!detail.startsWith("{")) return detail;
  let values: Record<string, unknown>;
  try {
    values = JSON.parse(detail) as Record<string, unknown>;
  } catch {
    return detail;
  }
  const parts: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === "" || value === 0 || value === null) continue;
    let shown: string;
    if (key === "expires" && typeof value === "string") shown = formatDateTime(language, value);
    else if (key === "role" && typeof value === "string") shown = t(`member.roles.${value}`);
    else if (key === "origin" && typeof value === "string") shown = t(`audit.origins.${value}`);
    else if (typeof value === "boolean") shown = t(value ? "audit.yes" : "audit.no");
    else if (typeof value === "number") shown = new Intl.NumberFormat(language).format(value);
    else shown = String(value);
    parts.push(t(`audit.details.${key}`, { value: shown, defaultValue: `${key}: ${shown}` }));
  }
  return parts.join(" · ");
}

/** Renders the audit log: every moderation and administration action, newest first. */
export function AuditPage(props: { context: PageContext; entries: AuditEntry[]; page: number; pages: number }) {
  const { t, language } = props.context;
  return html`
    <${Layout} context=${props.context} title=${t("audit.title")}>
      <h1 id="audit-heading">${t("audit.title")}</h1>
      <${AdminNav} context=${props.context} current="/admin/audit" />
      ${props.entries.length === 0 ? html`<p>${t("audit.empty")}</p>` : html`
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="audit-heading"><table>
          <thead><tr><th scope="col">${t("audit.when")}</th><th scope="col">${t("audit.who")}</th><th scope="col">${t("audit.action")}</th><th scope="col">${t("audit.target")}</th><th scope="col">${t("audit.detail")}</th></tr></thead>
          <tbody>
            ${props.entries.map((entry) => html`<tr>
              <td><time datetime=${entry.at}>${formatDateTime(language, entry.at)}</time></td>
              <td>${entry.actor}</td>
              <td>${t(`audit.actions.${entry.action}`, { defaultValue: entry.action })}</td>
              <td class="handle">${entry.target}</td>
              <td>${auditDetail(props.context, entry.detail)}</td>
            </tr>`)}
          </tbody>
        </table></div>`}
      ${props.pages > 1 ? html`<nav aria-label=${t("audit.pagination")}><p>
          ${props.page > 1 ? html`<a href=${`/admin/audit?page=${props.page - 1}`}>${t("audit.newer")}</a> ` : null}
          ${t("audit.pageOf", { page: props.page, pages: props.pages })}
          ${props.page < props.pages ? html` <a href=${`/admin/audit?page=${props.page + 1}`}>${t("audit.older")}</a>` : null}
        </p></nav>` : null}
    <//>
  `;
}
