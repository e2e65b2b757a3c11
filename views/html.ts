import { html } from "htm/preact";
import type { VNode } from "preact";
import { render } from "preact-render-to-string";

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
  /** Path and query of the current page, for the language switcher. */
  currentUrl: string;
  /** A status message to announce at the top of the page, already translated. */
  notice?: string | null;
  /** Token every form posts back, checked against the request's CSRF cookie. */
  csrfToken: string;
}

/** The hidden field that carries the CSRF token in every form that changes state. */
export function CsrfField(props: { context: PageContext }) {
  return html`<input type="hidden" name="_csrf" value=${props.context.csrfToken} />`;
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

/** Renders a page to a full HTML document. */
export function renderDocument(page: VNode): string {
  return `<!DOCTYPE html>\n${render(page)}`;
}
