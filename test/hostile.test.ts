/**
 * Sends generated hostile requests to two running instances and counts
 * what becomes of them. Instance A allows private addresses, so it can
 * reach the remote actors this test serves on loopback. Instance B runs
 * with ALLOW_PRIVATE_ADDRESSES=false, and a listener of its own (the
 * "loopback listener") must receive nothing from either instance.
 *
 * Every server here listens on loopback. The instances run in this
 * process, and a guard on `fetch`, which Fedify and Minga use for every
 * outbound request, rejects any destination but the instances, the remote
 * actors, the context server and the loopback listener. Private,
 * link-local and cloud metadata addresses are checked only through the
 * address filters, and never appear in a request.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";

import { generateCryptoKeyPair, signRequest } from "@fedify/fedify";
import { SqliteKvStore } from "@fedify/sqlite";
import { CryptographicKey, Endpoints, Person } from "@fedify/vocab";
import { validatePublicUrl } from "@fedify/vocab-runtime";
import { assert } from "chai";

import { rememberActor } from "../federation/actors-cache.ts";
import { toInstant } from "../federation/time.ts";
import type { InboundLogEntry } from "../src/storage/types.ts";
import { PATHS } from "../src/domain/urls.ts";
import { MAX_INBOX_BODY_BYTES } from "../src/web/federation-bridge.ts";
import { MAX_INBOX_JSON_DEPTH } from "../src/web/inbox-guard.ts";
import { addAccount, Browser, practiceForm, startInstance, type RunningInstance } from "./support/instance.ts";
import { RemoteServer } from "./support/remote-actor.ts";

const AS = "https://www.w3.org/ns/activitystreams";
const PUBLIC = `${AS}#Public`;

/** How long one request may take before it counts as a hang, in milliseconds. The instance gives up on a remote key or context after 10 s. */
const REQUEST_TIMEOUT_MS = 15_000;

/** Minimum number of hostile requests the suite must send. Page loads and the final checks do not count. */
const MINIMUM_REQUESTS = 300;

type Json = Record<string, unknown>;

/** An actor the test signs as: its id, the key id its signatures name, and the private key it signs with. */
interface Signer {
  actorId: string;
  keyId: string;
  privateKey: CryptoKey;
}

/** Status of one request, or 0 when it got no response in REQUEST_TIMEOUT_MS or its connection failed, and the start of its body. */
interface Sent {
  status: number;
  text: string;
}

interface PostOptions {
  signer?: Signer;
  /** Signs with this key instead of the signer's own, to forge. */
  signingKey?: CryptoKey;
  spec?: "draft-cavage-http-signatures-12" | "rfc9421";
  currentTime?: Temporal.Instant;
  headers?: Record<string, string>;
}

/** Counts outcomes by category and prints them as a table. Outcomes starting with "page" are page loads, listed but not counted as cases. */
class Tally {
  readonly #rows = new Map<string, Map<string, number>>();

  add(category: string, outcome: number | string): void {
    const row = this.#rows.get(category) ?? new Map<string, number>();
    const key = outcome === 0 ? "none" : String(outcome);
    row.set(key, (row.get(key) ?? 0) + 1);
    this.#rows.set(category, row);
  }

  get total(): number {
    let total = 0;
    for (const row of this.#rows.values()) for (const [outcome, count] of row) if (!outcome.startsWith("page")) total += count;
    return total;
  }

  format(title: string): string {
    const lines = [...this.#rows].map(([category, row]) => {
      const cases = [...row].filter(([outcome]) => !outcome.startsWith("page")).reduce((sum, [, count]) => sum + count, 0);
      const outcomes = [...row].sort(([a], [b]) => a.localeCompare(b)).map(([outcome, count]) => `${outcome}×${count}`).join(" ");
      return `${category.padEnd(34)} ${String(cases).padStart(5)}  ${outcomes}`;
    });
    return [`${title.padEnd(34)} ${"cases".padStart(5)}  outcomes`, ...lines, `${"total".padEnd(34)} ${String(this.total).padStart(5)}`].join("\n");
  }
}

/** A loopback HTTP server that records every request it receives and responds with `respond`. */
class CountingServer {
  readonly received: string[] = [];
  readonly #servers: http.Server[] = [];
  origin = "";
  port = 0;

  constructor(readonly respond: (request: http.IncomingMessage, response: http.ServerResponse) => void = (_request, response) => void response.writeHead(404).end()) {}

  /** Listens on 127.0.0.1, and on ::1 at the same port when the machine has IPv6 loopback. */
  async start(bothFamilies = false): Promise<void> {
    const first = await this.#listen(0, "127.0.0.1");
    this.port = (first.address() as AddressInfo).port;
    this.origin = `http://127.0.0.1:${this.port}`;
    if (bothFamilies) await this.#listen(this.port, "::1").catch(() => null);
  }

  async #listen(port: number, host: string): Promise<http.Server> {
    const server = http.createServer((request, response) => {
      this.received.push(`${request.method} ${request.headers.host}${request.url}`);
      this.respond(request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    this.#servers.push(server);
    return server;
  }

  async stop(): Promise<void> {
    for (const server of this.#servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

/** Host spellings that all reach this machine's loopback interface. */
const LOOPBACK_HOSTS = [
  "localhost", "LOCALHOST", "127.0.0.1", "127.1", "127.0.0.1.", "2130706433", "0x7f000001", "0177.0.0.1",
  "0.0.0.0", "0", "[::1]", "[::]", "[::ffff:127.0.0.1]", "[0:0:0:0:0:ffff:7f00:1]",
];

/**
 * Private, link-local and cloud metadata addresses, in the spellings URL
 * parsers accept. They are only passed to the address filters, never to a
 * request, because a request to them could reach a real network.
 */
const PRIVATE_URLS: [string, string][] = [
  ["10/8", "http://10.0.0.1/inbox"], ["10/8", "http://10.255.255.254:8080/inbox"], ["10/8", "http://10.1/inbox"],
  ["172.16/12", "http://172.16.0.1/inbox"], ["172.16/12", "http://172.31.255.255/inbox"],
  ["192.168/16", "http://192.168.0.1/inbox"], ["192.168/16", "https://192.168.255.254/inbox"],
  ["fc00::/7", "http://[fc00::1]/inbox"], ["fc00::/7", "http://[fd12:3456:789a::1]/inbox"], ["fc00::/7", "https://[fdff:ffff::1]/inbox"],
  ["169.254/16", "http://169.254.0.1/inbox"], ["169.254/16", "http://169.254.255.254/inbox"],
  ["fe80::/10", "http://[fe80::1]/inbox"], ["fe80::/10", "http://[febf:ffff::1]/inbox"],
  ["metadata", "http://169.254.169.254/latest/meta-data/"], ["metadata", "http://[fd00:ec2::254]/latest/meta-data/"],
  ["metadata", "http://169.254.170.2/v2/credentials"], ["metadata", "http://100.100.100.200/latest/meta-data/"],
  ["metadata", "http://0xa9fea9fe/"], ["metadata", "http://2852039166/"], ["metadata", "http://0251.0376.0251.0376/"],
  ["metadata", "http://169.254.169.254.:80/"], ["metadata", "http://[::ffff:169.254.169.254]/"], ["metadata", "http://[64:ff9b::a9fe:a9fe]/"],
  ["metadata", "http://[2002:a9fe:a9fe::1]/"], ["10/8", "http://[::ffff:10.0.0.1]/inbox"],
  ["loopback", "http://127.0.0.1/inbox"], ["loopback", "http://[::1]/inbox"], ["loopback", "http://localhost/inbox"], ["loopback", "http://0.0.0.0/inbox"],
  ["scheme", "file:///etc/passwd"], ["scheme", "gopher://10.0.0.1:25/"], ["scheme", "ftp://192.168.0.1/inbox"],
];

/** Public addresses written as IP literals, which the filter checks without a DNS look-up; it must let them through. */
const PUBLIC_URLS = ["https://93.184.215.14/inbox", "https://[2606:4700:4700::1111]/inbox", "https://1.1.1.1/inbox"];

/**
 * Markup that must not survive sanitizing: script and style elements, event
 * handlers, script and data URLs in their encoded spellings, and parser
 * confusion through broken nesting, comments, math and noscript. Every
 * payload goes through each carrier in the markup test.
 */
const HTML_PAYLOADS = [
  "<script>alert(1)</script>",
  "<SCRIPT SRC=http://127.0.0.1:9/x.js></SCRIPT>",
  "<scr<script>ipt>alert(1)</scr</script>ipt>",
  "<style>body{display:none}</style>",
  "<img src=x onerror=alert(1)>",
  "<svg onload=alert(1)><circle r=1 /></svg>",
  '<p onclick="alert(1)" onmouseover=alert(1) style="position:fixed">hover</p>',
  '<a href="javascript:alert(1)">link</a>',
  '<a href="JaVaScRiPt:alert(1)">link</a>',
  '<a href="java&#x09;script:alert(1)">link</a>',
  '<a href="&#106;avascript&colon;alert(1)">link</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">link</a>',
  '<a href="vbscript:msgbox(1)">link</a>',
  '<iframe src="javascript:alert(1)"></iframe><object data="data:text/html,x"></object>',
  '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">go</button></form>',
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<base href="javascript:/"><meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  "<!--><script>alert(1)</script>-->",
  '"><script>alert(1)</script><a x="',
];

/** Attributes whose value is a URL a browser may load or follow. */
const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "xlink:href", "background", "poster", "data", "cite", "srcset"]);

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: "&", quot: '"', apos: "'", lt: "<", gt: ">", colon: ":", tab: "\t", newline: "\n" };
  return text
    .replace(/&#x([0-9a-f]+);?/gi, (_match, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&#(\d+);?/g, (_match, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&([a-z]+);/gi, (match, name: string) => named[name.toLowerCase()] ?? match);
}

/** A start tag whose quoted attribute values may contain ">", as HTML serializers leave it unescaped there. */
const START_TAG = /<([a-zA-Z][^\s/>]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g;
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?/g;

/**
 * Lists markup in a page that could run script or restyle it: script,
 * style, frame and object elements, base and refresh elements, event
 * handler and style attributes, and script or data URLs in URL attributes.
 * Minga's own templates use none of them. A "<" and letter that does not
 * start a well-formed tag is listed too, because a browser might still
 * read one there.
 */
function unsafeMarkup(html: string): string[] {
  const findings: string[] = [];
  for (const match of html.matchAll(/<\s*(script|style|iframe|object|embed|base|meta\s+http-equiv)\b/gi)) findings.push(match[0]);
  let tags = 0;
  for (const tag of html.matchAll(START_TAG)) {
    tags++;
    for (const attribute of tag[2].matchAll(ATTRIBUTE)) {
      const name = attribute[1].toLowerCase();
      const value = decodeEntities((attribute[2] ?? "").replace(/^["']|["']$/g, "")).replace(/[\u0000-\u0020]/g, "").toLowerCase();
      if (name.startsWith("on")) findings.push(`${name}= in ${tag[0]}`);
      if (name === "style") findings.push(`style= in ${tag[0]}`);
      if (URL_ATTRIBUTES.has(name) && /^(javascript|data|vbscript):/.test(value)) findings.push(`${name}=${value} in ${tag[0]}`);
    }
  }
  const tagStarts = html.match(/<[a-zA-Z]/g)?.length ?? 0;
  if (tagStarts !== tags) findings.push(`${tagStarts - tags} "<" followed by a letter outside a well-formed tag`);
  return findings;
}

function signerOf(server: RemoteServer): Signer {
  return { actorId: server.actorId, keyId: `${server.actorId}#main-key`, privateKey: server.keys.privateKey };
}

/** Adds a second actor with its own key to a remote server, such as another author on the same origin. */
async function addActor(server: RemoteServer, username: string): Promise<Signer> {
  const keys = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
  const actorId = `${server.origin}/users/${username}`;
  const person = new Person({
    id: new URL(actorId),
    preferredUsername: username,
    name: username,
    inbox: new URL(`${actorId}/inbox`),
    publicKey: new CryptographicKey({ id: new URL(`${actorId}#main-key`), owner: new URL(actorId), publicKey: keys.publicKey }),
  });
  server.documents.set(actorId, await person.toJsonLd());
  return { actorId, keyId: `${actorId}#main-key`, privateKey: keys.privateKey };
}

async function buildPost(url: string, body: string | Uint8Array | Json, options: PostOptions = {}): Promise<Request> {
  const payload = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
  let request = new Request(url, {
    method: "POST",
    headers: { "Content-Type": "application/activity+json", Accept: "application/activity+json", ...options.headers },
    body: typeof payload === "string" ? payload : new Uint8Array(payload),
  });
  if (options.signer) {
    request = await signRequest(request, options.signingKey ?? options.signer.privateKey, new URL(options.signer.keyId), {
      spec: options.spec,
      currentTime: options.currentTime,
    });
  }
  return request;
}

async function send(request: Request | Promise<Request>): Promise<Sent> {
  try {
    const response = await fetch(await request, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    return { status: response.status, text: (await response.text()).slice(0, 300) };
  } catch (error) {
    if ((error as Error).name === "TimeoutError") return { status: 0, text: `no response within ${REQUEST_TIMEOUT_MS} ms` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { status: 0, text: `no response: ${cause?.code ?? cause?.message ?? (error as Error).message}` };
  }
}

/** Returns a JSON text with `raw` in place of the string "@@" in `template`, to build documents JSON.stringify cannot. */
function withRawValue(template: Json, raw: string): string {
  return JSON.stringify(template).replace('"@@"', raw);
}

describe("hostile input, measured", function () {
  this.timeout(120_000);
  const requests = new Tally();
  const filterChecks = new Tally();
  let hostileRequests = 0;
  const unhandledRejections: unknown[] = [];
  const recordRejection = (reason: unknown) => unhandledRejections.push(reason);
  const originalFetch = globalThis.fetch;
  /** Outbound fetches the guard rejected: destinations that are not this test's servers. */
  const blockedFetches: string[] = [];
  /** Fetches either instance made to the loopback listener's port, in any spelling of its host. */
  const listenerFetches: string[] = [];

  let a: RunningInstance;
  let b: RunningInstance;
  let alice: RemoteServer;
  let bob: RemoteServer;
  let aliceSigner: Signer;
  let bobSigner: Signer;
  let mallory: Signer;
  const contexts = new CountingServer(respondWithContext);
  const listener = new CountingServer();
  /** Requests that wait on a server that never responds; the last test checks their outcome. */
  const stalled: Promise<[string, Sent]>[] = [];
  /** Signed requests already applied once, resent unchanged at the end. */
  const replayed: [string, Request][] = [];

  let practiceIri = "";
  let practicePath = "";
  let orgIri = "";
  let aliceReplyIri = "";
  let bobReplyIri = "";
  let aliceLikeIri = "";
  let aliceFollowIri = "";
  let partnerCopyIri = "";
  let serial = 0;

  /** Responses the context server keeps open on /contexts/slow and /users/slow, destroyed when the suite ends. */
  const heldResponses: http.ServerResponse[] = [];

  function respondWithContext(request: http.IncomingMessage, response: http.ServerResponse): void {
    const documents: Record<string, unknown> = {
      "/contexts/empty": { "@context": {} },
      "/contexts/array": [],
      "/contexts/redefine": { "@context": { actor: "https://example.invalid/actor", object: { "@id": "https://example.invalid/object" } } },
      "/contexts/alias": { "@context": { signer: { "@id": "as:actor", "@type": "@id" } } },
    };
    const pathName = new URL(request.url ?? "/", contexts.origin).pathname;
    if (pathName === "/contexts/slow" || pathName.startsWith("/users/slow")) return void heldResponses.push(response);
    if (pathName === "/contexts/loop") return void response.writeHead(302, { Location: "/contexts/loop" }).end();
    if (pathName === "/contexts/html") return void response.writeHead(200, { "Content-Type": "text/html" }).end("<html><body>not JSON</body></html>");
    if (pathName in documents) return void response.writeHead(200, { "Content-Type": "application/ld+json" }).end(JSON.stringify(documents[pathName]));
    response.writeHead(404).end();
  }

  function nextId(actorId: string, kind: string): string {
    return `${new URL(actorId).origin}/activities/${kind}-${++serial}`;
  }

  /** Builds an activity of each kind the inbox handles, by `actor`, aimed at instance A's objects and at Alice's. */
  function activity(kind: string, actor: string | unknown[] | Json): Json {
    const actorId = typeof actor === "string" ? actor : Array.isArray(actor) ? String(actor[0]) : String(actor.id);
    const id = nextId(actorId, kind.toLowerCase());
    const base = { "@context": AS, id, type: kind, actor };
    switch (kind) {
      case "Create":
        return { ...base, object: { id: `${id}/note`, type: "Note", attributedTo: actorId, inReplyTo: practiceIri, content: "<p>forged reply</p>", to: [PUBLIC] } };
      case "Like":
        return { ...base, object: practiceIri };
      case "Announce":
        return { ...base, object: practiceIri, to: [PUBLIC] };
      case "Follow":
        return { ...base, object: orgIri };
      case "Update":
        return { ...base, object: { id: aliceReplyIri, type: "Note", attributedTo: actorId, inReplyTo: practiceIri, content: "<p>rewritten</p>", to: [PUBLIC] } };
      case "Delete":
        return { ...base, object: aliceReplyIri };
      case "Undo":
        return { ...base, object: aliceLikeIri };
      default:
        throw new Error(`No activity builder for ${kind}`);
    }
  }
  const KINDS = ["Create", "Like", "Announce", "Follow", "Update", "Delete", "Undo"];

  /** Serializes what an instance stores from remote input, so a case can show it changed nothing. */
  async function storedState(running: RunningInstance): Promise<string> {
    const { store } = running.instance;
    const practices = [];
    for (const practice of (await store.practices.list({ includeDrafts: true, limit: 10_000, offset: 0 })).items) {
      const replies = [];
      for (const reply of await store.replies.listForRoot(practice.iri)) {
        replies.push([reply.iri, reply.authorIri, reply.contentHtml, reply.deleted, reply.updated, await store.reactions.count(reply.iri)]);
      }
      practices.push([practice.iri, practice.updated, practice.deleted, practice.status, practice.text, practice.bodyHtml ?? null, await store.reactions.count(practice.iri), replies]);
    }
    const followers = (await store.followers.list("org", null, 10_000, 0)).items.map((follower) => [follower.actorIri, follower.status, follower.inbox, follower.sharedInbox]);
    const following = (await store.following.list()).map((entry) => [entry.actorIri, entry.status]);
    const actorIris = [aliceSigner?.actorId, bobSigner?.actorId, mallory?.actorId].filter(Boolean);
    const actors = [...(await store.remoteActors.byIris(actorIris)).values()].map((actor) => [actor.iri, actor.name, actor.handle, actor.url, actor.inbox, actor.sharedInbox]);
    return JSON.stringify({ practices, followers, following, actors });
  }

  async function lastLogId(running: RunningInstance): Promise<number> {
    return (await running.instance.store.inboundLog.recent(1))[0]?.id ?? 0;
  }

  async function logSince(running: RunningInstance, id: number): Promise<InboundLogEntry[]> {
    return (await running.instance.store.inboundLog.recent(500)).filter((entry) => (entry.id ?? 0) > id);
  }

  /** Records a response and checks what every case must meet: a response, no 5xx, and a status from `expected`. */
  function checkStatus(category: string, label: string, sent: Sent, expected: number[]): void {
    requests.add(category, sent.status);
    hostileRequests++;
    assert.notEqual(sent.status, 0, `${label}: ${sent.text}`);
    assert.isBelow(sent.status, 500, `${label}: server error: ${sent.text}`);
    assert.include(expected, sent.status, `${label}: unexpected status ${sent.status}: ${sent.text}`);
  }

  /**
   * Sends one hostile request and checks that it changed nothing. Its
   * status must be one of `expected`. A rejected request must leave no
   * inbound log entry, and a 2xx one no "accepted" entry. What the instance
   * stores must be the same as before.
   */
  async function expectNoEffect(running: RunningInstance, category: string, label: string, request: () => Promise<Sent>, expected: number[]): Promise<Sent> {
    const before = await storedState(running);
    const lastId = await lastLogId(running);
    const sent = await request();
    checkStatus(category, label, sent, expected);
    const entries = await logSince(running, lastId);
    if (sent.status >= 400) assert.isEmpty(entries, `${label}: rejected with ${sent.status} but logged as ${entries.map((entry) => entry.outcome).join(", ")}`);
    for (const entry of entries) assert.notEqual(entry.outcome, "accepted", `${label}: accepted: ${entry.reason}`);
    assert.equal(await storedState(running), before, `${label}: stored state changed`);
    return sent;
  }

  /** Sends a request that must be applied, such as the setup's replies, and checks that the inbound log records it as accepted. */
  async function expectAccepted(running: RunningInstance, label: string, request: Promise<Request>): Promise<void> {
    const lastId = await lastLogId(running);
    const sent = await send(request);
    assert.equal(sent.status, 202, `${label}: ${sent.text}`);
    const [entry] = await logSince(running, lastId);
    assert.equal(entry?.outcome, "accepted", `${label}: ${entry?.reason ?? "no inbound log entry"}`);
  }

  async function fetchPage(category: string, pathName: string, origin = a.origin): Promise<string> {
    const response = await fetch(new URL(pathName, origin), { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    requests.add(category, `page ${response.status}`);
    assert.equal(response.status, 200, `${pathName} should load`);
    return response.text();
  }

  async function assertSafePage(category: string, pathName: string, label: string, origin = a.origin): Promise<string> {
    const html = await fetchPage(category, pathName, origin);
    assert.deepEqual(unsafeMarkup(html), [], `${label}: unsafe markup on ${pathName}`);
    return html;
  }

  before(async function () {
    process.on("unhandledRejection", recordRejection);
    a = await startInstance();
    b = await startInstance({ ALLOW_PRIVATE_ADDRESSES: "false" });
    alice = new RemoteServer();
    bob = new RemoteServer();
    await alice.start();
    await bob.start();
    await contexts.start();
    await listener.start(true);
    aliceSigner = signerOf(alice);
    bobSigner = signerOf(bob);
    mallory = await addActor(alice, "mallory");

    // The instances run in this process, so this guard intercepts every request they make.
    const allowedOrigins = new Set([a.origin, b.origin, alice.origin, bob.origin, contexts.origin]);
    const listenerHosts = new Set(LOOPBACK_HOSTS.map((host) => new URL(`http://${host}:${listener.port}`).hostname));
    globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.port === String(listener.port) && listenerHosts.has(url.hostname)) {
        listenerFetches.push(url.href);
        return originalFetch(input, init);
      }
      if (!allowedOrigins.has(url.origin)) {
        blockedFetches.push(url.href);
        return Promise.reject(new TypeError(`fetch to ${url.href} blocked: the hostile input test may reach only its own loopback servers`));
      }
      return originalFetch(input, init);
    };

    await addAccount(a.instance, "editor", "editor");
    const editor = new Browser(a.origin);
    await editor.signIn("editor");
    const created = await editor.post("/practices", practiceForm("Hostile input target"));
    assert.equal(created.status, 303, "publishing the target practice should redirect");
    practicePath = new URL(created.headers.get("location")!, a.origin).pathname;
    practiceIri = `${a.origin}${practicePath}`;
    orgIri = `${a.origin}/actors/org`;

    // What the attacks aim at: a reply each by Alice and Bob, Alice's like, Alice's follow, and a library copy of Alice's practice.
    const inbox = `${a.origin}/inbox`;
    for (const [server, signer] of [[alice, aliceSigner], [bob, bobSigner]] as const) {
      const note = { id: `${server.origin}/notes/seed`, type: "Note", attributedTo: signer.actorId, inReplyTo: practiceIri, content: "<p>seed reply</p>", to: [PUBLIC] };
      server.documents.set(note.id, { "@context": AS, ...note });
      await expectAccepted(a, `seed reply by ${signer.actorId}`, buildPost(inbox, { "@context": AS, id: `${note.id}/activity`, type: "Create", actor: signer.actorId, object: note }, { signer }));
    }
    aliceReplyIri = `${alice.origin}/notes/seed`;
    bobReplyIri = `${bob.origin}/notes/seed`;
    aliceLikeIri = `${alice.origin}/likes/seed`;
    await expectAccepted(a, "seed like", buildPost(inbox, { "@context": AS, id: aliceLikeIri, type: "Like", actor: aliceSigner.actorId, object: practiceIri }, { signer: aliceSigner }));
    aliceFollowIri = `${alice.origin}/follows/seed`;
    alice.documents.set(aliceFollowIri, { "@context": AS, id: aliceFollowIri, type: "Follow", actor: aliceSigner.actorId, object: orgIri });
    await expectAccepted(a, "seed follow", buildPost(inbox, { "@context": AS, id: aliceFollowIri, type: "Follow", actor: aliceSigner.actorId, object: orgIri }, { signer: aliceSigner }));
    // The instance follows Alice as a partner, as if she had accepted its Follow.
    await a.instance.store.following.save({
      actorIri: aliceSigner.actorId, handle: `@tester@${new URL(alice.origin).host}`, name: "Remote Tester", inbox: `${aliceSigner.actorId}/inbox`,
      followIri: `${orgIri}#follows/seed`, status: "accepted", created: new Date().toISOString(),
    });
    partnerCopyIri = `${alice.origin}/articles/seed`;
    alice.documents.set(partnerCopyIri, { "@context": AS, id: partnerCopyIri, type: "Article", attributedTo: aliceSigner.actorId, name: "Partner practice", content: "<p>Partner text</p>", published: "2024-01-01T00:00:00Z" });
    await expectAccepted(a, "seed partner practice", buildPost(inbox, { "@context": AS, id: `${partnerCopyIri}/create`, type: "Create", actor: aliceSigner.actorId, object: partnerCopyIri }, { signer: aliceSigner }));
  });

  after(async function () {
    globalThis.fetch = originalFetch;
    process.off("unhandledRejection", recordRejection);
    console.log(`\n${requests.format("hostile requests")}\n\n${filterChecks.format("address filter checks (no request)")}`);
    console.log(`hostile requests: ${hostileRequests}; context server requests: ${contexts.received.length}; loopback listener requests: ${listener.received.length}; blocked fetches: ${blockedFetches.length}`);
    for (const response of heldResponses) response.destroy();
    await contexts.stop();
    await listener.stop();
    await alice?.stop();
    await bob?.stop();
    await a?.stop();
    await b?.stop();
  });

  it("rejects forged, missing and broken signatures", async function () {
    const otherKey = (await generateCryptoKeyPair("RSASSA-PKCS1-v1_5")).privateKey;
    const inboxes = [`${a.origin}/inbox`, `${a.origin}/actors/org/inbox`];
    for (const kind of KINDS) {
      for (const inbox of inboxes) {
        for (const spec of ["draft-cavage-http-signatures-12", "rfc9421"] as const) {
          await expectNoEffect(a, "signature forged", `forged ${spec} ${kind} to ${inbox}`,
            () => send(buildPost(inbox, activity(kind, aliceSigner.actorId), { signer: aliceSigner, signingKey: otherKey, spec })), [401]);
        }
        await expectNoEffect(a, "signature missing", `unsigned ${kind} to ${inbox}`, () => send(buildPost(inbox, activity(kind, aliceSigner.actorId))), [401]);
      }

      // The body changes after signing, so the Digest header no longer matches it.
      await expectNoEffect(a, "signature over another body", `tampered ${kind}`, async () => {
        const signed = await buildPost(inboxes[0], activity(kind, aliceSigner.actorId), { signer: aliceSigner });
        const tampered = JSON.stringify({ ...activity(kind, aliceSigner.actorId), content: "changed after signing" });
        return send(new Request(signed.url, { method: "POST", headers: signed.headers, body: tampered }));
      }, [401]);
    }

    const malformed: Record<string, string>[] = [
      { Signature: "garbage" },
      { Signature: `keyId="${aliceSigner.keyId}"` },
      { Signature: 'keyId="",headers="(request-target) host date digest",signature="AAAA"' },
      { Signature: 'keyId="not a url",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="AAAA"' },
      { Signature: `keyId="${aliceSigner.keyId}",algorithm="hs2019",headers="(request-target) host date digest",signature="!!!not base64"` },
      { Signature: `keyId="${aliceSigner.keyId}",headers="date",signature="${"A".repeat(8_000)}"` },
      { "Signature-Input": "sig1=garbage", Signature: "sig1=:AAAA:" },
      { "Signature-Input": `sig1=("@method" "@target-uri");keyid="${aliceSigner.keyId}";alg="rsa-v1_5-sha256";created=1`, Signature: "sig1=:AAAA:" },
    ];
    for (const headers of malformed) {
      for (const kind of ["Create", "Like"]) {
        await expectNoEffect(a, "signature header malformed", `${kind} with ${JSON.stringify(headers).slice(0, 80)}`,
          () => send(buildPost(inboxes[0], activity(kind, aliceSigner.actorId), { headers: { Date: new Date().toUTCString(), ...headers } })), [401]);
      }
    }
    // Node's HTTP parser rejects a request whose headers exceed 16 KB before Minga reads it.
    const huge = { Signature: `keyId="${aliceSigner.keyId}",headers="date",signature="${"A".repeat(20_000)}"` };
    await expectNoEffect(a, "signature header malformed", "Like with a 20 KB Signature header",
      () => send(buildPost(inboxes[0], activity("Like", aliceSigner.actorId), { headers: huge })), [431]);
  });

  it("rejects stale and unparseable Date headers", async function () {
    const now = Date.now();
    const hours = (count: number) => new Date(now + count * 3_600_000).toUTCString();
    const stale = [hours(-1.05), hours(-2), hours(-25), hours(-24 * 400), "Thu, 01 Jan 1970 00:00:00 GMT", "0", hours(1.05), hours(2), "Fri, 31 Dec 9999 23:59:59 GMT"];
    const unparseable = ["", "not a date", "yesterday", "Mon, 32 Foo 2024 25:61:61 GMT", "2024-02-30T25:00:00Z", "NaN", "Sat, 01 Jan 275761 00:00:00 GMT", "9".repeat(400)];
    for (const [category, dates] of [["Date stale", stale], ["Date unparseable", unparseable]] as const) {
      for (const date of dates) {
        for (const kind of ["Create", "Like"]) {
          await expectNoEffect(a, category, `${kind} signed with Date ${JSON.stringify(date.slice(0, 40))}`,
            () => send(buildPost(`${a.origin}/inbox`, activity(kind, aliceSigner.actorId), { signer: aliceSigner, headers: { Date: date } })), [401]);
        }
      }
    }
    for (const kind of ["Create", "Like"]) {
      await expectNoEffect(a, "Date stale", `${kind} signed with RFC 9421 two hours ago`,
        () => send(buildPost(`${a.origin}/inbox`, activity(kind, aliceSigner.actorId), { signer: aliceSigner, spec: "rfc9421", currentTime: toInstant(new Date(Date.now() - 2 * 3_600_000).toISOString()) })), [401]);
    }

    // A current Date with the same signing path is accepted, so the rejections above come from the dates alone.
    const control = { "@context": AS, id: nextId(aliceSigner.actorId, "like"), type: "Like", actor: aliceSigner.actorId, object: `${a.origin}/practices/no-such-practice` };
    await expectNoEffect(a, "Date stale", "Like signed with the current Date", () => send(buildPost(`${a.origin}/inbox`, control, { signer: aliceSigner, headers: { Date: new Date().toUTCString() } })), [202]);
  });

  it("applies a replayed activity once", async function () {
    const inbox = `${a.origin}/inbox`;
    const otherInbox = `${a.origin}/actors/org/inbox`;
    for (const kind of ["Create", "Like", "Announce"]) {
      const original = kind === "Create"
        ? activity("Create", aliceSigner.actorId)
        : { "@context": AS, id: nextId(aliceSigner.actorId, kind.toLowerCase()), type: kind, actor: aliceSigner.actorId, object: aliceReplyIri, to: [PUBLIC] };
      const signed = await buildPost(inbox, original, { signer: aliceSigner });
      replayed.push([`${kind} replayed at the end`, signed.clone()]);
      const lastId = await lastLogId(a);
      const first = await send(signed.clone());
      checkStatus("replay", `first ${kind}`, first, [202]);
      assert.deepEqual((await logSince(a, lastId)).map((entry) => entry.outcome), ["accepted"], `first ${kind} should be applied`);

      await expectNoEffect(a, "replay", `${kind} resent byte for byte`, () => send(signed.clone()), [202]);
      await expectNoEffect(a, "replay", `${kind} resent byte for byte again`, () => send(signed.clone()), [202]);
      await expectNoEffect(a, "replay", `${kind} signed again with a new Date`, () => send(buildPost(inbox, original, { signer: aliceSigner })), [202]);
      await expectNoEffect(a, "replay", `${kind} signed again with RFC 9421`, () => send(buildPost(inbox, original, { signer: aliceSigner, spec: "rfc9421" })), [202]);
      await expectNoEffect(a, "replay", `${kind} signed again to the Group's inbox`, () => send(buildPost(otherInbox, original, { signer: aliceSigner })), [202]);
      // The signature covers the request path, so the same headers cannot be sent to another inbox.
      await expectNoEffect(a, "replay", `${kind} resent to the Group's inbox`,
        () => send(new Request(otherInbox, { method: "POST", headers: signed.headers, body: JSON.stringify(original) })), [401]);
      if (kind === "Create") {
        const object = original.object as Json;
        const changed = { ...original, object: { ...object, id: `${String(object.id)}-changed`, content: "<p>same activity id, other note</p>" } };
        await expectNoEffect(a, "replay", "Create with a used activity id and another note", () => send(buildPost(inbox, changed, { signer: aliceSigner })), [202]);
      }
    }
  });

  // NOTE: a key served on Alice's own server whose document names Alice as its owner still signs as Alice.
  // Fedify 2.3.6 does not check that the actor lists the key, and Minga checks only that key and actor share a server.
  it("rejects a signer who is not the actor", async function () {
    // Bob serves a key whose document names Alice as its owner.
    const claimedKeys = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    const claimedKeyId = `${bob.origin}/keys/claims-alice`;
    bob.documents.set(claimedKeyId, await new CryptographicKey({ id: new URL(claimedKeyId), owner: new URL(aliceSigner.actorId), publicKey: claimedKeys.publicKey }).toJsonLd());
    const claimingSigner: Signer = { actorId: aliceSigner.actorId, keyId: claimedKeyId, privateKey: claimedKeys.privateKey };

    const combinations: [string, Signer, string | unknown[] | Json][] = [
      ["Mallory signs as Alice, same server", mallory, aliceSigner.actorId],
      ["Bob signs as Alice", bobSigner, aliceSigner.actorId],
      ["Alice signs as Bob", aliceSigner, bobSigner.actorId],
      ["a key on Bob's server claims Alice", claimingSigner, aliceSigner.actorId],
      ["Alice signs for Alice and Bob", aliceSigner, [aliceSigner.actorId, bobSigner.actorId]],
      ["Alice signs for Bob and Alice", aliceSigner, [bobSigner.actorId, aliceSigner.actorId]],
      ["Alice signs with Bob embedded", aliceSigner, { id: bobSigner.actorId, type: "Person", inbox: `${bobSigner.actorId}/inbox` }],
    ];
    for (const [description, signer, actor] of combinations) {
      for (const kind of ["Create", "Like", "Follow", "Delete"]) {
        for (const inbox of [`${a.origin}/inbox`, `${a.origin}/actors/org/inbox`]) {
          await expectNoEffect(a, "signer is not the actor", `${description}: ${kind} to ${inbox}`, () => send(buildPost(inbox, activity(kind, actor), { signer })), [401]);
        }
      }
    }
  });

  it("keeps others' objects out of reach", async function () {
    const replyAsNote = (iri: string, attributedTo: string, content: string) => ({ id: iri, type: "Note", attributedTo, inReplyTo: practiceIri, content, to: [PUBLIC] });
    const practiceAsArticle = (iri: string) => ({ id: iri, type: "Article", attributedTo: mallory.actorId, name: "Taken over", content: "<p>taken over</p>" });
    const attacks: [string, Signer, Json][] = [
      ["Mallory updates Alice's reply as Alice's", mallory, { type: "Update", object: replyAsNote(aliceReplyIri, aliceSigner.actorId, "<p>changed by Mallory</p>") }],
      ["Mallory updates Alice's reply as his", mallory, { type: "Update", object: replyAsNote(aliceReplyIri, mallory.actorId, "<p>changed by Mallory</p>") }],
      ["Mallory updates Alice's reply by id", mallory, { type: "Update", object: aliceReplyIri }],
      ["Mallory deletes Alice's reply", mallory, { type: "Delete", object: aliceReplyIri }],
      ["Mallory deletes Alice's reply as a Tombstone", mallory, { type: "Delete", object: { id: aliceReplyIri, type: "Tombstone" } }],
      ["Mallory updates Bob's reply", mallory, { type: "Update", object: replyAsNote(bobReplyIri, mallory.actorId, "<p>changed by Mallory</p>") }],
      ["Bob updates Alice's reply", bobSigner, { type: "Update", object: replyAsNote(aliceReplyIri, bobSigner.actorId, "<p>changed by Bob</p>") }],
      ["Bob deletes Alice's reply", bobSigner, { type: "Delete", object: aliceReplyIri }],
      ["Mallory deletes Alice's library practice", mallory, { type: "Delete", object: partnerCopyIri }],
      ["Mallory updates Alice's library practice", mallory, { type: "Update", object: practiceAsArticle(partnerCopyIri) }],
      ["Bob deletes Alice's library practice", bobSigner, { type: "Delete", object: partnerCopyIri }],
      ["Alice deletes the local practice", aliceSigner, { type: "Delete", object: practiceIri }],
      ["Alice updates the local practice", aliceSigner, { type: "Update", object: { ...practiceAsArticle(practiceIri), attributedTo: aliceSigner.actorId } }],
      ["Alice deletes the Group", aliceSigner, { type: "Delete", object: orgIri }],
      ["Mallory updates Alice's profile", mallory, { type: "Update", object: { id: aliceSigner.actorId, type: "Person", name: "Hijacked", inbox: `${mallory.actorId}/inbox` } }],
      ["Bob updates Alice's profile", bobSigner, { type: "Update", object: { id: aliceSigner.actorId, type: "Person", name: "Hijacked", inbox: `${bobSigner.actorId}/inbox` } }],
      ["Mallory deletes Alice's account", mallory, { type: "Delete", object: aliceSigner.actorId }],
      ["Bob deletes Alice's account", bobSigner, { type: "Delete", object: aliceSigner.actorId }],
      ["Mallory undoes Alice's like by id", mallory, { type: "Undo", object: aliceLikeIri }],
      ["Mallory undoes Alice's like embedded", mallory, { type: "Undo", object: { id: aliceLikeIri, type: "Like", actor: aliceSigner.actorId, object: practiceIri } }],
      ["Mallory undoes Alice's follow", mallory, { type: "Undo", object: { id: aliceFollowIri, type: "Follow", actor: aliceSigner.actorId, object: orgIri } }],
      ["Bob undoes Alice's follow", bobSigner, { type: "Undo", object: { id: aliceFollowIri, type: "Follow", actor: aliceSigner.actorId, object: orgIri } }],
      ["Mallory rejects the Follow sent to Alice", mallory, { type: "Reject", object: `${orgIri}#follows/seed` }],
      ["Alice creates a note attributed to Bob", aliceSigner, { type: "Create", object: replyAsNote(`${alice.origin}/notes/for-bob`, bobSigner.actorId, "<p>in Bob's name</p>") }],
      ["Alice creates a note on Bob's server", aliceSigner, { type: "Create", object: replyAsNote(`${bob.origin}/notes/from-alice`, aliceSigner.actorId, "<p>on Bob's server</p>") }],
    ];
    for (const [description, signer, fields] of attacks) {
      for (const inbox of [`${a.origin}/inbox`, `${a.origin}/actors/org/inbox`]) {
        const body = { "@context": AS, id: nextId(signer.actorId, String(fields.type).toLowerCase()), actor: signer.actorId, ...fields };
        await expectNoEffect(a, "others' objects", `${description} via ${inbox}`, () => send(buildPost(inbox, body, { signer })), [202]);
      }
    }
  });

  it("rejects oversized, deep and invalid bodies", async function () {
    const inboxes = [`${a.origin}/inbox`, `${a.origin}/actors/org/inbox`];
    for (const size of [MAX_INBOX_BODY_BYTES + 1, 1_500_000, 3_000_000, 8_000_000]) {
      for (const inbox of inboxes) {
        for (const chunked of [false, true]) {
          const padding = new Uint8Array(size).fill(0x20);
          await expectNoEffect(a, "body over 1 MB", `${size} bytes ${chunked ? "chunked" : "with Content-Length"} to ${inbox}`, () => {
            const body = chunked
              ? new ReadableStream({ start(controller) { for (let offset = 0; offset < size; offset += 65_536) controller.enqueue(padding.subarray(offset, offset + 65_536)); controller.close(); } })
              : padding;
            return send(new Request(inbox, { method: "POST", headers: { "Content-Type": "application/activity+json" }, body, duplex: "half" } as RequestInit));
          }, [413]);
        }
      }
    }
    for (const size of [MAX_INBOX_BODY_BYTES + 1, 2_000_000]) {
      const body = { ...activity("Create", aliceSigner.actorId), padding: "x".repeat(size) };
      await expectNoEffect(a, "body over 1 MB", `signed ${size} bytes`, () => send(buildPost(inboxes[0], body, { signer: aliceSigner })), [413]);
    }

    // A reply to a practice that does not exist, so that a nested body within the limit changes nothing either.
    const strayReply = (field: string): Json => {
      const create = activity("Create", aliceSigner.actorId);
      return { ...create, object: { ...(create.object as Json), inReplyTo: `${a.origin}/practices/no-such-practice`, [field]: "@@" } };
    };
    const placements: [string, (depth: number) => string][] = [
      ["objects in object", (depth) => withRawValue({ ...activity("Like", aliceSigner.actorId), object: "@@" }, `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`)],
      ["arrays in object", (depth) => withRawValue({ ...activity("Like", aliceSigner.actorId), object: "@@" }, `${"[".repeat(depth)}1${"]".repeat(depth)}`)],
      ["arrays in a note's tag", (depth) => withRawValue(strayReply("tag"), `${"[".repeat(depth)}{"type":"Mention"}${"]".repeat(depth)}`)],
      ["objects in @context", (depth) => withRawValue({ ...activity("Like", aliceSigner.actorId), "@context": "@@" }, `["${AS}",${'{"@context":'.repeat(depth)}{}${"}".repeat(depth)}]`)],
      ["values in a note's content", (depth) => withRawValue(strayReply("content"), `${'{"@value":'.repeat(depth)}"x"${"}".repeat(depth)}`)],
    ];
    for (const [placement, build] of placements) {
      for (const depth of [MAX_INBOX_JSON_DEPTH + 1, 1_000, 10_000, 50_000]) {
        const body = build(depth);
        await expectNoEffect(a, "body nested too deep", `signed ${placement} ${depth} deep`, () => send(buildPost(inboxes[0], body, { signer: aliceSigner })), [400]);
        await expectNoEffect(a, "body nested too deep", `unsigned ${placement} ${depth} deep`, () => send(buildPost(inboxes[0], body)), [400]);
      }
      // Within the limit, the same shapes are handled as usual, so the rejections above come from the depth alone.
      await expectNoEffect(a, "body nested too deep", `signed ${placement} 20 deep`, () => send(buildPost(inboxes[0], build(20), { signer: aliceSigner })), [202, 400]);
    }

    const invalid: [string, string | Uint8Array][] = [
      ["empty", ""], ["open brace", "{"], ["bare word", "{nope"], ["unclosed array", "[1,2"], ["extra brace", '{"a":1}}'],
      ["single quotes", "{'type':'Like'}"], ["undefined", '{"a":undefined}'], ["NaN", "NaN"], ["NUL byte", "\u0000"],
      ["trailing comma", '{"type":"Like",}'], ["comment", '{"type":"Like"/* x */}'], ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
      ["null", "null"], ["number", "42"], ["string", '"Like"'], ["array", "[]"], ["true", "true"], ["empty object", "{}"],
      ["a Note, not an activity", JSON.stringify({ "@context": AS, id: `${alice.origin}/notes/bare`, type: "Note", content: "hi" })],
      ["@context a number", JSON.stringify({ ...activity("Like", aliceSigner.actorId), "@context": 5 })],
    ];
    for (const [description, body] of invalid) {
      await expectNoEffect(a, "body not an activity", `signed ${description}`, () => send(buildPost(inboxes[0], body, { signer: aliceSigner })), [400]);
      await expectNoEffect(a, "body not an activity", `unsigned ${description}`, () => send(buildPost(inboxes[0], body)), [401]);
    }
  });

  it("fetches unknown contexts only for valid signatures", async function () {
    const otherKey = (await generateCryptoKeyPair("RSASSA-PKCS1-v1_5")).privateKey;
    const paths = ["/contexts/missing", "/contexts/empty", "/contexts/html", "/contexts/array", "/contexts/redefine", "/contexts/loop", "/contexts/alias"];
    const shapes: [string, (url: string) => unknown][] = [["alone", (url) => url], ["after ActivityStreams", (url) => [AS, url]], ["before ActivityStreams", (url) => [url, AS]]];
    for (const contextPath of paths) {
      for (const [shape, contextOf] of shapes) {
        const url = `${contexts.origin}${contextPath}`;
        const body = () => ({ ...activity("Like", aliceSigner.actorId), object: `${a.origin}/practices/no-such-practice`, "@context": contextOf(url) });
        for (const [signing, options] of [["unsigned", {}], ["forged", { signer: aliceSigner, signingKey: otherKey }]] as const) {
          const fetchedBefore = contexts.received.length;
          await expectNoEffect(a, "unknown @context", `${signing} ${contextPath} ${shape}`, () => send(buildPost(`${a.origin}/inbox`, body(), options)), [401]);
          assert.equal(contexts.received.length, fetchedBefore, `${signing} request with ${contextPath} ${shape} made the instance fetch ${contexts.received.slice(fetchedBefore).join(", ")}`);
        }
        await expectNoEffect(a, "unknown @context", `signed ${contextPath} ${shape}`, () => send(buildPost(`${a.origin}/inbox`, body(), { signer: aliceSigner })), [202, 400]);
      }
    }

    // A term of an unknown context that aliases `actor` names Bob in a request Alice signs.
    const aliased = { "@context": [AS, `${contexts.origin}/contexts/alias`], id: nextId(aliceSigner.actorId, "like"), type: "Like", signer: bobSigner.actorId, object: practiceIri };
    await expectNoEffect(a, "signer is not the actor", "Alice signs for Bob named through an aliased term", () => send(buildPost(`${a.origin}/inbox`, aliased, { signer: aliceSigner })), [401]);

    // A context and a key that never load: the instance must give up on its own. The last test awaits these, so they wait in parallel with the tests between.
    // TODO: a validly signed sender whose own server stalls on the activity's object or actor still keeps the request open
    // until the 300 s default headers timeout of Node's fetch. This goes away when the inbox listeners' document loaders get
    // a timeout, which Fedify 2.3.6 accepts only through loader factories, and those only without allowPrivateAddress.
    const slowContext = { ...activity("Like", aliceSigner.actorId), "@context": [AS, `${contexts.origin}/contexts/slow`] };
    stalled.push(send(buildPost(`${a.origin}/inbox`, slowContext, { signer: aliceSigner })).then((sent) => ["context that never loads", sent]));
    const slowSigner: Signer = { actorId: `${contexts.origin}/users/slow`, keyId: `${contexts.origin}/users/slow#main-key`, privateKey: otherKey };
    stalled.push(send(buildPost(`${a.origin}/inbox`, activity("Like", slowSigner.actorId), { signer: slowSigner })).then((sent) => ["key that never loads", sent]));
  });

  it("strips unsafe markup from remote content", async function () {
    const inbox = `${a.origin}/inbox`;
    const listenerUrl = (name: string) => `${listener.origin}/${name}`;
    const htmlTargetIri = `${alice.origin}/notes/html-target`;
    await expectAccepted(a, "reply to rewrite", buildPost(inbox, {
      "@context": AS, id: `${htmlTargetIri}/activity`, type: "Create", actor: aliceSigner.actorId,
      object: { id: htmlTargetIri, type: "Note", attributedTo: aliceSigner.actorId, inReplyTo: practiceIri, content: "<p>to be rewritten</p>", to: [PUBLIC] },
    }, { signer: aliceSigner }));

    /** Ways a Note carries a payload to the page. Each returns the Note's fields besides id, author and audience. */
    const carriers: [string, (payload: string, marker: string) => Json][] = [
      ["content", (payload, marker) => ({ content: `<p>${marker}</p>${payload}` })],
      ["contentMap", (payload, marker) => ({ contentMap: { en: `<p>${marker}</p>${payload}` } })],
      ["summary", (payload, marker) => ({ summary: payload, content: `<p>${marker}</p>` })],
      ["emoji name", (payload, marker) => ({
        content: `<p>${marker} :blob${payload}:</p>`,
        tag: [{ type: "Emoji", name: `:blob${payload}:`, icon: { type: "Image", mediaType: "image/png", url: listenerUrl("emoji.png") } }],
      })],
      ["mention name", (payload, marker) => ({
        content: `<p>${marker} <a href="${aliceSigner.actorId}" class="u-url mention">@${payload}</a></p>`,
        tag: [{ type: "Mention", href: aliceSigner.actorId, name: `@${payload}` }],
      })],
      ["attachment", (payload, marker) => ({
        content: `<p>${marker}</p>`,
        attachment: [{ type: "Document", mediaType: "text/html", name: payload, url: listenerUrl("attachment.html") }, { type: "Image", url: listenerUrl("image.png") }],
      })],
    ];

    // Each payload ends with one load of the practice page, which shows every reply, the rewritten one and Alice's name.
    let number = 0;
    for (const payload of HTML_PAYLOADS) {
      const markers: string[] = [];
      for (const [carrier, fields] of carriers) {
        const marker = `marker-${++number}`;
        const noteId = `${alice.origin}/notes/html-${number}`;
        const body = {
          "@context": AS, id: `${noteId}/activity`, type: "Create", actor: aliceSigner.actorId,
          object: { id: noteId, type: "Note", attributedTo: aliceSigner.actorId, inReplyTo: practiceIri, to: [PUBLIC], ...fields(payload, marker) },
        };
        const label = `${carrier} carrying ${payload}`;
        const sent = await send(buildPost(inbox, body, { signer: aliceSigner }));
        checkStatus(`markup in reply ${carrier}`, label, sent, [202]);
        const stored = await a.instance.store.replies.byIri(noteId);
        assert.isNotNull(stored, `${label}: the reply should be stored`);
        assert.deepEqual(unsafeMarkup(stored!.contentHtml), [], `${label}: stored HTML`);
        markers.push(marker);
      }

      // The same payload as the new text of an existing reply.
      const marker = `marker-${++number}`;
      const update = {
        "@context": AS, id: nextId(aliceSigner.actorId, "update"), type: "Update", actor: aliceSigner.actorId,
        object: { id: htmlTargetIri, type: "Note", attributedTo: aliceSigner.actorId, inReplyTo: practiceIri, to: [PUBLIC], content: `<p>${marker}</p>${payload}`, updated: new Date(Date.now() + number * 1000).toISOString() },
      };
      checkStatus("markup in reply update", `update carrying ${payload}`, await send(buildPost(inbox, update, { signer: aliceSigner })), [202]);
      assert.deepEqual(unsafeMarkup((await a.instance.store.replies.byIri(htmlTargetIri))!.contentHtml), [], `update carrying ${payload}: stored HTML`);
      markers.push(marker);

      // The payload as a partner practice's title, summary and text.
      for (const field of ["name", "summary", "content"] as const) {
        const articleMarker = `marker-${++number}`;
        const articleIri = `${alice.origin}/articles/html-${number}`;
        const article: Json = { "@context": AS, id: articleIri, type: "Article", attributedTo: aliceSigner.actorId, name: `Practice ${articleMarker}`, summary: "Summary", content: `<p>${articleMarker}</p>`, url: "javascript:alert(1)", published: "2024-01-01T00:00:00Z" };
        article[field] = `${article[field]}${payload}`;
        alice.documents.set(articleIri, article);
        const label = `practice ${field} carrying ${payload}`;
        const create = { "@context": AS, id: `${articleIri}/create`, type: "Create", actor: aliceSigner.actorId, object: articleIri };
        checkStatus(`markup in practice ${field}`, label, await send(buildPost(inbox, create, { signer: aliceSigner })), [202]);
        const copy = await a.instance.store.practices.byIri(articleIri);
        assert.isNotNull(copy, `${label}: the library copy should be stored`);
        for (const html of Object.values(copy!.bodyHtml ?? {})) assert.deepEqual(unsafeMarkup(html ?? ""), [], `${label}: stored HTML`);
        assert.include(await assertSafePage("markup pages", PATHS.remotePractice(copy!.slug), label), articleMarker, `${label}: the copy's page should show it`);
      }
      await assertSafePage("markup pages", "/library", `library after practices carrying ${payload}`);

      // The payload as Alice's display name and profile, shown beside each of her replies.
      const profile = {
        "@context": AS, id: nextId(aliceSigner.actorId, "update"), type: "Update", actor: aliceSigner.actorId,
        object: {
          id: aliceSigner.actorId, type: "Person", preferredUsername: "tester", name: `Alice ${payload}`, summary: payload, url: "javascript:alert(1)",
          inbox: `${aliceSigner.actorId}/inbox`, icon: { type: "Image", url: listenerUrl("avatar.png") },
        },
      };
      checkStatus("markup in actor profile", `profile carrying ${payload}`, await send(buildPost(inbox, profile, { signer: aliceSigner })), [202]);
      assert.equal((await a.instance.store.remoteActors.byIri(aliceSigner.actorId))?.name, `Alice ${payload}`, `profile carrying ${payload}: the name should be stored as text`);

      const page = await assertSafePage("markup pages", practicePath, `replies and profile carrying ${payload}`);
      for (const marker of markers) assert.include(page, marker, `${marker}, carrying ${payload}, should be on the page`);
    }
    // Instance A allows private addresses, so it copies the one image attachment and the avatar, to which the listener responds 404.
    // Emoji, HTML attachments and anything named in the hostile markup are never fetched.
    await a.instance.federation.services.media.idle();
    const fetched = new Set(listener.received);
    assert.deepEqual([...fetched].sort(), [`GET 127.0.0.1:${listener.port}/avatar.png`, `GET 127.0.0.1:${listener.port}/image.png`], "only the image attachment and the avatar should be fetched");
    assert.deepEqual([...new Set(listenerFetches)].sort(), [`http://127.0.0.1:${listener.port}/avatar.png`, `http://127.0.0.1:${listener.port}/image.png`], "instance A should try only those two");
    listener.received.splice(0);
    listenerFetches.splice(0);
  });

  it("fetches nothing from loopback with private addresses off", async function () {
    await addAccount(b.instance, "editor", "editor");
    const editor = new Browser(b.origin);
    await editor.signIn("editor");
    const created = await editor.post("/practices", practiceForm("Private addresses off"));
    assert.equal(created.status, 303, "publishing on instance B should redirect");
    const bPracticePath = new URL(created.headers.get("location")!, b.origin).pathname;
    const bPracticeIri = `${b.origin}${bPracticePath}`;
    const bInbox = `${b.origin}/inbox`;
    const bOrg = `${b.origin}/actors/org`;
    const keys = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");

    // Actors on the loopback listener, in every spelling of its host: B must not fetch their keys.
    for (const host of LOOPBACK_HOSTS) {
      const origin = `http://${host}:${listener.port}`;
      const signer: Signer = { actorId: `${origin}/users/x`, keyId: `${origin}/users/x#main-key`, privateKey: keys.privateKey };
      const bodies: Json[] = [
        { "@context": AS, id: `${origin}/likes/1`, type: "Like", actor: signer.actorId, object: bPracticeIri },
        { "@context": AS, id: `${origin}/follows/1`, type: "Follow", actor: signer.actorId, object: bOrg },
        {
          "@context": AS, id: `${origin}/notes/1/activity`, type: "Create", actor: signer.actorId,
          object: { id: `${origin}/notes/1`, type: "Note", attributedTo: signer.actorId, inReplyTo: bPracticeIri, content: "<p>from loopback</p>", to: [PUBLIC] },
        },
      ];
      for (const body of bodies) {
        await expectNoEffect(b, "loopback key, private off", `${body.type} signed by a key at ${origin}`, () => send(buildPost(bInbox, body, { signer })), [401]);
      }
    }

    // B has this actor's key in its cache, as if it had fetched it while the host name had a public address.
    const cachedActor = `http://localhost:${listener.port}/users/cached`;
    const cached: Signer = { actorId: cachedActor, keyId: `${cachedActor}#main-key`, privateKey: keys.privateKey };
    const person = new Person({
      id: new URL(cachedActor), preferredUsername: "cached", inbox: new URL(`${cachedActor}/inbox`),
      publicKey: new CryptographicKey({ id: new URL(cached.keyId), owner: new URL(cachedActor), publicKey: keys.publicKey }),
    });
    const database = new DatabaseSync(path.join(b.dataDir, "minga.sqlite"));
    try {
      await new SqliteKvStore(database).set(["_fedify", "remoteDocument", cached.keyId], { contextUrl: null, documentUrl: cachedActor, document: await person.toJsonLd() });
    } finally {
      database.close();
    }
    const control = { "@context": AS, id: `${cachedActor}/likes/control`, type: "Like", actor: cachedActor, object: `${b.origin}/practices/no-such-practice` };
    await expectNoEffect(b, "loopback links, private off", "Like by the cached actor", () => send(buildPost(bInbox, control, { signer: cached })), [202]);

    let number = 0;
    for (const host of LOOPBACK_HOSTS) {
      const target = `http://${host}:${listener.port}`;
      const id = `${cachedActor}/items/${++number}`;
      const embeddedActor = {
        id: cachedActor, type: "Person", preferredUsername: "cached", inbox: `${target}/inbox`,
        endpoints: { sharedInbox: `${target}/shared-inbox` }, icon: { type: "Image", url: `${target}/avatar.png` },
      };
      await expectNoEffect(b, "loopback links, private off", `Follow with its inbox at ${target}`,
        () => send(buildPost(bInbox, { "@context": AS, id: `${id}/follow`, type: "Follow", actor: embeddedActor, object: bOrg }, { signer: cached })), [202]);
      await expectNoEffect(b, "loopback links, private off", `Like of an object at ${target}`,
        () => send(buildPost(bInbox, { "@context": AS, id: `${id}/like`, type: "Like", actor: cachedActor, object: `${target}/objects/1` }, { signer: cached })), [202]);
      await expectNoEffect(b, "loopback links, private off", `Create of a note at ${target}`,
        () => send(buildPost(bInbox, { "@context": AS, id: `${id}/create-remote`, type: "Create", actor: cachedActor, object: `${target}/notes/1` }, { signer: cached })), [202]);

      const profile = { "@context": AS, id: `${id}/update`, type: "Update", actor: cachedActor, object: embeddedActor };
      checkStatus("loopback links, private off", `profile with links to ${target}`, await send(buildPost(bInbox, profile, { signer: cached })), [202]);
      const remembered = await b.instance.store.remoteActors.byIri(cachedActor);
      assert.isNull(remembered?.inbox, `profile with links to ${target}: the inbox should not be kept`);
      assert.isNull(remembered?.sharedInbox, `profile with links to ${target}: the shared inbox should not be kept`);

      // A reply with an image, an attachment and an emoji on loopback is shown, without them.
      const noteId = `${id}/note`;
      const reply = {
        "@context": AS, id: `${noteId}/activity`, type: "Create", actor: cachedActor,
        object: {
          id: noteId, type: "Note", attributedTo: cachedActor, inReplyTo: bPracticeIri, to: [PUBLIC],
          content: `<p>reply ${number} :e:</p><img src="${target}/inline.png">`,
          attachment: [{ type: "Image", mediaType: "image/png", url: `${target}/attachment.png` }],
          tag: [{ type: "Emoji", name: ":e:", icon: { type: "Image", url: `${target}/emoji.png` } }],
        },
      };
      checkStatus("loopback links, private off", `reply with media at ${target}`, await send(buildPost(bInbox, reply, { signer: cached })), [202]);
      const stored = await b.instance.store.replies.byIri(noteId);
      assert.isNotNull(stored, `reply with media at ${target} should be stored`);
      assert.notInclude(stored!.contentHtml, String(listener.port), `reply with media at ${target}: stored HTML should not link the listener`);
      await b.instance.federation.services.media.idle();
      const image = (await b.instance.store.replies.byIri(noteId))!.attachments?.find((attachment) => attachment.kind === "image");
      assert.equal(image?.failure, "its address is private, loopback or not public", `reply with media at ${target}: the image should be refused by the address filter`);
    }
    assert.isEmpty((await b.instance.store.followers.list("org", null, 100, 0)).items, "no Follow with a loopback inbox may be stored");
    await assertSafePage("loopback links, private off", bPracticePath, "instance B's practice", b.origin);

    // B's delivery queue polls every 2 s; anything it had queued for the listener would be sent by now.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.deepEqual(listener.received, [], "the loopback listener should receive nothing");
    assert.deepEqual(listenerFetches, [], "neither instance should try to reach the loopback listener");
  });

  it("filters private, link-local and metadata addresses", async function () {
    for (const [range, url] of PRIVATE_URLS) {
      let rejected = false;
      try {
        await validatePublicUrl(url);
      } catch {
        rejected = true;
      }
      filterChecks.add(range, rejected ? "validatePublicUrl rejected" : "validatePublicUrl passed");
      assert.isTrue(rejected, `validatePublicUrl should reject ${url}`);

      // Minga keeps a remote actor's inboxes only when they pass the same filter.
      const actorIri = `https://remote.example/users/${encodeURIComponent(url)}`;
      const actor = new Person({ id: new URL(actorIri), preferredUsername: "filtered", inbox: new URL(url), endpoints: new Endpoints({ sharedInbox: new URL(url) }) });
      const remembered = await rememberActor(b.instance.store, actor, false);
      const kept = remembered?.inbox !== null || remembered?.sharedInbox !== null;
      filterChecks.add(range, kept ? "rememberActor kept" : "rememberActor dropped");
      assert.isNull(remembered?.inbox, `rememberActor should drop the inbox ${url}`);
      assert.isNull(remembered?.sharedInbox, `rememberActor should drop the shared inbox ${url}`);
    }
    for (const url of PUBLIC_URLS) {
      await validatePublicUrl(url);
      filterChecks.add("public", "validatePublicUrl passed");
      const actor = new Person({ id: new URL(`https://remote.example/users/${encodeURIComponent(url)}`), inbox: new URL(url) });
      assert.equal((await rememberActor(b.instance.store, actor, false))?.inbox, url, `rememberActor should keep the public inbox ${url}`);
      filterChecks.add("public", "rememberActor kept");
    }
  });

  it("keeps serving after the hostile requests", async function () {
    for (const [label, request] of replayed) {
      await expectNoEffect(a, "replay", label, () => send(request.clone()), [202]);
    }
    for (const [label, sent] of await Promise.all(stalled)) {
      checkStatus("server that never responds", label, sent, [400, 401]);
    }

    for (const running of [a, b]) {
      const home = await fetch(`${running.origin}/`);
      requests.add("still serving", home.status);
      assert.equal(home.status, 200, `${running.origin}/ should still load`);
      const actor = await fetch(`${running.origin}/actors/org`, { headers: { Accept: "application/activity+json" } });
      requests.add("still serving", actor.status);
      assert.equal(actor.status, 200, `${running.origin}/actors/org should still be served`);
      assert.equal(((await actor.json()) as { id?: string }).id, `${running.origin}/actors/org`);
    }
    await assertSafePage("still serving", practicePath, "the target practice after every case");
    await assertSafePage("still serving", "/library", "the library after every case");

    assert.isEmpty(unhandledRejections.map(String), "no promise may be rejected unhandled");
    assert.deepEqual(blockedFetches, [], "the instances should fetch nothing outside this test's servers");
    assert.deepEqual(listener.received, [], "the loopback listener should receive nothing");
    assert.isAtLeast(hostileRequests, MINIMUM_REQUESTS, "the suite should send enough hostile requests to measure");
  });
});
