import { html, type Translate } from "../html.ts";

/** One problem of a rejected form: the id of its field, the field's name and the message, both translated. */
export interface SummaryEntry {
  id: string;
  field: string;
  message: string;
}

/**
 * Renders the list of problems at the top of a rejected form, each linking
 * to its field. It takes focus when the page loads (`autofocus` on an
 * element focusable through tabindex=-1), so keyboard and screen reader
 * users land on it without JavaScript.
 */
export function ErrorSummary(props: { t: Translate; entries: SummaryEntry[]; titleId?: string }) {
  const { t } = props;
  if (props.entries.length === 0) return null;
  const titleId = props.titleId ?? "error-summary-title";
  return html`<div class="error-summary" role="alert" autofocus aria-labelledby=${titleId} tabindex="-1">
    <h2 id=${titleId}>${t("editor.errorSummary", { count: props.entries.length })}</h2>
    <ul>
      ${props.entries.map((entry) => html`<li><a href=${`#${entry.id}`}>${t("editor.errorItem", { field: entry.field, error: entry.message })}</a></li>`)}
    </ul>
  </div>`;
}
