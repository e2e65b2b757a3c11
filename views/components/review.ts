import { formatDateTime } from "../../src/domain/dates.ts";
import type { ReviewAction, WorkflowStatus } from "../../src/domain/workflow.ts";
import { CsrfField, html, type PageContext } from "../html.ts";

/** One step of an item's review history, with the name of who took it. */
export interface ReviewStep {
  who: string;
  action: string;
  toStatus: string;
  comment: string;
  created: string;
}

/**
 * Names an item's review status. A draft whose last step was a request for
 * changes is named as such, since for its author it is not a fresh draft.
 * Comments after the request do not change that.
 */
export function statusLabel(context: PageContext, status: string, changesRequested: boolean): string {
  return context.t(status === "draft" && changesRequested ? "review.statuses.changesRequested" : `review.statuses.${status}`);
}

/** True when the last step of a history, comments aside, asked for changes. */
export function changesWereRequested(actions: string[]): boolean {
  return actions.filter((action) => action !== "comment").at(-1) === "changes";
}

/** Picks a button style: the main steps stand out, withdrawing is marked as dangerous, the rest are secondary. */
function buttonClass(action: ReviewAction): string | undefined {
  if (action === "publish" || action === "submit") return undefined;
  if (action === "unpublish") return "danger";
  return "secondary";
}

/** Translates a review form error: a key under `errors:` unless it names its own namespace. */
function reviewErrorText(t: PageContext["t"], error: string): string {
  return t(error.includes(":") ? error : `errors:${error}`);
}

/** Renders the summary at the top of an item's page when its review form comes back with an error, linking to the comment field. */
export function ReviewErrorSummary(props: { context: PageContext; error: string | null | undefined }) {
  const { t } = props.context;
  if (!props.error) return null;
  return html`<div class="error-summary" role="alert" autofocus aria-labelledby="review-error-title" tabindex="-1">
    <h2 id="review-error-title">${t("editor.errorSummary", { count: 1 })}</h2>
    <ul><li><a href="#review-comment">${t("editor.errorItem", { field: t("review.comment"), error: reviewErrorText(t, props.error) })}</a></li></ul>
  </div>`;
}

/**
 * Renders the review panel under an item, for its author and the staff: its
 * status, the history with comments, and the actions open to the reader,
 * each a button of one form that also carries a comment.
 */
export function ReviewPanel(props: {
  context: PageContext;
  action: string;
  status: WorkflowStatus;
  history: ReviewStep[];
  actions: ReviewAction[];
  comment: string;
  /** An i18n key: under `errors:` unless it names its own namespace. */
  error: string | null;
}) {
  const { t, language } = props.context;
  return html`
    <section aria-labelledby="review-heading" class="review card">
      <h2 id="review-heading">${t("review.title")}</h2>
      <p>${t("review.statusIs")} <strong>${statusLabel(props.context, props.status, changesWereRequested(props.history.map((step) => step.action)))}</strong></p>
      ${props.history.length === 0 ? html`<p>${t("review.noHistory")}</p>` : html`
        <ol class="review-history">
          ${props.history.map((step) => html`<li>
            <p><time datetime=${step.created}>${formatDateTime(language, step.created)}</time> · ${step.who} · ${t(`review.actions.${step.action}`)}</p>
            ${step.comment ? html`<blockquote class="report-comment">${step.comment}</blockquote>` : null}
          </li>`)}
        </ol>`}
      ${props.actions.length === 0 ? null : html`
        <form method="post" action=${props.action} class="narrow" novalidate>
          <${CsrfField} context=${props.context} />
          <div class="field">
            <label for="review-comment">${t("review.comment")}</label>
            <p class="hint" id="review-comment-hint">${t("review.commentHint")}</p>
            <textarea id="review-comment" name="comment" rows="3" aria-invalid=${props.error ? "true" : undefined}
              aria-describedby=${props.error ? "review-comment-hint review-comment-error" : "review-comment-hint"}>${props.comment}</textarea>
            ${props.error ? html`<p class="field-error" id="review-comment-error">${reviewErrorText(t, props.error)}</p>` : null}
          </div>
          <div class="actions">
            ${props.actions.map((action) => html`<button type="submit" name="action" value=${action} class=${buttonClass(action)}>${t(`review.buttons.${action}`)}</button>`)}
          </div>
        </form>`}
    </section>
  `;
}

/** An item waiting for review, as the queue lists it. */
export interface QueueItem {
  title: string;
  href: string;
  kind: "practice" | "resource";
  status: WorkflowStatus;
  /** Whether a reviewer sent this draft back with a request for changes. */
  changesRequested?: boolean;
  author: string;
  updated: string;
}

/** Items submitted or in review, oldest first, so nothing waits forever. */
export function ReviewQueue(props: { context: PageContext; items: QueueItem[] }) {
  const { t, language } = props.context;
  return html`
    ${props.items.length === 0 ? html`<p>${t("review.queueEmpty")}</p>` : html`
      <ul class="partners">
        ${props.items.map((item) => html`<li class="card">
          <h2><a href=${item.href}>${item.title}</a></h2>
          <p>${t(`review.kinds.${item.kind}`)} · ${statusLabel(props.context, item.status, item.changesRequested ?? false)} · ${item.author} · <time datetime=${item.updated}>${formatDateTime(language, item.updated)}</time></p>
        </li>`)}
      </ul>`}
  `;
}

/**
 * Renders the reader's own drafts and submissions, newest first. `headed`
 * adds a heading for pages that list the review queue above it.
 */
export function OwnSubmissions(props: { context: PageContext; items: QueueItem[]; headed: boolean }) {
  const { t, language } = props.context;
  const ItemHeading = props.headed ? "h3" : "h2";
  return html`
    <section aria-labelledby=${props.headed ? "own-heading" : undefined}>
      ${props.headed ? html`<h2 id="own-heading">${t("review.ownTitle")}</h2>` : null}
      ${props.items.length === 0 ? html`<p>${t("review.ownEmpty")}</p>` : html`
        <ul class="partners">
          ${props.items.map((item) => html`<li class="card">
            <${ItemHeading}><a href=${item.href}>${item.title}</a><//>
            <p>${t(`review.kinds.${item.kind}`)} · ${statusLabel(props.context, item.status, item.changesRequested ?? false)} · <time datetime=${item.updated}>${formatDateTime(language, item.updated)}</time></p>
          </li>`)}
        </ul>`}
    </section>
  `;
}
