import { formatDateTime } from "../../src/domain/dates.ts";
import type { InvitationState } from "../../src/domain/invitations.ts";
import { PATHS } from "../../src/domain/urls.ts";
import { ROLES, type Account, type Invitation, type Role } from "../../src/storage/types.ts";
import { CsrfField, html, type PageContext, type Translate } from "../html.ts";
import { AdminNav, Layout } from "../layout.ts";
import { ErrorSummary } from "../components/error-summary.ts";

/** Field name to errors:… key, for the fields of one form. */
export type FieldErrors = Record<string, string | undefined>;

/** Roles from the fewest rights to the most, the order the role menus offer them. */
const ROLE_CHOICES: Role[] = [...ROLES].reverse();


/** The list of problems at the top of a rejected form; each entry links to its field. */
function AccountErrors(props: { t: Translate; entries: { id: string; label: string; error: string }[] }) {
  return html`<${ErrorSummary} t=${props.t} entries=${props.entries.map((entry) => ({ id: entry.id, field: entry.label, message: props.t(`errors:${entry.error}`) }))} />`;
}

interface TextFieldProps {
  t: Translate;
  id: string;
  name: string;
  label: string;
  hint?: string;
  value?: string;
  type?: string;
  autocomplete: string;
  required?: boolean;
  error?: string;
}

/** A labelled input with its hint and its error, both tied to it by aria-describedby. */
function TextField(props: TextFieldProps) {
  const describedBy = [props.hint ? `${props.id}-hint` : null, props.error ? `${props.id}-error` : null].filter(Boolean).join(" ");
  return html`<div class="field">
    <label for=${props.id}>${props.label}</label>
    ${props.hint ? html`<p class="hint" id=${`${props.id}-hint`}>${props.hint}</p>` : null}
    <input id=${props.id} name=${props.name} type=${props.type ?? "text"} autocomplete=${props.autocomplete} value=${props.value}
      required=${props.required} aria-invalid=${props.error ? "true" : undefined} aria-describedby=${describedBy || undefined} />
    ${props.error ? html`<p class="field-error" id=${`${props.id}-error`}>${props.t(`errors:${props.error}`)}</p>` : null}
  </div>`;
}

/** Sign-up form, reached by an invitation link (with the invited role) or by open registration (role null). */
export function SignUpPage(props: { context: PageContext; action: string; role: Role | null; form: { username: string; displayName: string }; errors: FieldErrors }) {
  const { t, siteName } = props.context;
  const fields: Omit<TextFieldProps, "t" | "error">[] = [
    { name: "username", id: "sign-up-username", label: t("signUp.username"), hint: t("signUp.usernameHint"), value: props.form.username, autocomplete: "username", required: true },
    { name: "displayName", id: "sign-up-display-name", label: t("signUp.displayName"), hint: t("signUp.displayNameHint"), value: props.form.displayName, autocomplete: "name" },
    { name: "password", id: "sign-up-password", label: t("signUp.password"), type: "password", autocomplete: "new-password", required: true },
    { name: "confirmation", id: "sign-up-confirmation", label: t("signUp.confirmation"), type: "password", autocomplete: "new-password", required: true },
  ];
  const summary = fields.filter((field) => props.errors[field.name]).map((field) => ({ id: field.id, label: field.label, error: props.errors[field.name]! }));
  return html`
    <${Layout} context=${props.context} title=${t("signUp.title")}>
      <h1>${t("signUp.title")}</h1>
      <${AccountErrors} t=${t} entries=${summary} />
      <p>${props.role ? t("signUp.invited", { site: siteName, role: t(`member.roles.${props.role}`) }) : t("signUp.open", { site: siteName })}</p>
      <form method="post" action=${props.action} class="narrow" novalidate>
        <${CsrfField} context=${props.context} />
        ${fields.map((field) => html`<${TextField} t=${t} ...${field} error=${props.errors[field.name]} />`)}
        <button type="submit">${t("signUp.submit")}</button>
      </form>
    <//>
  `;
}

/** New password form of a reset link. */
export function ResetPasswordPage(props: { context: PageContext; action: string; username: string; errors: FieldErrors }) {
  const { t } = props.context;
  const fields = [
    { name: "next", id: "reset-next", label: t("password.next") },
    { name: "confirmation", id: "reset-confirmation", label: t("password.confirmation") },
  ];
  const summary = fields.filter((field) => props.errors[field.name]).map((field) => ({ ...field, error: props.errors[field.name]! }));
  // The hidden username field lets password managers file the new password under the right account.
  return html`
    <${Layout} context=${props.context} title=${t("reset.title")}>
      <h1>${t("reset.title")}</h1>
      <${AccountErrors} t=${t} entries=${summary} />
      <p>${t("reset.intro", { username: props.username })}</p>
      <form method="post" action=${props.action} class="narrow" novalidate>
        <${CsrfField} context=${props.context} />
        <input type="text" name="username" value=${props.username} autocomplete="username" hidden />
        ${fields.map((field) => html`<${TextField} t=${t} id=${field.id} name=${field.name} type="password" label=${field.label}
          autocomplete="new-password" required=${true} error=${props.errors[field.name]} />`)}
        <button type="submit">${t("reset.submit")}</button>
      </form>
    <//>
  `;
}

/** A link made by the last request, shown once because only its hash is stored. */
export type NewLink =
  | { kind: "invitation"; url: string; role: Role; expires: string }
  | { kind: "reset"; url: string; username: string; expires: string };

export interface AccountsAdminProps {
  context: PageContext;
  accounts: Account[];
  invitations: { invitation: Invitation; state: InvitationState }[];
  registrationOpen: boolean;
  signUpUrl: string;
  newLink: NewLink | null;
  /** The invitation form as typed, with its errors. */
  invitationForm: { role: string; days: string; errors: FieldErrors };
  invitationDays: number[];
  /** A rejected role change: the account, the role asked for and why. */
  roleChange: { accountId: number; role: string; error: string } | null;
}

function NewLinkNotice(props: { context: PageContext; link: NewLink }) {
  const { t, language } = props.context;
  const { link } = props;
  const expires = formatDateTime(language, link.expires);
  const text =
    link.kind === "invitation"
      ? t("accounts.newInvitation", { role: t(`member.roles.${link.role}`), expires })
      : t("accounts.newResetLink", { username: link.username, expires });
  return html`<section class="notice new-link" role="status" aria-labelledby="new-link-heading">
    <h2 id="new-link-heading">${link.kind === "invitation" ? t("accounts.newInvitationTitle") : t("accounts.newResetLinkTitle")}</h2>
    <p>${text}</p>
    <div class="field">
      <label for="new-link">${t("accounts.linkLabel")}</label>
      <input id="new-link" class="link-field" readonly value=${link.url} />
    </div>
  </section>`;
}

function AccountRow(props: { context: PageContext; account: Account; roleChange: AccountsAdminProps["roleChange"] }) {
  const { t, language } = props.context;
  const { account } = props;
  const rejected = props.roleChange?.accountId === account.id ? props.roleChange : null;
  const selected = rejected?.role ?? account.role;
  const selectId = `role-${account.id}`;
  const isSelf = props.context.account?.id === account.id;
  return html`<tr>
    <td><a href=${PATHS.member(account.username)}>${account.username}</a>${isSelf ? html` ${t("accounts.you")}` : null}</td>
    <td>${account.displayName}</td>
    <td>
      <form method="post" action="/admin/accounts/role" class="role-form"><${CsrfField} context=${props.context} />
        <input type="hidden" name="account" value=${String(account.id)} />
        <label for=${selectId} class="visually-hidden">${t("accounts.roleOf", { username: account.username })}</label>
        <select id=${selectId} name="role" aria-invalid=${rejected ? "true" : undefined} aria-describedby=${rejected ? `${selectId}-error` : undefined}>
          ${ROLE_CHOICES.map((role) => html`<option value=${role} selected=${role === selected}>${t(`member.roles.${role}`)}</option>`)}
        </select>
        <button type="submit" class="secondary" aria-label=${t("accounts.saveRoleOf", { username: account.username })}>${t("accounts.saveRole")}</button>
        ${rejected ? html`<p class="field-error" id=${`${selectId}-error`}>${t(`errors:${rejected.error}`)}</p>` : null}
      </form>
    </td>
    <td><time datetime=${account.created}>${formatDateTime(language, account.created)}</time></td>
    <td>
      <form method="post" action="/admin/accounts/reset-link" class="inline-form"><${CsrfField} context=${props.context} />
        <input type="hidden" name="account" value=${String(account.id)} />
        <button type="submit" class="secondary" aria-label=${t("accounts.resetLinkFor", { username: account.username })}>${t("accounts.resetLink")}</button>
      </form>
    </td>
  </tr>`;
}

function InvitationSection(props: AccountsAdminProps) {
  const { t, language } = props.context;
  const { errors } = props.invitationForm;
  return html`<section aria-labelledby="invitations-heading">
    <h2 id="invitations-heading">${t("accounts.invitations")}</h2>
    <form method="post" action="/admin/invitations" class="narrow" novalidate><${CsrfField} context=${props.context} />
      <div class="field">
        <label for="invite-role">${t("accounts.inviteRole")}</label>
        <select id="invite-role" name="role" aria-invalid=${errors.role ? "true" : undefined} aria-describedby=${errors.role ? "invite-role-error" : undefined}>
          ${ROLE_CHOICES.map((role) => html`<option value=${role} selected=${role === props.invitationForm.role}>${t(`member.roles.${role}`)}</option>`)}
        </select>
        ${errors.role ? html`<p class="field-error" id="invite-role-error">${t(`errors:${errors.role}`)}</p>` : null}
      </div>
      <div class="field">
        <label for="invite-days">${t("accounts.inviteDays")}</label>
        <p class="hint" id="invite-days-hint">${t("accounts.inviteDaysHint")}</p>
        <select id="invite-days" name="days" aria-invalid=${errors.days ? "true" : undefined}
          aria-describedby=${errors.days ? "invite-days-hint invite-days-error" : "invite-days-hint"}>
          ${props.invitationDays.map((days) => html`<option value=${String(days)} selected=${String(days) === props.invitationForm.days}>${t("accounts.days", { count: days })}</option>`)}
        </select>
        ${errors.days ? html`<p class="field-error" id="invite-days-error">${t(`errors:${errors.days}`)}</p>` : null}
      </div>
      <button type="submit">${t("accounts.invite")}</button>
    </form>
    ${props.invitations.length === 0 ? html`<p>${t("accounts.noInvitations")}</p>` : html`
      <div class="table-scroll" tabindex="0" role="region" aria-labelledby="invitations-caption"><table>
        <caption class="visually-hidden" id="invitations-caption">${t("accounts.recentInvitations")}</caption>
        <thead><tr>
          <th scope="col">${t("accounts.created")}</th><th scope="col">${t("accounts.role")}</th><th scope="col">${t("accounts.expires")}</th>
          <th scope="col">${t("accounts.status")}</th><th scope="col"><span class="visually-hidden">${t("accounts.actions")}</span></th>
        </tr></thead>
        <tbody>
          ${props.invitations.map(({ invitation, state }) => {
            const created = formatDateTime(language, invitation.created);
            return html`<tr>
              <td><time datetime=${invitation.created}>${created}</time></td>
              <td>${t(`member.roles.${invitation.role}`)}</td>
              <td><time datetime=${invitation.expires}>${formatDateTime(language, invitation.expires)}</time></td>
              <td>${t(`accounts.invitationStates.${state}`)}</td>
              <td>${state === "open" ? html`<form method="post" action="/admin/invitations/revoke" class="inline-form"><${CsrfField} context=${props.context} />
                <input type="hidden" name="invitation" value=${String(invitation.id)} />
                <button type="submit" class="secondary" aria-label=${t("accounts.revokeNamed", { created })}>${t("accounts.revoke")}</button>
              </form>` : null}</td>
            </tr>`;
          })}
        </tbody>
      </table></div>`}
  </section>`;
}

/** Admin accounts page: accounts and their roles, reset links, open registration and invitations. */
export function AccountsAdminPage(props: AccountsAdminProps) {
  const { t } = props.context;
  const summary = [
    ...(props.roleChange
      ? [{ id: `role-${props.roleChange.accountId}`, label: t("accounts.roleOf", { username: props.accounts.find((account) => account.id === props.roleChange!.accountId)?.username ?? "" }), error: props.roleChange.error }]
      : []),
    ...(props.invitationForm.errors.role ? [{ id: "invite-role", label: t("accounts.inviteRole"), error: props.invitationForm.errors.role }] : []),
    ...(props.invitationForm.errors.days ? [{ id: "invite-days", label: t("accounts.inviteDays"), error: props.invitationForm.errors.days }] : []),
  ];
  return html`
    <${Layout} context=${props.context} title=${t("accounts.title")}>
      <h1>${t("accounts.title")}</h1>
      <${AdminNav} context=${props.context} current="/admin/accounts" />
      <${AccountErrors} t=${t} entries=${summary} />
      ${props.newLink ? html`<${NewLinkNotice} context=${props.context} link=${props.newLink} />` : null}
      <section aria-labelledby="accounts-heading">
        <h2 id="accounts-heading">${t("accounts.count", { count: props.accounts.length })}</h2>
        <p class="hint">${t("accounts.resetHint")}</p>
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="accounts-heading"><table>
          <thead><tr>
            <th scope="col">${t("accounts.username")}</th><th scope="col">${t("accounts.displayName")}</th><th scope="col">${t("accounts.role")}</th>
            <th scope="col">${t("accounts.created")}</th><th scope="col"><span class="visually-hidden">${t("accounts.actions")}</span></th>
          </tr></thead>
          <tbody>
            ${props.accounts.map((account) => html`<${AccountRow} context=${props.context} account=${account} roleChange=${props.roleChange} />`)}
          </tbody>
        </table></div>
      </section>
      <section aria-labelledby="registration-heading">
        <h2 id="registration-heading">${t("accounts.registration")}</h2>
        <form method="post" action="/admin/accounts/registration" class="inline-form"><${CsrfField} context=${props.context} />
          <input type="hidden" name="open" value=${props.registrationOpen ? "false" : "true"} />
          <p>${props.registrationOpen ? t("accounts.registrationOpen", { url: props.signUpUrl }) : t("accounts.registrationClosed")}${" "}
            <button type="submit">${props.registrationOpen ? t("accounts.closeRegistration") : t("accounts.openRegistration")}</button></p>
        </form>
      </section>
      <${InvitationSection} ...${props} />
    <//>
  `;
}
