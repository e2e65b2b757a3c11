import type { ShownText } from "../../src/domain/organization.ts";
import type { Practice } from "../../src/domain/practice.ts";
import { pickLanguage } from "../../src/domain/text.ts";
import { PATHS } from "../../src/domain/urls.ts";
import { FromSource, hostName, html, languageName, type PageContext } from "../html.ts";

/** Where a practice's page lives on this instance: local ones under /practices, partner copies under /library. */
export function practicePath(practice: Practice): string {
  return practice.local ? PATHS.practice(practice.slug) : PATHS.remotePractice(practice.slug);
}

/** One practice in a list: title, summary in the reader's language when there is one, themes and origin. */
export function PracticeCard(props: { context: PageContext; practice: Practice; sourceName?: ShownText | null }) {
  const { t, language } = props.context;
  const { practice } = props;
  const chosen = pickLanguage(practice.text, language, practice.primaryLanguage);
  if (!chosen) return null;
  const otherLanguage = chosen.language !== language ? chosen.language : undefined;
  return html`
    <article class="card" lang=${otherLanguage}>
      <h3><a href=${practicePath(practice)}>${chosen.value.title}</a></h3>
      <p>${chosen.value.summary}</p>
      <p class="meta" lang=${language}>
        ${practice.status === "archived" ? html`<span class="badge">${t("review.statuses.archived")}</span> ` : null}
        ${otherLanguage ? html`<span class="badge">${t("practice.shownIn", { language: languageName(language, otherLanguage) })}</span> ` : null}
        ${practice.themes.map((theme) => html`<span class="tag">${t(`vocabulary:themes.${theme}`)}</span> `)}
        ${practice.local ? null : html`<span class="origin"><${FromSource} context=${props.context} messageKey="library.fromPartner" source=${props.sourceName ?? hostName(practice.iri)} /></span>`}
      </p>
    </article>
  `;
}
