import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";

import busboy from "busboy";
import type { Request } from "express";

import { detectFileType, findWebVttError, mediaTypeOfExtension, SNIFF_LENGTH, type FileType } from "../domain/file-types.ts";
import type { ResourceFile } from "../domain/resource.ts";
import { logger } from "../logging.ts";
import { CSRF_FIELD } from "./csrf.ts";
import { FORM_PAGE_FIELD } from "../../views/html.ts";

const log = logger("web", "uploads");

/** Paths whose multipart posts are parsed by parseUpload, which checks the CSRF token itself. */
const UPLOAD_PATHS = [
  /^\/resources$/,
  /^\/resources\/[^/]+\/edit$/,
  /^\/admin\/organization$/,
  // Reply forms, which may carry an image.
  /^\/(practices|library|resources|library\/resources|learning|consultations)\/[^/]+\/replies$/,
];

export function isUploadRequest(request: Request): boolean {
  return request.method === "POST" && request.is("multipart/form-data") === "multipart/form-data" && UPLOAD_PATHS.some((pattern) => pattern.test(request.path));
}

/** Why an uploaded file was not kept; each is an i18n key under `resources:errors.`. */
export type UploadError = "fileTooLarge" | "fileType" | "captionType" | "captionInvalid";

export type UploadResult = { ok: true; file: ResourceFile } | { ok: false; error: UploadError; line?: number };

export interface ParsedUpload {
  /** False when the form's CSRF token was missing, wrong, or came after a file. */
  csrfValid: boolean;
  fields: Record<string, string | string[]>;
  /** Outcome per file field; fields left empty by the browser are absent. */
  files: Record<string, UploadResult>;
}

export const STORED_FILE_NAME = /^[0-9a-f]{64}\.[a-z0-9]{2,5}$/;

export function filesDirectory(dataDir: string): string {
  return path.join(dataDir, "files");
}

/**
 * Folder of public images that belong to no resource: copies of remote
 * reply images and actor pictures, and the organization's logo. They are
 * served to anyone at /media/NAME, unlike resource files.
 */
export function mediaDirectory(dataDir: string): string {
  return path.join(dataDir, "media");
}

/** Keeps the first SNIFF_LENGTH bytes and the SHA-256 of a stream passing through. */
class Inspector extends Transform {
  readonly hash = crypto.createHash("sha256");
  head = Buffer.alloc(0);
  size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    if (this.head.length < SNIFF_LENGTH) this.head = Buffer.concat([this.head, chunk.subarray(0, SNIFF_LENGTH - this.head.length)]);
    this.push(chunk);
    callback();
  }
}

/** Returns the uploader's file name without folders or control characters, for display only. */
function displayName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  return base.replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, 200) || "file";
}

/**
 * Reads a multipart form, streaming each file to disk under `directory` while
 * hashing it, then names it after its SHA-256 and the type its first bytes
 * show. A file over `maxBytes`, or of a type `accepts` rejects, is deleted
 * and reported. The other fields are still returned, so the form can be shown
 * again. The CSRF token must arrive as a field before any file, so a forged
 * post is stopped before anything is written.
 */
export async function parseUpload(
  request: Request,
  options: { directory: string; maxBytes: number; csrfToken: string; accepts: (field: string, type: FileType) => boolean; captionFields: (field: string) => boolean },
): Promise<ParsedUpload> {
  fs.mkdirSync(options.directory, { recursive: true });
  const fields: Record<string, string | string[]> = {};
  const files: Record<string, UploadResult> = {};
  const pending: Promise<void>[] = [];
  let csrf: "unknown" | "valid" | "invalid" = "unknown";

  const parser = busboy({
    headers: request.headers,
    limits: { fileSize: options.maxBytes, files: 8, fields: 300, fieldSize: 300_000, parts: 310 },
    defParamCharset: "utf8",
  });

  parser.on("field", (name, value) => {
    if (name === CSRF_FIELD) {
      if (csrf === "unknown") csrf = tokensMatch(options.csrfToken, value) ? "valid" : "invalid";
      return;
    }
    // Read by pageContext for the language switcher, as it reads the same field of a URL-encoded body.
    if (name === FORM_PAGE_FIELD && request.res) request.res.locals.formPage = value;
    const existing = fields[name];
    if (existing === undefined) fields[name] = value;
    else fields[name] = [existing, value].flat();
  });

  parser.on("file", (name, stream, info) => {
    if (csrf !== "valid") {
      csrf = "invalid";
      stream.resume();
      return;
    }
    // A file input left empty arrives as a part with no file name and no content.
    if (!info.filename) {
      stream.resume();
      return;
    }
    // A body cut off mid-file fails this file's stream as well as the parser, which reports it; the temporary file is removed either way.
    pending.push(storeFile(name, stream, info.filename).catch((error) => log.debug("Upload of {field} stopped: {error}", { field: name, error })));
  });

  async function storeFile(field: string, stream: NodeJS.ReadableStream & { truncated?: boolean }, filename: string): Promise<void> {
    const temporary = path.join(options.directory, `.upload-${crypto.randomBytes(12).toString("hex")}`);
    const inspector = new Inspector();
    try {
      await pipeline(stream, inspector, fs.createWriteStream(temporary));
      if (stream.truncated) {
        files[field] = { ok: false, error: "fileTooLarge" };
        log.info("Rejected an upload over {max} bytes in {field}", { max: options.maxBytes, field });
        return;
      }
      const type = detectFileType(inspector.head);
      const caption = options.captionFields(field);
      if (!type || !options.accepts(field, type)) {
        files[field] = { ok: false, error: caption ? "captionType" : "fileType" };
        log.info("Rejected an upload in {field}: its content is {type}", { field, type: type?.mediaType ?? "of no accepted type" });
        return;
      }
      if (caption) {
        const line = findWebVttError(fs.readFileSync(temporary, "utf8"));
        if (line !== null) {
          files[field] = { ok: false, error: "captionInvalid", line };
          return;
        }
      }
      const storedName = `${inspector.hash.digest("hex")}.${type.extension}`;
      const target = path.join(options.directory, storedName);
      // The same content uploaded twice is stored once.
      if (fs.existsSync(target)) fs.rmSync(temporary);
      else fs.renameSync(temporary, target);
      files[field] = { ok: true, file: { href: `/files/${storedName}`, mediaType: type.mediaType, size: inspector.size, name: displayName(filename) } };
    } finally {
      fs.rmSync(temporary, { force: true });
    }
  }

  await new Promise<void>((resolve, reject) => {
    parser.on("close", resolve);
    parser.on("error", reject);
    request.on("error", reject);
    request.pipe(parser);
  });
  await Promise.all(pending);
  return { csrfValid: (csrf as string) === "valid", fields, files };
}

function tokensMatch(expected: string, given: string): boolean {
  const expectedBytes = Buffer.from(expected);
  const givenBytes = Buffer.from(given);
  return expected.length > 0 && givenBytes.length === expectedBytes.length && crypto.timingSafeEqual(expectedBytes, givenBytes);
}

/**
 * Returns the proof that this session uploaded a file: an HMAC of its
 * address keyed by the session's CSRF token, so a kept-file field naming a
 * file someone else uploaded is not trusted.
 */
export function keptFileProof(href: string, csrfToken: string): string {
  return crypto.createHmac("sha256", csrfToken).update(href).digest("hex");
}

/**
 * Reads back a file the form carried over from an earlier post, as a hidden
 * field holding its JSON. The file must be one the resource already has, or
 * carry the proof that this session uploaded it. Only its stored name is
 * trusted beyond that: size and type are read from the disk again.
 */
export function keptFile(
  value: string | string[] | undefined,
  directory: string,
  trust: { csrfToken: string; ownFiles: Set<string> },
): ResourceFile | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  let parsed: { href?: unknown; name?: unknown; proof?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return null;
  }
  if (typeof parsed.href !== "string" || !parsed.href.startsWith("/files/")) return null;
  const proven = typeof parsed.proof === "string" && tokensMatch(keptFileProof(parsed.href, trust.csrfToken), parsed.proof);
  if (!trust.ownFiles.has(parsed.href) && !proven) return null;
  const storedName = parsed.href.slice("/files/".length);
  if (!STORED_FILE_NAME.test(storedName)) return null;
  const stats = fs.statSync(path.join(directory, storedName), { throwIfNoEntry: false });
  if (!stats?.isFile()) return null;
  return { href: parsed.href, mediaType: mediaTypeOfExtension(storedName.split(".")[1]), size: stats.size, name: displayName(typeof parsed.name === "string" ? parsed.name : "") };
}
