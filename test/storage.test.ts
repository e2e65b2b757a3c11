import { expect } from "chai";

import type { Practice } from "../src/domain/practice.ts";
import type { Resource } from "../src/domain/resource.ts";
import { PracticeService } from "../src/domain/practices.ts";
import { createSqliteStore, openDatabase } from "../src/storage/sqlite/index.ts";
import type { Role, Store } from "../src/storage/types.ts";
import { temporaryDirectory } from "./support/instance.ts";
import { sampleConsultation } from "./support/consultation.ts";
import { sampleLearning } from "./support/learning.ts";

function samplePractice(slug: string, overrides: Partial<Practice> = {}): Practice {
  return {
    iri: `https://a.example/practices/${slug}`,
    slug,
    local: true,
    url: `https://a.example/practices/${slug}`,
    attributedTo: "https://a.example/actors/org",
    sourceActor: null,
    authorAccountId: null,
    status: "published",
    bodyHtml: null,
    published: "2026-01-01T00:00:00.000Z",
    updated: "2026-01-01T00:00:00.000Z",
    deleted: null,
    primaryLanguage: "en",
    text: { en: { title: slug, summary: "s", body: "b", results: "", challenges: "", lessonsLearned: "", replication: "" } },
    themes: ["child-protection"],
    gcmObjectives: [7],
    sdgTargets: [],
    scope: "national",
    countries: ["CO"],
    regions: ["americas"],
    targetGroups: [],
    practiceType: "service",
    implementer: "x",
    partners: [],
    periodStart: "2020-01-01",
    periodEnd: null,
    practiceStatus: "ongoing",
    evidenceLevel: "documented",
    licence: "CC-BY-4.0",
    focalPoint: null,
    ...overrides,
  };
}

function sampleResource(slug: string, overrides: Partial<Resource> = {}): Resource {
  return {
    iri: `https://a.example/resources/${slug}`,
    slug,
    local: true,
    url: `https://a.example/resources/${slug}`,
    attributedTo: "https://a.example/actors/org",
    sourceActor: null,
    authorAccountId: null,
    status: "published",
    file: { href: `/files/${"a".repeat(64)}.pdf`, mediaType: "application/pdf", size: 10, name: "guide.pdf" },
    captions: [],
    descriptionHtml: null,
    published: "2026-01-01T00:00:00.000Z",
    updated: "2026-01-01T00:00:00.000Z",
    deleted: null,
    primaryLanguage: "en",
    text: { en: { title: slug, summary: "s", description: "", transcript: "" } },
    resourceType: "manual",
    publisher: "x",
    publicationDate: null,
    languages: ["en"],
    licence: "CC-BY-4.0",
    themes: ["child-protection"],
    regions: [],
    link: null,
    durationSeconds: null,
    audioDescription: false,
    ...overrides,
  };
}

/**
 * The behaviour every storage adapter must share. It runs on SQLite here;
 * a MongoDB adapter plugs into the same function.
 */
export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} store contract`, () => {
    let store: Store;
    beforeEach(async () => (store = await open()));
    afterEach(async () => store.close());

    it("filters practices by theme and status", async () => {
      await store.practices.save(samplePractice("one"));
      await store.practices.save(samplePractice("two", { themes: ["missing-migrants"] }));
      await store.practices.save(samplePractice("draft", { status: "draft" }));
      await store.practices.save(samplePractice("gone", { deleted: "2026-02-01T00:00:00.000Z" }));
      expect((await store.practices.list({ limit: 10, offset: 0 })).total).to.equal(2);
      const filtered = await store.practices.list({ theme: "missing-migrants", limit: 10, offset: 0 });
      expect(filtered.items.map((practice) => practice.slug)).to.deep.equal(["two"]);
      expect((await store.practices.list({ limit: 10, offset: 0, includeDrafts: true })).total).to.equal(3);
      expect(await store.practices.slugExists("gone"), "deleted slugs stay taken").to.equal(true);
    });

    it("replaces a practice saved twice", async () => {
      await store.practices.save(samplePractice("one"));
      await store.practices.save(samplePractice("one", { implementer: "changed" }));
      expect((await store.practices.bySlug("one"))?.implementer).to.equal("changed");
      expect((await store.practices.list({ limit: 10, offset: 0 })).total).to.equal(1);
    });

    it("inserts a new practice only once", async () => {
      expect(await store.practices.insertNew(samplePractice("once"))).to.equal(true);
      expect(await store.practices.insertNew(samplePractice("once", { implementer: "second" }))).to.equal(false);
      expect(await store.practices.insertNew(samplePractice("once", { iri: "https://a.example/other" })), "slug taken").to.equal(false);
      expect((await store.practices.bySlug("once"))?.implementer).to.equal("x");
    });

    it("removes copies of one partner", async () => {
      await store.practices.save(samplePractice("copy", { local: false, sourceActor: "https://b.example/actors/org", iri: "https://b.example/p/1" }));
      await store.practices.save(samplePractice("mine"));
      expect(await store.practices.deleteFromSource("https://b.example/actors/org")).to.equal(1);
      expect(await store.practices.byIri("https://b.example/p/1")).to.equal(null);
      expect(await store.practices.bySlug("mine")).to.not.equal(null);
    });

    it("filters resources by kind, theme and status", async () => {
      await store.resources.save(sampleResource("guide"));
      await store.resources.save(sampleResource("film", { resourceType: "video", themes: ["missing-migrants"], published: "2026-01-02T00:00:00.000Z" }));
      await store.resources.save(sampleResource("draft", { status: "draft" }));
      await store.resources.save(sampleResource("gone", { deleted: "2026-02-01T00:00:00.000Z" }));
      expect((await store.resources.list({ limit: 10, offset: 0 })).items.map((resource) => resource.slug)).to.deep.equal(["film", "guide"]);
      expect((await store.resources.list({ media: true, limit: 10, offset: 0 })).items.map((resource) => resource.slug)).to.deep.equal(["film"]);
      expect((await store.resources.list({ media: false, limit: 10, offset: 0 })).items.map((resource) => resource.slug)).to.deep.equal(["guide"]);
      expect((await store.resources.list({ theme: "missing-migrants", limit: 10, offset: 0 })).total).to.equal(1);
      expect((await store.resources.list({ includeDrafts: true, limit: 10, offset: 0 })).total).to.equal(3);
      expect(await store.resources.slugExists("gone"), "deleted slugs stay taken").to.equal(true);
      expect(await store.resources.insertNew(sampleResource("guide", { iri: "https://a.example/other" })), "slug taken").to.equal(false);
    });

    it("finds the local resources using a file", async () => {
      const video = { href: `/files/${"b".repeat(64)}.webm`, mediaType: "video/webm", size: 20, name: "talk.webm" };
      const caption = { href: `/files/${"c".repeat(64)}.vtt`, mediaType: "text/vtt", size: 5, name: "en.vtt" };
      await store.resources.save(sampleResource("talk", { resourceType: "video", file: video, captions: [{ language: "en", file: caption }], status: "draft" }));
      await store.resources.save(sampleResource("talk-gone", { file: video, deleted: "2026-02-01T00:00:00.000Z" }));
      await store.resources.save(sampleResource("talk-copy", { local: false, iri: "https://b.example/r/talk", sourceActor: "https://b.example/actors/org", file: video }));
      await store.resources.save(sampleResource("other"));
      const slugs = async (href: string) => (await store.resources.usingFile(href)).map((resource) => resource.slug).sort();
      expect(await slugs(video.href), "main file, deleted ones included, partner copies left out").to.deep.equal(["talk", "talk-gone"]);
      expect(await slugs(caption.href), "caption track").to.deep.equal(["talk"]);
      expect(await slugs(`/files/${"d".repeat(64)}.pdf`), "unused file").to.deep.equal([]);
    });

    it("hides and removes resource copies of a partner", async () => {
      const source = "https://b.example/actors/org";
      await store.resources.save(sampleResource("copy", { local: false, sourceActor: source, iri: "https://b.example/r/1" }));
      await store.resources.save(sampleResource("mine"));
      expect(await store.resources.sourceActors()).to.deep.equal([source]);
      expect(await store.resources.setHiddenForSource(source, "domain:b.example")).to.equal(1);
      expect((await store.resources.byIri("https://b.example/r/1"))?.hidden).to.equal("domain:b.example");
      expect((await store.resources.list({ limit: 10, offset: 0 })).total).to.equal(1);
      expect(await store.resources.unhideByReason("domain:b.example")).to.equal(1);
      expect((await store.resources.list({ limit: 10, offset: 0 })).total).to.equal(2);
      expect(await store.resources.deleteFromSource(source)).to.equal(1);
      expect(await store.resources.byIri("https://b.example/r/1")).to.equal(null);
      expect(await store.resources.bySlug("mine")).to.not.equal(null);
    });

    it("searches the library text", async () => {
      const text = (title: string, summary: string, body: string) => ({ title, summary, body, results: "", challenges: "", lessonsLearned: "", replication: "" });
      await store.practices.save(samplePractice("in-title", { text: { en: text("Shelter in Tumbes", "s", "b") } }));
      await store.practices.save(samplePractice("in-summary", { text: { fr: text("Abri", "Hébergement à Tumbes", "b") }, primaryLanguage: "fr" }));
      await store.practices.save(samplePractice("in-body", { text: { es: text("Refugio", "r", "Protección en Tumbes") }, primaryLanguage: "es", themes: ["missing-migrants"] }));
      await store.resources.save(sampleResource("film", { resourceType: "video", text: { en: { title: "Film", summary: "s", description: "", transcript: "Spoken in Tumbes." } } }));
      await store.practices.save(samplePractice("draft", { status: "draft", text: { en: text("Tumbes draft", "s", "b") } }));
      await store.practices.save(samplePractice("gone", { deleted: "2026-02-01T00:00:00.000Z", text: { en: text("Tumbes gone", "s", "b") } }));
      const copy = samplePractice("copy", { local: false, sourceActor: "https://b.example/actors/org", iri: "https://b.example/p/1", text: { en: text("Tumbes copy", "s", "b") } });
      await store.practices.save(copy);
      const search = async (terms: string[], options: { kind?: "practice" | "resource" | "media"; theme?: string; limit?: number; offset?: number } = {}) => {
        const { hits, total } = await store.search.library({ terms, kind: options.kind ?? null, theme: options.theme, limit: options.limit ?? 10, offset: options.offset ?? 0 });
        return { slugs: hits.map((hit) => hit.item.slug), total };
      };

      const all = await search(["TUMBES"]);
      expect(all.total).to.equal(5);
      expect(all.slugs.indexOf("in-title"), "title before summary").to.be.lessThan(all.slugs.indexOf("in-summary"));
      expect(all.slugs.indexOf("in-summary"), "summary before body").to.be.lessThan(all.slugs.indexOf("in-body"));
      expect(all.slugs).to.include.members(["copy", "film"]);
      expect(all.slugs, "drafts and deleted items").to.not.include.members(["draft", "gone"]);
      expect((await search(["proteccion"])).slugs, "diacritics").to.deep.equal(["in-body"]);
      expect((await search(["hebergement", "tumbes"])).slugs, "every word").to.deep.equal(["in-summary"]);
      expect((await search(["hebergement", "lima"])).slugs).to.deep.equal([]);
      expect((await search(["tumbes"], { kind: "media" })).slugs).to.deep.equal(["film"]);
      expect((await search(["tumbes"], { kind: "resource" })).slugs).to.deep.equal([]);
      expect((await search(["tumbes"], { theme: "missing-migrants" })).slugs).to.deep.equal(["in-body"]);
      const second = await search(["tumbes"], { limit: 2, offset: 2 });
      expect(second.slugs).to.deep.equal(all.slugs.slice(2, 4));
      expect(second.total).to.equal(5);

      expect(await store.practices.setHiddenForSource("https://b.example/actors/org", "domain:b.example")).to.equal(1);
      expect((await search(["tumbes"])).slugs, "hidden copy").to.not.include("copy");
      await store.practices.unhideByReason("domain:b.example");
      await store.practices.save({ ...copy, text: { en: text("Renamed copy", "s", "b") } });
      expect((await search(["tumbes"])).slugs, "after an update").to.not.include("copy");
      expect((await search(["renamed"])).slugs).to.deep.equal(["copy"]);
      await store.practices.deleteFromSource("https://b.example/actors/org");
      expect((await search(["renamed"])).slugs, "after deletion").to.deep.equal([]);
      await store.resources.remove("https://a.example/resources/film");
      expect((await search(["spoken"])).slugs, "after removal").to.deep.equal([]);
      expect((await search([])).total, "no terms").to.equal(0);
    });

    it("counts one reaction per actor", async () => {
      const base = { type: "like" as const, actorIri: "https://b.example/u/1", objectIri: "https://a.example/p/1", created: "2026-01-01T00:00:00.000Z" };
      expect(await store.reactions.add({ ...base, activityIri: "https://b.example/likes/1" })).to.equal(true);
      expect(await store.reactions.add({ ...base, activityIri: "https://b.example/likes/2" })).to.equal(false);
      expect((await store.reactions.count(base.objectIri)).like).to.equal(1);
      expect(await store.reactions.remove("like", base.actorIri, base.objectIri)).to.equal(true);
      expect((await store.reactions.count(base.objectIri)).like).to.equal(0);
    });

    it("lists followers by status", async () => {
      const follower = { target: "org", inbox: "https://b.example/inbox", sharedInbox: null, handle: null, name: null, followIri: "f", created: "2026-01-01T00:00:00.000Z" };
      await store.followers.save({ ...follower, actorIri: "https://b.example/u/1", status: "accepted" });
      await store.followers.save({ ...follower, actorIri: "https://b.example/u/2", status: "pending" });
      expect((await store.followers.list("org", "accepted", 10, 0)).total).to.equal(1);
      expect((await store.followers.list("org", null, 10, 0)).total).to.equal(2);
      expect(await store.followers.removeActorEverywhere("https://b.example/u/2")).to.equal(1);
    });

    it("keeps the first key of each algorithm", async () => {
      const pair = { owner: "org", algorithm: "Ed25519" as const, privateJwk: { kty: "OKP", d: "first" }, publicJwk: { kty: "OKP" } };
      await store.keys.addIfMissing(pair);
      const second = await store.keys.addIfMissing({ ...pair, privateJwk: { kty: "OKP", d: "second" } });
      expect(second.privateJwk.d).to.equal("first");
    });

    it("keeps replies in publishing order", async () => {
      const reply = { rootIri: "r", authorIri: "a", authorAccountId: null, contentHtml: "<p>x</p>", language: "en", url: null, updated: null, deleted: null, local: false, hidden: null };
      await store.replies.save({ ...reply, iri: "2", inReplyTo: "1", published: "2026-01-02T00:00:00.000Z" });
      await store.replies.save({ ...reply, iri: "1", inReplyTo: "r", published: "2026-01-01T00:00:00.000Z" });
      expect((await store.replies.listForRoot("r")).map((entry) => entry.iri)).to.deep.equal(["1", "2"]);
      expect(await store.replies.countForRoot("r")).to.equal(2);
    });

    it("hides replies by author and shows them again by reason", async () => {
      const reply = { rootIri: "root", inReplyTo: "root", authorAccountId: null, contentHtml: "<p>x</p>", language: "en", url: null, updated: null, deleted: null, local: false, hidden: null, published: "2026-01-01T00:00:00.000Z" };
      await store.replies.save({ ...reply, iri: "h1", authorIri: "https://bad.example/u/1" });
      await store.replies.save({ ...reply, iri: "h2", authorIri: "https://bad.example/u/1" });
      await store.replies.save({ ...reply, iri: "h3", authorIri: "https://good.example/u/2" });
      await store.replies.setHidden("h2", "moderator");
      expect(await store.replies.hideByAuthor("https://bad.example/u/1", "domain:bad.example")).to.equal(1);
      expect(await store.replies.countForRoot("root")).to.equal(1);
      expect((await store.replies.remoteAuthors()).sort()).to.include.members(["https://bad.example/u/1", "https://good.example/u/2"]);
      expect(await store.replies.unhideByReason("domain:bad.example")).to.equal(1);
      // The reply a moderator hid stays hidden when the domain's hiding is lifted.
      expect((await store.replies.byIri("h2"))!.hidden).to.equal("moderator");
      expect(await store.replies.countForRoot("root")).to.equal(2);
    });

    it("hides a partner's library copies and keeps them hidden across saves", async () => {
      const copy = { ...samplePractice("hidden-copy"), local: false, sourceActor: "https://bad.example/actors/org" };
      await store.practices.save(copy);
      expect(await store.practices.sourceActors()).to.include("https://bad.example/actors/org");
      expect(await store.practices.setHiddenForSource("https://bad.example/actors/org", "domain:bad.example")).to.equal(1);
      await store.practices.save({ ...copy, updated: "2026-02-02T00:00:00.000Z" });
      expect((await store.practices.bySlug(copy.slug))!.hidden).to.equal("domain:bad.example");
      expect((await store.practices.list({ limit: 50, offset: 0 })).items.map((item) => item.iri)).not.to.include(copy.iri);
      expect((await store.practices.list({ limit: 50, offset: 0, includeHidden: true })).items.map((item) => item.iri)).to.include(copy.iri);
      expect(await store.practices.unhideByReason("domain:bad.example")).to.equal(1);
      expect((await store.practices.byIri(copy.iri))!.hidden).to.equal(null);
    });

    it("lists learning opportunities by date", async () => {
      const now = "2026-03-01T00:00:00.000Z";
      await store.learning.save(sampleLearning("later", { start: "2026-04-01T10:00:00.000Z", end: "2026-04-01T12:00:00.000Z" }));
      await store.learning.save(sampleLearning("sooner", { start: "2026-03-02T10:00:00.000Z", end: "2026-03-02T12:00:00.000Z" }));
      await store.learning.save(sampleLearning("ongoing", { start: "2026-02-28T10:00:00.000Z", end: "2026-03-05T12:00:00.000Z" }));
      await store.learning.save(sampleLearning("past", { start: "2026-02-01T10:00:00.000Z", end: "2026-02-01T12:00:00.000Z" }));
      await store.learning.save(sampleLearning("older", { start: "2026-01-01T10:00:00.000Z", end: null }));
      await store.learning.save(sampleLearning("gone", { deleted: "2026-02-15T00:00:00.000Z" }));
      const upcoming = await store.learning.list({ when: "upcoming", now, limit: 10, offset: 0 });
      expect(upcoming.items.map((item) => item.slug)).to.deep.equal(["ongoing", "sooner", "later"]);
      expect(upcoming.total).to.equal(3);
      const past = await store.learning.list({ when: "past", now, limit: 1, offset: 0 });
      expect(past.items.map((item) => item.slug)).to.deep.equal(["past"]);
      expect(past.total).to.equal(2);
      expect(await store.learning.slugExists("gone"), "deleted slugs stay taken").to.equal(true);
      expect((await store.learning.bySlug("gone"))!.deleted).to.equal("2026-02-15T00:00:00.000Z");
    });

    it("inserts a learning opportunity only once and replaces it on save", async () => {
      expect(await store.learning.insertNew(sampleLearning("once"))).to.equal(true);
      expect(await store.learning.insertNew(sampleLearning("once", { organizer: "second" }))).to.equal(false);
      expect(await store.learning.insertNew(sampleLearning("once", { iri: "https://a.example/other" })), "slug taken").to.equal(false);
      await store.learning.save(sampleLearning("once", { organizer: "changed" }));
      const stored = await store.learning.byIri("https://a.example/learning/once");
      expect(stored?.organizer).to.equal("changed");
      expect(stored?.place).to.deep.equal(sampleLearning("once").place);
    });

    it("hides a partner's learning copies and removes them by source", async () => {
      const source = "https://bad.example/actors/org";
      const copy = sampleLearning("copy", { local: false, sourceActor: source, iri: "https://bad.example/events/1", start: "2030-01-01T10:00:00.000Z", end: "2030-01-01T11:00:00.000Z" });
      await store.learning.save(copy);
      const listed = async (includeHidden = false) =>
        (await store.learning.list({ when: "upcoming", now: "2029-01-01T00:00:00.000Z", includeHidden, limit: 10, offset: 0 })).items.map((item) => item.iri);
      expect(await store.learning.sourceActors()).to.deep.equal([source]);
      expect(await store.learning.setHiddenForSource(source, "domain:bad.example")).to.equal(1);
      await store.learning.save({ ...copy, updated: "2026-02-02T00:00:00.000Z" });
      expect((await store.learning.byIri(copy.iri))!.hidden, "hiding survives a save").to.equal("domain:bad.example");
      expect(await listed()).to.deep.equal([]);
      expect(await listed(true)).to.deep.equal([copy.iri]);
      expect(await store.learning.unhideByReason("domain:bad.example")).to.equal(1);
      expect(await listed()).to.deep.equal([copy.iri]);
      expect(await store.learning.deleteFromSource(source)).to.equal(1);
      expect(await store.learning.byIri(copy.iri)).to.equal(null);
    });

    it("lists consultations by state", async () => {
      const now = "2026-03-15T00:00:00.000Z";
      await store.consultations.save(sampleConsultation("closing-later", { opens: "2026-03-01T00:00:00.000Z", closes: "2026-05-01T00:00:00.000Z" }));
      await store.consultations.save(sampleConsultation("closing-soon", { opens: "2026-02-01T00:00:00.000Z", closes: "2026-03-20T00:00:00.000Z" }));
      await store.consultations.save(sampleConsultation("upcoming", { opens: "2026-04-01T00:00:00.000Z", closes: "2026-05-01T00:00:00.000Z" }));
      await store.consultations.save(sampleConsultation("closed-recently", { opens: "2026-01-01T00:00:00.000Z", closes: "2026-03-15T00:00:00.000Z" }));
      await store.consultations.save(sampleConsultation("closed-long-ago", { opens: "2025-01-01T00:00:00.000Z", closes: "2025-02-01T00:00:00.000Z" }));
      await store.consultations.save(sampleConsultation("gone", { deleted: "2026-02-15T00:00:00.000Z" }));
      const slugs = async (state: "open" | "upcoming" | "closed") => (await store.consultations.list({ state, now, limit: 10, offset: 0 })).items.map((item) => item.slug);
      expect(await slugs("open")).to.deep.equal(["closing-soon", "closing-later"]);
      expect(await slugs("upcoming")).to.deep.equal(["upcoming"]);
      expect(await slugs("closed"), "the closing instant itself counts as closed").to.deep.equal(["closed-recently", "closed-long-ago"]);
      expect((await store.consultations.list({ state: "closed", now, limit: 1, offset: 0 })).total).to.equal(2);
      expect(await store.consultations.slugExists("gone"), "deleted slugs stay taken").to.equal(true);
    });

    it("inserts a consultation only once and marks its closing once", async () => {
      const item = sampleConsultation("once");
      expect(await store.consultations.insertNew(item)).to.equal(true);
      expect(await store.consultations.insertNew(sampleConsultation("once", { timeZone: "UTC" }))).to.equal(false);
      expect(await store.consultations.insertNew(sampleConsultation("once", { iri: "https://a.example/other" })), "slug taken").to.equal(false);
      await store.consultations.save({ ...item, outcome: { en: "We heard about locks on doors." } });
      expect((await store.consultations.byIri(item.iri))?.outcome).to.deep.equal({ en: "We heard about locks on doors." });
      expect(await store.consultations.markClosingAnnounced(item.iri, "2026-04-02T00:00:00.000Z", "2026-04-02T00:00:00.000Z")).to.equal(true);
      expect(await store.consultations.markClosingAnnounced(item.iri, "2026-04-03T00:00:00.000Z", "2026-04-03T00:00:00.000Z"), "second mark").to.equal(false);
      const stored = await store.consultations.bySlug("once");
      expect(stored?.closingAnnounced).to.equal("2026-04-02T00:00:00.000Z");
      expect(stored?.updated).to.equal("2026-04-02T00:00:00.000Z");
      expect(stored?.text.en?.questions).to.deep.equal(item.text.en?.questions);
    });

    it("hides a partner's consultation copies and removes them by source", async () => {
      const source = "https://bad.example/actors/org";
      const copy = sampleConsultation("copy", { local: false, sourceActor: source, iri: "https://bad.example/c/1", opens: "2030-01-01T10:00:00.000Z", closes: "2030-02-01T10:00:00.000Z" });
      await store.consultations.save(copy);
      const listed = async (includeHidden = false) =>
        (await store.consultations.list({ state: "upcoming", now: "2029-01-01T00:00:00.000Z", includeHidden, limit: 10, offset: 0 })).items.map((item) => item.iri);
      expect(await store.consultations.sourceActors()).to.deep.equal([source]);
      expect(await store.consultations.setHiddenForSource(source, "domain:bad.example")).to.equal(1);
      await store.consultations.save({ ...copy, updated: "2026-02-02T00:00:00.000Z" });
      expect((await store.consultations.byIri(copy.iri))!.hidden, "hiding survives a save").to.equal("domain:bad.example");
      expect(await listed()).to.deep.equal([]);
      expect(await listed(true)).to.deep.equal([copy.iri]);
      expect(await store.consultations.unhideByReason("domain:bad.example")).to.equal(1);
      expect(await listed()).to.deep.equal([copy.iri]);
      expect(await store.consultations.deleteFromSource(source)).to.equal(1);
      expect(await store.consultations.byIri(copy.iri)).to.equal(null);
    });

    it("keeps domain rules, account blocks, reports and the audit log", async () => {
      const created = "2026-03-01T00:00:00.000Z";
      await store.moderation.saveDomainRule({ domain: "bad.example", kind: "block", reason: "spam", hideContent: true, created, createdBy: "admin" });
      await store.moderation.saveDomainRule({ domain: "bad.example", kind: "block", reason: "abuse", hideContent: false, created, createdBy: "admin" });
      await store.moderation.saveDomainRule({ domain: "partner.example", kind: "allow", reason: "", hideContent: false, created, createdBy: "admin" });
      expect((await store.moderation.domainRules()).map((rule) => [rule.domain, rule.kind, rule.reason, rule.hideContent])).to.deep.equal([
        ["bad.example", "block", "abuse", false],
        ["partner.example", "allow", "", false],
      ]);
      expect(await store.moderation.removeDomainRule("partner.example")).to.equal(true);
      expect(await store.moderation.removeDomainRule("partner.example")).to.equal(false);

      await store.moderation.saveActorBlock({ actorIri: "https://x.example/u/troll", reason: "", created, createdBy: "mod" });
      expect((await store.moderation.actorBlock("https://x.example/u/troll"))!.createdBy).to.equal("mod");
      expect(await store.moderation.actorBlock("https://x.example/u/other")).to.equal(null);

      const flag = { created, origin: "remote" as const, reporterAccountId: null, reporterActor: "https://x.example/actor", flagIri: "https://x.example/flags/1", objectIris: ["a", "b"], comment: "spam", status: "open" as const, resolved: null, resolvedBy: null, forwarded: null };
      const first = await store.moderation.addReport(flag);
      expect(first!.id).to.be.a("number");
      expect(await store.moderation.addReport(flag)).to.equal(null);
      const local = await store.moderation.addReport({ ...flag, origin: "local", reporterAccountId: 1, reporterActor: null, flagIri: null });
      const another = await store.moderation.addReport({ ...flag, origin: "local", reporterAccountId: 2, reporterActor: null, flagIri: null });
      expect(local!.id).not.to.equal(another!.id);
      await store.moderation.updateReport({ ...first!, status: "resolved", resolved: created, resolvedBy: "mod" });
      expect((await store.moderation.reports("open", 10)).map((report) => report.id).sort()).to.deep.equal([local!.id, another!.id].sort());
      expect((await store.moderation.report(first!.id))!.objectIris).to.deep.equal(["a", "b"]);

      for (const action of ["one", "two", "three"]) await store.moderation.audit({ at: created, actor: "admin", action, target: "t", detail: "" });
      const page = await store.moderation.auditLog(2, 0);
      expect(page.total).to.equal(3);
      expect(page.items.map((entry) => entry.action)).to.deep.equal(["three", "two"]);
    });

    const account = (username: string, role: Role) => store.accounts.create({ username, displayName: username, passwordHash: "x", role, bio: "" });

    it("keeps at least one admin", async () => {
      const first = await account("first", "admin");
      const second = await account("second", "member");
      expect(await store.accounts.updateRole(first.id, "member"), "the only admin").to.equal(false);
      expect((await store.accounts.byId(first.id))?.role).to.equal("admin");
      expect(await store.accounts.updateRole(second.id, "admin")).to.equal(true);
      expect(await store.accounts.updateRole(first.id, "editor")).to.equal(true);
      expect(await store.accounts.updateRole(second.id, "member"), "the only admin again").to.equal(false);
      expect((await store.accounts.byId(first.id))?.role).to.equal("editor");
    });

    it("claims an invitation once", async () => {
      const invitation = await store.invitations.create({
        tokenHash: "hash-1",
        role: "editor",
        createdBy: null,
        created: "2026-01-01T00:00:00.000Z",
        expires: "2026-01-08T00:00:00.000Z",
        used: null,
        revoked: null,
      });
      expect(await store.invitations.claim(invitation.id, "2026-01-09T00:00:00.000Z"), "after expiry").to.equal(false);
      expect(await store.invitations.claim(invitation.id, "2026-01-02T00:00:00.000Z")).to.equal(true);
      expect(await store.invitations.claim(invitation.id, "2026-01-02T00:00:00.000Z"), "once used").to.equal(false);
      expect(await store.invitations.revoke(invitation.id, "2026-01-02T00:00:00.000Z"), "a used one").to.equal(false);
      await store.invitations.release(invitation.id);
      expect(await store.invitations.revoke(invitation.id, "2026-01-03T00:00:00.000Z")).to.equal(true);
      expect(await store.invitations.claim(invitation.id, "2026-01-03T00:00:00.000Z"), "once revoked").to.equal(false);
      const stored = await store.invitations.byTokenHash("hash-1");
      expect(stored?.used).to.equal(null);
      expect(stored?.revoked).to.equal("2026-01-03T00:00:00.000Z");
    });

    it("lists invitations newest first", async () => {
      const base = { role: "member" as const, createdBy: null, expires: "2026-02-01T00:00:00.000Z", used: null, revoked: null };
      await store.invitations.create({ ...base, tokenHash: "old", created: "2026-01-01T00:00:00.000Z" });
      await store.invitations.create({ ...base, tokenHash: "new", created: "2026-01-02T00:00:00.000Z" });
      expect((await store.invitations.list(10)).map((invitation) => invitation.tokenHash)).to.deep.equal(["new", "old"]);
      expect(await store.invitations.list(1)).to.have.length(1);
    });

    it("ends the sessions of one account", async () => {
      const ana = await account("ana", "member");
      const bea = await account("bea", "member");
      const session = { created: "2026-01-01T00:00:00.000Z", expires: "2026-01-15T00:00:00.000Z" };
      await store.sessions.create({ ...session, id: "ana-1", accountId: ana.id });
      await store.sessions.create({ ...session, id: "ana-2", accountId: ana.id });
      await store.sessions.create({ ...session, id: "bea-1", accountId: bea.id });
      expect(await store.sessions.removeForAccount(ana.id)).to.equal(2);
      expect(await store.sessions.get("ana-1")).to.equal(null);
      expect(await store.sessions.get("bea-1")).to.not.equal(null);
    });

    it("claims a reset link once and drops unused ones", async () => {
      const ana = await account("ana", "member");
      const base = { accountId: ana.id, createdBy: null, created: "2026-01-01T00:00:00.000Z", expires: "2026-01-02T00:00:00.000Z", used: null };
      const used = await store.passwordResets.create({ ...base, tokenHash: "reset-1" });
      expect(await store.passwordResets.claim(used.id, "2026-01-03T00:00:00.000Z"), "after expiry").to.equal(false);
      expect(await store.passwordResets.claim(used.id, "2026-01-01T12:00:00.000Z")).to.equal(true);
      expect(await store.passwordResets.claim(used.id, "2026-01-01T12:00:00.000Z"), "once used").to.equal(false);
      await store.passwordResets.create({ ...base, tokenHash: "reset-2" });
      expect(await store.passwordResets.removeUnused(ana.id)).to.equal(1);
      expect((await store.passwordResets.byTokenHash("reset-1"))?.used).to.equal("2026-01-01T12:00:00.000Z");
      expect(await store.passwordResets.byTokenHash("reset-2")).to.equal(null);
    });
  });
}

storeContract("SQLite", async () => createSqliteStore(openDatabase(temporaryDirectory("store"))));

describe("practice slugs", () => {
  it("survive a race for the same slug", async () => {
    const store = createSqliteStore(openDatabase(temporaryDirectory("race")));
    const events = { practicePublished: async () => {}, practiceUpdated: async () => {}, practiceDeleted: async () => {}, replyAdded: async () => {}, replyDeleted: async () => {} };
    const service = new PracticeService(store, "https://a.example", "https://a.example/actors/org", events);
    const fields = samplePractice("twin");
    const first = await service.create(fields, null, { publish: true });
    // Another request took the slug between the check and the insert: the check reports it free once.
    const slugExists = store.practices.slugExists.bind(store.practices);
    let lied = false;
    store.practices.slugExists = async (slug) => {
      if (!lied && slug === first.slug) {
        lied = true;
        return false;
      }
      return slugExists(slug);
    };
    const second = await service.create(fields, null, { publish: true });
    expect(lied).to.equal(true);
    expect(second.slug).to.not.equal(first.slug);
    await store.close();
  });
});

describe("MongoDB store", () => {
  const url = process.env.MONGODB_URL;
  if (!url) {
    it("runs when MONGODB_URL is set", function () {
      console.log("    MongoDB contract skipped: MONGODB_URL is not set.");
      this.skip();
    });
    return;
  }

  // The driver and the adapter are imported only here, so a SQLite-only run never loads them.
  // Each test gets a database of its own, dropped after the test.
  const databaseNames: string[] = [];
  let admin: import("mongodb").MongoClient | undefined;
  before(async () => {
    const { MongoClient } = await import("mongodb");
    admin = await new MongoClient(url).connect();
  });
  afterEach(async () => {
    for (const name of databaseNames.splice(0)) await admin?.db(name).dropDatabase();
  });
  after(async () => admin?.close());

  storeContract("MongoDB", async () => {
    const { createMongoStore } = await import("../src/storage/mongodb/index.ts");
    const name = `minga_test_${crypto.randomUUID().replaceAll("-", "")}`;
    databaseNames.push(name);
    return createMongoStore(url, name);
  });
});
