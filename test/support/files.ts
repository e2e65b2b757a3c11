/**
 * Small files of each accepted type, built in memory: only their first bytes
 * matter to the type check, so they are headers padded with filler.
 */
export const FIXTURES = {
  pdf: () => Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n", "latin1"),
  png: () => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("0000000dIHDR", "latin1"), Buffer.alloc(32)]),
  webm: () => Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01]), Buffer.from("webm", "latin1"), Buffer.alloc(2000, 7)]),
  mp4: () => Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypmp42\0\0\0\0mp42isom", "latin1"), Buffer.alloc(4000, 1)]),
  mp3: () => Buffer.concat([Buffer.from("ID3", "latin1"), Buffer.from([4, 0, 0, 0, 0, 0, 0]), Buffer.alloc(500, 3)]),
  vtt: (text = "Hello") => Buffer.from(`WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n${text}\n\n00:00:03.000 --> 00:01:00.000\nGoodbye\n`, "utf8"),
  badVtt: () => Buffer.from("WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello\n\n00:00:05.000 -> 00:00:04.000\nBroken\n", "utf8"),
  text: () => Buffer.from("This is plain text pretending to be a PDF.\n", "utf8"),
};

/** A file part of a multipart form. */
export interface FilePart {
  name: string;
  content: Buffer;
  type?: string;
}

/** Returns a valid resource form as the editor posts it; a file or a link is added by the caller. */
export function resourceForm(title = "Guide to child-friendly reception", overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    resourceType: "manual",
    primaryLanguage: "en",
    "text.en.title": title,
    "text.en.summary": "Step-by-step guidance for reception staff.",
    "text.en.description": "First paragraph.\n\n- one\n- two",
    "text.fr.title": `${title} (FR)`,
    "text.fr.summary": "Des conseils pas à pas pour le personnel d'accueil.",
    "text.es.title": `${title} (ES)`,
    "text.es.summary": "Orientaciones paso a paso para el personal de acogida.",
    publisher: "Red de Protección",
    publicationDate: "2024-05-02",
    languages: ["en", "fr", "es"],
    licence: "CC-BY-4.0",
    themes: ["child-protection"],
    regions: ["americas"],
    action: "publish",
    ...overrides,
  };
}

/** Returns a video form with a transcript and a duration; captions and the file are added by the caller. */
export function videoForm(title = "Rights at the border, explained"): Record<string, string | string[]> {
  return resourceForm(title, {
    resourceType: "video",
    "text.en.transcript": "Welcome. This video explains your rights at the border.",
    duration: "2:05",
    audioDescription: "on",
  });
}
