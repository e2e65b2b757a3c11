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

/** Renders a page to a full HTML document. */
export function renderDocument(page: VNode): string {
  return `<!DOCTYPE html>\n${render(page)}`;
}
