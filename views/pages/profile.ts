import { MAX_AFFILIATION_LENGTH, MAX_BIO_LENGTH, MEMBER_LANGUAGES, type ProfileForm } from "../../src/domain/member-profile.ts";
import { MAX_DISPLAY_NAME_LENGTH } from "../../src/domain/accounts.ts";
import { LANGUAGES } from "../../src/domain/vocabulary.ts";
import { CsrfField, html, inFieldOrder, languageName, type PageContext } from "../html.ts";
import { Layout } from "../layout.ts";
import { ErrorSummary } from "../components/error-summary.ts";

/** Renders the signed-in member's own profile form: name, affiliation, languages and a short biography. */
export function ProfileEditPage(props: { context: PageContext; form: ProfileForm; errors: Record<string, string>; memberPath: string }) {
  const { t, language } = props.context;
  const { form, errors } = props;
  const languageNames = new Intl.DisplayNames([language], { type: "language" });
  const describedBy = (name: string, hint = false) => [hint ? `profile-${name}-hint` : null, errors[name] ? `profile-${name}-error` : null].filter(Boolean).join(" ") || undefined;
  const error = (name: string) => (errors[name] ? html`<p class="field-error" id=${`profile-${name}-error`}>${t(`errors:${errors[name]}`)}</p>` : null);
  const formMarkup = html`
      <form method="post" action="/account/profile" class="editor" novalidate>
        <${CsrfField} context=${props.context} />
        <div class="field">
          <label for="profile-displayName">${t("profile.fields.displayName")} ${t("editor.required")}</label>
          <input id="profile-displayName" name="displayName" value=${form.displayName} maxlength=${MAX_DISPLAY_NAME_LENGTH} required autocomplete="name"
            aria-invalid=${errors.displayName ? "true" : undefined} aria-describedby=${describedBy("displayName")} />
          ${error("displayName")}
        </div>
        <div class="field">
          <label for="profile-affiliation">${t("profile.fields.affiliation")}</label>
          <p class="hint" id="profile-affiliation-hint">${t("profile.affiliationHint")}</p>
          <input id="profile-affiliation" name="affiliation" value=${form.affiliation} maxlength=${MAX_AFFILIATION_LENGTH} autocomplete="organization"
            aria-invalid=${errors.affiliation ? "true" : undefined} aria-describedby=${describedBy("affiliation", true)} />
          ${error("affiliation")}
        </div>
        <fieldset class="checkboxes" id="profile-languages" aria-describedby=${errors.languages ? "profile-languages-error" : undefined}>
          <legend>${t("profile.fields.languages")}</legend>
          ${error("languages")}
          ${MEMBER_LANGUAGES.map((code) => html`<div class="choice">
            <input type="checkbox" id=${`profile-language-${code}`} name="languages" value=${code} checked=${form.languages.includes(code)} />
            <label for=${`profile-language-${code}`}>${languageNames.of(code)}</label>
          </div>`)}
        </fieldset>
        <div class="field">
          <label for="profile-bio">${t("profile.fields.bio")}</label>
          <p class="hint" id="profile-bio-hint">${t("profile.bioHint")}</p>
          <textarea id="profile-bio" name="bio" rows="5" maxlength=${MAX_BIO_LENGTH} aria-invalid=${errors.bio ? "true" : undefined} aria-describedby=${describedBy("bio", true)}>${form.bio}</textarea>
          ${error("bio")}
        </div>
        <div class="field">
          <label for="profile-bioLanguage">${t("profile.fields.bioLanguage")}</label>
          <select id="profile-bioLanguage" name="bioLanguage" aria-invalid=${errors.bioLanguage ? "true" : undefined} aria-describedby=${describedBy("bioLanguage")}>
            ${LANGUAGES.map((code) => html`<option value=${code} selected=${code === (form.bioLanguage || language)}>${languageName(language, code, true)}</option>`)}
          </select>
          ${error("bioLanguage")}
        </div>
        <div class="actions"><button type="submit">${t("profile.save")}</button> <a href=${props.memberPath}>${t("report.cancel")}</a></div>
      </form>
  `;
  const entries = inFieldOrder(Object.entries(errors), formMarkup, (name) => `profile-${name}`);
  return html`
    <${Layout} context=${props.context} title=${t("profile.title")}>
      <h1>${t("profile.title")}</h1>
      <${ErrorSummary} t=${t} entries=${entries.map(([name, key]) => ({ id: `profile-${name}`, field: t(`profile.fields.${name}`), message: t(`errors:${key}`) }))} />
      <p>${t("profile.intro")} <a href=${props.memberPath}>${t("profile.view")}</a></p>
      ${formMarkup}
    <//>
  `;
}
