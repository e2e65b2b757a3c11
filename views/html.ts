import { html } from "htm/preact";
import type { VNode } from "preact";
import { render } from "preact-render-to-string";

import type { ShownText } from "../src/domain/organization.ts";
import type { Language } from "../src/domain/vocabulary.ts";
import type { Account } from "../src/storage/types.ts";

export { html };

/** Translation function bound to the request's language. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** What every page needs to know about the request. */
export interface PageContext {
  t: Translate;
  language: Language;
  account: Account | null;
  siteName: string;
  /** Path and query the language switcher links to: the current page, or for a page rendered in response to a POST, the page the form was on. */
  currentUrl: string;
  /** A status message to announce at the top of the page, already translated. */
  notice?: string | null;
  /** Token every form posts back, checked against the request's CSRF cookie. */
  csrfToken: string;
}

/** Name of the hidden field that carries the address of the page a form was shown on. */
export const FORM_PAGE_FIELD = "_page";

/**
 * The hidden fields every form that changes state carries: the CSRF token, and
 * the address of the page the form was shown on, so that a page rendered in
 * response to the POST can point its language switcher back there.
 */
export function CsrfField(props: { context: PageContext }) {
  return html`<input type="hidden" name="_csrf" value=${props.context.csrfToken} /><input type="hidden" name=${FORM_PAGE_FIELD} value=${props.context.currentUrl} />`;
}

/**
 * Names a content language in the reader's interface language ("French" in
 * English, "francés" in Spanish), capitalized where it starts a label.
 */
export function languageName(interfaceLanguage: string, code: string, capitalize = false): string {
  let name = code;
  try {
    name = new Intl.DisplayNames([interfaceLanguage], { type: "language" }).of(code) ?? code;
  } catch {
    // Not a language tag: show it as it is.
  }
  return capitalize ? name.charAt(0).toLocaleUpperCase(interfaceLanguage) + name.slice(1) : name;
}

/** Renders a text chosen among languages, marked with `lang` when its language is known and differs from the page's. */
export function InLanguage(props: { context: PageContext; text: ShownText }) {
  const { text, language } = props.text;
  return language && language !== props.context.language ? html`<span lang=${language}>${text}</span>` : html`${text}`;
}

/**
 * Translates `messageKey` with the `{{source}}` placeholder filled by a partner's
 * name in its own language, so that the name can carry its own `lang`.
 */
export function FromSource(props: { context: PageContext; messageKey: string; source: ShownText }) {
  const marker = "\u0000";
  const [before, after = ""] = props.context.t(props.messageKey, { source: marker }).split(marker);
  return html`${before}<${InLanguage} context=${props.context} text=${props.source} />${after}`;
}

/** Names a partner by host, for copies whose source actor is not cached. */
export function hostName(iri: string): ShownText {
  return { text: new URL(iri).host, language: null };
}

/**
 * Sorts a form's errors into the order their fields appear in the form, so
 * that the summary at the top reads in the same order as the page. `idOf`
 * gives the id of the element each error links to. Errors whose element is
 * not found keep their order after the others.
 */
export function inFieldOrder<T>(errors: [string, T][], form: VNode, idOf: (name: string) => string): [string, T][] {
  if (errors.length < 2) return errors;
  const markup = render(form);
  const position = (name: string) => {
    const index = markup.indexOf(` id="${idOf(name)}"`);
    return index === -1 ? Number.MAX_SAFE_INTEGER : index;
  };
  return [...errors].sort((a, b) => position(a[0]) - position(b[0]));
}

/** Renders a page to a full HTML document. */
export function renderDocument(page: VNode): string {
  return `<!DOCTYPE html>\n${render(page)}`;
}
