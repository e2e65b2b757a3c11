import fs from "node:fs";
import path from "node:path";

import { generateCryptoKeyPair, signRequest, verifyRequest } from "@fedify/fedify";
import { expect } from "chai";

import { startInstance, type RunningInstance } from "./support/instance.ts";
import { RemoteServer } from "./support/remote-actor.ts";

const GANCIO = path.resolve(import.meta.dirname, "../../shared/corpus/activitypub/gancio");
/** Origin of the captured payloads, replaced by the loopback server's. */
const CAPTURED_ORIGIN = "https://demo.gancio.org";

/** Reads a corpus file with every occurrence of the captured origin moved to `origin`. */
function readReaddressed(file: string, origin: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(GANCIO, file), "utf8").replaceAll(CAPTURED_ORIGIN, origin));
}

async function publicKeyPem(key: CryptoKey): Promise<string> {
  const spki = Buffer.from(await crypto.subtle.exportKey("spki", key)).toString("base64");
  return `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join("\n")}\n-----END PUBLIC KEY-----\n`;
}

/**
 * A loopback server playing a Gancio instance: it serves the captured
 * Application actor with a key generated for this run, and its Event, like
 * Gancio, without `@context`.
 */
class GancioServer extends RemoteServer {
  override async start(): Promise<void> {
    await super.start();
    const actor = readReaddressed("actor-application.json", this.origin) as { id: string; publicKey: { publicKeyPem: string } };
    actor.publicKey.publicKeyPem = await publicKeyPem(this.keys.publicKey);
    this.actorId = actor.id;
    this.documents.set(actor.id, actor);
  }
}

describe("inbox activity without @context", function () {
  let running: RunningInstance;
  let gancio: GancioServer;
  let create: Record<string, unknown>;

  before(async () => {
    running = await startInstance();
    gancio = new GancioServer();
    await gancio.start();
    create = readReaddressed("create-event-no-context.json", gancio.origin);
    expect(create, "the corpus payload has no @context").to.not.have.property("@context");
    const event = create.object as { id: string };
    gancio.documents.set(event.id, event);
    // The organization follows the Gancio actor, so its Events are a partner's and go to the calendar.
    await running.instance.store.following.save({
      actorIri: gancio.actorId, handle: `@gancio@${new URL(gancio.origin).host}`, name: "gancio", inbox: `${gancio.actorId}/inbox`,
      followIri: `${running.origin}/actors/org#follows/gancio`, status: "accepted", created: new Date().toISOString(),
    });
  });

  after(async () => {
    await gancio?.stop();
    await running?.stop();
  });

  it("rejects a forged signature", async () => {
    const forger = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    const response = await gancio.post(`${running.origin}/inbox`, create, { key: forger.privateKey });
    expect(response.status).to.equal(401);
    expect(await running.instance.store.learning.byIri((create.object as { id: string }).id)).to.equal(null);
  });

  it("rejects an actor of another server", async () => {
    const foreign = { ...create, actor: `${running.origin}/actors/org` };
    const response = await gancio.post(`${running.origin}/inbox`, foreign);
    expect(response.status).to.equal(401);
    expect(await response.text()).to.contain("do not match");
  });

  it("rejects a body changed after signing", async () => {
    const request = new Request(`${running.origin}/inbox`, { method: "POST", headers: { "Content-Type": "application/activity+json" }, body: JSON.stringify(create) });
    const signed = await signRequest(request, gancio.keys.privateKey, new URL(`${gancio.actorId}#main-key`));
    const altered = { ...create, id: `${gancio.origin}/federation/m/2#create` };
    const response = await fetch(new Request(signed.url, { method: "POST", headers: signed.headers, body: JSON.stringify(altered) }));
    expect(response.status).to.equal(401);
  });

  it("shows Gancio's Event on the calendar", async () => {
    const response = await gancio.post(`${running.origin}/inbox`, create);
    expect(response.status, await response.clone().text()).to.equal(202);
    const [entry] = await running.instance.store.inboundLog.recent(1);
    expect(entry?.type).to.equal("Create");
    expect(entry?.outcome, entry?.reason).to.equal("accepted");

    const stored = await running.instance.store.learning.byIri((create.object as { id: string }).id);
    expect(stored?.sourceActor).to.equal(gancio.actorId);
    expect(stored?.place?.name).to.equal("Colosseo");
    // The Event of 14 July 2021 is past, so the calendar lists it among past ones.
    const calendar = await (await fetch(`${running.origin}/calendar`)).text();
    expect(calendar).to.contain("Demo event");
    const page = await (await fetch(`${running.origin}/learning/${stored!.slug}`)).text();
    expect(page).to.contain("Demo event");
    expect(page).to.contain("Colosseo");
  });
});

/**
 * Signs a request per RFC 9421 over the method, target, host and date only,
 * leaving the body and its Content-Digest out of the signature.
 */
async function signWithoutBody(request: Request, key: CryptoKey, keyId: string): Promise<Request> {
  const url = new URL(request.url);
  const date = new Date().toUTCString();
  const created = Math.floor(Date.now() / 1000);
  const parameters = `("@method" "@target-uri" "host" "date");created=${created};keyid="${keyId}";alg="rsa-v1_5-sha256"`;
  const base = [`"@method": POST`, `"@target-uri": ${url.href}`, `"host": ${url.host}`, `"date": ${date}`, `"@signature-params": ${parameters}`].join("\n");
  const signature = Buffer.from(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, new TextEncoder().encode(base))).toString("base64");
  const headers = new Headers(request.headers);
  headers.set("Host", url.host);
  headers.set("Date", date);
  headers.set("Signature-Input", `sig1=${parameters}`);
  headers.set("Signature", `sig1=:${signature}:`);
  return new Request(request.url, { method: "POST", headers, body: await request.text() });
}

describe("inbox signature without the body", function () {
  let running: RunningInstance;
  let remote: RemoteServer;

  before(async () => {
    running = await startInstance();
    remote = new RemoteServer();
    await remote.start();
  });

  after(async () => {
    await remote?.stop();
    await running?.stop();
  });

  it("rejects an activity whose signature leaves the body out", async () => {
    const follow = { "@context": "https://www.w3.org/ns/activitystreams", id: `${remote.origin}/follows/unbound`, type: "Follow", actor: remote.actorId, object: `${running.origin}/actors/org` };
    const unsigned = new Request(`${running.origin}/inbox`, { method: "POST", headers: { "Content-Type": "application/activity+json" }, body: JSON.stringify(follow) });
    const signed = await signWithoutBody(unsigned, remote.keys.privateKey, `${remote.actorId}#main-key`);
    // Fedify alone accepts this signature, so the rejection below comes from the inbox guard.
    expect(await verifyRequest(signed.clone(), { documentLoader: running.instance.federation.context().documentLoader }), "Fedify's own verification").to.not.equal(null);
    const response = await fetch(signed);
    expect(response.status).to.equal(401);
    expect(await response.text()).to.contain("must cover a digest of the body");
    expect((await running.instance.store.followers.list(running.instance.config.organizationHandle, "accepted", 10, 0)).items).to.deep.equal([]);
  });
});
