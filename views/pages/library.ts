import { LIBRARY_KINDS, type LibraryKind } from "../../src/domain/resource.ts";
import { THEME_IDS } from "../../src/domain/vocabulary.ts";
import type { LibraryEntry } from "../../src/web/library-entries.ts";
import { PracticeCard } from "../components/practice-card.ts";
import { ResourceCard } from "../components/resource-card.ts";
import { html, type PageContext } from "../html.ts";
import { Layout } from "../layout.ts";

export const LIBRARY_PAGE_SIZE = 20;

/** The shared library: local practices and resources and partner copies, filtered by kind and theme. */
export function LibraryPage(props: {
  context: PageContext;
  entries: LibraryEntry[];
  total: number;
  page: number;
  theme: string | null;
  kind: LibraryKind | null;
  sourceNames: Map<string, string>;
}) {
  const { t } = props.context;
  const pages = Math.max(1, Math.ceil(props.total / LIBRARY_PAGE_SIZE));
  const filters = { ...(props.kind ? { kind: props.kind } : {}), ...(props.theme ? { theme: props.theme } : {}) };
  const link = (page: number) => `/library?${new URLSearchParams({ ...filters, page: String(page) })}`;
  return html`
    <${Layout} context=${props.context} title=${t("library.title")}>
      <h1>${t("library.title")}</h1>
      <form method="get" action="/library" class="filters">
        <label for="kind">${t("resources:library.kind")}</label>
        <select id="kind" name="kind">
          <option value="">${t("resources:library.allKinds")}</option>
          ${LIBRARY_KINDS.map((kind) => html`<option value=${kind} selected=${kind === props.kind}>${t(`resources:library.kinds.${kind}`)}</option>`)}
        </select>
        <label for="theme">${t("library.theme")}</label>
        <select id="theme" name="theme">
          <option value="">${t("library.allThemes")}</option>
          ${THEME_IDS.map((theme) => html`<option value=${theme} selected=${theme === props.theme}>${t(`vocabulary:themes.${theme}`)}</option>`)}
        </select>
        <button type="submit">${t("library.filter")}</button>
      </form>
      <p role="status">${props.kind === "practice" ? t("library.count", { count: props.total }) : t("resources:library.count", { count: props.total })}</p>
      <section aria-label=${t("resources:library.results")}>
        ${props.entries.length === 0
          ? html`<p>${t("resources:library.empty")}</p>`
          : props.entries.map((entry) => {
              const sourceName = entry.item.sourceActor ? props.sourceNames.get(entry.item.sourceActor) : null;
              return entry.kind === "practice"
                ? html`<${PracticeCard} context=${props.context} practice=${entry.item} sourceName=${sourceName} />`
                : html`<${ResourceCard} context=${props.context} resource=${entry.item} sourceName=${sourceName} />`;
            })}
      </section>
      ${pages > 1
        ? html`<nav aria-label=${t("library.pagination")}>
            <ul class="pagination">
              ${props.page > 1 ? html`<li><a href=${link(props.page - 1)} rel="prev">${t("library.previous")}</a></li>` : null}
              <li>${t("library.pageOf", { page: props.page, pages })}</li>
              ${props.page < pages ? html`<li><a href=${link(props.page + 1)} rel="next">${t("library.next")}</a></li>` : null}
            </ul>
          </nav>`
        : null}
    <//>
  `;
}
