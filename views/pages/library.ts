import type { ShownText } from "../../src/domain/organization.ts";
import { LIBRARY_KINDS, type LibraryKind } from "../../src/domain/resource.ts";
import { THEME_IDS } from "../../src/domain/vocabulary.ts";
import { MAX_SEARCH_LENGTH } from "../../src/search/query.ts";
import type { LibraryEntry } from "../../src/web/library-entries.ts";
import { PracticeCard } from "../components/practice-card.ts";
import { ResourceCard } from "../components/resource-card.ts";
import { html, type PageContext } from "../html.ts";
import { Layout } from "../layout.ts";

export const LIBRARY_PAGE_SIZE = 20;

/** The shared library: local practices and resources and partner copies, searched by text and filtered by kind and theme. */
export function LibraryPage(props: {
  context: PageContext;
  entries: LibraryEntry[];
  total: number;
  page: number;
  theme: string | null;
  kind: LibraryKind | null;
  sourceNames: Map<string, ShownText>;
  /** The search text as typed, or "" when there is no search. */
  query: string;
  /** Why the search text was not searched: "tooLong" or "noWords". */
  queryError: "tooLong" | "noWords" | null;
}) {
  const { t } = props.context;
  const pages = Math.max(1, Math.ceil(props.total / LIBRARY_PAGE_SIZE));
  const searching = props.query !== "";
  const filters = { ...(props.kind ? { kind: props.kind } : {}), ...(props.theme ? { theme: props.theme } : {}) };
  const search: Record<string, string> = searching ? { q: props.query } : {};
  const link = (page: number) => `/library?${new URLSearchParams({ ...search, ...filters, page: String(page) })}`;
  const filtered = props.kind !== null || props.theme !== null;
  const errorText = props.queryError ? t(`search:errors.${props.queryError}`, { max: MAX_SEARCH_LENGTH }) : null;
  const describedBy = ["q-hint", errorText ? "q-error" : null].filter(Boolean).join(" ");
  const title = searching && !errorText ? t("search:pageTitle", { query: props.query }) : t("library.title");

  let status: string;
  // A rejected search is announced by the error summary, so the status line stays empty.
  if (searching) status = errorText ? "" : t("search:results", { count: props.total, query: props.query });
  else status = props.kind === "practice" ? t("library.count", { count: props.total }) : t("resources:library.count", { count: props.total });

  let empty = null;
  if (props.entries.length === 0 && searching && !errorText) {
    empty = html`
      <p>${filtered ? t("search:emptyFiltered", { query: props.query }) : t("search:empty", { query: props.query })}</p>
      <ul class="plain">
        ${filtered ? html`<li><a href=${`/library?${new URLSearchParams({ q: props.query })}`}>${t("search:clearFilters")}</a></li>` : null}
        <li><a href="/library">${t("search:clearSearch")}</a></li>
      </ul>`;
  } else if (props.entries.length === 0 && !searching) {
    empty = html`<p>${t("resources:library.empty")}</p>`;
  }

  return html`
    <${Layout} context=${props.context} title=${errorText ? t("library.title") : title}>
      <h1>${t("library.title")}</h1>
      ${errorText
        ? html`<div class="error-summary" role="alert" autofocus aria-labelledby="search-error-title" tabindex="-1">
            <h2 id="search-error-title">${t("editor.errorSummary", { count: 1 })}</h2>
            <ul><li><a href="#q">${t("editor.errorItem", { field: t("search:label"), error: errorText })}</a></li></ul>
          </div>`
        : null}
      <form method="get" action="/library" class="filters" role="search">
        <div class="search-field">
          <label for="q">${t("search:label")}</label>
          <p id="q-hint" class="hint">${t("search:hint")}</p>
          ${errorText ? html`<p class="field-error" id="q-error">${errorText}</p>` : null}
          <input type="search" id="q" name="q" value=${props.query} maxlength=${MAX_SEARCH_LENGTH}
            aria-describedby=${describedBy} aria-invalid=${errorText ? "true" : undefined} />
        </div>
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
        <button type="submit">${t("search:submit")}</button>
      </form>
      <p role="status">${status}</p>
      <section aria-labelledby="results-heading">
        <h2 id="results-heading" class="visually-hidden">${t("resources:library.results")}</h2>
        ${empty ??
          props.entries.map((entry) => {
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
