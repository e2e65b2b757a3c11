/**
 * File types accepted for upload, recognised from the first bytes of the
 * content and never from the file name or the type the browser claims.
 */
export interface FileType {
  mediaType: string;
  /** Extension of the stored file; the server derives the Content-Type it sends from it. */
  extension: string;
}

export const FILE_TYPES = {
  pdf: { mediaType: "application/pdf", extension: "pdf" },
  png: { mediaType: "image/png", extension: "png" },
  jpeg: { mediaType: "image/jpeg", extension: "jpg" },
  webp: { mediaType: "image/webp", extension: "webp" },
  gif: { mediaType: "image/gif", extension: "gif" },
  mp4: { mediaType: "video/mp4", extension: "mp4" },
  m4a: { mediaType: "audio/mp4", extension: "m4a" },
  webm: { mediaType: "video/webm", extension: "webm" },
  mp3: { mediaType: "audio/mpeg", extension: "mp3" },
  ogg: { mediaType: "audio/ogg", extension: "ogg" },
  ogv: { mediaType: "video/ogg", extension: "ogv" },
  wav: { mediaType: "audio/wav", extension: "wav" },
  vtt: { mediaType: "text/vtt", extension: "vtt" },
  odt: { mediaType: "application/vnd.oasis.opendocument.text", extension: "odt" },
  ods: { mediaType: "application/vnd.oasis.opendocument.spreadsheet", extension: "ods" },
  odp: { mediaType: "application/vnd.oasis.opendocument.presentation", extension: "odp" },
  docx: { mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", extension: "docx" },
  xlsx: { mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", extension: "xlsx" },
  pptx: { mediaType: "application/vnd.openxmlformats-officedocument.presentationml.presentation", extension: "pptx" },
} as const satisfies Record<string, FileType>;

/** Returns the Content-Type of a stored file from its extension, or null for an unknown one. */
export function mediaTypeOfExtension(extension: string): string | null {
  return Object.values(FILE_TYPES).find((type) => type.extension === extension)?.mediaType ?? null;
}

/** How many leading bytes detection reads; OOXML part names sit in the first local headers of the zip. */
export const SNIFF_LENGTH = 64 * 1024;

function startsWith(bytes: Buffer, signature: number[] | string, offset = 0): boolean {
  const expected = typeof signature === "string" ? Buffer.from(signature, "latin1") : Buffer.from(signature);
  return bytes.length >= offset + expected.length && bytes.subarray(offset, offset + expected.length).equals(expected);
}

/** Tells a zip's OpenDocument or OOXML type from its first entries, or null for any other zip. */
function zipType(bytes: Buffer): FileType | null {
  // OpenDocument stores an uncompressed "mimetype" entry first, whose content starts at byte 38.
  if (startsWith(bytes, "mimetype", 30)) {
    const declared = bytes.subarray(38, 38 + 80).toString("latin1");
    if (declared.startsWith(FILE_TYPES.odt.mediaType)) return FILE_TYPES.odt;
    if (declared.startsWith(FILE_TYPES.ods.mediaType)) return FILE_TYPES.ods;
    if (declared.startsWith(FILE_TYPES.odp.mediaType)) return FILE_TYPES.odp;
    return null;
  }
  const names = bytes.toString("latin1");
  if (!names.includes("[Content_Types].xml")) return null;
  if (names.includes("word/")) return FILE_TYPES.docx;
  if (names.includes("xl/")) return FILE_TYPES.xlsx;
  if (names.includes("ppt/")) return FILE_TYPES.pptx;
  return null;
}

/** Recognises a file type from the first bytes of its content (up to SNIFF_LENGTH); returns null for content of no type in FILE_TYPES. */
export function detectFileType(head: Buffer): FileType | null {
  if (startsWith(head, "%PDF-")) return FILE_TYPES.pdf;
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return FILE_TYPES.png;
  if (startsWith(head, [0xff, 0xd8, 0xff])) return FILE_TYPES.jpeg;
  if (startsWith(head, "RIFF") && startsWith(head, "WEBP", 8)) return FILE_TYPES.webp;
  if (startsWith(head, "GIF87a") || startsWith(head, "GIF89a")) return FILE_TYPES.gif;
  if (startsWith(head, "RIFF") && startsWith(head, "WAVE", 8)) return FILE_TYPES.wav;
  if (startsWith(head, "ftyp", 4)) {
    const brand = head.subarray(8, 12).toString("latin1");
    return brand === "M4A " || brand === "M4B " ? FILE_TYPES.m4a : FILE_TYPES.mp4;
  }
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return FILE_TYPES.webm;
  if (startsWith(head, "ID3") || (head.length >= 2 && head[0] === 0xff && (head[1] & 0xe0) === 0xe0 && (head[1] & 0x06) !== 0)) return FILE_TYPES.mp3;
  if (startsWith(head, "OggS")) return head.includes(Buffer.from("\x80theora", "latin1")) ? FILE_TYPES.ogv : FILE_TYPES.ogg;
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return zipType(head);
  const text = startsWith(head, [0xef, 0xbb, 0xbf]) ? head.subarray(3) : head;
  if (/^WEBVTT(?:[ \t][^\r\n]*)?(?:\r\n|\r|\n|$)/.test(text.subarray(0, 1024).toString("utf8"))) return FILE_TYPES.vtt;
  return null;
}

const TIMESTAMP = String.raw`(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})`;
const CUE_TIMING = new RegExp(`^${TIMESTAMP}[ \\t]+-->[ \\t]+${TIMESTAMP}(?:[ \\t]+.*)?$`);

function seconds(hours: string | undefined, minutes: string, secondsPart: string, millis: string): number {
  return Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(secondsPart) + Number(millis) / 1000;
}

/**
 * Checks a WebVTT file: the WEBVTT signature, at least one cue, and every
 * cue's timing line (its first line, or its second after an identifier)
 * well formed with its end after its start. Returns the 1-based number of
 * the first bad line, 0 when the file has no cue, or null when it is valid.
 */
export function findWebVttError(content: string): number | null {
  const lines = content.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  if (!/^WEBVTT(?:[ \t].*)?$/.test(lines[0] ?? "")) return 1;
  // Blocks are runs of non-blank lines; each is kept with the number of its first line.
  const blocks: { start: number; lines: string[] }[] = [];
  let current: { start: number; lines: string[] } | null = null;
  for (let index = 0; index < lines.length; index++) {
    if (lines[index].trim() === "") current = null;
    else if (current) current.lines.push(lines[index]);
    else blocks.push((current = { start: index + 1, lines: [lines[index]] }));
  }
  let cues = 0;
  for (const block of blocks.slice(1)) {
    const first = block.lines[0];
    if (/^(NOTE|STYLE|REGION)(?:[ \t]|$)/.test(first)) continue;
    const timingIndex = first.includes("-->") ? 0 : block.lines[1]?.includes("-->") ? 1 : -1;
    if (timingIndex === -1) return block.lines.length > 1 && !/\d:\d/.test(first) ? block.start + 1 : block.start;
    const match = CUE_TIMING.exec(block.lines[timingIndex].trim());
    if (!match) return block.start + timingIndex;
    const start = seconds(match[1], match[2], match[3], match[4]);
    const end = seconds(match[5], match[6], match[7], match[8]);
    if (end <= start) return block.start + timingIndex;
    cues++;
  }
  return cues === 0 ? 0 : null;
}
