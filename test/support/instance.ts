import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import { loadConfig } from "../../src/config.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import { createInstance, type Instance } from "../../src/instance.ts";
import { configureLogging } from "../../src/logging.ts";
import type { Role } from "../../src/storage/types.ts";

/** Finds a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function temporaryDirectory(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `minga-${prefix}-`));
}

export interface RunningInstance {
  instance: Instance;
  origin: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Fetch for instances under test, standing in for the outside network: it
 * reaches only loopback listeners, which tests start themselves, and rejects
 * any other URL, such as the media links of corpus payloads.
 */
export const loopbackFetch: typeof fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!["localhost", "127.0.0.1", "[::1]"].includes(url.hostname)) throw new Error(`Tests reach only loopback listeners, not ${url.href}`);
  return fetch(input, init);
};

/** Starts a real instance in this process on a loopback port, with its own database. */
export async function startInstance(overrides: Record<string, string> = {}): Promise<RunningInstance> {
  await configureLogging((process.env.TEST_LOG_LEVEL as "warning") ?? "fatal");
  const port = await freePort();
  const dataDir = temporaryDirectory("instance");
  const config = loadConfig({ PORT: String(port), DATA_DIR: dataDir, ALLOW_PRIVATE_ADDRESSES: "true", ...overrides });
  const instance = await createInstance(config, { fetch: loopbackFetch });
  await instance.listen("localhost");
  return {
    instance,
    origin: config.origin,
    dataDir,
    async stop() {
      await instance.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function addAccount(instance: Instance, username: string, role: Role, password = "a long test password"): Promise<void> {
  await createAccount(instance.store, { username, password, role }, instance.reservedHandles);
}

/** A browser-like client: keeps cookies, never follows redirects by itself, posts forms. */
export class Browser {
  #cookies = new Map<string, string>();
  constructor(readonly origin: string) {}

  async request(pathName: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.#cookies.size > 0) headers.set("Cookie", [...this.#cookies].map(([key, value]) => `${key}=${value}`).join("; "));
    const response = await fetch(new URL(pathName, this.origin), { ...init, headers, redirect: "manual" });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [key, ...value] = pair.split("=");
      if (value.join("=") === "") this.#cookies.delete(key);
      else this.#cookies.set(key, value.join("="));
    }
    return response;
  }

  get(pathName: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(pathName, { headers });
  }

  /** Posts a form as a browser does after loading a page: with the CSRF token from its cookie unless `csrf` is false. */
  async post(pathName: string, fields: Record<string, string | string[]>, options: { csrf?: boolean } = {}): Promise<Response> {
    if (options.csrf !== false) {
      if (!this.#cookies.has("minga_csrf")) await this.get("/");
      fields = { ...fields, _csrf: this.#cookies.get("minga_csrf") ?? "" };
    }
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(fields)) for (const item of [value].flat()) body.append(key, item);
    return this.request(pathName, { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
  }

  /**
   * Posts a multipart form as a browser does, fields first in the order given,
   * then the files. The CSRF token comes first unless `csrf` is false.
   */
  async postMultipart(pathName: string, fields: Record<string, string | string[]>, files: Record<string, { name: string; content: Buffer; type?: string }> = {}, options: { csrf?: boolean } = {}): Promise<Response> {
    const form = new FormData();
    if (options.csrf !== false) {
      if (!this.#cookies.has("minga_csrf")) await this.get("/");
      form.append("_csrf", this.#cookies.get("minga_csrf") ?? "");
    }
    for (const [key, value] of Object.entries(fields)) for (const item of [value].flat()) form.append(key, item);
    for (const [key, file] of Object.entries(files)) form.append(key, new Blob([new Uint8Array(file.content)], { type: file.type ?? "application/octet-stream" }), file.name);
    return this.request(pathName, { method: "POST", body: form });
  }

  /** The CSRF token this browser's cookie holds, for forms built by hand. */
  get csrfToken(): string {
    return this.#cookies.get("minga_csrf") ?? "";
  }

  async signIn(username: string, password = "a long test password"): Promise<void> {
    const response = await this.post("/sign-in", { username, password, next: "/" });
    if (response.status !== 303) throw new Error(`Sign-in of ${username} failed with ${response.status}`);
  }
}

/** Polls until the check returns a value, or fails after the timeout. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Returns a valid practice form in three languages, as the editor posts it. */
export function practiceForm(title = "Community interpreters at border reception points"): Record<string, string | string[]> {
  return {
    primaryLanguage: "en",
    "text.en.title": title,
    "text.en.summary": "Trained community interpreters help new arrivals understand their rights.",
    "text.en.body": "First paragraph.\n\n- one\n- two",
    "text.en.results": "1,200 people assisted.",
    "text.en.lessonsLearned": "Train interpreters in protection principles.",
    "text.fr.title": `${title} (FR)`,
    "text.fr.summary": "Des interprètes communautaires aident les personnes arrivées.",
    "text.fr.body": "Premier paragraphe.",
    "text.es.title": `${title} (ES)`,
    "text.es.summary": "Intérpretes comunitarios ayudan a las personas recién llegadas.",
    "text.es.body": "Primer párrafo.",
    themes: ["child-protection", "access-to-justice"],
    gcmObjectives: ["7", "16"],
    sdgTargets: "10.7, 16.2",
    scope: "national",
    countries: "CO, EC",
    regions: ["americas"],
    targetGroups: ["children", "women"],
    practiceType: "service",
    implementer: "Red de Intérpretes",
    partners: "Ministry of the Interior\nCity of Ipiales",
    periodStart: "2022-03-01",
    periodEnd: "",
    practiceStatus: "ongoing",
    evidenceLevel: "documented",
    licence: "CC-BY-4.0",
    focalPointName: "Ana Example",
    focalPointEmail: "ana@example.org",
    action: "publish",
  };
}
