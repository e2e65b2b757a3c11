import { expect } from "chai";

import { addAccount, Browser, practiceForm, startInstance, type RunningInstance } from "./support/instance.ts";
import { RemoteServer } from "./support/remote-actor.ts";

const AS = "https://www.w3.org/ns/activitystreams";
const PUBLIC = `${AS}#Public`;

/** Cases found in review: each input must end in a clear response, never a hang, a 500 or a leak. */
describe("hostile and odd input", function () {
  this.timeout(60_000);
  let running: RunningInstance;
  let remote: RemoteServer;
  let editor: Browser;
  let practiceIri: string;
  let slug: string;

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "editor", "editor");
    await addAccount(running.instance, "alice", "member");
    editor = new Browser(running.origin);
    await editor.signIn("editor");
    const created = await editor.post("/practices", practiceForm("Hardened"));
    slug = new URL(created.headers.get("location")!, running.origin).pathname.split("/")[2];
    practiceIri = `${running.origin}/practices/${slug}`;
    remote = new RemoteServer();
    await remote.start();
  });
  after(async () => {
    await remote.stop();
    await running.stop();
  });

  function note(id: string, content: string, audience: { to?: string[]; cc?: string[] }, extra: Record<string, unknown> = {}) {
    return {
      "@context": AS,
      id: `${id}/activity`,
      type: "Create",
      actor: remote.actorId,
      object: { id, type: "Note", attributedTo: remote.actorId, inReplyTo: practiceIri, content, ...audience, ...extra },
    };
  }

  it("keeps private replies off the page", async () => {
    const direct = `${remote.origin}/notes/direct`;
    expect((await remote.post(`${running.origin}/inbox`, note(direct, "<p>secret words</p>", { to: [`${running.origin}/actors/org`] }))).status).to.equal(202);
    expect(await running.instance.store.replies.byIri(direct)).to.equal(null);
    const [entry] = await running.instance.store.inboundLog.recent(1);
    expect(entry.reason).to.contain("not public");
    expect(await (await fetch(practiceIri)).text()).to.not.contain("secret words");
  });

  it("shows unlisted replies behind their warning", async () => {
    const warned = `${remote.origin}/notes/warned`;
    await remote.post(`${running.origin}/inbox`, note(warned, "<p>hard story</p>", { cc: [PUBLIC] }, { summary: "grief" }));
    const stored = await running.instance.store.replies.byIri(warned);
    expect(stored?.contentHtml).to.equal("<details><summary>grief</summary><p>hard story</p></details>");
  });

  it("links remote authors only over http", async () => {
    const sneaky = { ...(remote.documents.get(remote.actorId) as object), url: "javascript:alert(1)" };
    remote.documents.set(remote.actorId, sneaky);
    await remote.post(`${running.origin}/inbox`, note(`${remote.origin}/notes/sneaky`, "<p>hello</p>", { to: [PUBLIC] }));
    expect(await (await fetch(practiceIri)).text()).to.not.contain("javascript:");
  });

  it("rejects a Follow of a member in other case", async () => {
    const response = await remote.follow(running.origin, "/actors/ALICE", `${remote.origin}/follows/upper`);
    expect(response.status).to.equal(202);
    expect(await running.instance.store.followers.get("ALICE", remote.actorId)).to.equal(null);
    const [entry] = await running.instance.store.inboundLog.recent(1);
    expect(entry.outcome).to.equal("rejected");
  });

  it("keeps an approved follower approved", async () => {
    const admin = new Browser(running.origin);
    await addAccount(running.instance, "admin", "admin");
    await admin.signIn("admin");
    await admin.post("/admin/federation/approval", { required: "true" });
    await remote.follow(running.origin, "/actors/org", `${remote.origin}/follows/approved`);
    await admin.post("/admin/federation/followers", { actor: remote.actorId, decision: "accept" });
    // The same Follow again, delivered to the Group's own inbox this time.
    await remote.post(`${running.origin}/actors/org/inbox`, {
      "@context": AS,
      id: `${remote.origin}/follows/approved`,
      type: "Follow",
      actor: remote.actorId,
      object: `${running.origin}/actors/org`,
    });
    expect((await running.instance.store.followers.get("org", remote.actorId))?.status).to.equal("accepted");
    await admin.post("/admin/federation/approval", { required: "false" });
  });

  it("undoes a Follow given by id", async () => {
    await remote.post(`${running.origin}/inbox`, { "@context": AS, id: `${remote.origin}/undo/approved`, type: "Undo", actor: remote.actorId, object: `${remote.origin}/follows/approved` });
    expect(await running.instance.store.followers.get("org", remote.actorId)).to.equal(null);
  });

  it("never redirects off-site after sign-in", async () => {
    for (const next of ["/\\evil.example", "//evil.example", "https://evil.example/", "/%5Cevil.example"]) {
      const browser = new Browser(running.origin);
      const response = await browser.post("/sign-in", { username: "alice", password: "a long test password", next });
      const location = new URL(response.headers.get("location")!, running.origin);
      expect(location.origin, next).to.equal(running.origin);
    }
  });

  it("rejects a token with non-ASCII characters", async () => {
    const response = await editor.post("/practices", { ...practiceForm(), _csrf: "é".repeat(43) }, { csrf: false });
    expect(response.status).to.equal(403);
  });

  it("rejects impossible dates", async () => {
    const response = await editor.post("/practices", { ...practiceForm("Bad date"), periodStart: "2024-13-45" });
    expect(response.status).to.equal(422);
    expect(await response.text()).to.contain('id="field-periodStart-error"');
  });

  it("survives huge page numbers and odd paths", async () => {
    expect((await fetch(`${running.origin}/library?page=99999999999999999999`)).status).to.equal(200);
    const outbox = await fetch(`${running.origin}/actors/org/outbox?cursor=99999999999999999999`, { headers: { Accept: "application/activity+json" } });
    expect(outbox.status).to.equal(200);
    const odd = await fetch(`${running.origin}//[/`, { signal: AbortSignal.timeout(5_000) });
    expect(odd.status).to.equal(404);
  });

  it("keeps the editor's path free", async () => {
    const created = await editor.post("/practices", practiceForm("New"));
    expect(new URL(created.headers.get("location")!, running.origin).pathname).to.equal("/practices/new-practice");
  });

  it("mentions the answered author", async () => {
    const parent = `${remote.origin}/notes/parent`;
    await remote.post(`${running.origin}/inbox`, note(parent, "<p>question</p>", { to: [PUBLIC] }));
    const member = new Browser(running.origin);
    await member.signIn("alice");
    await member.post(`/practices/${slug}/replies`, { content: "An answer", language: "en", inReplyTo: parent });
    type Created = { type?: string; object?: { inReplyTo?: string; tag?: { type: string; href: string }[] | { type: string; href: string }; url?: string } };
    const deadline = Date.now() + 20_000;
    let delivered: Created | undefined;
    while (!delivered && Date.now() < deadline) {
      delivered = remote.received.map((entry) => entry.body as Created).find((body) => body.type === "Create" && body.object?.inReplyTo === parent);
      if (!delivered) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const tags = [delivered?.object?.tag ?? []].flat();
    expect(tags.some((tag) => tag.type === "Mention" && tag.href === remote.actorId)).to.equal(true);
    expect(delivered?.object?.url).to.match(new RegExp(`^${running.origin}/practices/${slug}#reply-`));
  });
});
