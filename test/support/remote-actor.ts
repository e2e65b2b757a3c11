import http from "node:http";
import type { AddressInfo } from "node:net";

import { generateCryptoKeyPair, signRequest } from "@fedify/fedify";
import { CryptographicKey, Person } from "@fedify/vocab";

/**
 * A fake remote server on loopback with one actor whose key really signs.
 * It serves only the documents it was given and answers 404 to anything else,
 * and records what is posted to its inbox.
 */
export class RemoteServer {
  readonly documents = new Map<string, unknown>();
  /** Files served as they are, by URL: an image's bytes, or a redirect when `location` is set. */
  readonly files = new Map<string, { type?: string; body?: Buffer; location?: string }>();
  /** URLs of the files requested so far, once per request. */
  readonly fileRequests: string[] = [];
  readonly received: { path: string; body: unknown }[] = [];
  #server: http.Server | null = null;
  origin = "";
  actorId = "";
  keys!: CryptoKeyPair;

  async start(): Promise<void> {
    this.#server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk) => chunks.push(chunk));
      request.on("end", () => {
        const url = new URL(request.url ?? "/", this.origin).href;
        if (request.method === "POST") {
          this.received.push({ path: request.url ?? "", body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null") });
          response.writeHead(202).end();
          return;
        }
        const file = this.files.get(url);
        if (file) {
          this.fileRequests.push(url);
          if (file.location) return void response.writeHead(302, { Location: file.location }).end();
          return void response.writeHead(200, { "Content-Type": file.type ?? "application/octet-stream", "Content-Length": file.body?.length ?? 0 }).end(file.body);
        }
        const document = this.documents.get(url);
        if (document === undefined) return void response.writeHead(404).end();
        response.writeHead(200, { "Content-Type": "application/activity+json" }).end(JSON.stringify(document));
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "localhost", resolve));
    this.origin = `http://localhost:${(this.#server.address() as AddressInfo).port}`;
    this.actorId = `${this.origin}/users/tester`;
    this.keys = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    const actor = new Person({
      id: new URL(this.actorId),
      preferredUsername: "tester",
      name: "Remote Tester",
      inbox: new URL(`${this.actorId}/inbox`),
      publicKey: new CryptographicKey({ id: new URL(`${this.actorId}#main-key`), owner: new URL(this.actorId), publicKey: this.keys.publicKey }),
    });
    this.documents.set(this.actorId, await actor.toJsonLd());
  }

  /** Posts an activity to a URL, signed by this server's actor (or by another key, to forge). */
  async post(url: string, activity: unknown, options: { sign?: boolean; key?: CryptoKey } = {}): Promise<Response> {
    let request = new Request(url, {
      method: "POST",
      headers: { "Content-Type": "application/activity+json", Accept: "application/activity+json" },
      body: JSON.stringify(activity),
    });
    if (options.sign !== false) {
      request = await signRequest(request, options.key ?? this.keys.privateKey, new URL(`${this.actorId}#main-key`));
    }
    return fetch(request);
  }

  /** Sends a signed Follow of a local actor to the instance's shared inbox. */
  follow(instanceOrigin: string, actorPath: string, followId = `${this.origin}/follows/1`): Promise<Response> {
    return this.post(`${instanceOrigin}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: followId,
      type: "Follow",
      actor: this.actorId,
      object: `${instanceOrigin}${actorPath}`,
    });
  }

  /** Reads a URL as a server does: asking for ActivityPub JSON, signed by this server's actor unless `sign` is false. */
  async get(url: string, options: { sign?: boolean } = {}): Promise<Response> {
    let request = new Request(url, { headers: { Accept: "application/activity+json" } });
    if (options.sign !== false) request = await signRequest(request, this.keys.privateKey, new URL(`${this.actorId}#main-key`));
    return fetch(request);
  }

  async otherKey(): Promise<CryptoKey> {
    return (await generateCryptoKeyPair("RSASSA-PKCS1-v1_5")).privateKey;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

