import { expect } from "chai";

import { addAccount, Browser, eventually, startInstance, type RunningInstance } from "./support/instance.ts";
import { sampleConsultation } from "./support/consultation.ts";

/**
 * Two in-process instances on loopback: B follows A, and A's closing
 * scheduler checks every second. Nothing reads the consultation on A after
 * it closes, so only the scheduler can send the Update that B receives.
 */
describe("consultation closing scheduler", function () {
  this.timeout(60_000);
  let a: RunningInstance;
  let b: RunningInstance;

  before(async () => {
    a = await startInstance({ CLOSING_CHECK_SECONDS: "1" });
    b = await startInstance();
    await addAccount(b.instance, "admin", "admin");
    const admin = new Browser(b.origin);
    await admin.signIn("admin");
    const response = await admin.post("/admin/federation/follow", { handle: `@org@${new URL(a.origin).host}` });
    expect(response.status, await response.clone().text()).to.equal(303);
    await eventually(async () => (await b.instance.store.following.list()).some((entry) => entry.status === "accepted"), "A to accept B's follow");
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it("announces a closing nobody reads", async () => {
    const { primaryLanguage, text, timeZone, languages, themes } = sampleConsultation("unused");
    const opens = new Date(Date.now() - 3_600_000).toISOString();
    const closes = new Date(Date.now() + 2_000).toISOString();
    const item = await a.instance.consultations.create({ primaryLanguage, text, timeZone, languages, themes, opens, closes, moderators: [] }, null);

    const copy = await eventually(() => b.instance.store.consultations.byIri(item.iri), "B to store A's consultation");
    expect(copy.closingAnnounced, "a copy never announces").to.equal(null);
    // The Update is the only way B's copy changes after the Create, since nobody edits the consultation.
    const refreshed = await eventually(async () => {
      const current = await b.instance.store.consultations.byIri(item.iri);
      return current && Date.parse(current.updated) > Date.parse(copy.updated) ? current : null;
    }, "B to receive the closing Update", 15_000);

    const announced = await a.instance.store.consultations.byIri(item.iri);
    expect(announced?.closingAnnounced, "A records the announcement").to.be.a("string");
    expect(Date.parse(announced!.closingAnnounced!)).to.be.at.least(Date.parse(closes));
    expect(refreshed.updated, "B's copy has A's new updated time").to.equal(announced!.updated);

    const page = await (await fetch(`${b.origin}/consultations/${refreshed.slug}`)).text();
    expect(page).to.contain("No more submissions are accepted.");
  });

  it("announces each closing once", async () => {
    const { primaryLanguage, text, timeZone, languages, themes } = sampleConsultation("unused");
    const closes = new Date(Date.now() + 3_600_000).toISOString();
    const item = await a.instance.consultations.create({ primaryLanguage, text: { en: { ...text.en!, title: "Closed once" } }, timeZone, languages, themes, opens: "2020-01-01T00:00:00.000Z", closes, moderators: [] }, null);
    // Checks at an instant after the closing; the running timer still uses the real clock, so it leaves this one alone.
    const later = new Date(Date.parse(closes) + 60_000);
    expect(await a.instance.closingScheduler.check(later), "the first check announces it").to.equal(1);
    const announced = (await a.instance.store.consultations.byIri(item.iri))!.closingAnnounced;
    expect(announced).to.equal(later.toISOString());
    expect(await a.instance.closingScheduler.check(later), "a second check has nothing left").to.equal(0);
    const read = await a.instance.consultations.announceClosingIfDue((await a.instance.store.consultations.byIri(item.iri))!, later);
    expect(read.closingAnnounced, "a reader after the check sends nothing more").to.equal(announced);
  });
});
