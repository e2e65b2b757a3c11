import fs from "node:fs";

import { expect } from "chai";

import { loadConfig } from "../src/config.ts";
import { setRegistrationOpen } from "../src/domain/accounts.ts";
import { createInstance, OriginMismatchError } from "../src/instance.ts";
import { addAccount, Browser, freePort, practiceForm, startInstance, temporaryDirectory, type RunningInstance } from "./support/instance.ts";
import { RemoteServer } from "./support/remote-actor.ts";

const AP = { Accept: "application/activity+json" };

describe("identity and discovery", () => {
  let running: RunningInstance;
  let host: string;

  before(async () => {
    running = await startInstance({ ORGANIZATION_HANDLE: "redminga" });
    host = new URL(running.origin).host;
    await addAccount(running.instance, "editor", "editor");
    await addAccount(running.instance, "lucia", "member");
  });
  after(async () => running.stop());

  it("finds the Group by WebFinger", async () => {
    const response = await fetch(`${running.origin}/.well-known/webfinger?resource=acct:redminga@${host}`);
    const jrd = await response.json();
    const self = jrd.links.find((link: { rel: string }) => link.rel === "self");
    expect(self.href).to.equal(`${running.origin}/actors/redminga`);
    const group = await (await fetch(self.href, { headers: AP })).json();
    expect(group.type).to.equal("Group");
    expect(group.preferredUsername).to.equal("redminga");
    expect(group.publicKey.owner).to.equal(group.id);
    expect(group.assertionMethod.map((key: { type: string }) => key.type)).to.include("Multikey");
    expect(group.endpoints.sharedInbox).to.equal(`${running.origin}/inbox`);
  });

  it("serves members as Person and the instance as Application", async () => {
    const person = await (await fetch(`${running.origin}/actors/lucia`, { headers: AP })).json();
    expect(person.type).to.equal("Person");
    const application = await (await fetch(`${running.origin}/actor`, { headers: AP })).json();
    expect(application.type).to.equal("Application");
    expect((await fetch(`${running.origin}/actors/nobody`, { headers: AP })).status).to.equal(404);
    const profile = await fetch(person.url);
    expect(profile.status).to.equal(200);
    expect(await profile.text()).to.contain(`@lucia@${host}`);
  });

  it("publishes NodeInfo 2.1", async () => {
    const links = await (await fetch(`${running.origin}/.well-known/nodeinfo`)).json();
    const href = links.links.find((link: { rel: string }) => link.rel.endsWith("/2.1")).href;
    const nodeinfo = await (await fetch(href)).json();
    expect(nodeinfo.software.name).to.equal("minga");
    expect(nodeinfo.protocols).to.deep.equal(["activitypub"]);
    expect(nodeinfo.usage.users.total).to.equal(2);
    expect(nodeinfo.openRegistrations).to.equal(false);
    await setRegistrationOpen(running.instance.store, true);
    const reopened = await (await fetch(href)).json();
    expect(reopened.openRegistrations).to.equal(true);
    await setRegistrationOpen(running.instance.store, false);
  });

  it("pages the outbox", async () => {
    const editor = new Browser(running.origin);
    await editor.signIn("editor");
    for (let index = 0; index < 22; index++) await editor.post("/practices", practiceForm(`Outbox practice ${index}`));
    const outbox = await (await fetch(`${running.origin}/actors/redminga/outbox`, { headers: AP })).json();
    expect(outbox.type).to.equal("OrderedCollection");
    expect(outbox.totalItems).to.equal(22);
    const first = await (await fetch(outbox.first, { headers: AP })).json();
    expect(first.orderedItems).to.have.length(20);
    expect(first.orderedItems[0].type).to.equal("Create");
    expect(first.orderedItems[0].object.type).to.equal("Article");
    const second = await (await fetch(first.next, { headers: AP })).json();
    expect(second.orderedItems).to.have.length(2);
    expect(second.next).to.equal(undefined);
  });

  it("explains a failed follow in the reader's language", async () => {
    await addAccount(running.instance, "polyglot", "admin");
    const admin = new Browser(running.origin);
    await admin.signIn("polyglot");
    const english = await admin.post("/admin/federation/follow", { handle: "not a handle" });
    expect(english.status).to.equal(422);
    const englishPage = await english.text();
    expect(englishPage).to.contain("is not a fediverse address");
    expect(englishPage, "typed text kept").to.contain('value="not a handle"');
    await admin.get("/?lang=fr");
    const french = await (await admin.post("/admin/federation/follow", { handle: "not a handle" })).text();
    expect(french).to.contain("n'est pas une adresse du fédivers");
    const empty = await admin.post("/admin/federation/follow", { handle: "  " });
    expect(empty.status).to.equal(422);
  });

  it("holds follows for approval when asked", async () => {
    const admin = new Browser(running.origin);
    await addAccount(running.instance, "admin", "admin");
    await admin.signIn("admin");
    expect((await admin.post("/admin/federation/approval", { required: "true" })).status).to.equal(303);
    const group = await (await fetch(`${running.origin}/actors/redminga`, { headers: AP })).json();
    expect(group.manuallyApprovesFollowers).to.equal(true);

    const remote = new RemoteServer();
    await remote.start();
    try {
      await remote.follow(running.origin, "/actors/redminga");
      expect((await running.instance.store.followers.get("redminga", remote.actorId))?.status).to.equal("pending");
      expect(await (await admin.get("/admin/federation")).text()).to.contain("Remote Tester");
      expect((await admin.post("/admin/federation/followers", { actor: remote.actorId, decision: "accept" })).status).to.equal(303);
      expect((await running.instance.store.followers.get("redminga", remote.actorId))?.status).to.equal("accepted");
      const deadline = Date.now() + 20_000;
      while (!remote.received.some((entry) => (entry.body as { type: string }).type === "Accept") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const accept = remote.received.find((entry) => (entry.body as { type: string }).type === "Accept")?.body as { object: { id: string } | string };
      expect(typeof accept.object === "string" ? accept.object : accept.object.id).to.equal(`${remote.origin}/follows/1`);

      await remote.post(`${running.origin}/inbox`, {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${remote.origin}/undo/1`,
        type: "Undo",
        actor: remote.actorId,
        object: { id: `${remote.origin}/follows/1`, type: "Follow", actor: remote.actorId, object: `${running.origin}/actors/redminga` },
      });
      expect(await running.instance.store.followers.get("redminga", remote.actorId)).to.equal(null);
    } finally {
      await remote.stop();
    }
  });
});

describe("actor keys", () => {
  it("stay the same across restarts", async () => {
    const dataDir = temporaryDirectory("keys");
    const config = loadConfig({ PORT: String(await freePort()), DATA_DIR: dataDir, ALLOW_PRIVATE_ADDRESSES: "true" });
    const readKey = async () => {
      const instance = await createInstance(config);
      await instance.listen("localhost");
      try {
        const group = await (await fetch(`${config.origin}/actors/org`, { headers: AP })).json();
        return { rsa: group.publicKey.publicKeyPem as string, ed25519: group.assertionMethod[1].publicKeyMultibase as string };
      } finally {
        await instance.close();
      }
    };
    const first = await readKey();
    const second = await readKey();
    expect(second.rsa).to.equal(first.rsa);
    expect(second.ed25519).to.equal(first.ed25519);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

describe("data folder", () => {
  it("refuses a different origin", async () => {
    const dataDir = temporaryDirectory("origin");
    const first = await createInstance(loadConfig({ PORT: "18001", DATA_DIR: dataDir }));
    await first.close();
    let error: unknown;
    try {
      await createInstance(loadConfig({ PORT: "18002", DATA_DIR: dataDir }));
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(OriginMismatchError);
    expect((error as Error).message).to.contain("ORIGIN=http://localhost:18001");
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
