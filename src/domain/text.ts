import sanitizeHtml from "sanitize-html";

import { LANGUAGES, type Language } from "./vocabulary.ts";

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Renders editor text as HTML: blank lines separate paragraphs, and a block
 * whose lines all start with "- " becomes a list. Everything is escaped.
 */
export function plainTextToHtml(text: string): string {
  const blocks = text.replace(/\r\n?/g, "\n").split(/\n\s*\n/).map((block) => block.trim()).filter(Boolean);
  return blocks
    .map((block) => {
      const lines = block.split("\n").map((line) => line.trim());
      if (lines.every((line) => line.startsWith("- "))) {
        return `<ul>${lines.map((line) => `<li>${escapeHtml(line.slice(2).trim())}</li>`).join("")}</ul>`;
      }
      return `<p>${lines.map(escapeHtml).join("<br>")}</p>`;
    })
    .join("\n");
}

/** Largest remote HTML body accepted, in characters; longer content is cut before sanitizing. */
export const MAX_REMOTE_HTML_LENGTH = 100_000;

/**
 * Cleans HTML from other servers: keeps text structure and links, drops
 * scripts, styles, event handlers, images and any URL scheme but http(s)
 * and mailto. Links open as plain external links.
 */
export function sanitizeRemoteHtml(html: string): string {
  return sanitizeHtml(html.slice(0, MAX_REMOTE_HTML_LENGTH), {
    allowedTags: ["p", "br", "a", "span", "strong", "b", "em", "i", "u", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6"],
    allowedAttributes: { a: ["href", "rel", "lang"], span: ["lang"], p: ["lang"] },
    allowedSchemes: ["http", "https", "mailto"],
    allowProtocolRelative: false,
    disallowedTagsMode: "discard",
    // Remote headings would break our page outline, so they become strong paragraphs.
    transformTags: {
      h1: "p", h2: "p", h3: "p", h4: "p", h5: "p", h6: "p",
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: "nofollow noopener noreferrer ugc" } }),
    },
  });
}

/** Strips all markup, for summaries and titles received as HTML. */
export function htmlToText(html: string): string {
  return sanitizeHtml(html.slice(0, MAX_REMOTE_HTML_LENGTH), { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Chooses which version of a multilingual value to show: the reader's
 * language if present, else the primary language, else any.
 */
export function pickLanguage<T>(values: Partial<Record<string, T>>, wanted: string, primary: string): { language: string; value: T } | null {
  for (const language of [wanted, primary, ...LANGUAGES, ...Object.keys(values)]) {
    const value = values[language];
    if (value !== undefined) return { language, value };
  }
  return null;
}

export type { Language };
