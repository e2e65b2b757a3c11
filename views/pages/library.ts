import type { Practice } from "../../src/domain/practice.ts";
import { THEME_IDS } from "../../src/domain/vocabulary.ts";
import { PracticeCard } from "../components/practice-card.ts";
import { html, type PageContext } from "../html.ts";
import { Layout } from "../layout.ts";

export const LIBRARY_PAGE_SIZE = 20;

/** The shared library: local practices and partner copies, filtered by theme. */
export function LibraryPage(props: {
  context: PageContext;
  practices: Practice[];
  total: number;
  page: number;
  theme: string | null;
  sourceNames: Map<string, string>;
}) {
  const { t } = props.context;
  const pages = Math.max(1, Math.ceil(props.total / LIBRARY_PAGE_SIZE));
  const link = (page: number) => `/library?${new URLSearchParams({ ...(props.theme ? { theme: props.theme } : {}), page: String(page) })}`;
  return html`
    <${Layout} context=${props.context} title=${t("library.title")}>
      <h1>${t("library.title")}</h1>
      <form method="get" action="/library" class="filters">
        <label for="theme">${t("library.theme")}</label>
        <select id="theme" name="theme">
          <option value="">${t("library.allThemes")}</option>
          ${THEME_IDS.map((theme) => html`<option value=${theme} selected=${theme === props.theme}>${t(`vocabulary:themes.${theme}`)}</option>`)}
        </select>
        <button type="submit">${t("library.filter")}</button>
      </form>
      <p role="status">${t("library.count", { count: props.total })}</p>
      <section aria-label=${t("library.results")}>
        ${props.practices.length === 0
          ? html`<p>${t("library.empty")}</p>`
          : props.practices.map(
              (practice) => html`<${PracticeCard} context=${props.context} practice=${practice} sourceName=${practice.sourceActor ? props.sourceNames.get(practice.sourceActor) : null} />`,
            )}
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
