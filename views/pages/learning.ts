import type { ShownText } from "../../src/domain/organization.ts";
import { formatPlace, formatWhen, type LearningOpportunity } from "../../src/domain/learning.ts";
import { learningPath } from "../../src/domain/learning-service.ts";
import { pickLanguage, plainTextToHtml } from "../../src/domain/text.ts";
import { LANGUAGES } from "../../src/domain/vocabulary.ts";
import { Discussion, hasReplyErrors, ReplyErrorSummary, type ReplyFormView, type ReplyView } from "../components/discussion.ts";
import { FromSource, hostName, html, languageName, type PageContext } from "../html.ts";
import { Layout } from "../layout.ts";

/** Returns the name of a partner copy's source, or its host when the partner is unknown. */
function sourceLabel(item: LearningOpportunity, sourceNames: Map<string, ShownText>): ShownText {
  return (item.sourceActor && sourceNames.get(item.sourceActor)) || hostName(item.iri);
}

/** Formats where it takes place as one line: the place, "online", or both. */
function whereText(context: PageContext, item: LearningOpportunity): string {
  return [item.place ? formatPlace(item.place, context.language) : null, item.onlineUrl ? context.t("learning:fields.online") : null].filter(Boolean).join(" · ");
}

/** Renders one learning opportunity in the calendar: title, format, when and where, and where it came from. */
function CalendarEntry(props: { context: PageContext; item: LearningOpportunity; sourceNames: Map<string, ShownText> }) {
  const { t, language } = props.context;
  const { item } = props;
  const chosen = pickLanguage(item.text, language, item.primaryLanguage);
  if (!chosen) return null;
  const otherLanguage = chosen.language !== language ? chosen.language : undefined;
  return html`
    <li class="card">
      <h3 lang=${otherLanguage}><a href=${learningPath(item.slug)}>${chosen.value.title}</a></h3>
      <p><strong>${formatWhen(item, language)}</strong></p>
      <p>${t(`learning:formats.${item.format}`)} · ${whereText(props.context, item)}</p>
      ${chosen.value.summary ? html`<p lang=${otherLanguage}>${chosen.value.summary}</p>` : null}
      <p class="meta">
        ${otherLanguage ? html`<span class="badge">${t("practice.shownIn", { language: languageName(language, otherLanguage) })}</span> ` : null}
        ${item.local ? null : html`<span class="origin"><${FromSource} context=${props.context} messageKey="learning:calendar.fromPartner" source=${sourceLabel(item, props.sourceNames)} /></span>`}
      </p>
    </li>
  `;
}

function CalendarSection(props: { context: PageContext; id: string; title: string; empty: string; items: LearningOpportunity[]; total: number; sourceNames: Map<string, ShownText> }) {
  const { t } = props.context;
  return html`
    <section aria-labelledby=${props.id}>
      <h2 id=${props.id}>${props.title}</h2>
      ${props.items.length === 0
        ? html`<p>${props.empty}</p>`
        : html`<ul class="calendar">${props.items.map((item) => html`<${CalendarEntry} context=${props.context} item=${item} sourceNames=${props.sourceNames} />`)}</ul>`}
      ${props.total > props.items.length ? html`<p>${t("learning:calendar.more", { shown: props.items.length, count: props.total })}</p>` : null}
    </section>
  `;
}

/** Renders the learning calendar: upcoming learning opportunities soonest first, then past ones most recent first, local and from partners. */
export function CalendarPage(props: {
  context: PageContext;
  upcoming: { items: LearningOpportunity[]; total: number };
  past: { items: LearningOpportunity[]; total: number };
  sourceNames: Map<string, ShownText>;
}) {
  const { t } = props.context;
  return html`
    <${Layout} context=${props.context} title=${t("learning:calendar.title")}>
      <h1>${t("learning:calendar.title")}</h1>
      <p>${t("learning:calendar.intro")}</p>
      <p><a href="/calendar.ics" type="text/calendar">${t("learning:calendar.subscribe")}</a></p>
      <${CalendarSection} context=${props.context} id="upcoming-heading" title=${t("learning:calendar.upcoming")} empty=${t("learning:calendar.noUpcoming")}
        items=${props.upcoming.items} total=${props.upcoming.total} sourceNames=${props.sourceNames} />
      <${CalendarSection} context=${props.context} id="past-heading" title=${t("learning:calendar.past")} empty=${t("learning:calendar.noPast")}
        items=${props.past.items} total=${props.past.total} sourceNames=${props.sourceNames} />
    <//>
  `;
}

function ExternalLink(props: { href: string; children: unknown }) {
  return html`<a href=${props.href} rel="noopener nofollow">${props.children}</a>`;
}

/** Renders a learning opportunity's page: its text in the reader's language (saying so when another is shown), every field with a link to its .ics file, and the discussion. */
export function LearningPage(props: {
  context: PageContext;
  item: LearningOpportunity;
  sourceName: ShownText | null;
  canEdit: boolean;
  replies: ReplyView[];
  likes: number;
  shares: number;
  replyTo: ReplyView | null;
  replyForm: ReplyFormView;
}) {
  const { t, language } = props.context;
  const { item } = props;
  const chosen = pickLanguage(item.text, language, item.primaryLanguage)!;
  const text = chosen.value;
  const contentLanguage = chosen.language !== language ? chosen.language : undefined;
  const path = learningPath(item.slug);
  const others = LANGUAGES.filter((code) => code !== chosen.language && item.text[code]);
  const descriptionHtml = item.descriptionHtml?.[chosen.language as keyof typeof item.descriptionHtml] ?? plainTextToHtml(text.description);
  const languageList = (codes: string[]) => codes.map((code) => languageName(language, code)).join(", ");
  return html`
    <${Layout} context=${props.context} title=${hasReplyErrors(props.replyForm) ? t("discussion.errorTitle", { title: text.title }) : text.title}>
      <${ReplyErrorSummary} context=${props.context} form=${props.replyForm} />
      <article class="learning">
        <header>
          <p class="kind">${t(`learning:formats.${item.format}`)}</p>
          <h1 lang=${contentLanguage}>${text.title}</h1>
          ${contentLanguage ? html`<p class="notice">${t("learning:page.fallbackNotice", { language: languageName(language, chosen.language) })}</p>` : null}
          ${others.length > 0
            ? html`<p>${t("practice.otherVersions")}${" "}
                ${others.map((code, index) => html`${index > 0 ? ", " : ""}<a href=${`${path}?lang=${code}`} hreflang=${code} lang=${code}>${t(`languages.${code}`, { lng: code })}</a>`)}</p>`
            : null}
          ${item.local
            ? null
            : html`<p class="origin"><${FromSource} context=${props.context} messageKey="learning:calendar.fromPartner" source=${props.sourceName ?? hostName(item.iri)} />${" "}
                <${ExternalLink} href=${item.url}>${t("practice.viewOriginal")}<//></p>`}
          <p class="actions">
            <a href=${`${path}.ics`} type="text/calendar">${t("learning:page.addToCalendar")}</a>
            ${props.canEdit ? html`${" · "}<a href=${`${path}/edit`}>${t("learning:page.edit")}</a>` : null}
          </p>
        </header>
        ${text.summary ? html`<p class="lead" lang=${contentLanguage}>${text.summary}</p>` : null}
        <dl class="profile">
          <dt>${t("learning:fields.when")}</dt><dd>${formatWhen(item, language)}</dd>
          ${item.place ? html`<dt>${t("learning:fields.place")}</dt><dd>${formatPlace(item.place, language)}</dd>` : null}
          ${item.onlineUrl ? html`<dt>${t("learning:fields.onlineUrl")}</dt><dd><${ExternalLink} href=${item.onlineUrl}>${item.onlineUrl}<//></dd>` : null}
          <dt>${t("learning:fields.languages")}</dt><dd>${languageList(item.languages)}</dd>
          ${item.interpretationLanguages.length ? html`<dt>${t("learning:fields.interpretationLanguages")}</dt><dd>${languageList(item.interpretationLanguages)}</dd>` : null}
          <dt>${t("learning:fields.registration")}</dt>
          <dd>
            ${item.registrationUrl ? html`<${ExternalLink} href=${item.registrationUrl}>${t("learning:page.register")}<//>` : t(`learning:registrationModes.${item.registrationMode}`)}
          </dd>
          ${item.capacity !== null ? html`<dt>${t("learning:fields.capacity")}</dt><dd>${t("learning:page.places", { count: item.capacity })}</dd>` : null}
          ${item.organizer ? html`<dt>${t("learning:fields.organizer")}</dt><dd>${item.organizer}</dd>` : null}
          ${item.themes.length ? html`<dt>${t("practice.fields.themes")}</dt><dd>${item.themes.map((theme) => t(`vocabulary:themes.${theme}`)).join(", ")}</dd>` : null}
          ${item.recordingUrl ? html`<dt>${t("learning:fields.recordingUrl")}</dt><dd><${ExternalLink} href=${item.recordingUrl}>${t("learning:page.watchRecording")}<//></dd>` : null}
        </dl>
        ${descriptionHtml ? html`<section lang=${contentLanguage} aria-labelledby="description-heading">
              <h2 id="description-heading" lang=${language}>${t("learning:fields.description")}</h2>
              <div class="body" dangerouslySetInnerHTML=${{ __html: descriptionHtml }}></div>
            </section>` : null}
        ${item.materials.length
          ? html`<section aria-labelledby="materials-heading">
              <h2 id="materials-heading">${t("learning:fields.materials")}</h2>
              <ul>${item.materials.map((material) => html`<li><${ExternalLink} href=${material.url}>${material.name}<//></li>`)}</ul>
            </section>`
          : null}
      </article>
      <${Discussion} context=${props.context} itemIri=${item.iri} pagePath=${path} replies=${props.replies}
        likes=${props.likes} shares=${props.shares} replyTo=${props.replyTo} form=${props.replyForm} />
    <//>
  `;
}
