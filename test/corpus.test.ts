/**
 * Replays real ActivityPub payloads, one JSON document per corpus file, as
 * produced by Mastodon, Lemmy, Misskey, PeerTube and other fediverse
 * servers, against a running Minga instance. Every file must end as an
 * accepted activity, as a rejection or ignore with a reason in the inbound
 * log, or as a 4xx response, and never as a 5xx.
 *
 * Each payload is re-addressed before it is sent:
 *
 * - The origin of its actor (or, for documents with no actor, of its own
 *   id) is replaced everywhere outside `@context` by a per-file prefix on
 *   this test's loopback server, such as `http://localhost:PORT/mastodon/like`.
 *   So every id of one payload stays on its sender's origin, as it would be
 *   on a real sender.
 * - The references listed in RETARGETS, which pointed at the receiving
 *   server's posts or users in the original capture, are replaced by the
 *   local practice's id or the local editor's actor id.
 * - `@context` URLs that Fedify does not preload are replaced by URLs on the
 *   loopback server, which serves there a context that defines no terms.
 *   JSON-LD expansion then drops the terms that only those contexts define,
 *   but ActivityStreams terms, which Minga reads, keep their meaning.
 * - A top-level Linked Data signature (`signature`) or integrity proof
 *   (`proof`) is removed, because it no longer verifies after re-addressing.
 *   The request carries an HTTP signature instead.
 *
 * Payloads with no `@context` are sent as they are. Each one carries an HTTP
 * signature by a test actor at its actor id, or at `<prefix>/actor` for
 * documents with no actor. The loopback server serves that actor with a
 * public key generated for this run, and all test actors share the key pair.
 * The loopback server also serves every object embedded in a payload at its
 * id, so the instance can fetch it as it would from the real sender.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

import { generateCryptoKeyPair, signRequest } from "@fedify/fedify";
import { CryptographicKey, Endpoints, Person } from "@fedify/vocab";
import { preloadedContexts } from "@fedify/vocab-runtime";
import { assert } from "chai";

import type { InboundLogEntry } from "../src/storage/types.ts";
import { addAccount, Browser, practiceForm, startInstance, type RunningInstance } from "./support/instance.ts";

const CORPUS_DIRECTORY = path.resolve(import.meta.dirname, "../../shared/corpus/activitypub");

const EDITOR = "corpus_editor";

/** How long one inbox POST may take before the test gives up on it, in milliseconds. */
const INBOX_TIMEOUT_MS = 15_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Kind of local object that a re-addressed reference points at on the instance under test. */
type LocalTarget = "practice" | "editor";

/**
 * References, per corpus file, to the post or user that the payload replies
 * to, reacts to or follows. Each is replaced, by exact match, with the local
 * practice or editor, so the reply, like, boost or follow reaches something
 * that exists on the instance.
 */
const RETARGETS: Record<string, Record<string, LocalTarget>> = {
  "akkoma/create-reply-formerRepresentations.json": { "{{LOCAL_POST_URL}}": "practice" },
  "friendica/create-note-bbcode.json": { "https://lemmy.example/post/25360": "practice" },
  "gnusocial/create-note.json": { "https://instance.gnusocial.test/object/note/1338": "practice" },
  "gotosocial/create-reply-single-tag.json": { "{{LOCAL_POST_URL}}": "practice" },
  "hubzilla/follow-actor-object-only-id.json": { "https://localtesting.pleroma.lol/users/alice": "editor" },
  "lemmy/create-note-comment.json": { "http://ds9.lemmy.ml/post/1": "practice" },
  "lemmy/like-note-vote.json": { "http://ds9.lemmy.ml/comment/1": "practice" },
  "lemmy/undo-dislike-inner-type-like.json": { "http://ds9.lemmy.ml/post/1": "practice" },
  "mastodon/announce.json": { "http://mastodon.example.org/@admin/99541947525187367": "practice" },
  "mastodon/create-note-poll-vote.json": { "https://pleroma.example/objects/9d300947-2dcb-445d-8978-9a3b4b84fa14": "practice" },
  "mastodon/follow.json": { "http://localtesting.pleroma.lol/users/alice": "editor" },
  "mastodon/like.json": { "http://localtesting.pleroma.lol/objects/eb92579d-3417-42a8-8652-2492c2d4f454": "practice" },
  "mastodon/undo-follow.json": { "http://localtesting.pleroma.lol/users/alice": "editor" },
  "mastodon/undo-like.json": { "http://localtesting.pleroma.lol/objects/eb92579d-3417-42a8-8652-2492c2d4f454": "practice" },
  "misskey/like-custom-emoji-reaction.json": { "https://pleroma.local.live/objects/89937a53-2692-4631-bb62-770091267391": "practice" },
  "pixelfed/announce-web-url-odd-date.json": { "https://social.example/@bob/111322877716364793": "practice" },
  "pixelfed/create-note-reply-tag-object.json": { "https://photos.example/p/Bob/600000000000000004": "practice" },
  "pleroma/create-note-reply.json": { "https://enterprise.lemmy.ml/post/55143": "practice" },
  "pleroma/emojireact.json": { "http://localtesting.pleroma.lol/objects/eb92579d-3417-42a8-8652-2492c2d4f454": "practice" },
  "sharkey/like-unicode-reaction-jsonb-order.json": { "https://takahe.example/@bob@takahe.example/posts/244939510870121776/": "practice" },
  "smithereen/create-note-wall-post.json": { "https://ds9.lemmy.ml/post/1723": "practice" },
  "streams/follow-inline-actor.json": { "https://pleroma.example/users/bob": "editor" },
};

/**
 * Files whose sender this instance follows during the replay, so that the
 * Create(Event) they carry is imported into the calendar as a partner's
 * learning opportunity would be, instead of being ignored as coming from a
 * stranger.
 */
const EVENT_SENDERS = new Set(["gancio/create-event-no-context.json", "mobilizon/create-event-group-only.json", "mobilizon/create-event.json"]);

/**
 * Files whose sender the instance follows before the replay, so their
 * Page, Video or Audio is taken as a partner's resource and must show in
 * the library. From anyone else such objects are ignored.
 */
const RESOURCE_SENDERS = new Set(["funkwhale/create-audio.json", "lotide/create-page.json", "peertube/create-video-hls-only.json"]);

/** Every file whose sender is followed during the replay. */
const FOLLOWED_SENDERS = new Set([...EVENT_SENDERS, ...RESOURCE_SENDERS]);

/**
 * ActivityStreams activity types and the EmojiReact extension. Question is
 * left out: ActivityStreams makes it an intransitive activity, but the
 * corpus contains it only as a poll object, which servers send inside a Create.
 */
const ACTIVITY_TYPES = new Set([
  "Accept", "Add", "Announce", "Arrive", "Block", "Create", "Delete", "Dislike", "EmojiReact", "Flag", "Follow", "Ignore",
  "Invite", "Join", "Leave", "Like", "Listen", "Move", "Offer", "Read", "Reject", "Remove", "TentativeAccept",
  "TentativeReject", "Travel", "Undo", "Update", "View",
]);

const ACTOR_TYPES = new Set(["Application", "Group", "Organization", "Person", "Service"]);

/** One corpus file, re-addressed and ready to send. */
interface Replay {
  file: string;
  body: Json;
  signerId: URL;
  isActivity: boolean;
  /** Changes made to the payload besides the origin rewrite, for the table. */
  notes: string[];
}

/** Outcome of replaying one corpus file. */
interface Outcome {
  file: string;
  /** HTTP status, or 0 when the instance sent no response within INBOX_TIMEOUT_MS. */
  status: number;
  responseText: string;
  entry: InboundLogEntry | null;
  notes: string[];
}

/** Loopback server that plays every remote server of the corpus. */
class RemoteServers {
  readonly documents = new Map<string, Json>();
  readonly replacedContexts = new Set<string>();
  readonly deliveries: string[] = [];
  readonly notFound: string[] = [];
  #server = http.createServer((request, response) => this.#respond(request, response));
  origin = "";

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(0, "localhost", () => resolve());
    });
    this.origin = `http://localhost:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Serves a document at the path and query of its URL. The fragment is not sent over HTTP. */
  serve(url: string, document: Json): void {
    const parsed = new URL(url);
    this.documents.set(parsed.pathname + parsed.search, document);
  }

  isServed(url: string): boolean {
    const parsed = new URL(url);
    return this.documents.has(parsed.pathname + parsed.search);
  }

  /** Returns the loopback URL that replaces the URL of a JSON-LD context Fedify does not preload. */
  replacementContextUrl(original: string): string {
    this.replacedContexts.add(original);
    return `${this.origin}/contexts/${encodeURIComponent(original)}`;
  }

  #respond(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? "/", this.origin);
    if (request.method === "POST" && url.pathname === "/inbox") {
      // Minga delivers Accept(Follow) here. The test only counts deliveries.
      let body = "";
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => (body += chunk));
      request.on("end", () => {
        this.deliveries.push(body);
        response.writeHead(202).end();
      });
      return;
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    const contextPrefix = "/contexts/";
    if (url.pathname.startsWith(contextPrefix) && this.replacedContexts.has(decodeURIComponent(url.pathname.slice(contextPrefix.length)))) {
      response.writeHead(200, { "Content-Type": "application/ld+json" }).end(JSON.stringify({ "@context": {} }));
      return;
    }
    const document = this.documents.get(url.pathname + url.search);
    if (document === undefined) {
      this.notFound.push(url.pathname + url.search);
      response.writeHead(404, { "Content-Type": "text/plain" }).end("Not found");
      return;
    }
    response.writeHead(200, { "Content-Type": "application/activity+json" }).end(JSON.stringify(document));
  }
}

function listCorpusFiles(): string[] {
  if (!fs.existsSync(CORPUS_DIRECTORY)) throw new Error(`Corpus folder ${CORPUS_DIRECTORY} not found. The corpus test reads its payloads from there.`);
  const files: string[] = [];
  for (const server of fs.readdirSync(CORPUS_DIRECTORY, { withFileTypes: true })) {
    if (!server.isDirectory()) continue;
    for (const name of fs.readdirSync(path.join(CORPUS_DIRECTORY, server.name))) {
      if (name.endsWith(".json")) files.push(`${server.name}/${name}`);
    }
  }
  return files.sort();
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typesOf(value: Json | undefined): string[] {
  if (!isObject(value)) return [];
  return [value.type].flat().filter((type): type is string => typeof type === "string");
}

/** Returns the id of an actor value: a URL string, an object with an id, or the first of an array. */
function actorIdOf(value: Json | undefined): string | null {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.length > 0 ? actorIdOf(value[0]) : null;
  if (isObject(value) && typeof value.id === "string") return value.id;
  return null;
}

function httpOrigin(url: string | null): string | null {
  if (!url || !URL.canParse(url)) return null;
  const parsed = new URL(url);
  return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Rewrites every string outside `@context` with `rewrite`, and `@context` URLs with `rewriteContext`. */
function rewriteJson(value: Json, rewrite: (text: string) => string, rewriteContext: (url: string) => string): Json {
  if (typeof value === "string") return rewrite(value);
  if (Array.isArray(value)) return value.map((item) => rewriteJson(item, rewrite, rewriteContext));
  if (!isObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] = key === "@context" ? rewriteContextValue(item, rewriteContext) : rewriteJson(item, rewrite, rewriteContext);
  }
  return result;
}

/** Replaces context URLs and keeps inline term definitions as they are. */
function rewriteContextValue(value: Json, rewriteContext: (url: string) => string): Json {
  if (typeof value === "string") return rewriteContext(value);
  if (Array.isArray(value)) return value.map((item) => rewriteContextValue(item, rewriteContext));
  return value;
}

/** Calls `visit` for every object of the document that has an id, outside `@context`. */
function forEachObjectWithId(value: Json, visit: (object: JsonObject) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) forEachObjectWithId(item, visit);
    return;
  }
  if (!isObject(value)) return;
  if (typeof value.id === "string") visit(value);
  for (const [key, item] of Object.entries(value)) if (key !== "@context") forEachObjectWithId(item, visit);
}

/** Builds the replay of one corpus file and registers the documents the remote server must serve for it. */
async function prepareReplay(
  file: string,
  remote: RemoteServers,
  targets: Record<LocalTarget, string>,
  publicKey: CryptoKey,
): Promise<Replay> {
  const original = JSON.parse(fs.readFileSync(path.join(CORPUS_DIRECTORY, file), "utf8")) as Json;
  const notes = new Set<string>();
  const prefix = `${remote.origin}/${file.replace(/\.json$/, "")}`;
  const retargets = RETARGETS[file] ?? {};

  const originalRoot = isObject(original) ? original : {};
  const senderOrigin = httpOrigin(actorIdOf(originalRoot.actor)) ?? httpOrigin(typeof originalRoot.id === "string" ? originalRoot.id : null);
  // The origin must not match a longer host or another port, such as example.org in example.org.uk or example.org:8080.
  const originPattern = senderOrigin ? new RegExp(`${escapeRegExp(senderOrigin)}(?![\\w.:-])`, "g") : null;
  const rewrite = (text: string): string => {
    const target = retargets[text];
    if (target) {
      notes.add(`${text} -> local ${target}`);
      return targets[target];
    }
    return originPattern ? text.replace(originPattern, prefix) : text;
  };
  const rewriteContext = (url: string): string => {
    if (url in preloadedContexts) return url;
    notes.add(`empty context served for ${url}`);
    return remote.replacementContextUrl(url);
  };
  const body = rewriteJson(original, rewrite, rewriteContext);

  if (isObject(body)) {
    if ("signature" in body) {
      delete body.signature;
      notes.add("LD signature removed");
    }
    if ("proof" in body) {
      delete body.proof;
      notes.add("integrity proof removed");
    }
  }

  const root = isObject(body) ? body : {};
  const types = typesOf(root);
  const isActivity = types.some((type) => ACTIVITY_TYPES.has(type));
  const isActorDocument = types.some((type) => ACTOR_TYPES.has(type));
  const signer = actorIdOf(root.actor) ?? (isActorDocument && typeof root.id === "string" ? root.id : null);
  // Documents whose actor is missing or not on the loopback server are sent by an actor the test makes up under the file's prefix.
  const signerId = new URL(signer && httpOrigin(signer) === remote.origin ? signer : `${prefix}/actor`);

  const keyId = new URL(`${signerId.href}#main-key`);
  const actor = new Person({
    id: signerId,
    preferredUsername: file.replace(/\.json$/, "").replace(/[^a-z0-9]+/gi, "_"),
    inbox: new URL(`${remote.origin}/inbox`),
    endpoints: new Endpoints({ sharedInbox: new URL(`${remote.origin}/inbox`) }),
    publicKey: new CryptographicKey({ id: keyId, owner: signerId, publicKey }),
  });
  remote.serve(signerId.href, (await actor.toJsonLd()) as Json);

  // Objects embedded in the payload are also served at their ids, as their server would serve them.
  // Fragment ids are skipped because fetching one returns the document of the URL before the "#".
  const rootContext = root["@context"];
  forEachObjectWithId(body, (object) => {
    const id = object.id as string;
    if (httpOrigin(id) !== remote.origin || new URL(id).hash || remote.isServed(id)) return;
    remote.serve(id, object["@context"] === undefined && rootContext !== undefined ? { "@context": rootContext, ...object } : object);
  });

  return { file, body, signerId, isActivity, notes: [...notes] };
}

async function sendToInbox(origin: string, replay: Replay, privateKey: CryptoKey): Promise<Response> {
  const request = new Request(new URL("/inbox", origin), {
    method: "POST",
    headers: { "Content-Type": "application/activity+json", Accept: "application/activity+json" },
    body: JSON.stringify(replay.body),
  });
  const signed = await signRequest(request, privateKey, new URL(`${replay.signerId.href}#main-key`));
  return fetch(signed, { signal: AbortSignal.timeout(INBOX_TIMEOUT_MS) });
}

/** Strips tags, decodes the entities HTML serializers write, and collapses whitespace. */
function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&#(\d+);/g, (_match, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_match, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&nbsp;/g, " ").replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Picks the longest run (at most eight) of words that start with a letter and
 * contain only letters, digits and punctuation, from a post's HTML, to look
 * for on the page. Mentions, emoji and symbols end a run.
 */
function distinctivePhrase(html: string): string | null {
  const words = htmlText(html).split(" ");
  let best: string[] = [];
  let run: string[] = [];
  for (const word of words) {
    if (/^\p{L}[\p{L}\p{N}\p{P}]*$/u.test(word)) run.push(word);
    else run = [];
    if (run.length > best.length && best.length < 8) best = [...run];
  }
  return best.length > 0 ? best.join(" ") : null;
}

/** Returns the HTML of each language version of a Note's content, `content` first. */
function contentVersions(note: JsonObject): string[] {
  const versions: string[] = [];
  if (typeof note.content === "string") versions.push(note.content);
  if (isObject(note.contentMap)) for (const value of Object.values(note.contentMap)) if (typeof value === "string") versions.push(value);
  return versions;
}

function formatTable(outcomes: Outcome[]): string {
  const rows = outcomes.map((outcome) => [
    outcome.file,
    outcome.status === 0 ? "none" : String(outcome.status),
    outcome.entry?.outcome ?? "-",
    outcome.entry?.reason ?? outcome.responseText,
    outcome.notes.join("; "),
  ]);
  const header = ["file", "status", "outcome", "reason", "changes"];
  const widths = header.slice(0, 3).map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]) : cell)).join(" | ");
  return [line(header), ...rows.map(line)].join("\n");
}

function summarize(outcomes: Outcome[]): string {
  const count = (predicate: (outcome: Outcome) => boolean) => outcomes.filter(predicate).length;
  const success = (outcome: Outcome) => outcome.status >= 200 && outcome.status < 300;
  return [
    `${outcomes.length} files replayed:`,
    `${count((outcome) => success(outcome) && outcome.entry?.outcome === "accepted")} accepted,`,
    `${count((outcome) => success(outcome) && outcome.entry?.outcome === "rejected")} rejected,`,
    `${count((outcome) => success(outcome) && outcome.entry?.outcome === "ignored")} ignored,`,
    `${count((outcome) => success(outcome) && !outcome.entry)} returned 2xx without a log entry,`,
    `${count((outcome) => outcome.status >= 400 && outcome.status < 500)} returned 4xx,`,
    `${count((outcome) => outcome.status >= 500)} returned 5xx,`,
    `${count((outcome) => outcome.status === 0)} sent no response within ${INBOX_TIMEOUT_MS / 1000} s`,
  ].join(" ");
}

/** Fetches the practice page and checks that its discussion shows the reply's text and no script. */
async function assertReplyShown(origin: string, practicePath: string, file: string, note: JsonObject): Promise<void> {
  const page = await fetch(new URL(practicePath, origin));
  assert.equal(page.status, 200, `practice page should load after ${file}`);
  const html = await page.text();
  const discussion = /<section\b[^>]*\bclass="discussion"[^>]*>[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
  assert.isNotEmpty(discussion, "practice page should have a discussion section");
  assert.notMatch(discussion, /<script/i, `discussion should contain no script after ${file}`);

  // Minga shows one language version of the reply, so any version's phrase will do.
  const phrases = contentVersions(note).map(distinctivePhrase).filter((phrase): phrase is string => phrase !== null);
  assert.isNotEmpty(phrases, `reply in ${file} should have text to look for`);
  const discussionText = htmlText(discussion);
  assert.isTrue(phrases.some((phrase) => discussionText.includes(phrase)), `discussion should show one of ${JSON.stringify(phrases)} from ${file}`);
}

/** Fetches the calendar and checks that it lists the Event's name and no script. */
async function assertEventShown(origin: string, file: string, event: JsonObject): Promise<void> {
  const page = await fetch(new URL("/calendar", origin));
  assert.equal(page.status, 200, `calendar should load after ${file}`);
  const html = await page.text();
  const main = /<main\b[\s\S]*<\/main>/.exec(html)?.[0] ?? "";
  assert.notMatch(main, /<script/i, `calendar should contain no script after ${file}`);
  assert.isString(event.name, `Event in ${file} should have a name to look for`);
  assert.include(htmlText(main), event.name as string, `calendar should list the Event of ${file}`);
}

describe("fediverse corpus replay", function () {
  const files = listCorpusFiles();
  const replays = new Map<string, Replay>();
  const outcomes: Outcome[] = [];
  const blockedFetches: string[] = [];
  // Node ends a process on an unhandled rejection when no listener is registered. Mocha registers one,
  // so this set is what makes such a rejection fail the file that caused it instead of passing unseen.
  const unhandledRejections = new Set<unknown>();
  const recordRejection = (reason: unknown) => unhandledRejections.add(reason);
  const remote = new RemoteServers();
  const originalFetch = globalThis.fetch;
  let running: RunningInstance;
  let privateKey: CryptoKey;
  let practiceIri = "";
  let practicePath = "";

  before(async function () {
    process.on("unhandledRejection", recordRejection);
    running = await startInstance();
    await remote.start();

    // The instance runs in this process, so this guard also covers every fetch it makes.
    // Only the instance and the test's own server may be reached, never another host or port.
    const allowedOrigins = new Set([running.origin, remote.origin]);
    globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (!allowedOrigins.has(url.origin)) {
        blockedFetches.push(url.href);
        return Promise.reject(new TypeError(`fetch to ${url.href} blocked, because the corpus test may reach only its own loopback servers`));
      }
      return originalFetch(input, init);
    };

    await addAccount(running.instance, EDITOR, "editor");
    const browser = new Browser(running.origin);
    await browser.signIn(EDITOR);
    const created = await browser.post("/practices", practiceForm());
    assert.equal(created.status, 303, "publishing the practice through the editor form should redirect");
    const location = new URL(created.headers.get("Location") ?? "", running.origin);
    practicePath = location.pathname;
    practiceIri = `${running.origin}${practicePath}`;
    const practice = await running.instance.store.practices.byIri(practiceIri);
    assert.equal(practice?.status, "published", `practice ${practiceIri} should be stored as published`);

    const keyPair = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    privateKey = keyPair.privateKey;
    const targets: Record<LocalTarget, string> = { practice: practiceIri, editor: `${running.origin}/actors/${EDITOR}` };
    for (const file of files) replays.set(file, await prepareReplay(file, remote, targets, keyPair.publicKey));
    for (const file of FOLLOWED_SENDERS) {
      const sender = replays.get(file)?.signerId.href;
      if (!sender) continue;
      await running.instance.store.following.save({
        actorIri: sender, handle: `@${file}@corpus`, name: null, inbox: `${remote.origin}/inbox`,
        followIri: `${running.origin}/actors/org#follows/${encodeURIComponent(file)}`, status: "accepted", created: new Date().toISOString(),
      });
    }
  });

  after(async function () {
    globalThis.fetch = originalFetch;
    process.off("unhandledRejection", recordRejection);
    console.log(`\n${formatTable(outcomes)}\n\n${summarize(outcomes)}`);
    console.log(`Accept deliveries received from the instance: ${remote.deliveries.length}`);
    if (remote.notFound.length > 0) console.log(`Remote server returned 404 for: ${[...new Set(remote.notFound)].join(", ")}`);
    if (blockedFetches.length > 0) console.log(`Blocked fetches to other hosts: ${[...new Set(blockedFetches)].join(", ")}`);
    await remote.stop();
    await running?.stop();
  });

  for (const file of files) {
    it(`replays ${file}`, async function () {
      const replay = replays.get(file);
      assert.exists(replay, `no replay was prepared for ${file}`);
      const { inboundLog } = running.instance.store;
      const lastIdBefore = (await inboundLog.recent(1))[0]?.id ?? 0;
      if (FOLLOWED_SENDERS.has(file)) {
        const actorIri = replay!.signerId.href;
        await running.instance.store.following.save({
          actorIri, handle: `@sender@${new URL(actorIri).host}`, name: null, inbox: `${remote.origin}/inbox`,
          followIri: `${running.origin}/actors/org#follows/${encodeURIComponent(file)}`, status: "accepted", created: new Date().toISOString(),
        });
      }
      const rejectionsBefore = unhandledRejections.size;

      let response: Response | null = null;
      try {
        response = await sendToInbox(running.origin, replay!, privateKey);
      } catch (error) {
        if ((error as Error).name !== "TimeoutError") throw error;
      }
      const rejections = [...unhandledRejections].slice(rejectionsBefore).map(String);
      const rejectionText = rejections.length > 0 ? `; unhandled rejection: ${rejections.join("; ")}` : "";
      if (!response) {
        const responseText = `no response within ${INBOX_TIMEOUT_MS / 1000} s${rejectionText}`;
        outcomes.push({ file, status: 0, responseText, entry: null, notes: replay!.notes });
        assert.fail(`${file}: inbox POST timed out with ${responseText}`);
      }

      const responseText = (await response.text()).trim();
      const entries = (await inboundLog.recent(20)).filter((entry) => (entry.id ?? 0) > lastIdBefore);
      // recent() lists the newest first, so the first new entry is how the file ended.
      const entry = entries[0] ?? null;
      outcomes.push({ file, status: response.status, responseText: responseText + rejectionText, entry, notes: replay!.notes });

      const described = `${file}: HTTP ${response.status} ${responseText}; log: ${entry ? `${entry.outcome} (${entry.reason})` : "none"}`;
      assert.isEmpty(rejections, `unhandled rejection while handling ${described}`);
      assert.isBelow(response.status, 500, `server error for ${described}`);
      if (!replay!.isActivity) {
        assert.isAtLeast(response.status, 400, `a document that is not an activity should be rejected with 4xx: ${described}`);
      }
      if (response.status >= 200 && response.status < 300) {
        assert.isNotNull(entry, `activity got ${response.status} but left no inbound log entry: ${described}`);
        if (entry!.outcome !== "accepted") assert.isNotEmpty(entry!.reason.trim(), `${entry!.outcome} without a reason: ${described}`);
      } else {
        assert.isAtLeast(response.status, 400, `unexpected status: ${described}`);
      }

      const body = replay!.body;
      const note = isObject(body) && isObject(body.object) ? body.object : null;
      if (entry?.outcome === "accepted" && typesOf(body).includes("Create") && note?.inReplyTo === practiceIri) {
        await assertReplyShown(running.origin, practicePath, file, note);
      }
      if (entry?.outcome === "accepted" && typesOf(body).includes("Create") && note && typesOf(note).includes("Event")) {
        await assertEventShown(running.origin, file, note);
      }
      if (RESOURCE_SENDERS.has(file)) {
        assert.equal(entry?.outcome, "accepted", `a followed sender's resource should be accepted: ${described}`);
        const library = htmlText(await (await fetch(new URL("/library", running.origin))).text());
        assert.include(library, htmlText(String(note?.name ?? "")), `the library should list the resource of ${file}`);
      }
    });
  }

  it("keeps serving the home page", async function () {
    const response = await fetch(new URL("/", running.origin));
    assert.equal(response.status, 200);
  });
});
