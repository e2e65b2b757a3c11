import type { OrganizationProfile, ShownText } from "../../src/domain/organization.ts";
import { pickLanguage } from "../../src/domain/text.ts";
import { LANGUAGES, REGIONS } from "../../src/domain/vocabulary.ts";
import { CsrfField, html, inFieldOrder, languageName, type PageContext } from "../html.ts";
import { Layout } from "../layout.ts";
import { ErrorSummary } from "../components/error-summary.ts";

/** A partner organization as the page lists it. */
export interface PartnerView {
  /** The partner's name in the reader's language where it gives one. */
  name: ShownText;
  /** The partner's summary as plain text, in the reader's language where it gives one. */
  summary: ShownText | null;
  handle: string;
  url: string | null;
  /** Whether we follow it, it follows us, or both. */
  relation: "following" | "follower" | "mutual";
  copies: number;
  /** Stored file name of this instance's copy of the partner's logo. */
  logo: string | null;
}

/** Returns the `lang` attribute of a text chosen among languages, set only when its language is known and not the page's. */
function shownLanguage(text: ShownText, pageLanguage: string): string | undefined {
  return text.language && text.language !== pageLanguage ? text.language : undefined;
}

/** This organization and the organizations it federates with. */
export function OrganizationsPage(props: {
  context: PageContext;
  profile: OrganizationProfile;
  handle: string;
  practiceCount: number;
  memberCount: number;
  partners: PartnerView[];
  canEdit: boolean;
}) {
  const { t, language } = props.context;
  const { profile } = props;
  const name = pickLanguage(profile.name, language, profile.primaryLanguage);
  const summary = pickLanguage(profile.summary, language, profile.primaryLanguage);
  const number = new Intl.NumberFormat(language);
  return html`
    <${Layout} context=${props.context} title=${t("organizations.title")}>
      <h1>${t("organizations.title")}</h1>
      <section aria-labelledby="this-organization" class="card">
        ${profile.logo ? html`<img class="org-logo" src=${`/media/${profile.logo}`} alt="" />` : null}
        <h2 id="this-organization" lang=${name && name.language !== language ? name.language : undefined}>${name?.value ?? props.context.siteName}</h2>
        ${summary ? html`<p lang=${summary.language !== language ? summary.language : undefined}>${summary.value}</p>` : null}
        <dl class="profile">
          <dt>${t("organizations.address")}</dt><dd class="handle">${props.handle}</dd>
          ${profile.website ? html`<dt>${t("organizations.website")}</dt><dd><a href=${profile.website} rel="noopener">${profile.website}</a></dd>` : null}
          ${profile.region ? html`<dt>${t("organizations.region")}</dt><dd>${t(`vocabulary:regions.${profile.region}`)}</dd>` : null}
          <dt>${t("organizations.practices")}</dt><dd><a href="/library">${number.format(props.practiceCount)}</a></dd>
          <dt>${t("organizations.members")}</dt><dd>${number.format(props.memberCount)}</dd>
        </dl>
        ${props.canEdit ? html`<p><a href="/admin/organization">${t("organizations.edit")}</a></p>` : null}
      </section>
      <section aria-labelledby="partners-heading">
        <h2 id="partners-heading">${t("organizations.partners", { count: props.partners.length })}</h2>
        ${props.partners.length === 0 ? html`<p>${t("organizations.noPartners")}</p>` : html`
          <ul class="partners">
            ${props.partners.map((partner) => html`<li class="card">
              ${partner.logo ? html`<img class="org-logo" src=${`/media/${partner.logo}`} alt="" />` : null}
              <h3 lang=${shownLanguage(partner.name, language)}>${partner.url ? html`<a href=${partner.url} rel="noopener nofollow">${partner.name.text}</a>` : partner.name.text}</h3>
              <p class="handle">${partner.handle}</p>
              ${partner.summary ? html`<p class="partner-summary" lang=${shownLanguage(partner.summary, language)}>${partner.summary.text}</p>` : null}
              <p>${t(`organizations.relations.${partner.relation}`)}${partner.relation !== "follower" ? html` · ${t("organizations.copies", { count: partner.copies })}` : null}</p>
            </li>`)}
          </ul>`}
      </section>
    <//>
  `;
}

function FieldError(props: { context: PageContext; name: string; errors: Record<string, string> }) {
  const key = props.errors[props.name];
  return key ? html`<p class="field-error" id=${`org-${props.name.replace(".", "-")}-error`}>${props.context.t(`errors:${key}`)}</p>` : null;
}

/** The admin's form for the organization's name, summary, website and region, in each language. */
export function OrganizationEditPage(props: { context: PageContext; form: Record<string, string>; errors: Record<string, string> }) {
  const { t, language } = props.context;
  const { form, errors } = props;
  const id = (name: string) => `org-${name.replace(".", "-")}`;
  const described = (name: string, hint = false) => [hint ? `${id(name)}-hint` : null, errors[name] ? `${id(name)}-error` : null].filter(Boolean).join(" ") || undefined;
  const formMarkup = html`
      <form method="post" action="/admin/organization" class="editor" enctype="multipart/form-data" novalidate>
        <${CsrfField} context=${props.context} />
        <div class="field">
          <label for=${id("primaryLanguage")}>${t("editor.primaryLanguage")} ${t("editor.required")}</label>
          <select id=${id("primaryLanguage")} name="primaryLanguage" aria-invalid=${errors.primaryLanguage ? "true" : undefined} aria-describedby=${described("primaryLanguage")}>
            ${LANGUAGES.map((code) => html`<option value=${code} selected=${code === form.primaryLanguage}>${languageName(language, code, true)}</option>`)}
          </select>
          <${FieldError} context=${props.context} name="primaryLanguage" errors=${errors} />
        </div>
        ${LANGUAGES.map((code) => html`
          <fieldset lang=${code}>
            <legend lang=${language}>${t("editor.textIn", { language: languageName(language, code) })}</legend>
            <div class="field">
              <label for=${id(`name.${code}`)} lang=${language}>${t("organizations.fields.name", { language: languageName(language, code) })}</label>
              <input id=${id(`name.${code}`)} name=${`name.${code}`} value=${form[`name.${code}`] ?? ""} maxlength="200"
                aria-invalid=${errors[`name.${code}`] ? "true" : undefined} aria-describedby=${described(`name.${code}`)} />
              <${FieldError} context=${props.context} name=${`name.${code}`} errors=${errors} />
            </div>
            <div class="field">
              <label for=${id(`summary.${code}`)} lang=${language}>${t("organizations.fields.summary", { language: languageName(language, code) })}</label>
              <textarea id=${id(`summary.${code}`)} name=${`summary.${code}`} rows="4"
                aria-invalid=${errors[`summary.${code}`] ? "true" : undefined} aria-describedby=${described(`summary.${code}`)}>${form[`summary.${code}`] ?? ""}</textarea>
              <${FieldError} context=${props.context} name=${`summary.${code}`} errors=${errors} />
            </div>
          </fieldset>`)}
        <div class="field">
          <label for=${id("website")}>${t("organizations.fields.website")}</label>
          <p class="hint" id=${`${id("website")}-hint`}>${t("organizations.websiteHint")}</p>
          <input id=${id("website")} name="website" type="url" value=${form.website ?? ""} aria-invalid=${errors.website ? "true" : undefined} aria-describedby=${described("website", true)} />
          <${FieldError} context=${props.context} name="website" errors=${errors} />
        </div>
        <div class="field">
          <label for=${id("logo")}>${t("organizations.fields.logo")}</label>
          <p class="hint" id=${`${id("logo")}-hint`}>${t("organizations.logoHint")}</p>
          ${form.keptLogo ? html`<input type="hidden" name="keptLogo" value=${form.keptLogo} />
            <p><img class="org-logo" src=${`/media/${form.keptLogo}`} alt="" /> ${t("organizations.currentLogo")}</p>
            <div class="choice"><input type="checkbox" id=${id("removeLogo")} name="removeLogo" /><label for=${id("removeLogo")}>${t("organizations.removeLogo")}</label></div>` : null}
          <input id=${id("logo")} name="logo" type="file" accept=".png,.jpg,.jpeg,.webp,.gif,image/png,image/jpeg,image/webp,image/gif"
            aria-invalid=${errors.logo ? "true" : undefined} aria-describedby=${described("logo", true)} />
          <${FieldError} context=${props.context} name="logo" errors=${errors} />
        </div>
        <div class="field">
          <label for=${id("region")}>${t("organizations.fields.region")}</label>
          <select id=${id("region")} name="region" aria-invalid=${errors.region ? "true" : undefined} aria-describedby=${described("region")}>
            <option value="">${t("editor.choose")}</option>
            ${REGIONS.map((region) => html`<option value=${region} selected=${region === form.region}>${t(`vocabulary:regions.${region}`)}</option>`)}
          </select>
          <${FieldError} context=${props.context} name="region" errors=${errors} />
        </div>
        <div class="actions"><button type="submit">${t("organizations.save")}</button> <a href="/organizations">${t("report.cancel")}</a></div>
      </form>
  `;
  const errorEntries = inFieldOrder(Object.entries(errors), formMarkup, id);
  return html`
    <${Layout} context=${props.context} title=${t("organizations.editTitle")}>
      <h1>${t("organizations.editTitle")}</h1>
      <${ErrorSummary} t=${t} entries=${errorEntries.map(([name, key]) => ({
        id: id(name),
        field: t(`organizations.fields.${name.split(".")[0]}`, { language: languageName(language, name.split(".")[1] ?? language) }),
        message: t(`errors:${key}`),
      }))} />
      ${formMarkup}
    <//>
  `;
}
