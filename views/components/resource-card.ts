import type { ShownText } from "../../src/domain/organization.ts";
import { isMediaType, missingAccessibility, type Resource, type ResourceFile } from "../../src/domain/resource.ts";
import { resourcePath } from "../../src/domain/resources.ts";
import { pickLanguage } from "../../src/domain/text.ts";
import { FromSource, hostName, html, languageName, type PageContext } from "../html.ts";

/** A file size in the reader's language, in kB or MB. */
export function formatSize(bytes: number, language: string): string {
  const megabytes = bytes / (1024 * 1024);
  const format = (value: number, unit: "kilobyte" | "megabyte") => new Intl.NumberFormat(language, { style: "unit", unit, maximumFractionDigits: 1 }).format(value);
  return megabytes >= 1 ? format(megabytes, "megabyte") : format(Math.max(0.1, bytes / 1024), "kilobyte");
}

/** A short name for a file's format, such as PDF or MP4, from its stored name or media type. */
export function formatLabel(file: ResourceFile): string {
  const extension = /\/files\/[0-9a-f]{64}\.([a-z0-9]+)$/.exec(file.href)?.[1];
  if (extension) return extension.toUpperCase();
  return (file.mediaType?.split("/")[1]?.split(/[.+;-]/).pop() ?? "").toUpperCase();
}

/** One resource in a list: title, summary in the reader's language when there is one, type, themes and origin. */
export function ResourceCard(props: { context: PageContext; resource: Resource; sourceName?: ShownText | null }) {
  const { t, language } = props.context;
  const { resource } = props;
  const chosen = pickLanguage(resource.text, language, resource.primaryLanguage);
  if (!chosen) return null;
  const otherLanguage = chosen.language !== language ? chosen.language : undefined;
  const notAccessible = isMediaType(resource.resourceType) && missingAccessibility(resource).length > 0;
  return html`
    <article class="card" lang=${otherLanguage}>
      <h3><a href=${resourcePath(resource)}>${chosen.value.title}</a></h3>
      <p>${chosen.value.summary}</p>
      <p class="meta" lang=${language}>
        <span class="badge">${t(`resources:types.${resource.resourceType}`)}</span>${" "}
        ${resource.status === "archived" ? html`<span class="badge">${t("review.statuses.archived")}</span> ` : null}
        ${notAccessible ? html`<span class="badge">${t("resources:notAccessibleBadge")}</span> ` : null}
        ${otherLanguage ? html`<span class="badge">${t("practice.shownIn", { language: languageName(language, otherLanguage) })}</span> ` : null}
        ${resource.themes.map((theme) => html`<span class="tag">${t(`vocabulary:themes.${theme}`)}</span> `)}
        ${resource.local ? null : html`<span class="origin"><${FromSource} context=${props.context} messageKey="library.fromPartner" source=${props.sourceName ?? hostName(resource.iri)} /></span>`}
      </p>
    </article>
  `;
}
