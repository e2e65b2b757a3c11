/**
 * Parsing of the library's search box. Typed text is only split into words
 * here, and each storage adapter then quotes the words in its own query
 * syntax. So operators such as OR, NEAR(, -, * or : are searched as plain
 * words and never change the query.
 */

/** Maximum length of the search text, in characters. Longer text is rejected with a message instead of being searched. */
export const MAX_SEARCH_LENGTH = 200;

/** A search as typed and the words to look for. */
export interface SearchText {
  /** The text as typed, trimmed, for the search field. */
  text: string;
  /** Words of letters and digits, in typed order; punctuation between them is dropped. Empty when nothing searchable was typed. */
  terms: string[];
  /** Why the text is not searched: "tooLong" when it exceeds MAX_SEARCH_LENGTH. */
  error: "tooLong" | null;
}

/** Runs of characters that separate words: anything but letters, digits and combining marks, close to how SQLite's unicode61 tokenizer splits text. */
const SEPARATORS = /[^\p{L}\p{N}\p{M}]+/u;
const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Parses the `q` query parameter; anything but a string counts as no search. */
export function parseSearchText(raw: unknown): SearchText {
  const text = typeof raw === "string" ? raw.trim() : "";
  if (text.length > MAX_SEARCH_LENGTH) return { text, terms: [], error: "tooLong" };
  const terms = text.normalize("NFC").split(SEPARATORS).filter((word) => HAS_LETTER_OR_DIGIT.test(word));
  return { text, terms, error: null };
}

/**
 * Builds an SQLite FTS5 MATCH expression that finds items containing every
 * term. Each term becomes a quoted string (double quotes doubled), so FTS5
 * reads it as text to tokenize and never as syntax. The last term matches
 * as a prefix, so "protec" finds "protection" while the word is being typed.
 */
export function ftsMatchExpression(terms: string[]): string {
  return terms.map((term, index) => `"${term.replaceAll('"', '""')}"${index === terms.length - 1 ? "*" : ""}`).join(" ");
}
