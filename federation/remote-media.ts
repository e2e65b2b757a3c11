import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { Audio, Document, Image, Link, Video, type Object as APObject } from "@fedify/vocab";
import { validatePublicUrl } from "@fedify/vocab-runtime";
import sanitizeHtml from "sanitize-html";

import { detectFileType, FILE_TYPES, type FileType } from "../src/domain/file-types.ts";
import { htmlToText, MAX_REMOTE_HTML_LENGTH } from "../src/domain/text.ts";
import { logger } from "../src/logging.ts";
import type { RemoteImage, ReplyAttachment, Store } from "../src/storage/types.ts";

const log = logger("federation", "media");

/** Maximum attachments kept of one reply, inline images included; further ones are dropped. */
export const MAX_ATTACHMENTS = 8;
/** Maximum length of an author's description, in characters; the rest is cut. */
const MAX_DESCRIPTION_LENGTH = 1500;
/** Largest image copied from another server, in bytes. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** How long one image download may take, in milliseconds. */
const FETCH_TIMEOUT_MS = 15_000;
const MAX_REDIRECTS = 3;
/** How many recent copy outcomes are remembered by URL, so an image shared by many replies or updates is fetched once. */
const RECENT_OUTCOMES = 1000;
/** Image types kept; SVG is not among them because it can carry script. */
const IMAGE_TYPES: FileType[] = [FILE_TYPES.png, FILE_TYPES.jpeg, FILE_TYPES.webp, FILE_TYPES.gif];

function kindOf(object: APObject | Link, mediaType: string | null): ReplyAttachment["kind"] {
  if (object instanceof Image || mediaType?.startsWith("image/")) return "image";
  if (object instanceof Video || mediaType?.startsWith("video/")) return "video";
  if (object instanceof Audio || mediaType?.startsWith("audio/")) return "audio";
  return "file";
}

function description(value: unknown): string | null {
  const text = htmlToText(String(value ?? "")).slice(0, MAX_DESCRIPTION_LENGTH).trim();
  return text || null;
}

function httpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function dimension(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isInteger(value) && value > 0 && value < 100_000 ? value : null;
}

/**
 * Reads the media a Note embeds in `attachment`: Mastodon's `Document`s with
 * `name` as alt text, and `Image`, `Video`, `Audio` objects. Attachments
 * given only by URL are skipped rather than fetched, as are links and
 * property values.
 */
export async function readNoteAttachments(note: APObject): Promise<ReplyAttachment[]> {
  const attachments: ReplyAttachment[] = [];
  const refuseFetch = async (url: string): Promise<never> => {
    throw new Error(`Attachment ${url} is not embedded`);
  };
  for await (const item of note.getAttachments({ documentLoader: refuseFetch, contextLoader: refuseFetch, suppressError: true })) {
    if (attachments.length >= MAX_ATTACHMENTS) break;
    if (!(item instanceof Document || item instanceof Image || item instanceof Video || item instanceof Audio)) continue;
    const link = item.urls.find((url) => url instanceof URL || url instanceof Link);
    const href = link instanceof URL ? link.href : (link?.href?.href ?? null);
    const url = httpUrl(href);
    if (!url) continue;
    const mediaType = item.mediaType ?? (link instanceof Link ? link.mediaType : null) ?? null;
    attachments.push({
      url,
      kind: kindOf(item, mediaType),
      mediaType,
      description: description(item.name?.toString()),
      width: dimension(item.width),
      height: dimension(item.height),
      file: null,
      failure: null,
    });
  }
  return attachments;
}

/** Collects the `<img>` elements of remote HTML as image attachments, with their `alt` as the author's description. */
export function readInlineImages(html: string): ReplyAttachment[] {
  const images: ReplyAttachment[] = [];
  sanitizeHtml(html.slice(0, MAX_REMOTE_HTML_LENGTH), {
    allowedTags: ["img"],
    allowedAttributes: { img: ["src", "alt", "width", "height"] },
    allowedSchemes: ["http", "https"],
    exclusiveFilter: (frame) => {
      const url = httpUrl(frame.attribs.src);
      if (frame.tag === "img" && url && images.length < MAX_ATTACHMENTS && !images.some((image) => image.url === url)) {
        images.push({
          url,
          kind: "image",
          mediaType: null,
          description: description(frame.attribs.alt),
          width: dimension(Number(frame.attribs.width)),
          height: dimension(Number(frame.attribs.height)),
          file: null,
          failure: null,
        });
      }
      return true;
    },
  });
  return images;
}

/** Merges a Note's attachments and its inline images, keeping the first of each URL and at most MAX_ATTACHMENTS. */
export function mergeAttachments(...lists: ReplyAttachment[][]): ReplyAttachment[] {
  const merged: ReplyAttachment[] = [];
  for (const attachment of lists.flat()) {
    if (merged.length >= MAX_ATTACHMENTS) break;
    if (!merged.some((kept) => kept.url === attachment.url)) merged.push(attachment);
  }
  return merged;
}

class MediaError extends Error {}

export interface RemoteMediaOptions {
  store: Store;
  /** Folder of the copies, served at /media/NAME. */
  directory: string;
  allowPrivateAddresses: boolean;
  /** Whether moderation lets this instance reach a URL's server. */
  permits: (url: string) => Promise<boolean>;
  fetch: typeof fetch;
}

/**
 * Copies the images of remote replies and the pictures of remote actors to
 * this instance, so that readers' browsers load them from here and never
 * from the sender, whose server would otherwise learn who reads the page. Each image is fetched once,
 * after its reply was stored, checked by its first bytes, and kept under its
 * SHA-256 like an upload. Videos, audio and other files stay links.
 *
 * TODO: delete copies that no reply uses any more once stored files get a
 * sweep; a deleted reply's images stay on disk until then.
 */
export class RemoteMedia {
  readonly #options: RemoteMediaOptions;
  readonly #stop = new AbortController();
  #work: Promise<void> = Promise.resolve();
  readonly #recent = new Map<string, RemoteImage>();

  constructor(options: RemoteMediaOptions) {
    this.#options = options;
  }

  /** Queues the copy of a reply's images; copies run one at a time, in the order replies arrive. */
  schedule(replyIri: string): void {
    this.#work = this.#work.then(() => this.copyImages(replyIri)).catch((error) => log.error("Copying images of {reply} failed: {error}", { reply: replyIri, error }));
  }

  /** Settles when every queued copy has finished; for shutdown and tests. */
  idle(): Promise<void> {
    return this.#work;
  }

  /** Stops downloads under way; the images they were copying keep no failure, so a later schedule tries again. */
  async close(): Promise<void> {
    this.#stop.abort();
    await this.#work;
  }

  /** Queues the copy of a remote actor's picture; see `schedule`. */
  scheduleIcon(actorIri: string): void {
    this.#work = this.#work.then(() => this.copyIcon(actorIri)).catch((error) => log.error("Copying the picture of {actor} failed: {error}", { actor: actorIri, error }));
  }

  /** Fetches the images of one reply that have neither a copy nor a recorded failure, and records each outcome on the reply. */
  async copyImages(replyIri: string): Promise<void> {
    const { store } = this.#options;
    const reply = await store.replies.byIri(replyIri);
    const pending = reply?.attachments?.filter((attachment) => attachment.kind === "image" && !attachment.file && !attachment.failure) ?? [];
    if (!reply || reply.deleted || pending.length === 0) return;
    const outcomes = new Map<string, RemoteImage>();
    for (const attachment of pending) {
      const outcome = await this.copy(attachment.url, `reply ${replyIri}`);
      if (!outcome) break;
      outcomes.set(attachment.url, outcome);
    }
    // Read again, so an edit or deletion that arrived during the downloads is kept.
    const current = await store.replies.byIri(replyIri);
    if (!current?.attachments || current.deleted) return;
    const attachments = current.attachments.map((attachment) => {
      const outcome = outcomes.get(attachment.url);
      return outcome ? { ...attachment, file: outcome.file, failure: outcome.failure } : attachment;
    });
    await store.replies.save({ ...current, attachments });
  }

  /** Fetches a remote actor's picture when it has neither a copy nor a recorded failure, and records the outcome on the actor. */
  async copyIcon(actorIri: string): Promise<void> {
    const { store } = this.#options;
    const actor = await store.remoteActors.byIri(actorIri);
    if (!actor?.icon || actor.icon.file || actor.icon.failure) return;
    const outcome = await this.copy(actor.icon.url, `actor ${actorIri}`);
    const current = await store.remoteActors.byIri(actorIri);
    if (!outcome || current?.icon?.url !== outcome.url) return;
    await store.remoteActors.save({ ...current, icon: outcome });
  }

  /** Copies one image, returning its stored name or why it failed, or null when the instance is shutting down. */
  async copy(url: string, owner: string): Promise<RemoteImage | null> {
    if (this.#stop.signal.aborted) return null;
    const recent = this.#recent.get(url);
    if (recent) return recent;
    let outcome: RemoteImage;
    try {
      outcome = { url, file: await this.#download(url), failure: null };
    } catch (error) {
      if (this.#stop.signal.aborted) return null;
      const failure = error instanceof MediaError ? error.message : `could not be fetched (${(error as Error).message})`;
      log.info("Image {url} of {owner} is not copied: {failure}", { url, owner, failure });
      outcome = { url, file: null, failure };
    }
    if (this.#recent.size >= RECENT_OUTCOMES) this.#recent.delete(this.#recent.keys().next().value!);
    this.#recent.set(url, outcome);
    return outcome;
  }

  /** Downloads one image, following at most MAX_REDIRECTS redirects that each pass the same checks, and returns its stored name. */
  async #download(address: string): Promise<string> {
    const { allowPrivateAddresses, permits, fetch } = this.#options;
    const signal = AbortSignal.any([this.#stop.signal, AbortSignal.timeout(FETCH_TIMEOUT_MS)]);
    let url = address;
    for (let hop = 0; ; hop++) {
      if (!httpUrl(url)) throw new MediaError("its address is not http or https");
      if (!(await permits(url))) throw new MediaError(`${new URL(url).host} is blocked or not on the allowlist`);
      if (!allowPrivateAddresses) {
        await validatePublicUrl(url).catch(() => {
          throw new MediaError("its address is private, loopback or not public");
        });
      }
      const response = await fetch(url, { redirect: "manual", signal, headers: { Accept: "image/*" } });
      if (response.status >= 300 && response.status < 400 && response.headers.has("location")) {
        await response.body?.cancel();
        if (hop >= MAX_REDIRECTS) throw new MediaError(`more than ${MAX_REDIRECTS} redirects`);
        url = new URL(response.headers.get("location")!, url).href;
        continue;
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw new MediaError(`the server responded ${response.status}`);
      }
      const declared = Number(response.headers.get("content-length"));
      if (declared > MAX_IMAGE_BYTES) {
        await response.body.cancel();
        throw new MediaError(`it is larger than ${MAX_IMAGE_BYTES} bytes`);
      }
      return this.#store(response.body);
    }
  }

  /** Reads a body up to MAX_IMAGE_BYTES, checks it is an image of a kept type, and writes it under its SHA-256. */
  async #store(body: ReadableStream<Uint8Array>): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > MAX_IMAGE_BYTES) {
        await body.cancel().catch(() => {});
        throw new MediaError(`it is larger than ${MAX_IMAGE_BYTES} bytes`);
      }
      chunks.push(Buffer.from(chunk));
    }
    const content = Buffer.concat(chunks);
    const type = detectFileType(content.subarray(0, 64));
    if (!type || !IMAGE_TYPES.includes(type)) throw new MediaError("its content is not a PNG, JPEG, WebP or GIF image");
    const name = `${crypto.createHash("sha256").update(content).digest("hex")}.${type.extension}`;
    const target = path.join(this.#options.directory, name);
    if (!fs.existsSync(target)) {
      fs.mkdirSync(this.#options.directory, { recursive: true });
      const temporary = `${target}.${crypto.randomUUID()}.part`;
      fs.writeFileSync(temporary, content);
      fs.renameSync(temporary, target);
    }
    return name;
  }
}
