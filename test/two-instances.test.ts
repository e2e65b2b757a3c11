import { expect } from "chai";

import { FIXTURES, resourceForm } from "./support/files.ts";
import { Browser, eventually, practiceForm } from "./support/instance.ts";
import { consultationForm } from "./support/consultation.ts";
import { learningForm } from "./support/learning.ts";
import { InstanceProcess } from "./support/process.ts";

const AP = { Accept: "application/activity+json" };

/** Two instances as separate processes on loopback, each with its own port and data folder. */
describe("two instances", function () {
  this.timeout(120_000);
  let a: InstanceProcess;
  let b: InstanceProcess;
  let editorA: Browser;
  let memberB: Browser;
  let slug = "";
  let practiceIri = "";
  /** A's resource and learning opportunity as A serves them, and their copies' paths on B. */
  let resourcePathA = "";
  let resourceCopyPath = "";
  let trainingPathA = "";
  let trainingCopyPath = "";

  before(async () => {
    a = await InstanceProcess.create("a");
    b = await InstanceProcess.create("b");
    await a.createAccount("editor", "editor");
    await a.createAccount("admin", "admin");
    await b.createAccount("admin", "admin");
    await b.createAccount("member", "member");
    await Promise.all([a.start(), b.start()]);
    editorA = new Browser(a.origin);
    await editorA.signIn("editor");
    memberB = new Browser(b.origin);
    await memberB.signIn("member");
  });

  afterEach(function () {
    // The processes' own logs show why a step timed out.
    if (this.currentTest?.state === "failed") console.log(`--- A ---\n${a.output.slice(-4000)}\n--- B ---\n${b.output.slice(-4000)}`);
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    a?.cleanUp();
    b?.cleanUp();
  });

  it("B follows A from its admin page", async () => {
    // Published before the follow, so they can only reach B through the outbox backfill.
    expect((await editorA.post("/practices", practiceForm("Published before the follow"))).status).to.equal(303);
    const guide = await editorA.postMultipart("/resources", resourceForm("Guide published before the follow"), { file: { name: "early-guide.pdf", content: FIXTURES.pdf() } });
    expect(guide.status).to.equal(303);
    expect((await editorA.post("/learning", learningForm("Training announced before the follow"))).status).to.equal(303);
    expect((await editorA.post("/consultations", consultationForm("Consultation opened before the follow"))).status).to.equal(303);
    const admin = new Browser(b.origin);
    await admin.signIn("admin");
    const handle = `@org@localhost:${a.port}`;
    const response = await admin.post("/admin/federation/follow", { handle });
    expect(response.status, await response.clone().text()).to.equal(303);
    await eventually(async () => (await (await admin.get("/admin/federation")).text()).includes("Following</td>"), "B to see A's Accept");
    await eventually(async () => (await (await fetch(`${a.origin}/actors/org/followers`, { headers: { Accept: "application/activity+json" } })).json()).totalItems === 1, "A to list B as follower");
    await eventually(async () => (await (await fetch(`${b.origin}/library`)).text()).includes("Published before the follow"), "B to backfill A's outbox");
    await eventually(async () => (await (await fetch(`${b.origin}/library?kind=resource`)).text()).includes("Guide published before the follow"), "B to backfill A's resource");
    await eventually(async () => (await (await fetch(`${b.origin}/calendar`)).text()).includes("Training announced before the follow"), "B to backfill A's training");
    await eventually(async () => (await (await fetch(`${b.origin}/consultations`)).text()).includes("Consultation opened before the follow"), "B to backfill A's consultation");
  });

  it("A's outbox lists every kind, newest first", async () => {
    const collection = await (await fetch(`${a.origin}/actors/org/outbox`, { headers: AP })).json();
    expect(collection.totalItems).to.equal(4);
    const page = await (await fetch(collection.first, { headers: AP })).json();
    const items = page.orderedItems as { id: string; type: string; published: string; object: { id: string; type: string } }[];
    // Published as practice, resource, training, consultation, so listed the other way round.
    expect(items.map((item) => item.object.type)).to.deep.equal(["Article", "Event", "Page", "Article"]);
    expect(items[0]!.object, "the consultation comes first, with its closing").to.have.property("endTime");
    for (const item of items) {
      expect(item.type).to.equal("Create");
      expect(item.id, "the Create id is the one sent at publication").to.equal(`${item.object.id}#create`);
    }
    const instants = items.map((item) => Date.parse(item.published));
    expect(instants, "newest first").to.deep.equal([...instants].sort((x, y) => y - x));
  });

  it("A publishes in three languages and B shows it", async () => {
    const created = await editorA.post("/practices", practiceForm("Shared across instances"));
    expect(created.status).to.equal(303);
    slug = new URL(created.headers.get("location")!, a.origin).pathname.split("/")[2];
    practiceIri = `${a.origin}/practices/${slug}`;
    const library = await eventually(async () => {
      const page = await (await fetch(`${b.origin}/library`)).text();
      return page.includes("Shared across instances") ? page : null;
    }, "B's library to show A's practice");
    expect(library).to.contain("From ");
    const copyPath = library.match(/href="(\/library\/[^"]*shared-across-instances[^"]*)"/)![1];
    const french = await (await fetch(`${b.origin}${copyPath}?lang=fr`)).text();
    expect(french).to.contain("Shared across instances (FR)");
    const spanish = await (await fetch(`${b.origin}${copyPath}`, { headers: { "Accept-Language": "es" } })).text();
    expect(spanish).to.contain("Shared across instances (ES)");
    expect(spanish).to.contain("Red de Intérpretes");
  });

  it("A publishes a resource and B shows it", async () => {
    const created = await editorA.postMultipart("/resources", resourceForm("Reception guide sent to partners"), { file: { name: "shared-guide.pdf", content: FIXTURES.pdf() } });
    expect(created.status).to.equal(303);
    const library = await eventually(async () => {
      const page = await (await fetch(`${b.origin}/library?kind=resource`)).text();
      return page.includes("Reception guide sent to partners") ? page : null;
    }, "B's library to show A's resource");
    const copyPath = library.match(/href="(\/library\/resources\/[^"]*reception-guide-sent-to-partners[^"]*)"/)![1];
    const copy = await (await fetch(`${b.origin}${copyPath}?lang=fr`)).text();
    expect(copy).to.contain("Reception guide sent to partners (FR)");
    // B links to the file on A instead of copying it.
    expect(copy).to.match(new RegExp(`href="${a.origin}/files/[0-9a-f]{64}\\.pdf"`));
    resourcePathA = new URL(created.headers.get("location")!, a.origin).pathname;
    resourceCopyPath = copyPath;
  });

  /**
   * Posts a reply as B's member on B's copy of one of A's items, waits for A's
   * page to show it, and returns the reply's id as A's replies collection lists it.
   */
  async function replyOnCopy(copyPath: string, pathA: string, content: string): Promise<string> {
    const response = await memberB.post(`${copyPath}/replies`, { content, language: "en" });
    expect(response.status).to.equal(303);
    expect(response.headers.get("location")).to.match(new RegExp(`^${copyPath}\\?notice=replyPosted#reply-`));
    expect(await (await memberB.get(copyPath)).text(), "B shows the reply on its copy").to.contain(content);
    await eventually(async () => (await (await fetch(`${a.origin}${pathA}`)).text()).includes(content), "A to show B's reply");
    const collection = await (await fetch(`${a.origin}${pathA}/replies`, { headers: { Accept: "application/activity+json" } })).json();
    const replyIri = (collection.orderedItems as string[]).find((iri) => iri.startsWith(`${b.origin}/replies/`));
    expect(replyIri, "A lists B's reply in the item's replies collection").to.be.a("string");
    return replyIri!;
  }

  /** Waits for B's inbound log to show the Announce with which A's Group shared B's reply. */
  async function announcedBack(replyIri: string): Promise<void> {
    const admin = new Browser(b.origin);
    await admin.signIn("admin");
    await eventually(async () => (await (await admin.get("/admin/federation")).text()).includes(`Counted announce of ${replyIri}`), "A to announce B's reply back to B");
  }

  it("a member of B replies to A's resource and A announces it", async () => {
    const replyIri = await replyOnCopy(resourceCopyPath, resourcePathA, "We hand this guide to every new caseworker.");
    await announcedBack(replyIri);
  });

  it("a member of B replies and A shows it", async () => {
    const library = await (await fetch(`${b.origin}/library`)).text();
    const copyPath = library.match(/href="(\/library\/[^"]*shared-across-instances[^"]*)"/)![1];
    const response = await memberB.post(`${copyPath}/replies`, { content: "We tried this in Quito and it worked.", language: "en" });
    expect(response.status).to.equal(303);
    await eventually(async () => (await (await fetch(practiceIri)).text()).includes("We tried this in Quito"), "A to show B's reply");
  });

  it("A edits and B's copy changes", async () => {
    const form = { ...practiceForm("Shared across instances, revised"), action: "publish" };
    const response = await editorA.post(`/practices/${slug}/edit`, form);
    expect(response.status).to.equal(303);
    await eventually(async () => (await (await fetch(`${b.origin}/library`)).text()).includes("Shared across instances, revised"), "B's copy to change");
  });

  it("A deletes and B's copy goes", async () => {
    expect((await editorA.post(`/practices/${slug}/delete`, { confirm: "yes" })).status).to.equal(303);
    await eventually(async () => !(await (await fetch(`${b.origin}/library`)).text()).includes("Shared across instances"), "B's copy to go");
  });

  it("A announces a training and B's calendar shows it", async () => {
    const created = await editorA.post("/learning", learningForm("Training shared across instances"));
    expect(created.status).to.equal(303);
    const calendar = await eventually(async () => {
      const page = await (await fetch(`${b.origin}/calendar`)).text();
      return page.includes("Training shared across instances") ? page : null;
    }, "B's calendar to show A's training");
    expect(calendar).to.contain("(Europe/Paris)");
    const copyPath = calendar.match(/href="(\/learning\/[^"]*training-shared-across-instances[^"]*)"/)![1];
    const page = await (await fetch(`${b.origin}${copyPath}`)).text();
    expect(page).to.contain("Maison des associations");
    expect(page).to.contain("View the original");
    trainingPathA = new URL(created.headers.get("location")!, a.origin).pathname;
    trainingCopyPath = copyPath;
  });

  it("a member of B replies to A's training and A announces it", async () => {
    const replyIri = await replyOnCopy(trainingCopyPath, trainingPathA, "Will the recording have Spanish captions?");
    await announcedBack(replyIri);
  });

  it("A opens a consultation and B lists it", async () => {
    const created = await editorA.post("/consultations", consultationForm("Consultation shared across instances"));
    expect(created.status).to.equal(303);
    const aPath = new URL(created.headers.get("location")!, a.origin).pathname;
    const list = await eventually(async () => {
      const page = await (await fetch(`${b.origin}/consultations`)).text();
      return page.includes("Consultation shared across instances") ? page : null;
    }, "B's consultations to list A's");
    const copyPath = list.match(/href="(\/consultations\/[^"]*consultation-shared-across-instances[^"]*)"/)![1];
    const page = await (await memberB.get(copyPath)).text();
    expect(page).to.contain("(America/Bogota)");
    expect(page.split("What should staff never do?").length - 1, "the questions appear once").to.equal(1);
    expect(page).to.contain("View the original");

    const replied = await memberB.post(`${copyPath}/replies`, { content: "Submitted from instance B.", language: "en" });
    expect(replied.status).to.equal(303);
    await eventually(async () => (await (await fetch(`${a.origin}${aPath}`)).text()).includes("Submitted from instance B."), "A to show B's submission");
  });

  it("B names A in the reader's language and counts its items", async () => {
    const adminA = new Browser(a.origin);
    await adminA.signIn("admin");
    const saved = await adminA.post("/admin/organization", {
      primaryLanguage: "es",
      "name.es": "Red Andina de Acogida",
      "name.fr": "Réseau andin d'accueil",
      "name.en": "Andean Reception Network",
      "summary.es": "Acompañamos a personas en tránsito.",
      "summary.fr": "Nous accompagnons les personnes en transit.",
      "summary.en": "We support people in transit.",
      website: "",
      region: "",
    });
    expect(saved.status).to.equal(303);
    await eventually(async () => (await (await fetch(`${b.origin}/organizations?lang=fr`)).text()).includes("Réseau andin d'accueil"), "B to receive A's new profile");

    // Each language's name and summary, the words before the name on library cards, the calendar and the consultations list,
    // and on /admin/federation the label of an Accept and a word of the note on the English log.
    const expected = {
      en: { name: "Andean Reception Network", summary: "We support people in transit.", library: "From", calendar: "From", consultations: "From", accept: "Acceptance", note: "technical log" },
      fr: { name: "Réseau andin d'accueil", summary: "Nous accompagnons les personnes en transit.", library: "Source\u00a0:", calendar: "Publiée par", consultations: "Proposée par", accept: "Acceptation", note: "journal technique" },
      es: { name: "Red Andina de Acogida", summary: "Acompañamos a personas en tránsito.", library: "Fuente:", calendar: "Publicada por", consultations: "De", accept: "Aceptación", note: "registro técnico" },
    };
    const adminB = new Browser(b.origin);
    await adminB.signIn("admin");
    for (const [language, { name, summary, ...before }] of Object.entries(expected)) {
      const organizations = await (await fetch(`${b.origin}/organizations?lang=${language}`)).text();
      expect(organizations, `/organizations in ${language} names A`).to.contain(name);
      expect(organizations, `/organizations in ${language} shows A's summary`).to.contain(summary);
      for (const [other, text] of Object.entries(expected)) {
        if (other !== language) expect(organizations, `/organizations in ${language} hides the ${other} name`).to.not.contain(text.name);
      }
      const federation = await (await adminB.get(`/admin/federation?lang=${language}`)).text();
      expect(federation, `/admin/federation in ${language} names A`).to.contain(name);
      expect(federation, `/admin/federation in ${language} labels the Accept`).to.contain(`<td>${before.accept} <span class="handle">`);
      expect(federation, `/admin/federation in ${language} explains the English log`).to.contain(before.note);
      expect(federation, "log details are marked as English").to.match(/<td lang="en">Following http/);
      const library = await (await fetch(`${b.origin}/library?lang=${language}`)).text();
      expect(library, `library cards in ${language} name A`).to.contain(`${before.library} ${name}`);
      const calendar = await (await fetch(`${b.origin}/calendar?lang=${language}`)).text();
      expect(calendar, `the calendar in ${language} names A`).to.contain(`${before.calendar} ${name}`);
      const consultations = await (await fetch(`${b.origin}/consultations?lang=${language}`)).text();
      expect(consultations, `the consultations in ${language} name A`).to.contain(`${before.consultations} ${name}`);
    }
    // A Spanish-speaking reader of an English page gets no Spanish name: each page language has its own, so no lang attribute is needed.
    expect(await (await fetch(`${b.origin}/organizations?lang=en`)).text()).to.not.contain('lang="es">Red Andina');

    // One practice, two resources, two trainings and two consultations remain, as A's outbox counts them.
    const outbox = await (await fetch(`${a.origin}/actors/org/outbox`, { headers: AP })).json();
    expect(outbox.totalItems).to.equal(7);
    const organizations = await (await fetch(`${b.origin}/organizations?lang=en`)).text();
    expect(organizations).to.contain("7 items received");
    expect(await (await fetch(`${b.origin}/organizations?lang=fr`)).text()).to.contain("7 contenus reçus");
    expect(await (await fetch(`${b.origin}/organizations?lang=es`)).text()).to.contain("7 contenidos recibidos");
  });

  it("B unfollows and the flow stops", async () => {
    const admin = new Browser(b.origin);
    await admin.signIn("admin");
    const actor = `${a.origin}/actors/org`;
    const federationPage = await (await admin.get("/admin/federation")).text();
    const confirmPath = `/admin/federation/unfollow?actor=${encodeURIComponent(actor)}`;
    expect(federationPage, "the table links to a confirmation").to.contain(`href="${confirmPath}"`);
    expect(federationPage, "no one-click unfollow").to.not.contain('action="/admin/federation/unfollow"');
    const confirmation = await (await admin.get(confirmPath)).text();
    const removed = /This removes (\d+) items received from this partner from the library\./.exec(confirmation);
    expect(removed, "the confirmation says how many items leave the library").to.not.equal(null);
    expect(Number(removed![1]), "B holds copies of A's practices, training and consultations").to.be.above(2);
    const response = await admin.post("/admin/federation/unfollow", { actor });
    expect(response.status).to.equal(303);
    expect(await (await fetch(`${b.origin}/library`)).text(), "A's copies leave B's library").to.not.contain("Published before the follow");
    expect(await (await fetch(`${b.origin}/consultations`)).text(), "A's consultations leave B's list").to.not.contain("Consultation shared across instances");
    await eventually(async () => (await (await fetch(`${a.origin}/actors/org/followers`, { headers: { Accept: "application/activity+json" } })).json()).totalItems === 0, "A to drop B from its followers");
  });
});
