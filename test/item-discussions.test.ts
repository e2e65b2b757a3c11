import { expect } from "chai";

import type { Resource } from "../src/domain/resource.ts";
import { replyAnchor } from "../src/domain/urls.ts";
import { resourceForm } from "./support/files.ts";
import { addAccount, Browser, eventually, startInstance, type RunningInstance } from "./support/instance.ts";
import { learningForm, sampleLearning } from "./support/learning.ts";
import { RemoteServer } from "./support/remote-actor.ts";

const AP = { Accept: "application/activity+json" };
const AS = "https://www.w3.org/ns/activitystreams";
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

type Delivery = { type?: string; object?: string | { id?: string; inReplyTo?: string; tag?: unknown } };

/** An item kind whose page carries a discussion: where its page is and how the instance names it. */
interface Kind {
  name: string;
  path: string;
  iri: string;
}

/** Discussions on resource and learning opportunity pages: local and remote replies, errors, moderation and federation. */
describe("discussions on resources and learning opportunities", function () {
  this.timeout(60_000);
  let running: RunningInstance;
  let remote: RemoteServer;
  let editor: Browser;
  let member: Browser;
  const kinds: Kind[] = [];
  let noteCount = 0;

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "editor", "editor");
    await addAccount(running.instance, "member", "member");
    editor = new Browser(running.origin);
    member = new Browser(running.origin);
    await editor.signIn("editor");
    await member.signIn("member");
    remote = new RemoteServer();
    await remote.start();
    // The remote actor follows the organization, so it receives the Group's Announces.
    await remote.follow(running.origin, "/actors/org");

    const resource = await editor.post("/resources", resourceForm("Guide with a discussion", { link: "https://publisher.example/guide" }));
    const resourcePath = new URL(resource.headers.get("location")!, running.origin).pathname;
    kinds.push({ name: "resource", path: resourcePath, iri: `${running.origin}${resourcePath}` });
    const learning = await editor.post("/learning", learningForm("Training with a discussion"));
    const learningPath = new URL(learning.headers.get("location")!, running.origin).pathname;
    kinds.push({ name: "learning opportunity", path: learningPath, iri: `${running.origin}${learningPath}` });
  });

  after(async () => {
    await remote?.stop();
    await running?.stop();
  });

  /** Sends a public Create(Note) from the remote server; returns the Note's id. */
  async function remoteNote(inReplyTo: string, text: string): Promise<string> {
    const id = `${remote.origin}/notes/${++noteCount}`;
    const response = await remote.post(`${running.origin}/inbox`, {
      "@context": AS,
      id: `${id}/activity`,
      type: "Create",
      actor: remote.actorId,
      object: { id, type: "Note", attributedTo: remote.actorId, inReplyTo, content: `<p>${text}</p>`, to: [PUBLIC] },
    });
    expect(response.status, `inbox status for ${text}`).to.be.within(200, 299);
    return id;
  }

  function delivered(predicate: (body: Delivery) => boolean): Promise<Delivery> {
    return eventually(async () => remote.received.map((entry) => entry.body as Delivery).find(predicate), "a delivery to the remote server");
  }

  for (const index of [0, 1]) {
    const kind = () => kinds[index];
    const label = index === 0 ? "resource" : "learning opportunity";

    describe(label, () => {
      it("shows an empty reply again with its error", async () => {
        const response = await member.post(`${kind().path}/replies`, { content: "   ", language: "fr" });
        expect(response.status).to.equal(422);
        const page = await response.text();
        expect(page).to.contain('class="error-summary"');
        expect(page).to.contain('<a href="#reply-content">');
        expect(page).to.match(/<textarea id="reply-content"[^>]*aria-invalid="true"/);
        expect(page).to.match(/<textarea id="reply-content"[^>]*aria-describedby="reply-content-error"/);
        expect(page).to.contain('<p class="field-error" id="reply-content-error">This field is required.</p>');
        expect(page, "the chosen language is kept").to.match(/<option value="fr" selected/);
        expect(page).to.contain("<title>Reply not sent");
        expect(await running.instance.store.replies.countForRoot(kind().iri)).to.equal(0);
      });

      it("sends visitors to sign in before replying", async () => {
        const response = await new Browser(running.origin).post(`${kind().path}/replies`, { content: "Anonymous", language: "en" });
        expect(response.status).to.equal(303);
        expect(response.headers.get("location")).to.equal(`/sign-in?next=${encodeURIComponent(kind().path)}`);
      });

      it("announces a member's reply", async () => {
        const response = await member.post(`${kind().path}/replies`, { content: `A reply from a member on the ${label}`, language: "en" });
        expect(response.status).to.equal(303);
        const [reply] = await running.instance.store.replies.listForRoot(kind().iri);
        expect(reply.contentHtml).to.contain(`A reply from a member on the ${label}`);
        expect(response.headers.get("location")).to.equal(`${kind().path}?notice=replyPosted#${replyAnchor(reply.iri)}`);
        expect(reply.url).to.equal(`${kind().iri}#${replyAnchor(reply.iri)}`);

        const page = await (await member.get(`${kind().path}?notice=replyPosted`)).text();
        expect(page).to.contain(`A reply from a member on the ${label}`);
        expect(page).to.contain("Your reply is posted.");
        expect(page).to.contain(`href="${kind().path}?replyTo=${encodeURIComponent(reply.iri)}#reply-form"`);

        const announce = await delivered((body) => body.type === "Announce" && body.object === reply.iri);
        expect(announce.type).to.equal("Announce");
      });

      it("serves its replies collection", async () => {
        const object = await (await fetch(kind().iri, { headers: AP })).json();
        expect(object.replies).to.equal(`${kind().iri}/replies`);
        const collection = await (await fetch(object.replies, { headers: AP })).json();
        expect(collection.type).to.equal("OrderedCollection");
        expect(collection.totalItems).to.equal(1);
        const [reply] = await running.instance.store.replies.listForRoot(kind().iri);
        expect(collection.orderedItems).to.deep.equal([reply.iri]);
      });

      it("accepts a remote reply and announces it", async () => {
        const id = await remoteNote(kind().iri, `Remote thoughts on the ${label}`);
        const stored = await running.instance.store.replies.byIri(id);
        expect(stored?.rootIri).to.equal(kind().iri);
        const page = await (await fetch(`${running.origin}${kind().path}`)).text();
        expect(page).to.contain(`Remote thoughts on the ${label}`);
        expect(page).to.contain("Remote Tester");
        await delivered((body) => body.type === "Announce" && body.object === id);
      });

      it("accepts a remote answer to a reply", async () => {
        const [parent] = await running.instance.store.replies.listForRoot(kind().iri);
        const id = await remoteNote(parent.iri, `An answer in the ${label}'s thread`);
        const stored = await running.instance.store.replies.byIri(id);
        expect(stored?.rootIri).to.equal(kind().iri);
        expect(stored?.inReplyTo).to.equal(parent.iri);
      });

      it("counts a remote Like", async () => {
        const like = { "@context": AS, id: `${remote.origin}/likes/${index}`, type: "Like", actor: remote.actorId, object: kind().iri };
        expect((await remote.post(`${running.origin}/inbox`, like)).status).to.be.within(200, 299);
        expect((await running.instance.store.reactions.count(kind().iri)).like).to.equal(1);
        expect(await (await fetch(`${running.origin}${kind().path}`)).text()).to.contain("1 like");
      });

      it("hides a reply, back on the page", async () => {
        const [, remoteReply] = await running.instance.store.replies.listForRoot(kind().iri);
        const page = await (await editor.get(kind().path)).text();
        expect(page).to.contain(`/moderation/replies/delete?reply=${encodeURIComponent(remoteReply.iri)}`);
        expect(page).to.contain('action="/moderation/accounts/block"');
        const memberPage = await (await member.get(kind().path)).text();
        expect(memberPage).to.contain(`/report?reply=${encodeURIComponent(remoteReply.iri)}`);
        expect(memberPage, "members do not moderate").to.not.contain('action="/moderation/replies/hide"');

        const hidden = await editor.post("/moderation/replies/hide", { reply: remoteReply.iri });
        expect(hidden.status).to.equal(303);
        expect(hidden.headers.get("location")).to.equal(`${kind().path}?notice=replyHidden#${replyAnchor(remoteReply.iri)}`);
        const reader = await (await fetch(`${running.origin}${kind().path}?notice=replyHidden`)).text();
        expect(reader).to.not.contain(`Remote thoughts on the ${label}`);
        expect(await (await editor.get(`${kind().path}?notice=replyHidden`)).text()).to.contain("The reply is hidden from readers.");
      });
    });
  }

  it("ignores a remote reply to a draft resource", async () => {
    const draft = await editor.post("/resources", resourceForm("Draft with no discussion", { link: "https://publisher.example/draft", action: "draft" }));
    const draftPath = new URL(draft.headers.get("location")!, running.origin).pathname;
    const id = await remoteNote(`${running.origin}${draftPath}`, "Reply to a draft");
    expect(await running.instance.store.replies.byIri(id)).to.equal(null);
    const [entry] = await running.instance.store.inboundLog.recent(1);
    expect(entry.outcome).to.equal("ignored");
    expect(entry.reason).to.contain("is not an item or reply on this instance");
    expect((await member.post(`${draftPath}/replies`, { content: "Local reply to a draft", language: "en" })).status, "the page refuses too").to.equal(404);
  });

  it("ignores a remote reply to a deleted learning opportunity", async () => {
    const created = await editor.post("/learning", learningForm("Training to delete"));
    const path = new URL(created.headers.get("location")!, running.origin).pathname;
    expect((await editor.post(`${path}/delete`, { confirm: "yes" })).status).to.equal(303);
    const id = await remoteNote(`${running.origin}${path}`, "Reply to a deleted training");
    expect(await running.instance.store.replies.byIri(id)).to.equal(null);
    const [entry] = await running.instance.store.inboundLog.recent(1);
    expect(entry.outcome).to.equal("ignored");
    expect((await member.post(`${path}/replies`, { content: "Local reply to a deleted training", language: "en" })).status, "the page says it is gone").to.equal(410);
  });

  it("mentions the partner on copies", async () => {
    const store = running.instance.store;
    const resource: Resource = {
      ...(await store.resources.byIri(kinds[0].iri))!,
      iri: `${remote.origin}/resources/partner-guide`,
      slug: "partner-guide",
      local: false,
      url: `${remote.origin}/resources/partner-guide`,
      attributedTo: remote.actorId,
      sourceActor: remote.actorId,
      authorAccountId: null,
    };
    await store.resources.save(resource);
    const training = sampleLearning("partner-training", {
      iri: `${remote.origin}/events/partner-training`,
      url: `${remote.origin}/events/partner-training`,
      local: false,
      attributedTo: remote.actorId,
      sourceActor: remote.actorId,
    });
    await store.learning.save(training);

    for (const [path, iri] of [["/library/resources/partner-guide", resource.iri], ["/learning/partner-training", training.iri]]) {
      const response = await member.post(`${path}/replies`, { content: `Reply on the copy of ${iri}`, language: "en" });
      expect(response.status, path).to.equal(303);
      expect(response.headers.get("location")).to.match(new RegExp(`^${path}\\?notice=replyPosted#reply-`));
      const [reply] = await store.replies.listForRoot(iri);
      const create = await delivered((body) => body.type === "Create" && typeof body.object === "object" && body.object.id === reply.iri);
      const note = create.object as { inReplyTo?: string; tag?: unknown };
      expect(note.inReplyTo).to.equal(iri);
      const tags = [note.tag ?? []].flat() as { type: string; href: string }[];
      expect(tags.some((tag) => tag.type === "Mention" && tag.href === remote.actorId), `${path} mentions the partner`).to.equal(true);
      // Only items of this instance are announced: the partner announces replies on its own.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(remote.received.some((entry) => (entry.body as Delivery).type === "Announce" && (entry.body as Delivery).object === reply.iri), `${path} not announced`).to.equal(false);
    }
    expect((await member.post("/resources/partner-guide/replies", { content: "Wrong path", language: "en" })).status, "copies take replies only under /library").to.equal(404);
  });
});
