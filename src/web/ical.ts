/**
 * iCalendar (RFC 5545) output for learning opportunities. Times are written
 * in UTC ("20260310T130000Z"), which calendar applications convert to the
 * reader's zone without a VTIMEZONE definition. The description gives the
 * times in the organizer's zone, followed by that zone's name.
 */
import { formatPlace, formatWhen, type LearningOpportunity } from "../domain/learning.ts";
import { pickLanguage } from "../domain/text.ts";

/** Maximum length of a content line in octets, line break excluded (RFC 5545 section 3.1). */
const MAX_LINE_OCTETS = 75;

/** Escapes a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545 section 3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r\n?|\n/g, "\\n");
}

/**
 * Folds a content line into lines of at most 75 octets joined by CRLF and
 * one space. Lines break between characters, never inside a UTF-8 sequence.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  for (const character of line) {
    const size = Buffer.byteLength(character, "utf8");
    // Continuation lines start with a space, which counts towards their 75 octets.
    const limit = parts.length === 0 ? MAX_LINE_OCTETS : MAX_LINE_OCTETS - 1;
    if (octets + size > limit) {
      parts.push(current);
      current = "";
      octets = 0;
    }
    current += character;
    octets += size;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

/** Formats an instant as an iCalendar UTC DATE-TIME, such as 20260310T130000Z. */
export function utcDateTime(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** A learning opportunity with the absolute URL of its page, for the calendar. */
export interface CalendarEntry {
  item: LearningOpportunity;
  /** Absolute URL of its page on this instance. */
  pageUrl: string;
}

function eventLines(entry: CalendarEntry, language: string, stamp: string): string[] {
  const { item } = entry;
  const text = pickLanguage(item.text, language, item.primaryLanguage)?.value;
  const where = [item.place ? formatPlace(item.place, language) : null, item.onlineUrl].filter(Boolean).join(" · ");
  // The organizer's local times, with the zone named after them, get their own paragraph, and each link is alone on its line.
  const description = [text?.summary, text?.description, formatWhen(item, language), item.onlineUrl, entry.pageUrl].filter(Boolean).join("\n\n");
  const lines = [
    "BEGIN:VEVENT",
    // The ActivityPub id is globally unique and stable, so calendars update the same event after an edit.
    `UID:${item.iri}`,
    `DTSTAMP:${stamp}`,
    `LAST-MODIFIED:${utcDateTime(item.updated)}`,
    `DTSTART:${utcDateTime(item.start)}`,
  ];
  if (item.end) lines.push(`DTEND:${utcDateTime(item.end)}`);
  lines.push(`SUMMARY:${escapeText(text?.title ?? "")}`, `DESCRIPTION:${escapeText(description)}`);
  if (where) lines.push(`LOCATION:${escapeText(where)}`);
  lines.push(`URL:${entry.pageUrl}`, "END:VEVENT");
  return lines;
}

/**
 * Builds a VCALENDAR with one VEVENT per entry, with CRLF line endings and
 * folded lines. Text is taken in `language` when the item has it, else in
 * its primary language.
 */
export function buildCalendar(entries: CalendarEntry[], options: { name: string; language: string; now?: Date }): string {
  const stamp = utcDateTime((options.now ?? new Date()).toISOString());
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Minga//Learning opportunities//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeText(options.name)}`,
    ...entries.flatMap((entry) => eventLines(entry, options.language, stamp)),
    "END:VCALENDAR",
  ];
  return `${lines.map(foldLine).join("\r\n")}\r\n`;
}
