import { formatDateTime } from "../../src/domain/dates.ts";
import { replyAnchor } from "../../src/domain/urls.ts";
import type { Reply, ReplyAttachment } from "../../src/storage/types.ts";
import { CsrfField, html, languageName, type PageContext } from "../html.ts";

/** A reply with what the page shows of its author. */
export interface ReplyView {
  reply: Reply;
  authorName: string;
  authorHandle: string | null;
  authorUrl: string | null;
  /** Whether moderators blocked the remote author. */
  authorBlocked?: boolean;
}


/** Groups replies by parent so the thread renders as nested lists. */
function childrenOf(replies: ReplyView[], rootIri: string) {
  const known = new Set(replies.map((view) => view.reply.iri));
  const byParent = new Map<string, ReplyView[]>();
  for (const view of replies) {
    // A reply whose parent we never received hangs from the item itself.
    const parent = known.has(view.reply.inReplyTo) ? view.reply.inReplyTo : rootIri;
    byParent.set(parent, [...(byParent.get(parent) ?? []), view]);
  }
  return byParent;
}

/** Renders what moderators may do to a reply, under it: hide or show it, delete it, or block its remote author, which members a consultation names as moderators may not. */
function ModerationActions(props: { context: PageContext; view: ReplyView; pagePath: string }) {
  const { t } = props.context;
  const { reply, authorName } = props.view;
  const back = `${props.pagePath}#${replyAnchor(reply.iri)}`;
  return html`
    <div class="moderation-actions">
      <form method="post" action=${reply.hidden ? "/moderation/replies/show" : "/moderation/replies/hide"} class="inline-form">
        <${CsrfField} context=${props.context} />
        <input type="hidden" name="reply" value=${reply.iri} /><input type="hidden" name="next" value=${back} />
        <button type="submit" class="secondary" aria-label=${t(reply.hidden ? "moderation.showNamed" : "moderation.hideNamed", { name: authorName })}>
          ${t(reply.hidden ? "moderation.show" : "moderation.hide")}</button>
      </form>
      ${" "}<a href=${`/moderation/replies/delete?reply=${encodeURIComponent(reply.iri)}`} aria-label=${t("moderation.deleteNamed", { name: authorName })}>${t("moderation.delete")}</a>
      ${reply.local || props.context.account?.role === "member" ? null : html`${" "}<form method="post" action=${props.view.authorBlocked ? "/moderation/accounts/unblock" : "/moderation/accounts/block"} class="inline-form">
          <${CsrfField} context=${props.context} />
          <input type="hidden" name="actor" value=${reply.authorIri} /><input type="hidden" name="next" value=${back} />
          <button type="submit" class="secondary" aria-label=${t(props.view.authorBlocked ? "moderation.unblockAuthorNamed" : "moderation.blockNamed", { name: authorName })}>
            ${t(props.view.authorBlocked ? "moderation.unblockAuthor" : "moderation.blockAuthor")}</button>
        </form>`}
    </div>
  `;
}

/**
 * Renders a reply's media. Images copied to this instance carry the author's
 * description as their alt text. An image the author left undescribed gets
 * an empty alt and a visible note, never a description made up here.
 * Everything else links to the sender's copy.
 */
function Attachments(props: { context: PageContext; attachments: ReplyAttachment[]; language: string | undefined }) {
  const { t, language } = props.context;
  if (props.attachments.length === 0) return null;
  return html`
    <ul class="reply-media" aria-label=${t("discussion.mediaLabel")} lang=${props.language}>
      ${props.attachments.map((attachment) => {
        if (attachment.kind === "image" && attachment.file) {
          return html`<li><figure>
            <img src=${`/media/${attachment.file}`} alt=${attachment.description ?? ""} width=${attachment.width ?? undefined} height=${attachment.height ?? undefined} loading="lazy" decoding="async" />
            ${attachment.description ? null : html`<figcaption lang=${props.language ? language : undefined}>${t("discussion.imageUndescribed")}</figcaption>`}
          </figure></li>`;
        }
        const label = attachment.description
          ? t(`discussion.${attachment.kind}Link`, { description: attachment.description })
          : html`<span lang=${props.language ? language : undefined}>${t(`discussion.${attachment.kind}LinkUndescribed`)}</span>`;
        return html`<li><a href=${attachment.url} rel="nofollow noopener noreferrer ugc">${label}</a>${" "}<span class="handle" lang=${props.language ? language : undefined}>${t("discussion.elsewhere", { host: new URL(attachment.url).host })}</span></li>`;
      })}
    </ul>`;
}

function ReplyBody(props: { context: PageContext; view: ReplyView; canModerate: boolean }) {
  const { t, language } = props.context;
  const { reply } = props.view;
  if (reply.deleted) return html`<p class="deleted">${t("discussion.deleted")}</p>`;
  if (reply.hidden && !props.canModerate) return html`<p class="deleted">${t("discussion.hidden")}</p>`;
  return html`
    ${reply.hidden ? html`<p class="moderation-note">${t("moderation.hiddenFromReaders")}</p>` : null}
    <div class="reply-content" lang=${reply.language && reply.language !== language ? reply.language : undefined}
      dangerouslySetInnerHTML=${{ __html: reply.contentHtml }}></div>
    <${Attachments} context=${props.context} attachments=${reply.attachments ?? []} language=${reply.language && reply.language !== language ? reply.language : undefined} />`;
}

function Thread(props: { context: PageContext; byParent: Map<string, ReplyView[]>; parent: string; pagePath: string; canReply: boolean; canModerate: boolean }) {
  const { t, language, account } = props.context;
  const replies = props.byParent.get(props.parent) ?? [];
  if (replies.length === 0) return null;
  return html`
    <ol class="thread">
      ${replies.map((view) => {
        const { reply, authorName, authorHandle, authorUrl } = view;
        const own = account !== null && reply.authorAccountId === account.id;
        const shown = !reply.deleted && (!reply.hidden || props.canModerate);
        return html`
        <li id=${replyAnchor(reply.iri)}>
          <article class="reply" aria-label=${t("discussion.replyBy", { name: authorName })}>
            <header>
              ${authorUrl ? html`<a href=${authorUrl} rel="nofollow noopener">${authorName}</a>` : html`<strong>${authorName}</strong>`}
              ${authorHandle ? html` <span class="handle">${authorHandle}</span>` : null}
              ${" · "}<time datetime=${reply.published}>${formatDateTime(language, reply.published)}</time>
            </header>
            <${ReplyBody} context=${props.context} view=${view} canModerate=${props.canModerate} />
            ${account !== null && shown && !reply.hidden && (props.canReply || !own)
              ? html`<p class="reply-actions">${props.canReply ? html`<a href=${`${props.pagePath}?replyTo=${encodeURIComponent(reply.iri)}#reply-form`}>${t("discussion.answer", { name: authorName })}</a>` : null}
                  ${own
                    ? html`${props.canReply ? " · " : null}<a href=${`/account/replies/delete?reply=${encodeURIComponent(reply.iri)}`}>${t("discussion.deleteOwn")}</a>`
                    : html`${props.canReply ? " · " : null}<a href=${`/report?reply=${encodeURIComponent(reply.iri)}`} aria-label=${t("discussion.reportNamed", { name: authorName })}>${t("discussion.report")}</a>`}</p>`
              : null}
            ${props.canModerate && !reply.deleted ? html`<${ModerationActions} context=${props.context} view=${view} pagePath=${props.pagePath} />` : null}
          </article>
          <${Thread} ...${props} parent=${reply.iri} />
        </li>
      `;
      })}
    </ol>
  `;
}

/** Returns the translation key of a reply form's error, given a key under `errors:` or a full key with its namespace ("consultations:errors.closed"). */
function replyErrorKey(error: string): string {
  return error.includes(":") ? error : `errors:${error}`;
}

/** The reply form as the page shows it: what was typed, and an i18n error key per refused field. */
export interface ReplyFormView {
  content: string;
  language: string;
  error: string | null;
  /** Stored name of an image uploaded with an earlier post, kept for the next one. */
  image?: string | null;
  description?: string;
  imageError?: string | null;
  descriptionError?: string | null;
  languageError?: string | null;
}

/** Languages a reply may be written in, when the item does not narrow them. */
const REPLY_LANGUAGES = ["en", "fr", "es"];

function replyFormErrors(form: ReplyFormView): [string, string, string][] {
  const errors: [string, string, string][] = [];
  if (form.error) errors.push(["reply-content", "discussion.yourReply", form.error]);
  if (form.imageError) errors.push(["reply-image", "discussion.image", form.imageError]);
  if (form.descriptionError) errors.push(["reply-description", "discussion.imageDescription", form.descriptionError]);
  if (form.languageError) errors.push(["reply-language", "discussion.language", form.languageError]);
  return errors;
}

/** True when the reply form comes back with at least one error, so the page title can name the failure. */
export function hasReplyErrors(form: ReplyFormView): boolean {
  return replyFormErrors(form).length > 0;
}

/** Renders the summary at the top of an item's page when its reply form comes back with errors, linking to each field. */
export function ReplyErrorSummary(props: { context: PageContext; form: ReplyFormView }) {
  const { t } = props.context;
  const errors = replyFormErrors(props.form);
  if (errors.length === 0) return null;
  return html`<div class="error-summary" role="alert" autofocus aria-labelledby="reply-error-title" tabindex="-1">
    <h2 id="reply-error-title">${t("editor.errorSummary", { count: errors.length })}</h2>
    <ul>${errors.map(([id, field, error]) => html`<li><a href=${`#${id}`}>${t("editor.errorItem", { field: t(field), error: t(replyErrorKey(error)) })}</a></li>`)}</ul>
  </div>`;
}

/** The discussion under an item: threaded replies, reaction counts and the reply form. */
export function Discussion(props: {
  context: PageContext;
  itemIri: string;
  pagePath: string;
  replies: ReplyView[];
  likes: number;
  shares: number;
  replyTo: ReplyView | null;
  /** `error` is a key under `errors:`, or a full key with its namespace ("consultations:errors.closed"). */
  form: ReplyFormView;
  /** When set, this message replaces the reply form, unless a refused reply is shown again with its error. */
  repliesClosed?: string | null;
  /** Overrides who may moderate, for items with moderators of their own. */
  canModerate?: boolean;
  /** The only languages the reply form offers, for items that take replies in some languages only; all when absent or empty. */
  replyLanguages?: readonly string[];
}) {
  const { t, account, language } = props.context;
  const byParent = childrenOf(props.replies, props.itemIri);
  const visible = props.replies.filter((view) => !view.reply.deleted && !view.reply.hidden).length;
  const showForm = !props.repliesClosed || replyFormErrors(props.form).length > 0;
  const canReply = account !== null && !props.repliesClosed;
  const canModerate = props.canModerate ?? (account !== null && account.role !== "member");
  const errorKey = props.form.error ? replyErrorKey(props.form.error) : "";
  const languages = props.replyLanguages?.length ? props.replyLanguages : REPLY_LANGUAGES;
  const chosenLanguage = [props.form.language, language].find((code) => languages.includes(code)) ?? languages[0];
  return html`
    <section aria-labelledby="discussion-heading" class="discussion">
      <h2 id="discussion-heading">${t("discussion.title")}</h2>
      <p>${t("discussion.replyCount", { count: visible })} · ${t("discussion.likeCount", { count: props.likes })} · ${t("discussion.shareCount", { count: props.shares })}</p>
      ${visible === 0 && props.replies.length === 0 ? html`<p>${t("discussion.empty")}</p>` : null}
      <${Thread} context=${props.context} byParent=${byParent} parent=${props.itemIri} pagePath=${props.pagePath} canReply=${canReply} canModerate=${canModerate} />
      ${props.repliesClosed ? html`<p class="notice">${props.repliesClosed}</p>` : null}
      ${account !== null && showForm
        ? html`
          <form method="post" action=${`${props.pagePath}/replies`} id="reply-form" class="reply-form" enctype="multipart/form-data" novalidate>
            <${CsrfField} context=${props.context} />
            <h3>${props.replyTo ? t("discussion.answering", { name: props.replyTo.authorName }) : t("discussion.writeReply")}</h3>
            ${props.replyTo ? html`<input type="hidden" name="inReplyTo" value=${props.replyTo.reply.iri} />
              <p><a href=${`${props.pagePath}#reply-form`}>${t("discussion.replyToItemInstead")}</a></p>` : null}
            <div class="field">
              <label for="reply-content">${t("discussion.yourReply")}</label>
              <textarea id="reply-content" name="content" rows="5" required aria-invalid=${props.form.error ? "true" : undefined}
                aria-describedby=${props.form.error ? "reply-content-error" : undefined}>${props.form.content}</textarea>
              ${props.form.error ? html`<p class="field-error" id="reply-content-error">${t(errorKey)}</p>` : null}
            </div>
            <div class="field">
              <label for="reply-image">${t("discussion.image")}</label>
              <p class="hint" id="reply-image-hint">${t("discussion.imageHint")}</p>
              ${props.form.image
                ? html`<input type="hidden" name="keptImage" value=${props.form.image} />
                  <p><img class="reply-image-preview" src=${`/media/${props.form.image}`} alt="" /> ${t("discussion.imageKept")}</p>
                  <div class="choice"><input type="checkbox" id="reply-remove-image" name="removeImage" /><label for="reply-remove-image">${t("discussion.removeImage")}</label></div>`
                : null}
              <input type="file" id="reply-image" name="image" accept=".png,.jpg,.jpeg,.webp,.gif,image/png,image/jpeg,image/webp,image/gif"
                aria-invalid=${props.form.imageError ? "true" : undefined} aria-describedby=${props.form.imageError ? "reply-image-hint reply-image-error" : "reply-image-hint"} />
              ${props.form.imageError ? html`<p class="field-error" id="reply-image-error">${t(replyErrorKey(props.form.imageError))}</p>` : null}
            </div>
            <div class="field">
              <label for="reply-description">${t("discussion.imageDescription")}</label>
              <p class="hint" id="reply-description-hint">${t("discussion.imageDescriptionHint")}</p>
              <textarea id="reply-description" name="description" rows="2" maxlength="1500" aria-invalid=${props.form.descriptionError ? "true" : undefined}
                aria-describedby=${props.form.descriptionError ? "reply-description-hint reply-description-error" : "reply-description-hint"}>${props.form.description ?? ""}</textarea>
              ${props.form.descriptionError ? html`<p class="field-error" id="reply-description-error">${t(replyErrorKey(props.form.descriptionError))}</p>` : null}
            </div>
            <div class="field">
              <label for="reply-language">${t("discussion.language")}</label>
              <select id="reply-language" name="language" aria-invalid=${props.form.languageError ? "true" : undefined}
                aria-describedby=${props.form.languageError ? "reply-language-error" : undefined}>
                ${languages.map((code) => html`<option value=${code} selected=${code === chosenLanguage}>${languageName(language, code, true)}</option>`)}
              </select>
              ${props.form.languageError ? html`<p class="field-error" id="reply-language-error">${t(replyErrorKey(props.form.languageError))}</p>` : null}
            </div>
            <button type="submit">${t("discussion.send")}</button>
          </form>`
        : account === null && !props.repliesClosed
          ? html`<p><a href=${`/sign-in?next=${encodeURIComponent(props.pagePath)}`}>${t("discussion.signInToReply")}</a></p>`
          : null}
    </section>
  `;
}
