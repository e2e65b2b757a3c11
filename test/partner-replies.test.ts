import { expect } from "chai";

import { consultationForm } from "./support/consultation.ts";
import { resourceForm } from "./support/files.ts";
import { Browser, eventually, practiceForm } from "./support/instance.ts";
import { InstanceProcess } from "./support/process.ts";
import { RemoteServer } from "./support/remote-actor.ts";

const AP = { Accept: "application/activity+json" };
const AS = "https://www.w3.org/ns/activitystreams";
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

/**
 * Replies written on A, by A's members or by fediverse accounts, reach B's
 * copies of A's items through the Announces of A's Group and B's backfill.
 */
describe("replies on a partner's items", function () {
  this.timeout(120_000);
  let a: InstanceProcess;
  let b: InstanceProcess;
  let remote: RemoteServer;
  let editorA: Browser;
  let memberA: Browser;
  let adminB: Browser;
  let noteCount = 0;
  /** A's items as A serves them, and their copies' paths on B. */
  const paths = { practiceA: "", resourceA: "", consultationA: "", practiceB: "", resourceB: "", consultationB: "" };

  before(async () => {
    a = await InstanceProcess.create("replies-a");
    b = await InstanceProcess.create("replies-b");
    await a.createAccount("editor", "editor");
    await a.createAccount("member", "member");
    await b.createAccount("admin", "admin");
    await Promise.all([a.start(), b.start()]);
    editorA = new Browser(a.origin);
    await editorA.signIn("editor");
    memberA = new Browser(a.origin);
    await memberA.signIn("member");
    adminB = new Browser(b.origin);
    await adminB.signIn("admin");
    remote = new RemoteServer();
    await remote.start();

    const practice = await editorA.post("/practices", practiceForm("Practice with a shared discussion"));
    expect(practice.status).to.equal(303);
    paths.practiceA = new URL(practice.headers.get("location")!, a.origin).pathname;
    const resource = await editorA.post("/resources", resourceForm("Guide with a shared discussion", { link: "https://publisher.example/guide" }));
    expect(resource.status).to.equal(303);
    paths.resourceA = new URL(resource.headers.get("location")!, a.origin).pathname;
    const consultation = await editorA.post("/consultations", consultationForm("Consultation with a shared discussion"));
    expect(consultation.status).to.equal(303);
    paths.consultationA = new URL(consultation.headers.get("location")!, a.origin).pathname;
  });

  afterEach(function () {
    // The processes' own logs show why a step timed out.
    if (this.currentTest?.state === "failed") console.log(`--- A ---\n${a.output.slice(-4000)}\n--- B ---\n${b.output.slice(-4000)}`);
  });

  after(async () => {
    await remote?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
    a?.cleanUp();
    b?.cleanUp();
  });

  /** Creates a Note by the remote server's actor and serves it at its id. */
  function remoteNoteDocument(inReplyTo: string, text: string): { id: string; document: Record<string, unknown> } {
    const id = `${remote.origin}/notes/${++noteCount}`;
    const document = { "@context": AS, id, type: "Note", attributedTo: remote.actorId, inReplyTo, content: `<p>${text}</p>`, to: [PUBLIC], published: new Date().toISOString() };
    remote.documents.set(id, document);
    return { id, document };
  }

  /** The remote actor replies to one of A's items on A; returns the Note's id. */
  async function remoteReplyOnA(pathA: string, text: string): Promise<string> {
    const { id, document } = remoteNoteDocument(`${a.origin}${pathA}`, text);
    const response = await remote.post(`${a.origin}/inbox`, { "@context": AS, id: `${id}/activity`, type: "Create", actor: remote.actorId, object: document, to: [PUBLIC] });
    expect(response.status, "A's inbox status").to.be.within(200, 299);
    await eventually(async () => (await (await fetch(`${a.origin}${pathA}`)).text()).includes(text), "A to show the remote reply");
    return id;
  }

  /** Reads the ids A lists in an item's replies collection. */
  async function repliesOnA(pathA: string): Promise<string[]> {
    const collection = await (await fetch(`${a.origin}${pathA}/replies`, { headers: AP })).json();
    return collection.orderedItems as string[];
  }

  async function pageOnB(path: string): Promise<string> {
    return (await fetch(`${b.origin}${path}`)).text();
  }

  async function inboundLogOnB(): Promise<string> {
    return (await adminB.get("/admin/federation")).text();
  }

  it("backfill brings earlier replies", async () => {
    expect((await memberA.post(`${paths.practiceA}/replies`, { content: "Written on A before B followed.", language: "en" })).status).to.equal(303);
    await remoteReplyOnA(paths.resourceA, "A fediverse reply written before B followed.");

    const response = await adminB.post("/admin/federation/follow", { handle: `@org@localhost:${a.port}` });
    expect(response.status, await response.clone().text()).to.equal(303);
    const library = await eventually(async () => {
      const page = await pageOnB("/library");
      return page.includes("Practice with a shared discussion") ? page : null;
    }, "B to backfill A's practice");
    paths.practiceB = library.match(/href="(\/library\/[^"]*practice-with-a-shared-discussion[^"]*)"/)![1];
    const resources = await eventually(async () => {
      const page = await pageOnB("/library?kind=resource");
      return page.includes("Guide with a shared discussion") ? page : null;
    }, "B to backfill A's resource");
    paths.resourceB = resources.match(/href="(\/library\/resources\/[^"]*guide-with-a-shared-discussion[^"]*)"/)![1];
    const consultations = await eventually(async () => {
      const page = await pageOnB("/consultations");
      return page.includes("Consultation with a shared discussion") ? page : null;
    }, "B to backfill A's consultation");
    paths.consultationB = consultations.match(/href="(\/consultations\/[^"]*consultation-with-a-shared-discussion[^"]*)"/)![1];

    const practice = await eventually(async () => {
      const page = await pageOnB(paths.practiceB);
      return page.includes("Written on A before B followed.") ? page : null;
    }, "B's copy of the practice to show A's earlier reply");
    expect(practice, "the reply's author is named").to.contain(`@member@localhost:${a.port}`);
    const resource = await eventually(async () => {
      const page = await pageOnB(paths.resourceB);
      return page.includes("A fediverse reply written before B followed.") ? page : null;
    }, "B's copy of the resource to show the earlier fediverse reply");
    expect(resource).to.contain("Remote Tester");
  });

  it("member reply on practice reaches B", async () => {
    expect((await memberA.post(`${paths.practiceA}/replies`, { content: "Our interpreters start at six.", language: "en" })).status).to.equal(303);
    const page = await eventually(async () => {
      const html = await pageOnB(paths.practiceB);
      return html.includes("Our interpreters start at six.") ? html : null;
    }, "B's copy to show the reply written on A");
    expect(page).to.contain(`@member@localhost:${a.port}`);
    expect(await inboundLogOnB(), "B's inbound log tells where the announced reply went").to.contain(`Reply added to ${a.origin}${paths.practiceA}`);
  });

  it("member answer on consultation reaches B", async () => {
    expect((await memberA.post(`${paths.consultationA}/replies`, { content: "Shelters need a quiet room for children.", language: "en" })).status).to.equal(303);
    await eventually(async () => (await pageOnB(paths.consultationB)).includes("Shelters need a quiet room for children."), "B's consultation copy to show the answer");
  });

  it("fediverse reply on resource reaches B", async () => {
    await remoteReplyOnA(paths.resourceA, "We translated this guide into Quechua.");
    const page = await eventually(async () => {
      const html = await pageOnB(paths.resourceB);
      return html.includes("We translated this guide into Quechua.") ? html : null;
    }, "B's copy of the resource to show the fediverse reply");
    expect(page).to.contain("Remote Tester");
    expect(page.split("We translated this guide into Quechua.").length - 1, "the reply is stored once").to.equal(1);
  });

  it("reply deleted on A leaves B", async () => {
    const replies = await repliesOnA(paths.practiceA);
    const collection = await Promise.all(replies.map(async (iri) => ({ iri, note: await (await fetch(iri, { headers: AP })).json() })));
    const target = collection.find((entry) => JSON.stringify(entry.note.content ?? entry.note.contentMap).includes("Our interpreters start at six."));
    expect(target, "A serves the member's reply").to.not.equal(undefined);
    expect(await pageOnB(paths.practiceB), "B holds the reply before its deletion").to.contain("Our interpreters start at six.");
    const deleted = await editorA.post("/moderation/replies/delete", { reply: target!.iri, confirm: "yes" });
    expect(deleted.status).to.equal(303);
    await eventually(async () => !(await pageOnB(paths.practiceB)).includes("Our interpreters start at six."), "B's copy to drop the deleted reply");
    expect(await pageOnB(paths.practiceB), "other replies stay").to.contain("Written on A before B followed.");
  });

  it("fediverse reply deleted by author leaves B", async () => {
    expect(await pageOnB(paths.resourceB), "B holds the reply before its deletion").to.contain("We translated this guide into Quechua.");
    const [noteId] = [...remote.documents.keys()].filter((id) => (remote.documents.get(id) as { content?: string }).content?.includes("Quechua"));
    const response = await remote.post(`${b.origin}/inbox`, { "@context": AS, id: `${noteId}#delete`, type: "Delete", actor: remote.actorId, object: { id: noteId, type: "Tombstone" }, to: [PUBLIC] });
    expect(response.status).to.be.within(200, 299);
    await eventually(async () => !(await pageOnB(paths.resourceB)).includes("We translated this guide into Quechua."), "B's copy to drop the deleted reply");
  });

  it("Announce from unfollowed server is ignored", async () => {
    const { id } = remoteNoteDocument(`${a.origin}${paths.practiceA}`, "Boosted by a stranger.");
    const response = await remote.post(`${b.origin}/inbox`, { "@context": AS, id: `${remote.origin}/announces/1`, type: "Announce", actor: remote.actorId, object: id, to: [PUBLIC] });
    expect(response.status).to.be.within(200, 299);
    expect(await inboundLogOnB()).to.contain(`${id} is not an item or reply on this instance`);
    expect(await pageOnB(paths.practiceB)).to.not.contain("Boosted by a stranger.");
  });

  it("Announce of another's item reply is ignored", async () => {
    // B follows the remote actor too. It never accepts, but the inbox treats a pending partner as a followed one.
    const followed = await adminB.post("/admin/federation/follow", { handle: remote.actorId });
    expect(followed.status, await followed.clone().text()).to.equal(303);
    const { id } = remoteNoteDocument(`${a.origin}${paths.practiceA}`, "Announced by the wrong partner.");
    const response = await remote.post(`${b.origin}/inbox`, { "@context": AS, id: `${remote.origin}/announces/2`, type: "Announce", actor: remote.actorId, object: id, to: [PUBLIC] });
    expect(response.status).to.be.within(200, 299);
    expect(await inboundLogOnB()).to.contain(`inReplyTo ${a.origin}${paths.practiceA} is not an item of ${remote.actorId} held on this instance`);
    expect(await pageOnB(paths.practiceB)).to.not.contain("Announced by the wrong partner.");
  });

  it("embedded Note is read from its origin", async () => {
    // The remote actor, which B follows since the previous test, publishes a practice that B copies.
    const articleIri = `${remote.origin}/articles/1`;
    remote.documents.set(articleIri, { "@context": AS, id: articleIri, type: "Article", attributedTo: remote.actorId, name: "Remote partner practice", content: "<p>Partner text</p>", published: "2026-01-01T00:00:00Z" });
    const created = await remote.post(`${b.origin}/inbox`, { "@context": AS, id: `${articleIri}/create`, type: "Create", actor: remote.actorId, object: articleIri });
    expect(created.status).to.be.within(200, 299);
    const library = await eventually(async () => {
      const page = await pageOnB("/library");
      return page.includes("Remote partner practice") ? page : null;
    }, "B to copy the remote practice");
    const copyPath = library.match(/href="(\/library\/[^"]*remote-partner-practice[^"]*)"/)![1];

    const { document } = remoteNoteDocument(articleIri, "Text as its server serves it.");
    const announce = (number: number) => ({ "@context": AS, id: `${remote.origin}/announces/${number}`, type: "Announce", actor: remote.actorId, object: { ...document, content: "<p>Text changed in the embedded copy.</p>" }, to: [PUBLIC] });
    expect((await remote.post(`${b.origin}/inbox`, announce(3))).status).to.be.within(200, 299);
    const page = await pageOnB(copyPath);
    expect(page, "the reply is stored from its origin").to.contain("Text as its server serves it.");
    expect(page, "the embedded copy is not used").to.not.contain("Text changed in the embedded copy.");

    expect((await remote.post(`${b.origin}/inbox`, announce(4))).status).to.be.within(200, 299);
    expect(await inboundLogOnB(), "the second Announce is logged").to.contain("Reply already stored");
    expect((await pageOnB(copyPath)).split("Text as its server serves it.").length - 1, "the reply is stored once").to.equal(1);
  });
});
