import { expect } from "chai";

import { detectFileType, findWebVttError } from "../src/domain/file-types.ts";
import { formatDuration, fromXsdDuration, missingAccessibility, parseDuration, toXsdDuration, validateResourceFields } from "../src/domain/resource.ts";
import { resourceFormToInput } from "../src/web/resource-form.ts";
import { FIXTURES, resourceForm } from "./support/files.ts";

describe("resource validation", () => {
  it("accepts a complete form", () => {
    const result = validateResourceFields(resourceFormToInput(resourceForm()));
    expect(result.ok).to.equal(true);
    if (!result.ok) return;
    expect(result.value.languages).to.deep.equal(["en", "fr", "es"]);
    expect(result.value.text.fr?.title).to.contain("(FR)");
    expect(result.value.publicationDate).to.equal("2024-05-02");
  });

  it("reports each invalid field", () => {
    const result = validateResourceFields(
      resourceFormToInput(resourceForm("", { resourceType: "poster", publisher: "", languages: [], themes: [], publicationDate: "2024-02-30", link: "ftp://x", duration: "ten minutes" })),
    );
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.errors["text.en.title"]).to.equal("required");
    expect(result.errors.resourceType).to.equal("choice");
    expect(result.errors.publisher).to.equal("required");
    expect(result.errors.languages).to.equal("atLeastOne");
    expect(result.errors.themes).to.equal("atLeastOne");
    expect(result.errors.publicationDate).to.equal("date");
    expect(result.errors.link).to.equal("url");
    expect(result.errors.durationSeconds).to.equal("duration");
  });

  it("needs the main language's text", () => {
    const result = validateResourceFields(resourceFormToInput(resourceForm("Title", { primaryLanguage: "fr", "text.fr.title": "", "text.fr.summary": "" })));
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.errors["text.fr.title"]).to.equal("primaryMissing");
  });

  it("reports a missing main language with other errors", () => {
    const result = validateResourceFields(resourceFormToInput({ primaryLanguage: "es", languages: ["es"] }));
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.errors["text.es.title"]).to.equal("primaryMissing");
    expect(result.errors.publisher).to.equal("required");
  });

  it("reads and writes durations", () => {
    expect(parseDuration("")).to.equal(null);
    expect(parseDuration("90")).to.equal(90);
    expect(parseDuration("12:30")).to.equal(750);
    expect(parseDuration("1:05:00")).to.equal(3900);
    expect(parseDuration("1:75")).to.be.NaN;
    expect(formatDuration(3900)).to.equal("1:05:00");
    expect(formatDuration(125)).to.equal("2:05");
    expect(toXsdDuration(3723)).to.equal("PT1H2M3S");
    expect(toXsdDuration(3600)).to.equal("PT1H");
    expect(fromXsdDuration("PT385S")).to.equal(385);
    expect(fromXsdDuration("PT1H2M3S")).to.equal(3723);
    expect(fromXsdDuration("P1D")).to.equal(86_400);
    expect(fromXsdDuration("PT")).to.equal(null);
    expect(fromXsdDuration("113")).to.equal(null);
  });

  it("lists what a recording lacks", () => {
    const text = { en: { title: "t", summary: "s", description: "", transcript: "" } };
    expect(missingAccessibility({ resourceType: "manual", captions: [], text })).to.deep.equal([]);
    expect(missingAccessibility({ resourceType: "video", captions: [], text })).to.deep.equal(["captions", "transcript"]);
    const caption = { language: "en", file: { href: "/files/x.vtt", mediaType: "text/vtt", size: 1, name: "en.vtt" } };
    expect(missingAccessibility({ resourceType: "audio", captions: [caption], text: { en: { ...text.en, transcript: "Words" } } })).to.deep.equal([]);
  });
});

describe("file type detection", () => {
  const cases: [string, Buffer, string | null][] = [
    ["PDF", FIXTURES.pdf(), "application/pdf"],
    ["PNG", FIXTURES.png(), "image/png"],
    ["JPEG", Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), "image/jpeg"],
    ["WebP", Buffer.from("RIFF\x10\0\0\0WEBPVP8 ", "latin1"), "image/webp"],
    ["WebM", FIXTURES.webm(), "video/webm"],
    ["MP4", FIXTURES.mp4(), "video/mp4"],
    ["M4A", Buffer.from("\0\0\0\x18ftypM4A \0\0\0\0", "latin1"), "audio/mp4"],
    ["MP3 with ID3", FIXTURES.mp3(), "audio/mpeg"],
    ["MP3 frame", Buffer.from([0xff, 0xfb, 0x90, 0x64]), "audio/mpeg"],
    ["Ogg", Buffer.from("OggS\0\x02\0\0\0\0\0\0\0\0\x01vorbis", "latin1"), "audio/ogg"],
    ["Ogg Theora", Buffer.from("OggS\0\x02\0\0\0\0\0\0\0\0\x80theora", "latin1"), "video/ogg"],
    ["WAV", Buffer.from("RIFF\x24\0\0\0WAVEfmt ", "latin1"), "audio/wav"],
    ["WebVTT", FIXTURES.vtt(), "text/vtt"],
    ["WebVTT with BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), FIXTURES.vtt()]), "text/vtt"],
    ["ODT", Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(26), Buffer.from("mimetypeapplication/vnd.oasis.opendocument.text", "latin1")]), "application/vnd.oasis.opendocument.text"],
    ["DOCX", Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(26), Buffer.from("[Content_Types].xml....PK\x03\x04word/document.xml", "latin1")]), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    ["plain zip", Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(26), Buffer.from("notes.txt", "latin1")]), null],
    ["plain text", FIXTURES.text(), null],
    ["HTML", Buffer.from("<!DOCTYPE html><script>alert(1)</script>", "utf8"), null],
    ["SVG", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>', "utf8"), null],
    ["WEBVTT inside a word", Buffer.from("WEBVTTX\n", "utf8"), null],
  ];
  for (const [name, bytes, expected] of cases) {
    it(`recognises ${name}`, () => {
      expect(detectFileType(bytes)?.mediaType ?? null).to.equal(expected);
    });
  }
});

describe("WebVTT check", () => {
  it("accepts cues with identifiers, notes and hours", () => {
    expect(findWebVttError("WEBVTT - captions\n\nNOTE made by hand\n\nintro\n00:00.000 --> 00:02.000 align:start\nHello\n\n01:00:00.000 --> 01:00:01.500\nLater\n")).to.equal(null);
  });

  it("finds the first bad line", () => {
    expect(findWebVttError("WEBVTX\n\n00:00.000 --> 00:01.000\nx\n")).to.equal(1);
    expect(findWebVttError("WEBVTT\n\n00:00.000 --> 00:01.000\nx\n\n00:02.000 --> 00:01.000\ny\n")).to.equal(6);
    expect(findWebVttError("WEBVTT\n\nid\n00:00:00,000 --> 00:00:01,000\nx\n")).to.equal(4);
    expect(FIXTURES.badVtt().toString("utf8").split("\n")[5]).to.contain("->");
    expect(findWebVttError(FIXTURES.badVtt().toString("utf8"))).to.equal(6);
  });

  it("needs at least one cue", () => {
    expect(findWebVttError("WEBVTT\n\nNOTE nothing yet\n")).to.equal(0);
  });
});

describe("accessibility message keys", () => {
  it("name every combination the locales define", async () => {
    const { missingAccessibilityKey } = await import("../src/domain/resource.ts");
    const fs = await import("node:fs");
    const english = JSON.parse(fs.readFileSync(new URL("../locales/en/resources.json", import.meta.url), "utf8"));
    for (const missing of [["captions"], ["transcript"], ["captions", "transcript"]] as ("captions" | "transcript")[][]) {
      const key = missingAccessibilityKey(missing);
      expect(english.notAccessible[key], `notAccessible.${key}`).to.be.a("string");
      expect(english.errors.inaccessible[key], `errors.inaccessible.${key}`).to.be.a("string");
    }
  });
});
