import type { ShownText } from "../../src/domain/organization.ts";
import { formatDay } from "../../src/domain/dates.ts";
import { formatDuration, isMediaType, missingAccessibility, type Resource, type ResourceFile } from "../../src/domain/resource.ts";
import { resourcePath } from "../../src/domain/resources.ts";
import { pickLanguage, plainTextToHtml } from "../../src/domain/text.ts";
import { LANGUAGES } from "../../src/domain/vocabulary.ts";
import { isPublic } from "../../src/domain/workflow.ts";
import { ReviewErrorSummary } from "../components/review.ts";
import { Discussion, hasReplyErrors, ReplyErrorSummary, type ReplyFormView, type ReplyView } from "../components/discussion.ts";
import { formatLabel, formatSize } from "../components/resource-card.ts";
import { FromSource, hostName, html, languageName, type PageContext } from "../html.ts";
import { Layout } from "../layout.ts";
import { missingAccessibilityKey } from "../../src/domain/resource.ts";

function fileDescription(file: ResourceFile, language: string): string {
  const label = formatLabel(file);
  return [label, file.size !== null ? formatSize(file.size, language) : ""].filter(Boolean).join(", ");
}

/** The player of a local recording, with the browser's own keyboard-operable controls and one caption track per language. */
function Player(props: { context: PageContext; resource: Resource; file: ResourceFile; title: string }) {
  const { t, language } = props.context;
  const { resource, file } = props;
  const tracks = resource.captions.map(
    (caption) => html`<track kind="captions" src=${caption.file.href} srclang=${caption.language} label=${languageName(language, caption.language, true)}
      default=${caption.language === language} />`,
  );
  const fallback = html`<p><a href=${file.href}>${t("resources:download", { name: file.name })}</a></p>`;
  return resource.resourceType === "video"
    ? html`<video controls preload="metadata" class="player" aria-label=${props.title}><source src=${file.href} type=${file.mediaType ?? undefined} />${tracks}${fallback}</video>`
    : html`<audio controls preload="metadata" class="player" aria-label=${props.title}><source src=${file.href} type=${file.mediaType ?? undefined} />${tracks}${fallback}</audio>`;
}

/** A resource's page: its text in the reader's language, the file, link or player, the transcript, the details and the discussion. */
export function ResourcePage(props: {
  context: PageContext;
  resource: Resource;
  sourceName: ShownText | null;
  canEdit: boolean;
  replies: ReplyView[];
  likes: number;
  shares: number;
  replyTo: ReplyView | null;
  replyForm: ReplyFormView;
  /** The review panel, for the resource's author and the staff. */
  review?: unknown;
  /** The review form's error, summarized at the top of the page. */
  reviewError?: string | null;
}) {
  const { t, language } = props.context;
  const { resource } = props;
  const chosen = pickLanguage(resource.text, language, resource.primaryLanguage)!;
  const text = chosen.value;
  const contentLanguage = chosen.language !== language ? chosen.language : undefined;
  const path = resourcePath(resource);
  const others = LANGUAGES.filter((code) => code !== chosen.language && resource.text[code]);
  const descriptionHtml = resource.descriptionHtml?.[chosen.language as keyof typeof resource.descriptionHtml] ?? plainTextToHtml(text.description);
  const media = isMediaType(resource.resourceType);
  const missing = missingAccessibility(resource);
  const transcript = pickLanguage(Object.fromEntries(Object.entries(resource.text).filter(([, value]) => value?.transcript.trim()).map(([code, value]) => [code, value!.transcript])), language, resource.primaryLanguage);
  const file = resource.file;
  const playable = media && file && resource.local && file.mediaType?.startsWith(`${resource.resourceType}/`);
  return html`
    <${Layout} context=${props.context} title=${hasReplyErrors(props.replyForm) ? t("discussion.errorTitle", { title: text.title }) : props.reviewError ? t("review.errorTitle", { title: text.title }) : text.title}>
      <${ReplyErrorSummary} context=${props.context} form=${props.replyForm} />
      <${ReviewErrorSummary} context=${props.context} error=${props.reviewError} />
      <article class="resource">
        <header>
          <p class="kind">${t(`resources:types.${resource.resourceType}`)}</p>
          <h1 lang=${contentLanguage}>${text.title}</h1>
          ${contentLanguage ? html`<p class="notice">${t("resources:fallbackNotice", { language: languageName(language, chosen.language) })}</p>` : null}
          ${others.length > 0
            ? html`<p>${t("practice.otherVersions")}${" "}
                ${others.map((code, index) => html`${index > 0 ? ", " : ""}<a href=${`${path}?lang=${code}`} hreflang=${code} lang=${code}>${t(`languages.${code}`, { lng: code })}</a>`)}</p>`
            : null}
          ${resource.local ? null : html`<p class="origin"><${FromSource} context=${props.context} messageKey="practice.fromPartner" source=${props.sourceName ?? hostName(resource.iri)} />${" "}
              <a href=${resource.url} rel="noopener">${t("practice.viewOriginal")}</a></p>`}
          ${resource.status !== "published" ? html`<p class="badge">${t(`review.statuses.${resource.status}`)}</p>` : null}
          ${media && missing.length > 0 ? html`<p class="notice">${t(`resources:notAccessible.${missingAccessibilityKey(missing)}`)}</p>` : null}
          ${props.canEdit ? html`<p class="actions"><a href=${`${path}/edit`}>${t("resources:edit")}</a></p>` : null}
        </header>
        <p class="lead" lang=${contentLanguage}>${text.summary}</p>
        ${playable
          ? html`<section aria-labelledby="media-heading" class="media">
              <h2 id="media-heading">${t(resource.resourceType === "video" ? "resources:watch" : "resources:listen")}</h2>
              <${Player} context=${props.context} resource=${resource} file=${file} title=${text.title} />
              <p><a href=${file.href}>${t("resources:downloadWithFormat", { name: file.name, format: fileDescription(file, language) })}</a></p>
              ${transcript
                ? html`<section aria-labelledby="transcript-heading" class="transcript" lang=${transcript.language !== language ? transcript.language : undefined}>
                    <h3 id="transcript-heading" lang=${language}>${t("resources:transcript")}</h3>
                    <div dangerouslySetInnerHTML=${{ __html: plainTextToHtml(transcript.value) }}></div>
                  </section>`
                : null}
            </section>`
          : null}
        ${!playable && file
          ? html`<p class="download"><a href=${file.href} rel=${resource.local ? undefined : "noopener"}>${resource.local
              ? t("resources:downloadWithFormat", { name: file.name, format: fileDescription(file, language) })
              : t("resources:openRemoteFile", { name: file.name })}</a></p>`
          : null}
        ${!playable && resource.captions.length > 0
          ? html`<ul class="captions">
              ${resource.captions.map((caption) => html`<li><a href=${caption.file.href} hreflang=${caption.language} rel=${resource.local ? undefined : "noopener"}>${t("resources:fields.captionIn", { language: languageName(language, caption.language) })}</a></li>`)}
            </ul>`
          : null}
        ${resource.link ? html`<p class="download"><a href=${resource.link} rel="noopener">${t("resources:openLink")}</a></p>` : null}
        ${!playable && transcript
          ? html`<section aria-labelledby="transcript-heading" class="transcript" lang=${transcript.language !== language ? transcript.language : undefined}>
              <h2 id="transcript-heading" lang=${language}>${t("resources:transcript")}</h2>
              <div dangerouslySetInnerHTML=${{ __html: plainTextToHtml(transcript.value) }}></div>
            </section>`
          : null}
        ${descriptionHtml
          ? html`<section aria-labelledby="description-heading">
              <h2 id="description-heading">${t("resources:fields.description")}</h2>
              <div class="body" lang=${contentLanguage} dangerouslySetInnerHTML=${{ __html: descriptionHtml }}></div>
            </section>`
          : null}
        <section aria-labelledby="details-heading">
          <h2 id="details-heading">${t("resources:details")}</h2>
          <dl class="profile">
            <dt>${t("resources:fields.resourceType")}</dt><dd>${t(`resources:types.${resource.resourceType}`)}</dd>
            <dt>${t("resources:fields.publisher")}</dt><dd>${resource.publisher}</dd>
            ${resource.publicationDate ? html`<dt>${t("resources:fields.publicationDate")}</dt><dd>${formatDay(language, resource.publicationDate)}</dd>` : null}
            <dt>${t("resources:fields.languages")}</dt><dd>${resource.languages.map((code) => languageName(language, code, true)).join(", ")}</dd>
            ${media && resource.durationSeconds ? html`<dt>${t("resources:fields.duration")}</dt><dd>${formatDuration(resource.durationSeconds)}</dd>` : null}
            ${media ? html`<dt>${t("resources:fields.captions")}</dt><dd>${resource.captions.length ? resource.captions.map((caption) => languageName(language, caption.language, true)).join(", ") : t("resources:none")}</dd>` : null}
            ${media ? html`<dt>${t("resources:fields.audioDescription")}</dt><dd>${t(resource.audioDescription ? "resources:yes" : "resources:no")}</dd>` : null}
            <dt>${t("practice.fields.licence")}</dt><dd>${t(`vocabulary:licences.${resource.licence}`, { defaultValue: resource.licence })}</dd>
            ${resource.themes.length ? html`<dt>${t("practice.fields.themes")}</dt><dd>${resource.themes.map((theme) => t(`vocabulary:themes.${theme}`)).join(", ")}</dd>` : null}
            ${resource.regions.length ? html`<dt>${t("practice.fields.regions")}</dt><dd>${resource.regions.map((region) => t(`vocabulary:regions.${region}`)).join(", ")}</dd>` : null}
          </dl>
        </section>
      </article>
      ${props.review ?? null}
      ${isPublic(resource.status)
        ? html`<${Discussion} context=${props.context} itemIri=${resource.iri} pagePath=${path} replies=${props.replies}
            likes=${props.likes} shares=${props.shares} replyTo=${props.replyTo} form=${props.replyForm} />`
        : null}
    <//>
  `;
}
