import { expect } from "chai";

import { addAccount, Browser, eventually, practiceForm, startInstance, type RunningInstance } from "./support/instance.ts";
import { RemoteServer } from "./support/remote-actor.ts";

describe("member profiles", function () {
  this.timeout(60_000);
  let running: RunningInstance;
  let member: Browser;
  let follower: RemoteServer;

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "amina", "member");
    member = new Browser(running.origin);
    await member.signIn("amina");
    follower = new RemoteServer();
    await follower.start();
  });

  after(async () => {
    await follower.stop();
    await running.stop();
  });

  it("sends signed-out readers to sign in", async () => {
    const response = await fetch(`${running.origin}/account/profile`, { redirect: "manual" });
    expect(response.status).to.equal(303);
    expect(response.headers.get("location")).to.equal("/sign-in?next=/account/profile");
  });

  it("keeps a refused form with its errors", async () => {
    const response = await member.post("/account/profile", { displayName: "  ", affiliation: "x".repeat(201), bio: "Caseworker in Tapachula.", languages: ["es", "xx"] });
    expect(response.status).to.equal(422);
    const page = await response.text();
    expect(page).to.contain('class="error-summary"');
    expect(page).to.contain('id="profile-displayName-error"');
    expect(page).to.contain('aria-describedby="profile-affiliation-hint profile-affiliation-error"');
    expect(page).to.contain('id="profile-languages-error"');
    expect(page).to.contain("Caseworker in Tapachula.");
    expect(page).to.match(/id="profile-language-es" name="languages" value="es" checked/);
    expect((await running.instance.store.accounts.byUsername("amina"))!.bio).to.equal("");
  });

  it("saves the profile, shows it and sends it to followers", async () => {
    expect((await follower.follow(running.origin, "/actors/amina")).status).to.equal(202);
    await eventually(async () => (await running.instance.store.followers.list("amina", "accepted", 10, 0)).items.length > 0, "the follow to be accepted");
    // A partner instance follows the organization, not the member, and shows her replies.
    const partner = new RemoteServer();
    await partner.start();
    expect((await partner.follow(running.origin, "/actors/org")).status).to.equal(202);

    const response = await member.post("/account/profile", {
      displayName: "Amina Diallo",
      affiliation: "Red de Acogida, Tapachula",
      bio: "Caseworker for unaccompanied children.\n\nI coordinate referrals <b>across</b> the border.",
      languages: ["fr", "es", "ar"],
      bioLanguage: "en",
    });
    expect(response.status).to.equal(303);
    expect(response.headers.get("location")).to.equal("/members/amina?notice=profileSaved");

    const french = await (await fetch(`${running.origin}/members/amina?lang=fr`)).text();
    expect(french).to.contain("<h1>Amina Diallo</h1>");
    expect(french).to.contain("Red de Acogida, Tapachula");
    expect(french).to.contain("français, espagnol et arabe");
    expect(french).to.contain('<div class="bio" lang="en">');
    expect(french).to.contain("I coordinate referrals &lt;b>across&lt;/b> the border.");

    const person = (await (await fetch(`${running.origin}/actors/amina`, { headers: { Accept: "application/activity+json" } })).json()) as Record<string, unknown>;
    expect(person.name).to.equal("Amina Diallo");
    expect(person.summary).to.equal("<p>Caseworker for unaccompanied children.</p>\n<p>I coordinate referrals &lt;b&gt;across&lt;/b&gt; the border.</p>");
    expect(person.summaryMap).to.deep.equal({ en: person.summary });
    expect(person.attachment).to.deep.include({ type: "PropertyValue", name: "Affiliation", value: "Red de Acogida, Tapachula" });
    expect(person.attachment).to.deep.include({ type: "PropertyValue", name: "Languages", value: "French, Spanish, Arabic" });

    const update = await eventually(async () => follower.received.find((entry) => (entry.body as { type?: string }).type === "Update"), "the Update to reach the follower");
    expect((update.body as { object: { name: string } }).object.name).to.equal("Amina Diallo");
    const partnerUpdate = await eventually(async () => partner.received.find((entry) => (entry.body as { type?: string; actor?: string }).type === "Update" && (entry.body as { actor?: string }).actor === `${running.origin}/actors/amina`), "the Update to reach the partner");
    expect((partnerUpdate.body as { object: { name: string } }).object.name).to.equal("Amina Diallo");
    await partner.stop();
  });

  it("links members to their own profile form only", async () => {
    expect(await (await member.get("/members/amina")).text()).to.contain('href="/account/profile"');
    await addAccount(running.instance, "other", "member");
    const other = new Browser(running.origin);
    await other.signIn("other");
    expect(await (await other.get("/members/amina")).text()).to.not.contain('<a href="/account/profile">Edit your profile');
  });

  it("lists what a member published", async () => {
    await addAccount(running.instance, "writer", "editor");
    const writer = new Browser(running.origin);
    await writer.signIn("writer");
    const published = await writer.post("/practices", practiceForm("Mobile legal clinics at bus terminals"));
    const draft = await writer.post("/practices", { ...practiceForm("An unfinished idea"), action: "draft" });
    expect([published.status, draft.status]).to.deep.equal([303, 303]);
    const page = await (await fetch(`${running.origin}/members/writer`)).text();
    expect(page).to.contain("1 published item");
    expect(page).to.contain(`href="${new URL(published.headers.get("location")!, running.origin).pathname}"`);
    expect(page).to.not.contain("An unfinished idea");
  });
});
