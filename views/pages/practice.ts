import type { ShownText } from "../../src/domain/organization.ts";
import { formatDay } from "../../src/domain/dates.ts";
import type { Practice, PracticeText } from "../../src/domain/practice.ts";
import { pickLanguage, plainTextToHtml } from "../../src/domain/text.ts";
import { LANGUAGES } from "../../src/domain/vocabulary.ts";
import { ReviewErrorSummary } from "../components/review.ts";
import { Discussion, hasReplyErrors, ReplyErrorSummary, type ReplyFormView, type ReplyView } from "../components/discussion.ts";
import { practicePath } from "../components/practice-card.ts";
import { FromSource, hostName, html, languageName, type PageContext } from "../html.ts";
import { Layout } from "../layout.ts";
import { isPublic } from "../../src/domain/workflow.ts";

function TextSection(props: { title: string; text: string; lang?: string }) {
  if (!props.text) return null;
  return html`<section lang=${props.lang}>
    <h2>${props.title}</h2>
    <div dangerouslySetInnerHTML=${{ __html: plainTextToHtml(props.text) }}></div>
  </section>`;
}

/** A practice's page: its text in the reader's language (saying so when another is shown), profile fields and discussion. */
export function PracticePage(props: {
  context: PageContext;
  practice: Practice;
  sourceName: ShownText | null;
  replies: ReplyView[];
  likes: number;
  shares: number;
  replyTo: ReplyView | null;
  replyForm: ReplyFormView;
  canEdit: boolean;
  /** The review panel, for the practice's author and the staff. */
  review?: unknown;
  /** The review form's error, summarized at the top of the page. */
  reviewError?: string | null;
}) {
  const { t, language } = props.context;
  const { practice } = props;
  const chosen = pickLanguage(practice.text, language, practice.primaryLanguage)!;
  const text: PracticeText = chosen.value;
  const contentLanguage = chosen.language !== language ? chosen.language : undefined;
  const path = practicePath(practice);
  const others = LANGUAGES.filter((code) => code !== chosen.language && practice.text[code]);
  const bodyHtml = practice.bodyHtml?.[chosen.language as keyof typeof practice.bodyHtml] ?? plainTextToHtml(text.body);
  const list = (values: string[], prefix: string) => values.map((value) => t(`${prefix}.${value}`)).join(", ");
  const regionName = new Intl.DisplayNames([language], { type: "region" });
  const formatDate = (date: string) => formatDay(language, date);
  return html`
    <${Layout} context=${props.context} title=${hasReplyErrors(props.replyForm) ? t("discussion.errorTitle", { title: text.title }) : props.reviewError ? t("review.errorTitle", { title: text.title }) : text.title}>
      <${ReplyErrorSummary} context=${props.context} form=${props.replyForm} />
      <${ReviewErrorSummary} context=${props.context} error=${props.reviewError} />
      <article class="practice">
        <header>
          <p class="kind">${t("practice.kind")}</p>
          <h1 lang=${contentLanguage}>${text.title}</h1>
          ${contentLanguage ? html`<p class="notice">${t("practice.fallbackNotice", { language: languageName(language, chosen.language) })}</p>` : null}
          ${others.length > 0
            ? html`<p>${t("practice.otherVersions")}${" "}
                ${others.map((code, index) => html`${index > 0 ? ", " : ""}<a href=${`${path}?lang=${code}`} hreflang=${code} lang=${code}>${t(`languages.${code}`, { lng: code })}</a>`)}</p>`
            : null}
          ${practice.local ? null : html`<p class="origin"><${FromSource} context=${props.context} messageKey="practice.fromPartner" source=${props.sourceName ?? hostName(practice.iri)} />${" "}
              <a href=${practice.url} rel="noopener">${t("practice.viewOriginal")}</a></p>`}
          ${practice.status !== "published" ? html`<p class="badge">${t(`review.statuses.${practice.status}`)}</p>` : null}
          ${props.canEdit
            ? html`<p class="actions"><a href=${`${path}/edit`}>${t("practice.edit")}</a></p>`
            : null}
        </header>
        <p class="lead" lang=${contentLanguage}>${text.summary}</p>
        <div class="body" lang=${contentLanguage} dangerouslySetInnerHTML=${{ __html: bodyHtml }}></div>
        <${TextSection} title=${t("practice.fields.results")} text=${text.results} lang=${contentLanguage} />
        <${TextSection} title=${t("practice.fields.challenges")} text=${text.challenges} lang=${contentLanguage} />
        <${TextSection} title=${t("practice.fields.lessonsLearned")} text=${text.lessonsLearned} lang=${contentLanguage} />
        <${TextSection} title=${t("practice.fields.replication")} text=${text.replication} lang=${contentLanguage} />
        <section aria-labelledby="profile-heading">
          <h2 id="profile-heading">${t("practice.profile")}</h2>
          <dl class="profile">
            <dt>${t("practice.fields.themes")}</dt><dd>${list(practice.themes, "vocabulary:themes")}</dd>
            ${practice.gcmObjectives.length
              ? html`<dt>${t("practice.fields.gcmObjectives")}</dt><dd><ul class="plain">${practice.gcmObjectives.map((n) => html`<li>${t("vocabulary:gcmObjectiveNamed", { number: n, name: t(`vocabulary:gcmObjectives.${n}`) })}</li>`)}</ul></dd>`
              : null}
            ${practice.sdgTargets.length ? html`<dt>${t("practice.fields.sdgTargets")}</dt><dd>${practice.sdgTargets.join(", ")}</dd>` : null}
            <dt>${t("practice.fields.scope")}</dt><dd>${t(`vocabulary:scopes.${practice.scope}`)}</dd>
            ${practice.countries.length ? html`<dt>${t("practice.fields.countries")}</dt><dd>${practice.countries.map((code) => regionName.of(code) ?? code).join(", ")}</dd>` : null}
            ${practice.regions.length ? html`<dt>${t("practice.fields.regions")}</dt><dd>${list(practice.regions, "vocabulary:regions")}</dd>` : null}
            ${practice.targetGroups.length ? html`<dt>${t("practice.fields.targetGroups")}</dt><dd>${list(practice.targetGroups, "vocabulary:targetGroups")}</dd>` : null}
            <dt>${t("practice.fields.practiceType")}</dt><dd>${t(`vocabulary:practiceTypes.${practice.practiceType}`)}</dd>
            <dt>${t("practice.fields.implementer")}</dt><dd>${practice.implementer || t("practice.notGiven")}</dd>
            ${practice.partners.length ? html`<dt>${t("practice.fields.partners")}</dt><dd>${practice.partners.join(", ")}</dd>` : null}
            <dt>${t("practice.fields.period")}</dt>
            <dd>${practice.periodEnd ? t("practice.periodRange", { start: formatDate(practice.periodStart), end: formatDate(practice.periodEnd) }) : t("practice.periodSince", { start: formatDate(practice.periodStart) })}
              ${" · "}${t(`vocabulary:practiceStatuses.${practice.practiceStatus}`)}</dd>
            <dt>${t("practice.fields.evidenceLevel")}</dt><dd>${t(`vocabulary:evidenceLevels.${practice.evidenceLevel}`)}</dd>
            <dt>${t("practice.fields.licence")}</dt><dd>${t(`vocabulary:licences.${practice.licence}`, { defaultValue: practice.licence })}</dd>
            ${practice.focalPoint && (practice.focalPoint.federate || props.canEdit)
              ? html`<dt>${t("practice.fields.focalPoint")}</dt><dd>${practice.focalPoint.name} (<a href=${`mailto:${practice.focalPoint.email}`}>${practice.focalPoint.email}</a>)</dd>`
              : null}
          </dl>
        </section>
      </article>
      ${props.review ?? null}
      ${isPublic(practice.status)
        ? html`<${Discussion} context=${props.context} itemIri=${practice.iri} pagePath=${path} replies=${props.replies}
            likes=${props.likes} shares=${props.shares} replyTo=${props.replyTo} form=${props.replyForm} />`
        : null}
    <//>
  `;
}
