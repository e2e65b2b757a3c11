import { expect } from "chai";

import { buildCalendar, escapeText, foldLine, utcDateTime } from "../src/web/ical.ts";
import { sampleLearning } from "./support/learning.ts";

/** Undoes line folding as RFC 5545 readers do: a CRLF followed by one space disappears. */
function unfold(text: string): string {
  return text.replace(/\r\n /g, "");
}

describe("iCalendar output", () => {
  it("escapes backslash, semicolon, comma and newlines", () => {
    expect(escapeText("a\\b;c,d\ne\r\nf")).to.equal("a\\\\b\\;c\\,d\\ne\\nf");
  });

  it("folds long lines at 75 octets without splitting characters", () => {
    const line = `DESCRIPTION:${"Formación en protección de niñas y niños 🧒 ".repeat(8)}`;
    const folded = foldLine(line);
    const parts = folded.split("\r\n");
    expect(parts.length).to.be.greaterThan(1);
    for (const part of parts) {
      expect(Buffer.byteLength(part, "utf8"), part).to.be.at.most(75);
      // A character cut in two would not survive a round trip through UTF-8.
      expect(Buffer.from(part, "utf8").toString("utf8")).to.equal(part);
    }
    expect(parts.slice(1).every((part) => part.startsWith(" "))).to.equal(true);
    expect(unfold(folded)).to.equal(line);
    expect(foldLine("SHORT:line")).to.equal("SHORT:line");
  });

  it("writes UTC date-times", () => {
    expect(utcDateTime("2026-03-10T13:00:00.000Z")).to.equal("20260310T130000Z");
  });

  it("writes one VEVENT per item with CRLF line endings", () => {
    const first = sampleLearning("first");
    const second = sampleLearning("second", { end: null, place: null, text: { en: { title: "Webinar, part 2", summary: "", description: "" } } });
    const calendar = buildCalendar(
      [
        { item: first, pageUrl: "https://a.example/learning/first" },
        { item: second, pageUrl: "https://a.example/learning/second" },
      ],
      { name: "Minga; calendar", language: "fr", now: new Date("2026-01-10T08:30:00Z") },
    );
    expect(calendar.endsWith("\r\n")).to.equal(true);
    expect(calendar.replace(/\r\n/g, "")).to.not.match(/[\r\n]/);
    const lines = unfold(calendar).split("\r\n");
    expect(lines.slice(0, 3)).to.deep.equal(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Minga//Learning opportunities//EN"]);
    expect(lines).to.include("X-WR-CALNAME:Minga\\; calendar");
    expect(lines.filter((line) => line === "BEGIN:VEVENT")).to.have.length(2);
    expect(lines).to.include("UID:https://a.example/learning/first");
    expect(lines).to.include("DTSTAMP:20260110T083000Z");
    expect(lines).to.include("DTSTART:20260310T130000Z");
    expect(lines).to.include("DTEND:20260310T163000Z");
    expect(lines, "French text when the item has it").to.include("SUMMARY:Repérer les indices de traite");
    expect(lines).to.include("LOCATION:Maison des associations\\, 12 rue de la Paix\\, Lyon\\, France · https://meet.example/screening");
    expect(lines).to.include("URL:https://a.example/learning/first");
    expect(lines.filter((line) => line.startsWith("DTEND:")), "an item without an end has no DTEND").to.have.length(1);
    expect(lines).to.include("SUMMARY:Webinar\\, part 2");
    expect(lines.at(-2)).to.equal("END:VCALENDAR");
  });

  it("keeps the page link alone in the description", () => {
    const item = sampleLearning("zoned", { timeZone: "Africa/Dakar" });
    const calendar = buildCalendar([{ item, pageUrl: "https://a.example/learning/zoned" }], { name: "Minga", language: "en", now: new Date("2026-01-10T08:30:00Z") });
    const description = unfold(calendar).split("\r\n").find((line) => line.startsWith("DESCRIPTION:"))!;
    const paragraphs = description.slice("DESCRIPTION:".length).split("\\n\\n");
    expect(paragraphs.at(-1), "the last paragraph is only the page URL").to.equal("https://a.example/learning/zoned");
    const times = paragraphs.find((paragraph) => paragraph.includes("Africa/Dakar"));
    expect(times, "the zone is named next to the times").to.match(/\d.*\(Africa\/Dakar\)$/);
    expect(unfold(calendar).split("\r\n")).to.include("URL:https://a.example/learning/zoned");
  });
});
