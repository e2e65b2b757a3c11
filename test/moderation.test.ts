import { expect } from "chai";

import { domainCovers, normalizeDomain } from "../src/domain/moderation.ts";
import { RateLimiter } from "../src/web/rate-limit.ts";
import { ModeratedOutboxQueue } from "../federation/moderated-queue.ts";
import { addAccount, Browser, eventually, practiceForm, startInstance, type RunningInstance } from "./support/instance.ts";
import { consultationForm } from "./support/consultation.ts";
import { RemoteServer } from "./support/remote-actor.ts";

const AS = "https://www.w3.org/ns/activitystreams";
const PUBLIC = `${AS}#Public`;

describe("domain rules", () => {
  it("normalizes what an admin types", () => {
    expect(normalizeDomain("Partner.Example")).to.equal("partner.example");
    expect(normalizeDomain("https://partner.example/some/path")).to.equal("partner.example");
    expect(normalizeDomain("@org@partner.example")).to.equal("partner.example");
    expect(normalizeDomain("localhost:8081")).to.equal("localhost:8081");
    expect(normalizeDomain("https://partner.example:443/")).to.equal("partner.example");
    expect(normalizeDomain("bücher.example")).to.equal("xn--bcher-kva.example");
    expect(normalizeDomain("10.0.0.1")).to.equal("10.0.0.1");
    expect(normalizeDomain("[::1]:8080")).to.equal("[::1]:8080");
    for (const bad of ["", "   ", "not a domain", "user:pw@host.example", "http://", ".example", "example.", "*.example.org", "-bad-.example", "a..example", "under_score.example"]) {
      expect(normalizeDomain(bad), bad).to.equal(null);
    }
  });

  it("covers subdomains and named ports", () => {
    expect(domainCovers("bad.example", new URL("https://bad.example/users/x"))).to.equal(true);
    expect(domainCovers("bad.example", new URL("https://social.bad.example/users/x"))).to.equal(true);
    expect(domainCovers("bad.example", new URL("https://notbad.example/users/x"))).to.equal(false);
    expect(domainCovers("localhost:8081", new URL("http://localhost:8081/x"))).to.equal(true);
    expect(domainCovers("localhost:8081", new URL("http://localhost:8082/x"))).to.equal(false);
    expect(domainCovers("localhost", new URL("http://localhost:8082/x"))).to.equal(true);
  });
});

describe("moderated outbox queue", () => {
  it("drops deliveries to refused inboxes", async () => {
    const queued: unknown[] = [];
    const inner = {
      enqueue: async (message: unknown) => void queued.push(message),
      listen: async (handler: (message: unknown) => Promise<void> | void) => {
        for (const message of queued) await handler(message);
      },
    };
    const blocked = new Set(["https://bad.example/inbox"]);
    const queue = new ModeratedOutboxQueue(inner, async (inbox) => !blocked.has(inbox));
    await queue.enqueue({ type: "outbox", inbox: "https://bad.example/inbox", activityType: "Create" });
    await queue.enqueueMany([{ type: "outbox", inbox: "https://good.example/inbox", activityType: "Create" }, { type: "fanout" }]);
    const handled: unknown[] = [];
    await queue.listen((message) => void handled.push(message));
    expect(handled).to.deep.equal([{ type: "outbox", inbox: "https://good.example/inbox", activityType: "Create" }, { type: "fanout" }]);
  });
});

describe("rate limiter", () => {
  it("refuses requests after the burst", () => {
    let now = 0;
    const limiter = new RateLimiter(3, () => now);
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a")]).to.deep.equal([0, 0, 0]);
    expect(limiter.take("a")).to.equal(20);
    expect(limiter.take("b")).to.equal(0);
    now += 20_000;
    expect(limiter.take("a")).to.equal(0);
    expect(limiter.take("a")).to.be.greaterThan(0);
  });
});

describe("moderation", function () {
  this.timeout(90_000);
  let running: RunningInstance;
  let friend: RemoteServer;
  let spammer: RemoteServer;
  let admin: Browser;
  let editor: Browser;
  let alice: Browser;
  let practicePath: string;
  let practiceIri: string;
  let noteCount = 0;

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "admin", "admin");
    await addAccount(running.instance, "editor", "editor");
    await addAccount(running.instance, "alice", "member");
    admin = new Browser(running.origin);
    editor = new Browser(running.origin);
    alice = new Browser(running.origin);
    await admin.signIn("admin");
    await editor.signIn("editor");
    await alice.signIn("alice");
    const created = await editor.post("/practices", practiceForm("Moderated practice"));
    practicePath = new URL(created.headers.get("location")!, running.origin).pathname;
    practiceIri = `${running.origin}${practicePath}`;
    friend = new RemoteServer();
    spammer = new RemoteServer();
    await friend.start();
    await spammer.start();
  });
  after(async () => {
    await friend.stop();
    await spammer.stop();
    await running.stop();
  });

  /** Sends a public reply to the practice from a remote server; returns the Note's id and the response. */
  async function remoteReply(server: RemoteServer, text: string): Promise<{ id: string; response: Response }> {
    const id = `${server.origin}/notes/${++noteCount}`;
    const response = await server.post(`${running.origin}/inbox`, {
      "@context": AS,
      id: `${id}/activity`,
      type: "Create",
      actor: server.actorId,
      object: { id, type: "Note", attributedTo: server.actorId, inReplyTo: practiceIri, content: `<p>${text}</p>`, to: [PUBLIC] },
    });
    return { id, response };
  }

  async function pageFor(browser: Browser | null): Promise<string> {
    return browser ? (await browser.get(practicePath)).text() : (await fetch(`${running.origin}${practicePath}`)).text();
  }

  async function audited(action: string): Promise<boolean> {
    const { items } = await running.instance.store.moderation.auditLog(100, 0);
    return items.some((entry) => entry.action === action);
  }

  it("takes a member's report", async () => {
    const { id } = await remoteReply(friend, "A reply someone finds hurtful");
    const form = await alice.get(`/report?reply=${encodeURIComponent(id)}`);
    expect(form.status).to.equal(200);
    expect(await form.text()).to.contain("A reply someone finds hurtful");

    const empty = await alice.post("/report", { reply: id, comment: "   " });
    expect(empty.status).to.equal(422);
    const emptyPage = await empty.text();
    expect(emptyPage).to.match(/aria-describedby="report-comment-hint report-comment-error"/);
    expect(emptyPage).to.contain('id="report-comment-error"');
    expect(emptyPage).to.contain('class="error-summary"');

    const tooLong = await alice.post("/report", { reply: id, comment: "x".repeat(1001) });
    expect(tooLong.status).to.equal(422);
    expect(await tooLong.text()).to.contain("x".repeat(1001));

    const sent = await alice.post("/report", { reply: id, comment: "It names a person who asked not to be named." });
    expect(sent.status).to.equal(303);
    expect(sent.headers.get("location")).to.contain("notice=reportSent");
    const [report] = await running.instance.store.moderation.reports("open", 10);
    expect(report.objectIris).to.include(id);
    expect(report.origin).to.equal("local");
    expect(await audited("report.create")).to.equal(true);
  });

  it("forwards a report as Flag", async () => {
    const [report] = await running.instance.store.moderation.reports("open", 10);
    const queue = await (await editor.get("/moderation")).text();
    expect(queue).to.contain("It names a person who asked not to be named.");
    expect(queue).to.contain(`/moderation/reports/${report.id}/forward`);

    const forwarded = await editor.post(`/moderation/reports/${report.id}/forward`, {});
    expect(forwarded.headers.get("location")).to.contain("notice=reportForwarded");
    const flag = await eventually(async () => friend.received.map((entry) => entry.body as Record<string, unknown>).find((body) => body.type === "Flag"), "the Flag");
    expect(flag.actor).to.equal(`${running.origin}/actor`);
    expect(flag.object).to.deep.equal([friend.actorId, report.objectIris[0]]);
    expect(flag.content).to.equal("It names a person who asked not to be named.");
    expect(JSON.stringify(flag)).not.to.contain("alice");

    // Forwarding twice is refused; resolving moves the report out of the queue.
    const again = await editor.post(`/moderation/reports/${report.id}/forward`, {});
    expect(again.headers.get("location")).to.contain("notice=forwardNotPossible");
    await editor.post(`/moderation/reports/${report.id}/resolve`, {});
    expect(await running.instance.store.moderation.reports("open", 10)).to.have.length(0);
    expect(await audited("report.forward")).to.equal(true);
    expect(await audited("report.resolve")).to.equal(true);
  });

  it("hides, shows and deletes replies", async () => {
    const { id } = await remoteReply(friend, "Reply to be hidden");
    expect(await pageFor(null)).to.contain("Reply to be hidden");

    await editor.post("/moderation/replies/hide", { reply: id, next: practicePath });
    expect((await running.instance.store.replies.byIri(id))!.hidden).to.equal("moderator");
    const anonymous = await pageFor(null);
    expect(anonymous).not.to.contain("Reply to be hidden");
    expect(anonymous).to.contain("This reply is hidden by the moderators.");
    expect(await pageFor(editor)).to.contain("Reply to be hidden");
    // The federated replies collection leaves it out too.
    const collection = await (await fetch(`${practiceIri}/replies`, { headers: { Accept: "application/activity+json" } })).text();
    expect(collection).not.to.contain(id);

    await editor.post("/moderation/replies/show", { reply: id });
    expect(await pageFor(null)).to.contain("Reply to be hidden");

    const unconfirmed = await editor.post("/moderation/replies/delete", { reply: id });
    expect(unconfirmed.status).to.equal(422);
    expect(await unconfirmed.text()).to.contain('id="confirm-delete-error"');
    expect((await running.instance.store.replies.byIri(id))!.deleted).to.equal(null);

    await editor.post("/moderation/replies/delete", { reply: id, confirm: "yes" });
    const deleted = (await running.instance.store.replies.byIri(id))!;
    expect(deleted.deleted).to.be.a("string");
    expect(deleted.contentHtml).to.equal("");
    expect(await pageFor(editor)).not.to.contain("Reply to be hidden");
    for (const action of ["reply.hide", "reply.show", "reply.delete"]) expect(await audited(action), action).to.equal(true);
  });

  it("federates a deleted member reply", async () => {
    await friend.follow(running.origin, "/actors/org", `${friend.origin}/follows/org`);
    const posted = await alice.post(`${practicePath}/replies`, { content: "A member's reply to remove", language: "en" });
    expect(posted.status).to.equal(303);
    const reply = (await running.instance.store.replies.listForRoot(practiceIri)).find((entry) => entry.contentHtml.includes("reply to remove"))!;
    await editor.post("/moderation/replies/delete", { reply: reply.iri, confirm: "yes" });
    const deletion = await eventually(
      async () => friend.received.map((entry) => entry.body as Record<string, unknown>).find((body) => body.type === "Delete" && (body.object as { id?: string })?.id === reply.iri),
      "the Delete of the member's reply",
    );
    expect(deletion.actor).to.equal(`${running.origin}/actors/alice`);
    expect((await fetch(reply.iri, { headers: { Accept: "application/activity+json" } })).status).to.equal(404);
  });

  it("blocks and unblocks a remote account", async () => {
    const other = new RemoteServer();
    await other.start();
    try {
      const { id } = await remoteReply(other, "Troll reply");
      const form = await editor.post("/moderation/accounts/block", { actor: "", reason: "" });
      expect(form.status).to.equal(422);
      expect(await form.text()).to.contain('id="block-actor-error"');
      // A page that is not an actor, such as a profile page, is refused rather than "blocked".
      const notActor = await editor.post("/moderation/accounts/block", { actor: `${other.origin}/@tester`, reason: "" });
      expect(notActor.status).to.equal(422);
      expect(await notActor.text()).to.contain("No fediverse account was found");
      expect(await running.instance.store.moderation.actorBlocks()).to.deep.equal([]);

      const blocked = await editor.post("/moderation/accounts/block", { actor: other.actorId, reason: "Harassment", next: practicePath });
      expect(blocked.status).to.equal(303);
      expect(await pageFor(null)).not.to.contain("Troll reply");
      const refused = await remoteReply(other, "Another troll reply");
      expect(refused.response.status).to.equal(403);
      expect(await refused.response.text()).to.contain("blocked");
      expect(await running.instance.store.replies.byIri(refused.id)).to.equal(null);
      const [entry] = await running.instance.store.inboundLog.recent(1);
      expect([entry.outcome, entry.actorIri]).to.deep.equal(["rejected", other.actorId]);

      await editor.post("/moderation/accounts/unblock", { actor: other.actorId });
      expect(await pageFor(null)).to.contain("Troll reply");
      expect((await remoteReply(other, "Back again")).response.status).to.equal(202);
      expect(await audited("actor.block")).to.equal(true);
      expect(await audited("actor.unblock")).to.equal(true);
      expect((await running.instance.store.replies.byIri(id))!.hidden).to.equal(null);
    } finally {
      await other.stop();
    }
  });

  it("blocks and unblocks a domain", async () => {
    const follow = await spammer.follow(running.origin, "/actors/org", `${spammer.origin}/follows/org`);
    expect(follow.status).to.equal(202);
    expect(await running.instance.store.followers.get("org", spammer.actorId)).not.to.equal(null);
    await remoteReply(spammer, "Buy cheap things");
    expect(await pageFor(null)).to.contain("Buy cheap things");
    const domain = new URL(spammer.origin).host;

    const response = await admin.post("/admin/domains", { domain, kind: "block", hide: "yes", reason: "Spam" });
    expect(response.status).to.equal(303);
    expect(await pageFor(null)).not.to.contain("Buy cheap things");
    // The follow lies dormant rather than gone, so lifting the block resumes it.
    expect(await running.instance.store.followers.get("org", spammer.actorId)).not.to.equal(null);

    const refused = await remoteReply(spammer, "More spam");
    expect(refused.response.status).to.equal(403);
    expect(await refused.response.text()).to.contain(`${domain} is blocked`);
    expect(await running.instance.store.replies.byIri(refused.id)).to.equal(null);
    expect((await spammer.get(practiceIri)).status).to.equal(403);
    // Following a blocked domain is refused before anything is looked up there.
    const spammerRequests = spammer.received.length;
    const followForm = await admin.post("/admin/federation/follow", { handle: `@tester@${domain}` });
    expect(followForm.status).to.equal(422);
    expect(await followForm.text()).to.contain("blocked domain");

    // A new practice reaches the friend, and nothing reaches the blocked server.
    await friend.follow(running.origin, "/actors/org", `${friend.origin}/follows/org-2`);
    const before = friend.received.length;
    await editor.post("/practices", practiceForm("After the block"));
    await eventually(async () => friend.received.slice(before).some((entry) => (entry.body as { type?: string }).type === "Create"), "the Create at the friend");
    expect(spammer.received.length).to.equal(spammerRequests);

    await admin.post("/admin/domains/remove", { domain });
    expect(await pageFor(null)).to.contain("Buy cheap things");
    expect((await remoteReply(spammer, "Allowed again")).response.status).to.equal(202);
    const resumedFrom = spammer.received.length;
    await editor.post("/practices", practiceForm("After the block was lifted"));
    await eventually(async () => spammer.received.slice(resumedFrom).some((entry) => (entry.body as { type?: string }).type === "Create"), "the Create at the unblocked follower");
    for (const action of ["domain.block", "domain.unblock"]) expect(await audited(action), action).to.equal(true);
  });

  it("keeps a refused domain form", async () => {
    const invalid = await admin.post("/admin/domains", { domain: "not a domain", kind: "allow", reason: "Typo" });
    expect(invalid.status).to.equal(422);
    const page = await invalid.text();
    expect(page).to.contain('value="not a domain"');
    expect(page).to.contain('value="Typo"');
    expect(page).to.match(/id="kind-allow"[^>]*checked/);
    expect(page).to.contain('aria-describedby="domain-hint domain-error"');
    expect((await admin.post("/admin/domains", { domain: "", kind: "block" })).status).to.equal(422);
    expect((await admin.post("/admin/domains", { domain: new URL(running.origin).host, kind: "block" })).status).to.equal(422);
    expect(await running.instance.store.moderation.domainRules()).to.have.length(0);
  });

  it("federates only with allowed domains", async () => {
    await admin.post("/admin/domains/mode", { mode: "allowlist" });
    try {
      const refused = await remoteReply(friend, "Not on the list");
      expect(refused.response.status).to.equal(403);
      expect(await refused.response.text()).to.contain("not on this instance's allowlist");
      expect((await fetch(practiceIri, { headers: { Accept: "application/activity+json" } })).status).to.equal(401);
      expect((await friend.get(practiceIri)).status).to.equal(403);
      expect((await fetch(`${running.origin}/actors/org/outbox`, { headers: { Accept: "application/activity+json" } })).status).to.equal(401);
      // Consultations are served outside Fedify and pass the same gate.
      const consultation = await admin.post("/consultations", consultationForm("Gated consultation"));
      const consultationIri = new URL(consultation.headers.get("location")!, running.origin).href.split("?")[0];
      expect((await fetch(consultationIri, { headers: { Accept: "application/activity+json" } })).status).to.equal(401);
      expect((await friend.get(consultationIri)).status).to.equal(403);
      // Discovery and actor documents stay public, so partners can verify our signatures.
      expect((await fetch(`${running.origin}/actors/org`, { headers: { Accept: "application/activity+json" } })).status).to.equal(200);
      expect((await fetch(`${running.origin}/.well-known/webfinger?resource=acct:org@${new URL(running.origin).host}`)).status).to.equal(200);
      // People still read the site.
      expect((await fetch(`${running.origin}${practicePath}`)).status).to.equal(200);

      await admin.post("/admin/domains", { domain: new URL(friend.origin).host, kind: "allow" });
      const read = await friend.get(practiceIri);
      expect(read.status).to.equal(200);
      expect(((await read.json()) as { id: string }).id).to.equal(practiceIri);
      expect((await remoteReply(friend, "On the list now")).response.status).to.equal(202);
      expect(await pageFor(null)).to.contain("On the list now");
      expect(await audited("federation.allowlist")).to.equal(true);
      expect(await audited("domain.allow")).to.equal(true);
    } finally {
      await admin.post("/admin/domains/mode", { mode: "open" });
    }
  });

  it("queues each remote Flag once", async () => {
    const reply = (await running.instance.store.replies.listForRoot(practiceIri)).find((entry) => !entry.deleted && !entry.local)!;
    const flag = {
      "@context": AS,
      id: `${friend.origin}/flags/1`,
      type: "Flag",
      actor: friend.actorId,
      object: [`${running.origin}/actors/alice`, reply.iri],
      content: "Reported from another server",
    };
    expect((await friend.post(`${running.origin}/inbox`, flag)).status).to.equal(202);
    expect((await friend.post(`${running.origin}/inbox`, flag)).status).to.equal(202);
    const open = (await running.instance.store.moderation.reports("open", 10)).filter((report) => report.flagIri === flag.id);
    expect(open).to.have.length(1);
    expect(open[0].origin).to.equal("remote");
    const queue = await (await editor.get("/moderation")).text();
    expect(queue).to.contain("Reported from another server");
    expect(queue).to.contain(`Reported by the server ${new URL(friend.origin).host}`);

    await friend.post(`${running.origin}/inbox`, { ...flag, id: `${friend.origin}/flags/2`, object: ["https://elsewhere.invalid/notes/1"] });
    const [entry] = await running.instance.store.inboundLog.recent(1);
    expect([entry.outcome, entry.reason]).to.deep.equal(["ignored", "Flag names nothing this instance holds"]);
    expect(await audited("report.receive")).to.equal(true);
  });

  it("shows the audit log to admins only", async () => {
    const page = await admin.get("/admin/audit");
    expect(page.status).to.equal(200);
    const text = await page.text();
    expect(text).to.contain("Blocked a domain");
    expect(text).to.contain("editor");
    expect((await editor.get("/admin/audit")).status).to.equal(403);
  });
  it("closes hidden partner copies to members' replies", async () => {
    const local = (await running.instance.store.practices.byIri(practiceIri))!;
    const copy = {
      ...local, iri: "https://hidden.example/practices/copy", slug: "hidden-example-copy", local: false, url: "https://hidden.example/practices/copy",
      attributedTo: "https://hidden.example/actor", sourceActor: "https://hidden.example/actor", authorAccountId: null, bodyHtml: {}, hidden: "domain:hidden.example",
    };
    await running.instance.store.practices.save(copy);
    await running.instance.store.practices.setHiddenForSource(copy.sourceActor, "domain:hidden.example");
    const response = await alice.post("/library/hidden-example-copy/replies", { content: "A reply to a hidden copy", language: "en" });
    expect(response.status).to.equal(404);
    expect(await running.instance.store.replies.countForRoot(copy.iri)).to.equal(0);
  });
});

describe("rate limits", function () {
  this.timeout(60_000);
  let running: RunningInstance;
  let remote: RemoteServer;

  before(async () => {
    running = await startInstance({ INBOX_RATE_LIMIT: "3", FORM_RATE_LIMIT: "3" });
    remote = new RemoteServer();
    await remote.start();
  });
  after(async () => {
    await remote.stop();
    await running.stop();
  });

  it("limits inbox requests per server", async () => {
    const like = (n: number) => ({ "@context": AS, id: `${remote.origin}/likes/${n}`, type: "Like", actor: remote.actorId, object: `${running.origin}/actors/org` });
    const statuses = [];
    for (let n = 0; n < 4; n++) statuses.push((await remote.post(`${running.origin}/inbox`, like(n))).status);
    expect(statuses.slice(0, 3)).to.not.include(429);
    expect(statuses[3]).to.equal(429);
    const refused = await remote.post(`${running.origin}/inbox`, like(9));
    expect(Number(refused.headers.get("retry-after"))).to.be.greaterThan(0);
    expect(await refused.text()).to.contain("the limit is 3 a minute");
    const [entry] = await running.instance.store.inboundLog.recent(1);
    expect(entry.reason).to.contain("Rate limit");
    // Another sending server has its own allowance.
    const other = new RemoteServer();
    await other.start();
    try {
      expect((await other.post(`${running.origin}/inbox`, { ...like(10), id: `${other.origin}/likes/1`, actor: other.actorId })).status).to.not.equal(429);
    } finally {
      await other.stop();
    }
  });

  it("explains an oversized form", async () => {
    const response = await fetch(`${running.origin}/sign-in`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "fr" },
      body: `username=x&password=${"a".repeat(600 * 1024)}`,
    });
    expect(response.status).to.equal(413);
    const page = await response.text();
    expect(page).to.contain('<html lang="fr"');
    expect(page).to.contain("512 Ko");
  });

  it("limits form posts per account", async () => {
    await addAccount(running.instance, "writer", "member");
    const writer = new Browser(running.origin);
    await writer.signIn("writer");
    const statuses = [];
    for (let n = 0; n < 4; n++) statuses.push((await writer.post("/account/password", { current: "", next: "", confirmation: "" })).status);
    expect(statuses).to.deep.equal([422, 422, 422, 429]);
    const refused = await writer.post("/account/password", {});
    expect(Number(refused.headers.get("retry-after"))).to.be.greaterThan(0);
    expect(await refused.text()).to.match(/You sent too many forms in a short time\. Wait \d+ seconds? and try again/);
    // Sign-in keeps its own throttle, so a limited member can still sign in again.
    expect((await new Browser(running.origin).post("/sign-in", { username: "writer", password: "a long test password", next: "/" })).status).to.equal(303);
  });
});
