/**
 * French writes the first day of a month as an ordinal ("1er janvier"), but
 * Intl (ICU 78.3 in Node 24.21) formats it as a cardinal ("1 janvier").
 */
const FRENCH_FIRST_OF_MONTH = /(^|[\s(–-])1(?=[\s\u00a0\u202f](?:janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc))/g;

/** Corrects what Intl writes for a locale where its output differs from the usual spelling. */
export function localizeDateText(text: string, locale: string): string {
  return locale.startsWith("fr") ? text.replace(FRENCH_FIRST_OF_MONTH, "$11er") : text;
}

/** Formats an instant as a medium date with a short time, in UTC unless a time zone is given: "5 Dec 2026, 14:00". */
export function formatDateTime(locale: string, iso: string, timeZone = "UTC"): string {
  return localizeDateText(new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso)), locale);
}

/** Formats a calendar date (YYYY-MM-DD) in long form: "5 December 2026". */
export function formatDay(locale: string, date: string): string {
  return localizeDateText(new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`)), locale);
}
