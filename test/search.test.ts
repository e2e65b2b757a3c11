import { expect } from "chai";

import type { Practice } from "../src/domain/practice.ts";
import type { Resource } from "../src/domain/resource.ts";
import { MAX_SEARCH_LENGTH } from "../src/search/query.ts";
import { addAccount, Browser, practiceForm, startInstance, type RunningInstance } from "./support/instance.ts";
import { resourceForm } from "./support/files.ts";

/** The host that partner copies in this file claim to come from; nothing is ever fetched from it. */
const PARTNER_HOST = "partner.test";

function slugFrom(location: string | null): string {
  return new URL(location ?? "", "http://x").pathname.split("/")[2];
}

/** Links of the result cards, in page order. */
function resultLinks(page: string): string[] {
  return [...page.matchAll(/<article class="card"[^>]*>\s*<h3><a href="([^"]+)"/g)].map((match) => match[1]);
}

/** The text of the role=status line. */
function statusText(page: string): string {
  return page.match(/<p role="status">([^<]*)<\/p>/)?.[1] ?? "";
}

describe("library search", () => {
  let running: RunningInstance;
  let editor: Browser;
  let admin: Browser;

  async function search(query: string, extra: Record<string, string> = {}, language = "en"): Promise<{ status: number; page: string; links: string[] }> {
    const response = await fetch(`${running.origin}/library?${new URLSearchParams({ q: query, lang: language, ...extra })}`);
    const page = await response.text();
    return { status: response.status, page, links: resultLinks(page) };
  }

  async function publishPractice(fields: Record<string, string | string[]>): Promise<string> {
    const response = await editor.post("/practices", { ...practiceForm(), ...fields });
    expect(response.status, "practice created").to.equal(303);
    return slugFrom(response.headers.get("location"));
  }

  async function publishResource(fields: Record<string, string | string[]>): Promise<string> {
    const response = await editor.post("/resources", resourceForm("Search test resource", { link: "https://publisher.example/guide", ...fields }));
    expect(response.status, "resource created").to.equal(303);
    return slugFrom(response.headers.get("location"));
  }

  /** Stores a partner copy the way the inbox does, built from a local item with the partner's ids. */
  async function storePartnerPractice(slug: string, name: string): Promise<Practice> {
    const local = (await running.instance.store.practices.bySlug(slug))!;
    const copy: Practice = {
      ...local,
      iri: `https://${PARTNER_HOST}/practices/${name}`,
      slug: `${PARTNER_HOST}-${name}`,
      local: false,
      url: `https://${PARTNER_HOST}/practices/${name}`,
      attributedTo: `https://${PARTNER_HOST}/actor`,
      sourceActor: `https://${PARTNER_HOST}/actor`,
      authorAccountId: null,
      bodyHtml: {},
      hidden: null,
    };
    await running.instance.store.practices.save(copy);
    return copy;
  }

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "editor", "editor");
    await addAccount(running.instance, "admin", "admin");
    editor = new Browser(running.origin);
    await editor.signIn("editor");
    admin = new Browser(running.origin);
    await admin.signIn("admin");
  });

  after(async () => {
    await running?.stop();
  });

  it("matches text in every language", async () => {
    const slug = await publishPractice({
      "text.en.title": "Night shelter for unaccompanied youth",
      "text.fr.summary": "Un hébergement de nuit pour les jeunes non accompagnés.",
      "text.es.body": "La red coordina la protección contra la trata en Tumbes.",
    });
    const path = `/practices/${slug}`;
    expect((await search("unaccompanied")).links, "English title").to.include(path);
    expect((await search("hébergement")).links, "French summary").to.include(path);
    expect((await search("Tumbes")).links, "Spanish body").to.include(path);
  });

  it("ignores diacritics and case", async () => {
    const slug = await publishPractice({ "text.es.title": "Protección frente a la Trata en Desaguadero" });
    const path = `/practices/${slug}`;
    for (const query of ["proteccion desaguadero", "PROTECCIÓN Desaguadero", "trata desaguadero", "DESAGUADERO"]) {
      expect((await search(query)).links, query).to.include(path);
    }
  });

  it("requires every word", async () => {
    const slug = await publishPractice({ "text.en.title": "Mobile clinic in Arauca" });
    expect((await search("arauca clinic")).links).to.include(`/practices/${slug}`);
    expect((await search("arauca submarine")).links).to.deep.equal([]);
  });

  it("matches the last word as a prefix", async () => {
    const slug = await publishPractice({ "text.en.title": "Legal aid caravans in Putumayo" });
    expect((await search("putuma")).links).to.include(`/practices/${slug}`);
    expect((await search("putuma legal")).links, "only the last word is a prefix").to.deep.equal([]);
  });

  it("ranks title above summary above body", async () => {
    // Published in the reverse order of relevance, so date order would invert the ranking.
    const inBody = await publishPractice({ "text.en.title": "Ranking case one", "text.en.body": "Volunteers in Ollantaytambo keep records." });
    const inSummary = await publishPractice({ "text.en.title": "Ranking case two", "text.en.summary": "Reception desks in Ollantaytambo." });
    const inTitle = await publishPractice({ "text.en.title": "Ollantaytambo referral pathway" });
    const { links } = await search("ollantaytambo");
    expect(links).to.deep.equal([`/practices/${inTitle}`, `/practices/${inSummary}`, `/practices/${inBody}`]);
  });

  it("searches resources and combines with filters", async () => {
    const practice = await publishPractice({ "text.en.title": "Quillacollo reception practice", themes: ["child-protection"] });
    const resource = await publishResource({ "text.en.title": "Quillacollo reception guide", themes: ["gender-based-violence"] });
    const video = await publishResource({ "text.en.title": "Quillacollo video", resourceType: "video", "text.en.transcript": "Spoken words." });

    const all = await search("quillacollo");
    expect(all.links).to.have.members([`/practices/${practice}`, `/resources/${resource}`, `/resources/${video}`]);
    expect((await search("quillacollo", { kind: "practice" })).links).to.deep.equal([`/practices/${practice}`]);
    expect((await search("quillacollo", { kind: "resource" })).links).to.deep.equal([`/resources/${resource}`]);
    expect((await search("quillacollo", { kind: "media" })).links).to.deep.equal([`/resources/${video}`]);
    expect((await search("quillacollo", { theme: "gender-based-violence" })).links).to.deep.equal([`/resources/${resource}`]);
  });

  it("finds words in a recording's transcript", async () => {
    const video = await publishResource({ "text.en.title": "Border rights video", resourceType: "video", "text.en.transcript": "The officer in Chacalluta explains the asylum steps." });
    expect((await search("chacalluta")).links).to.deep.equal([`/resources/${video}`]);
  });

  it("keeps the query in the field and links", async () => {
    for (let index = 0; index < 21; index++) await publishPractice({ "text.en.title": `Paginated Huancavelica practice ${index}` });
    const first = await search("huancavelica", { theme: "child-protection" });
    expect(first.links).to.have.length(20);
    expect(first.page).to.contain('type="search"');
    expect(first.page).to.contain('value="huancavelica"');
    expect(first.page).to.contain('href="/library?q=huancavelica&amp;theme=child-protection&amp;page=2"');
    const second = await search("huancavelica", { theme: "child-protection", page: "2" });
    expect(second.links).to.have.length(1);
    expect(second.page).to.contain('value="huancavelica"');
  });

  it("announces the count with plurals", async () => {
    await publishPractice({ "text.en.title": "Counted once in Zapallar" });
    expect(statusText((await search("zapallar")).page)).to.equal("1 result for “zapallar”");
    expect(statusText((await search("zapallar", {}, "fr")).page)).to.equal("1 résultat pour « zapallar »");
    expect(statusText((await search("zapallar", {}, "es")).page)).to.equal("1 resultado para «zapallar»");
    await publishPractice({ "text.en.title": "Counted twice in Zapallar" });
    expect(statusText((await search("zapallar")).page)).to.equal("2 results for “zapallar”");
    expect(statusText((await search("zapallar", {}, "fr")).page)).to.equal("2 résultats pour « zapallar »");
    expect(statusText((await search("zapallar", {}, "es")).page)).to.equal("2 resultados para «zapallar»");
  });

  it("says when nothing matches", async () => {
    const plain = await search("nonexistentword");
    expect(statusText(plain.page)).to.equal("0 results for “nonexistentword”");
    expect(plain.page).to.contain("Nothing in the library matches “nonexistentword”.");
    expect(plain.page).to.contain('href="/library"');
    const filtered = await search("nonexistentword", { kind: "practice" });
    expect(filtered.page).to.contain("The search may find more without them.");
    expect(filtered.page).to.contain('href="/library?q=nonexistentword"');
  });

  it("finds partner copies", async () => {
    const slug = await publishPractice({ "text.en.title": "Template for a partner copy" });
    const copy = await storePartnerPractice(slug, "copy-1");
    copy.text = { fr: { ...copy.text.en!, title: "Maison d’accueil à Tulcán", summary: "Copie venue d’un partenaire." } };
    copy.primaryLanguage = "fr";
    await running.instance.store.practices.save(copy);
    const found = await search("tulcan");
    expect(found.links).to.deep.equal([`/library/${copy.slug}`]);
    expect(found.page, "the card marks its language").to.contain('<article class="card" lang="fr">');
  });

  it("leaves out drafts, hidden and deleted items", async () => {
    const draft = await editor.post("/practices", { ...practiceForm("Draft about Yunguyo"), action: "draft" });
    expect(draft.status).to.equal(303);
    expect((await search("yunguyo")).links, "draft").to.deep.equal([]);
    const signedIn = await editor.get(`/library?q=yunguyo`);
    expect(resultLinks(await signedIn.text()), "draft, for its editor too").to.deep.equal([]);

    const template = await publishPractice({ "text.en.title": "Template for a hidden copy" });
    const copy = await storePartnerPractice(template, "copy-hidden");
    copy.text = { en: { ...copy.text.en!, title: "Partner practice in Pisiga" } };
    await running.instance.store.practices.save(copy);
    const resourceTemplate = await running.instance.store.resources.bySlug(await publishResource({ "text.en.title": "Template resource" }));
    const resourceCopy: Resource = {
      ...resourceTemplate!,
      iri: `https://${PARTNER_HOST}/resources/pisiga`,
      slug: `${PARTNER_HOST}-pisiga`,
      local: false,
      sourceActor: `https://${PARTNER_HOST}/actor`,
      attributedTo: `https://${PARTNER_HOST}/actor`,
      authorAccountId: null,
      text: { en: { title: "Partner guide for Pisiga", summary: "From a partner.", description: "", transcript: "" } },
    };
    await running.instance.store.resources.save(resourceCopy);
    expect((await search("pisiga")).links).to.have.members([`/library/${copy.slug}`, `/library/resources/${resourceCopy.slug}`]);

    const blocked = await admin.post("/admin/domains", { domain: PARTNER_HOST, kind: "block", reason: "test", hide: "yes" });
    expect(blocked.status).to.equal(303);
    expect((await search("pisiga")).links, "hidden by a domain block").to.deep.equal([]);
    expect(resultLinks(await (await admin.get("/library?q=pisiga")).text()), "hidden for admins too").to.deep.equal([]);
    expect((await admin.post("/admin/domains/remove", { domain: PARTNER_HOST })).status).to.equal(303);
    expect((await search("pisiga")).links, "shown again after unblocking").to.have.length(2);

    const removed = await running.instance.store.practices.deleteFromSource(`https://${PARTNER_HOST}/actor`);
    expect(removed).to.be.greaterThan(0);
    expect((await search("pisiga")).links, "copies removed with their partner").to.deep.equal([`/library/resources/${resourceCopy.slug}`]);
  });

  it("stays in sync after edit and delete", async () => {
    const slug = await publishPractice({ "text.en.title": "Xylophone workshops for children" });
    expect((await search("xylophone")).links).to.deep.equal([`/practices/${slug}`]);

    const edited = await editor.post(`/practices/${slug}/edit`, { ...practiceForm(), "text.en.title": "Marimba workshops for children" });
    expect(edited.status).to.equal(303);
    expect((await search("xylophone")).links, "old title").to.deep.equal([]);
    expect((await search("marimba")).links, "new title").to.deep.equal([`/practices/${slug}`]);

    const unpublished = await editor.post(`/practices/${slug}/review`, { action: "unpublish", comment: "" });
    expect(unpublished.status).to.equal(303);
    expect((await running.instance.store.practices.bySlug(slug))?.status).to.equal("draft");
    expect((await search("marimba")).links, "withdrawn").to.deep.equal([]);
    expect((await editor.post(`/practices/${slug}/review`, { action: "publish", comment: "" })).status).to.equal(303);
    expect((await search("marimba")).links, "published again").to.deep.equal([`/practices/${slug}`]);

    expect((await editor.post(`/practices/${slug}/delete`, { confirm: "yes" })).status).to.equal(303);
    expect((await search("marimba")).links, "deleted").to.deep.equal([]);

    const resource = await publishResource({ "text.en.title": "Ocarina songbook" });
    expect((await search("ocarina")).links).to.deep.equal([`/resources/${resource}`]);
    expect((await editor.post(`/resources/${resource}/delete`, { confirm: "yes" })).status).to.equal(303);
    expect((await search("ocarina")).links, "deleted resource").to.deep.equal([]);
  });

  it("answers hostile queries with a page", async () => {
    await publishPractice({ "text.en.title": "Near Copacabana, or not" });
    const queries = [
      '"', '""', "*", "**", "NEAR(", "NEAR(copacabana or)", "OR", "AND", "NOT", "copacabana OR", "-", "-copacabana", ":", "title:copacabana",
      "copacabana*", "^copacabana", "(", ")", "{title}: copacabana", "'", "\\", "\u0000", "%", "copacabana\u0301", "'; DROP TABLE practices; --",
      "x".repeat(MAX_SEARCH_LENGTH), "near ".repeat(40),
    ];
    for (const query of queries) {
      const { status, page } = await search(query);
      expect(status, JSON.stringify(query)).to.equal(200);
      expect(page, JSON.stringify(query)).to.contain('<p role="status">');
    }
    expect((await search("NEAR(copacabana")).links, "operators are plain words").to.have.length(1);
    expect((await search("copacabana OR")).links).to.have.length(1);
    expect((await search("-copacabana")).links, "a leading minus is no negation").to.have.length(1);
  });

  it("rejects an overlong query with a message", async () => {
    const query = "a".repeat(5000);
    const { status, page, links } = await search(query);
    expect(status).to.equal(200);
    expect(links).to.deep.equal([]);
    expect(page).to.contain(`The search is too long: use at most ${MAX_SEARCH_LENGTH} characters.`);
    expect(page).to.contain('class="error-summary"');
    expect(page).to.contain('aria-invalid="true"');
    expect(page, "keeps what was typed").to.contain(`value="${query}"`);
  });

  it("explains a query without words", async () => {
    const { status, page, links } = await search("* - :");
    expect(status).to.equal(200);
    expect(links).to.deep.equal([]);
    expect(page).to.contain("Type at least one word made of letters or digits.");
  });

  it("ignores a repeated q parameter", async () => {
    const response = await fetch(`${running.origin}/library?q=a&q=b`);
    expect(response.status).to.equal(200);
    const page = await response.text();
    expect(page).to.match(/<input type="search" id="q" name="q"[^>]*>/);
    expect(page.match(/<input type="search"[^>]*>/)?.[0]).to.not.match(/value="[^"]/);
    expect(statusText(page), "lists the library").to.not.contain("result");
  });
});
