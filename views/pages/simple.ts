import { pickLanguage } from "../../src/domain/text.ts";
import { formatDateTime } from "../../src/domain/dates.ts";
import type { Account, DeliveryHealth, Following, Follower, InboundLogEntry } from "../../src/storage/types.ts";
import type { ShownText } from "../../src/domain/organization.ts";
import { CsrfField, html, InLanguage, type PageContext } from "../html.ts";
import { AdminNav, Layout } from "../layout.ts";
import { ErrorSummary } from "../components/error-summary.ts";

/** Sign-in form; a failed attempt keeps the username and says why. */
export function SignInPage(props: { context: PageContext; username: string; error: string | null; message?: string; next: string; signUpOpen?: boolean }) {
  const { t } = props.context;
  const errorText = props.message ?? (props.error ? t(`errors:${props.error}`) : null);
  return html`
    <${Layout} context=${props.context} title=${t("signIn.title")}>
      <h1>${t("signIn.title")}</h1>
      ${errorText ? html`<p class="field-error" role="alert" id="sign-in-error" tabindex="-1" autofocus>${errorText}</p>` : null}
      <form method="post" action="/sign-in" class="narrow"><${CsrfField} context=${props.context} />
        <input type="hidden" name="next" value=${props.next} />
        <div class="field">
          <label for="username">${t("signIn.username")}</label>
          <input id="username" name="username" autocomplete="username" required value=${props.username}
            aria-describedby=${errorText ? "sign-in-error" : undefined} />
        </div>
        <div class="field">
          <label for="password">${t("signIn.password")}</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
        </div>
        <button type="submit">${t("signIn.submit")}</button>
      </form>
      <p>${t("signIn.forgotPassword")}</p>
      ${props.signUpOpen ? html`<p>${t("signIn.noAccount")} <a href="/sign-up">${t("signIn.signUp")}</a></p>` : null}
    <//>
  `;
}

/** A short page for errors and gone items. */
export function MessagePage(props: { context: PageContext; title: string; message: string }) {
  return html`
    <${Layout} context=${props.context} title=${props.title}>
      <h1>${props.title}</h1>
      <p>${props.message}</p>
      <p><a href="/library">${props.context.t("home.browseLibrary")}</a></p>
    <//>
  `;
}


/** ActivityStreams activity types that have a translated label under `admin.activityTypes`; other types are shown as received. */
const ACTIVITY_TYPES = new Set(["Follow", "Create", "Update", "Delete", "Announce", "Like", "Undo", "Accept", "Reject", "Flag"]);

/** Admin federation page: follow a partner, who we follow, who follows us, approval, recent inbound activity. */
export function FederationAdminPage(props: {
  context: PageContext;
  handle: string;
  following: Following[];
  followers: Follower[];
  /** Cached names of the partners and followers listed, in the reader's language where they give one. */
  actorNames: Map<string, ShownText>;
  requireApproval: boolean;
  inbound: InboundLogEntry[];
  followForm: { handle: string; error: string | null };
  deliveries: DeliveryHealth[];
  pending: { count: number; oldest: string | null };
}) {
  const { t, language } = props.context;
  const pending = props.followers.filter((follower) => follower.status === "pending");
  const accepted = props.followers.filter((follower) => follower.status === "accepted");
  const nameOf = (entry: { actorIri: string; name: string | null; handle: string | null }) => {
    const known = props.actorNames.get(entry.actorIri);
    if (known) return html`<${InLanguage} context=${props.context} text=${known} />`;
    return entry.name ?? entry.handle ?? entry.actorIri;
  };
  return html`
    <${Layout} context=${props.context} title=${t("admin.federationTitle")}>
      <h1>${t("admin.federationTitle")}</h1>
      <${ErrorSummary} t=${t} entries=${props.followForm.error ? [{ id: "partner-handle", field: t("admin.partnerHandle"), message: props.followForm.error }] : []} />
      <${AdminNav} context=${props.context} current="/admin/federation" />
      <p>${t("admin.ourHandle", { handle: props.handle })}</p>
      <section aria-labelledby="follow-heading">
        <h2 id="follow-heading">${t("admin.followPartner")}</h2>
        <form method="post" action="/admin/federation/follow" class="narrow" novalidate><${CsrfField} context=${props.context} />
          <div class="field">
            <label for="partner-handle">${t("admin.partnerHandle")}</label>
            <p class="hint" id="partner-handle-hint">${t("admin.partnerHandleHint")}</p>
            <input id="partner-handle" name="handle" value=${props.followForm.handle} required
              aria-invalid=${props.followForm.error ? "true" : undefined}
              aria-describedby=${props.followForm.error ? "partner-handle-hint partner-handle-error" : "partner-handle-hint"} />
            ${props.followForm.error ? html`<p class="field-error" id="partner-handle-error">${props.followForm.error}</p>` : null}
          </div>
          <button type="submit">${t("admin.follow")}</button>
        </form>
      </section>
      <section aria-labelledby="following-heading">
        <h2 id="following-heading">${t("admin.following", { count: props.following.length })}</h2>
        ${props.following.length === 0 ? html`<p>${t("admin.noFollowing")}</p>` : html`
          <div class="table-scroll" tabindex="0" role="region" aria-labelledby="following-heading"><table>
            <thead><tr><th scope="col">${t("admin.partner")}</th><th scope="col">${t("admin.status")}</th><th scope="col">${t("admin.since")}</th><th scope="col"><span class="visually-hidden">${t("admin.actions")}</span></th></tr></thead>
            <tbody>
              ${props.following.map((entry) => html`<tr>
                <td>${entry.name || props.actorNames.has(entry.actorIri) ? html`${nameOf(entry)} ` : null}<span class="handle">${entry.handle}</span></td>
                <td>${t(`admin.followingStatus.${entry.status}`)}</td>
                <td><time datetime=${entry.created}>${formatDateTime(language, entry.created)}</time></td>
                <td><a href=${`/admin/federation/unfollow?actor=${encodeURIComponent(entry.actorIri)}`} aria-label=${t("admin.unfollowNamed", { handle: entry.handle })}>${t("admin.unfollow")}</a></td>
              </tr>`)}
            </tbody>
          </table></div>`}
      </section>
      <section aria-labelledby="followers-heading">
        <h2 id="followers-heading">${t("admin.followers", { count: accepted.length })}</h2>
        <form method="post" action="/admin/federation/approval" class="inline-form"><${CsrfField} context=${props.context} />
          <input type="hidden" name="required" value=${props.requireApproval ? "false" : "true"} />
          <p>${props.requireApproval ? t("admin.approvalOn") : t("admin.approvalOff")}${" "}
            <button type="submit">${props.requireApproval ? t("admin.turnApprovalOff") : t("admin.turnApprovalOn")}</button></p>
        </form>
        ${pending.length > 0 ? html`
          <h3>${t("admin.pending", { count: pending.length })}</h3>
          <ul>
            ${pending.map((follower) => html`<li>
              ${nameOf(follower)} <span class="handle">${follower.handle}</span>
              <form method="post" action="/admin/federation/followers" class="inline-form"><${CsrfField} context=${props.context} />
                <input type="hidden" name="actor" value=${follower.actorIri} />
                <button type="submit" name="decision" value="accept">${t("admin.approve")}</button>
                <button type="submit" name="decision" value="reject" class="secondary">${t("admin.reject")}</button>
              </form>
            </li>`)}
          </ul>` : null}
        ${accepted.length === 0 ? html`<p>${t("admin.noFollowers")}</p>` : html`
          <ul>
            ${accepted.map((follower) => html`<li>${nameOf(follower)} <span class="handle">${follower.handle ?? follower.actorIri}</span></li>`)}
          </ul>`}
      </section>
      <section aria-labelledby="delivery-heading">
        <h2 id="delivery-heading">${t("admin.deliveryHealth")}</h2>
        <p>${props.pending.count === 0 || !props.pending.oldest
          ? t("admin.queueEmpty")
          : t("admin.queuePending", { count: props.pending.count, date: formatDateTime(language, props.pending.oldest) })}</p>
        ${props.deliveries.length === 0 ? html`<p>${t("admin.noDeliveries")}</p>` : html`
          <div class="table-scroll" tabindex="0" role="region" aria-labelledby="delivery-heading">
            <table>
              <thead><tr><th scope="col">${t("admin.server")}</th><th scope="col">${t("admin.state")}</th><th scope="col">${t("admin.delivered")}</th><th scope="col">${t("admin.failed")}</th><th scope="col">${t("admin.lastFailure")}</th></tr></thead>
              <tbody>
                ${props.deliveries.map((entry) => {
                  const failing = entry.lastFailed !== null && (entry.lastDelivered === null || entry.lastFailed > entry.lastDelivered);
                  return html`<tr>
                    <td>${entry.host}</td>
                    <td>${failing ? html`<strong class="field-error">${t("admin.failing")}</strong>` : t("admin.healthy")}</td>
                    <td>${new Intl.NumberFormat(language).format(entry.delivered)}</td>
                    <td>${new Intl.NumberFormat(language).format(entry.failed)}</td>
                    <td>${entry.lastFailed ? html`<time datetime=${entry.lastFailed}>${formatDateTime(language, entry.lastFailed)}</time> · <span lang="en">${entry.lastError}</span>` : "—"}</td>
                  </tr>`;
                })}
              </tbody>
            </table>
          </div>`}
      </section>
      <section aria-labelledby="inbound-heading">
        <h2 id="inbound-heading">${t("admin.inbound")}</h2>
        ${props.inbound.length === 0 ? html`<p>${t("admin.noInbound")}</p>` : html`
          <p id="inbound-note">${t("admin.inboundNote")}</p>
          <div class="table-scroll" tabindex="0" role="region" aria-labelledby="inbound-heading" aria-describedby="inbound-note"><table>
            <thead><tr><th scope="col">${t("admin.received")}</th><th scope="col">${t("admin.activity")}</th><th scope="col">${t("admin.outcome")}</th><th scope="col">${t("admin.reason")}</th></tr></thead>
            <tbody>
              ${props.inbound.map((entry) => html`<tr>
                <td><time datetime=${entry.received}>${formatDateTime(language, entry.received)}</time></td>
                <td>${ACTIVITY_TYPES.has(entry.type) ? t(`admin.activityTypes.${entry.type}`) : html`<span lang="en">${entry.type}</span>`} <span class="handle">${entry.actorIri ?? ""}</span></td>
                <td>${t(`admin.outcomes.${entry.outcome}`)}</td>
                <td lang="en">${entry.reason}</td>
              </tr>`)}
            </tbody>
          </table></div>`}
      </section>
    <//>
  `;
}

/**
 * Asks an admin to confirm unfollowing a partner, saying how many of its
 * items leave the library, because the unfollow deletes them at once.
 */
export function ConfirmUnfollowPage(props: { context: PageContext; partner: Following; removedItems: number }) {
  const { t } = props.context;
  const name = props.partner.name ?? props.partner.handle;
  return html`
    <${Layout} context=${props.context} title=${t("admin.unfollowTitle", { name })}>
      <h1>${t("admin.unfollowTitle", { name })}</h1>
      <p><span class="handle">${props.partner.handle}</span></p>
      <p><strong>${t("admin.unfollowRemoves", { count: props.removedItems })}</strong></p>
      <p>${t("admin.unfollowExplanation")}</p>
      <form method="post" action="/admin/federation/unfollow" class="narrow"><${CsrfField} context=${props.context} />
        <input type="hidden" name="actor" value=${props.partner.actorIri} />
        <button type="submit" class="danger">${t("admin.unfollowConfirm")}</button>
        ${" "}<a href="/admin/federation">${t("report.cancel")}</a>
      </form>
    <//>
  `;
}

/** A member's public profile: name, handle, role and how to follow them from the fediverse. */
/** A published item a member wrote, as their page lists it. */
export interface ContributionView {
  kind: "practice" | "resource";
  path: string;
  text: Partial<Record<string, { title: string }>>;
  primaryLanguage: string;
  published: string;
}

export function MemberPage(props: { context: PageContext; member: Account; handle: string; replyCount: number; contributions: ContributionView[] }) {
  const { t, language, account } = props.context;
  const { member } = props;
  const languageNames = new Intl.DisplayNames([language], { type: "language" });
  const list = new Intl.ListFormat(language, { type: "conjunction" });
  return html`
    <${Layout} context=${props.context} title=${member.displayName}>
      <h1>${member.displayName}</h1>
      <p class="handle">${props.handle}</p>
      ${member.bio
        ? html`<div class="bio" lang=${member.bioLanguage && member.bioLanguage !== language ? member.bioLanguage : undefined}>
            ${member.bio.split(/\n\s*\n/).map((paragraph) => html`<p>${paragraph}</p>`)}</div>`
        : null}
      <dl class="profile">
        ${member.affiliation ? html`<dt>${t("member.affiliation")}</dt><dd>${member.affiliation}</dd>` : null}
        ${member.languages?.length ? html`<dt>${t("member.languages")}</dt><dd>${list.format(member.languages.map((code) => languageNames.of(code) ?? code))}</dd>` : null}
        <dt>${t("member.role")}</dt><dd>${t(`member.roles.${member.role}`)}</dd>
        <dt>${t("member.replies")}</dt><dd>${props.replyCount}</dd>
      </dl>
      ${props.contributions.length > 0
        ? html`<section aria-labelledby="contributions-heading">
            <h2 id="contributions-heading">${t("member.contributions", { count: props.contributions.length })}</h2>
            <ul>
              ${props.contributions.map((item) => {
                const title = pickLanguage(item.text, language, item.primaryLanguage);
                return html`<li><a href=${item.path} lang=${title && title.language !== language ? title.language : undefined}>${title?.value.title ?? ""}</a>
                  ${" "}<span class="meta">${t(`member.kinds.${item.kind}`)} · <time datetime=${item.published}>${formatDateTime(language, item.published)}</time></span></li>`;
              })}
            </ul>
          </section>`
        : null}
      <p>${t("member.followHint", { handle: props.handle })}</p>
      ${account?.id === member.id ? html`<p><a href="/account/profile">${t("profile.edit")}</a></p>` : null}
    <//>
  `;
}

/** The signed-in member's password form; errors sit next to their fields and are summarized above the form. */
export function PasswordPage(props: { context: PageContext; errors: Record<string, string> }) {
  const { t } = props.context;
  const field = (name: string, label: string, autocomplete: string) => html`
    <div class="field">
      <label for=${`password-${name}`}>${label}</label>
      <input id=${`password-${name}`} name=${name} type="password" autocomplete=${autocomplete} required
        aria-invalid=${props.errors[name] ? "true" : undefined} aria-describedby=${props.errors[name] ? `password-${name}-error` : undefined} />
      ${props.errors[name] ? html`<p class="field-error" id=${`password-${name}-error`}>${t(`errors:${props.errors[name]}`)}</p>` : null}
    </div>`;
  // In the order of the fields, which is also the summary's order.
  const fields: [string, string][] = [["current", t("password.current")], ["next", t("password.next")], ["confirmation", t("password.confirmation")]];
  const failed = fields.filter(([name]) => props.errors[name]);
  return html`
    <${Layout} context=${props.context} title=${t("password.title")}>
      <h1>${t("password.title")}</h1>
      ${failed.length > 0
        ? html`<div class="error-summary" role="alert" autofocus aria-labelledby="error-summary-title" tabindex="-1">
            <h2 id="error-summary-title">${t("editor.errorSummary", { count: failed.length })}</h2>
            <ul>${failed.map(([name, label]) => html`<li><a href=${`#password-${name}`}>${t("editor.errorItem", { field: label, error: t(`errors:${props.errors[name]}`) })}</a></li>`)}</ul>
          </div>`
        : null}
      <form method="post" action="/account/password" class="narrow" novalidate>
        <${CsrfField} context=${props.context} />
        ${field("current", fields[0][1], "current-password")}
        ${field("next", fields[1][1], "new-password")}
        ${field("confirmation", fields[2][1], "new-password")}
        <button type="submit">${t("password.submit")}</button>
      </form>
    <//>
  `;
}
