import type { ShownText } from "../../src/domain/organization.ts";
import { consultationState, formatInstant, replyLanguages, type Consultation } from "../../src/domain/consultation.ts";
import { consultationPath } from "../../src/domain/consultation-service.ts";
import { pickLanguage, plainTextToHtml } from "../../src/domain/text.ts";
import { LANGUAGES } from "../../src/domain/vocabulary.ts";
import { Discussion, hasReplyErrors, ReplyErrorSummary, type ReplyFormView, type ReplyView } from "../components/discussion.ts";
import { FromSource, hostName, html, languageName, type PageContext } from "../html.ts";
import { Layout } from "../layout.ts";

/** Returns the name of a partner copy's source, or its host when the partner is unknown. */
function sourceLabel(item: Consultation, sourceNames: Map<string, ShownText>): ShownText {
  return (item.sourceActor && sourceNames.get(item.sourceActor)) || hostName(item.iri);
}

/** Formats the date line of a list entry: when it opens, closes or closed, in the consultation's own zone. */
function dateLine(context: PageContext, item: Consultation, now: Date): string {
  const state = consultationState(item, now);
  if (state === "upcoming") return context.t("consultations:list.opensOn", { date: formatInstant(item.opens, item.timeZone, context.language) });
  const date = formatInstant(item.closes, item.timeZone, context.language);
  return context.t(state === "open" ? "consultations:list.closesOn" : "consultations:list.closedOn", { date });
}

function ListEntry(props: { context: PageContext; item: Consultation; sourceNames: Map<string, ShownText>; now: Date }) {
  const { t, language } = props.context;
  const { item } = props;
  const chosen = pickLanguage(item.text, language, item.primaryLanguage);
  if (!chosen) return null;
  const otherLanguage = chosen.language !== language ? chosen.language : undefined;
  return html`
    <li class="card">
      <h3 lang=${otherLanguage}><a href=${consultationPath(item.slug)}>${chosen.value.title}</a></h3>
      <p><strong>${dateLine(props.context, item, props.now)}</strong></p>
      ${chosen.value.purpose ? html`<p lang=${otherLanguage}>${chosen.value.purpose}</p>` : null}
      <p class="meta">
        ${otherLanguage ? html`<span class="badge">${t("practice.shownIn", { language: languageName(language, otherLanguage) })}</span> ` : null}
        ${item.local ? null : html`<span class="origin"><${FromSource} context=${props.context} messageKey="consultations:list.fromPartner" source=${sourceLabel(item, props.sourceNames)} /></span>`}
      </p>
    </li>
  `;
}

/** One list of consultations in one state. */
export interface ConsultationSection {
  items: Consultation[];
  total: number;
}

function ListSection(props: { context: PageContext; id: string; title: string; empty: string; section: ConsultationSection; sourceNames: Map<string, ShownText>; now: Date }) {
  const { t } = props.context;
  const { items, total } = props.section;
  return html`
    <section aria-labelledby=${props.id}>
      <h2 id=${props.id}>${props.title}</h2>
      ${items.length === 0
        ? html`<p>${props.empty}</p>`
        : html`<ul class="calendar">${items.map((item) => html`<${ListEntry} context=${props.context} item=${item} sourceNames=${props.sourceNames} now=${props.now} />`)}</ul>`}
      ${total > items.length ? html`<p>${t("consultations:list.more", { shown: items.length, count: total })}</p>` : null}
    </section>
  `;
}

/** Renders the consultations list: open ones closing soonest first, then upcoming ones, then closed ones most recent first. */
export function ConsultationListPage(props: {
  context: PageContext;
  open: ConsultationSection;
  upcoming: ConsultationSection;
  closed: ConsultationSection;
  sourceNames: Map<string, ShownText>;
  canCreate: boolean;
  now: Date;
}) {
  const { t } = props.context;
  const common = { context: props.context, sourceNames: props.sourceNames, now: props.now };
  return html`
    <${Layout} context=${props.context} title=${t("consultations:list.title")}>
      <h1>${t("consultations:list.title")}</h1>
      <p>${t("consultations:list.intro")}</p>
      ${props.canCreate ? html`<p><a href="/consultations/new">${t("consultations:nav.newConsultation")}</a></p>` : null}
      <${ListSection} ...${common} id="open-heading" title=${t("consultations:list.open")} empty=${t("consultations:list.noOpen")} section=${props.open} />
      <${ListSection} ...${common} id="upcoming-heading" title=${t("consultations:list.upcoming")} empty=${t("consultations:list.noUpcoming")} section=${props.upcoming} />
      <${ListSection} ...${common} id="closed-heading" title=${t("consultations:list.closed")} empty=${t("consultations:list.noClosed")} section=${props.closed} />
    <//>
  `;
}

/** Renders the state sentence under the title: open until, opens on, or closed on, in the consultation's zone. */
function StateLine(props: { context: PageContext; item: Consultation; now: Date }) {
  const { t, language } = props.context;
  const { item } = props;
  const state = consultationState(item, props.now);
  const date = formatInstant(state === "upcoming" ? item.opens : item.closes, item.timeZone, language);
  const key = { upcoming: "stateUpcoming", open: "stateOpen", closed: "stateClosed" }[state];
  return html`<p class=${`consultation-state state-${state}`}><strong>${t(`consultations:states.${state}`)}</strong>${" · "}${t(`consultations:page.${key}`, { date })}</p>`;
}

/** Renders the summary of what was heard, shown above the submissions once the consultation has closed. */
function Outcome(props: { context: PageContext; item: Consultation; canWrite: boolean }) {
  const { t, language } = props.context;
  const { item } = props;
  const chosen = item.outcome ? pickLanguage(item.outcome, language, item.primaryLanguage) : null;
  const path = consultationPath(item.slug);
  return html`
    <section aria-labelledby="outcome-heading" class="consultation-outcome">
      <h2 id="outcome-heading">${t("consultations:page.outcomeTitle")}</h2>
      ${chosen
        ? html`<div class="body" lang=${chosen.language !== language ? chosen.language : undefined} dangerouslySetInnerHTML=${{ __html: plainTextToHtml(chosen.value) }}></div>`
        : html`<p>${t("consultations:page.outcomePending")}</p>`}
      ${props.canWrite ? html`<p><a href=${`${path}/outcome`}>${t(chosen ? "consultations:page.editOutcome" : "consultations:page.writeOutcome")}</a></p>` : null}
    </section>
  `;
}

/** Renders a consultation's page: purpose, dates and state, guiding questions, the summary once closed, and the submissions. */
export function ConsultationPage(props: {
  context: PageContext;
  item: Consultation;
  sourceName: ShownText | null;
  canEdit: boolean;
  canModerate: boolean;
  replies: ReplyView[];
  likes: number;
  shares: number;
  replyTo: ReplyView | null;
  replyForm: ReplyFormView;
  now: Date;
}) {
  const { t, language } = props.context;
  const { item } = props;
  const chosen = pickLanguage(item.text, language, item.primaryLanguage)!;
  const text = chosen.value;
  const contentLanguage = chosen.language !== language ? chosen.language : undefined;
  const path = consultationPath(item.slug);
  const state = consultationState(item, props.now);
  const others = LANGUAGES.filter((code) => code !== chosen.language && item.text[code]);
  const descriptionHtml = item.descriptionHtml?.[chosen.language as keyof typeof item.descriptionHtml] ?? plainTextToHtml(text.description);
  let repliesClosed: string | null = null;
  if (state === "closed") repliesClosed = t("consultations:page.submissionsClosed");
  if (state === "upcoming") repliesClosed = t("consultations:page.submissionsNotOpen", { date: formatInstant(item.opens, item.timeZone, language) });
  return html`
    <${Layout} context=${props.context} title=${hasReplyErrors(props.replyForm) ? t("discussion.errorTitle", { title: text.title }) : text.title}>
      <${ReplyErrorSummary} context=${props.context} form=${props.replyForm} />
      <article class="consultation">
        <header>
          <h1 lang=${contentLanguage}>${text.title}</h1>
          ${contentLanguage ? html`<p class="notice">${t("consultations:page.fallbackNotice", { language: languageName(language, chosen.language) })}</p>` : null}
          ${others.length > 0
            ? html`<p>${t("practice.otherVersions")}${" "}
                ${others.map((code, index) => html`${index > 0 ? ", " : ""}<a href=${`${path}?lang=${code}`} hreflang=${code} lang=${code}>${t(`languages.${code}`, { lng: code })}</a>`)}</p>`
            : null}
          ${item.local
            ? null
            : html`<p class="origin"><${FromSource} context=${props.context} messageKey="consultations:list.fromPartner" source=${props.sourceName ?? hostName(item.iri)} />${" "}
                <a href=${item.url} rel="noopener nofollow">${t("practice.viewOriginal")}</a></p>`}
          <${StateLine} context=${props.context} item=${item} now=${props.now} />
          ${props.canEdit ? html`<p class="actions"><a href=${`${path}/edit`}>${t("consultations:page.edit")}</a></p>` : null}
        </header>
        <section aria-labelledby="purpose-heading">
          <h2 id="purpose-heading">${t("consultations:fields.purpose")}</h2>
          <p class="lead" lang=${contentLanguage}>${text.purpose}</p>
        </section>
        <dl class="profile">
          <dt>${t("consultations:fields.opens")}</dt><dd>${formatInstant(item.opens, item.timeZone, language)}</dd>
          <dt>${t("consultations:fields.closes")}</dt><dd>${formatInstant(item.closes, item.timeZone, language)}</dd>
          <dt>${t("consultations:fields.languages")}</dt><dd>${item.languages.map((code) => languageName(language, code)).join(", ")}</dd>
          ${item.moderators.length ? html`<dt>${t("consultations:fields.moderators")}</dt><dd>${item.moderators.map((name, index) => html`${index > 0 ? ", " : ""}<a href=${`/members/${encodeURIComponent(name)}`}>@${name}</a>`)}</dd>` : null}
          ${item.themes.length ? html`<dt>${t("practice.fields.themes")}</dt><dd>${item.themes.map((theme) => t(`vocabulary:themes.${theme}`)).join(", ")}</dd>` : null}
        </dl>
        ${text.questions.length
          ? html`<section aria-labelledby="questions-heading">
              <h2 id="questions-heading">${t("consultations:fields.questions")}</h2>
              <ol lang=${contentLanguage}>${text.questions.map((question) => html`<li>${question}</li>`)}</ol>
            </section>`
          : null}
        ${descriptionHtml
          ? html`<section lang=${contentLanguage} aria-labelledby="description-heading">
              <h2 id="description-heading" lang=${language}>${t("consultations:fields.description")}</h2>
              <div class="body" dangerouslySetInnerHTML=${{ __html: descriptionHtml }}></div>
            </section>`
          : null}
        ${state === "closed" ? html`<${Outcome} context=${props.context} item=${item} canWrite=${props.canEdit} />` : null}
      </article>
      <${Discussion} context=${props.context} itemIri=${item.iri} pagePath=${path} replies=${props.replies} likes=${props.likes} shares=${props.shares}
        replyTo=${props.replyTo} form=${props.replyForm} repliesClosed=${repliesClosed} canModerate=${props.canModerate}
        replyLanguages=${replyLanguages(item)} />
    <//>
  `;
}
