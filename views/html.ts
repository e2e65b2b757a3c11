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
}

/** Renders a page to a full HTML document. */
export function renderDocument(page: VNode): string {
  return `<!DOCTYPE html>\n${render(page)}`;
}
