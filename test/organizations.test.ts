import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { addAccount, Browser, eventually, startInstance, type RunningInstance } from "./support/instance.ts";
import { RemoteServer } from "./support/remote-actor.ts";

describe("organizations page", function () {
  this.timeout(60_000);
  let running: RunningInstance;
  let partner: RunningInstance;
  let admin: Browser;

  before(async () => {
    running = await startInstance({ ORGANIZATION_NAME: "Red de Acogida" });
    partner = await startInstance({ ORGANIZATION_NAME: "Partner Network" });
    await addAccount(running.instance, "admin", "admin");
    admin = new Browser(running.origin);
    await admin.signIn("admin");
  });

  after(async () => {
    await running.stop();
    await partner.stop();
  });

  it("lists partners and organizations that follow", async () => {
    expect((await admin.post("/admin/federation/follow", { handle: `@org@${new URL(partner.origin).host}` })).status).to.equal(303);
    await eventually(async () => (await running.instance.store.following.list()).find((entry) => entry.status === "accepted"), "the partner's Accept");
    const group = new RemoteServer();
    const person = new RemoteServer();
    await group.start();
    await person.start();
    try {
      const actor = group.documents.get(group.actorId) as Record<string, unknown>;
      group.documents.set(group.actorId, { ...actor, type: "Group", name: "Solidarity Collective" });
      await group.follow(running.origin, "/actors/org", `${group.origin}/follows/1`);
      await person.follow(running.origin, "/actors/org", `${person.origin}/follows/1`);
      const page = await (await fetch(`${running.origin}/organizations`)).text();
      expect(page).to.contain("Red de Acogida");
      expect(page).to.contain("Partner Network");
      expect(page).to.contain("Followed by this organization");
      expect(page).to.contain("Solidarity Collective");
      expect(page).to.contain("Follows this organization");
      expect(page).not.to.contain("Remote Tester");
    } finally {
      await group.stop();
      await person.stop();
    }
  });

  it("names a partner in the reader's language", async () => {
    await addAccount(partner.instance, "namer", "admin");
    const partnerAdmin = new Browser(partner.origin);
    await partnerAdmin.signIn("namer");
    const saved = await partnerAdmin.post("/admin/organization", {
      primaryLanguage: "es",
      "name.es": "Red Socia",
      "name.fr": "Réseau partenaire",
      "summary.es": "Una red <b>de apoyo</b>.",
      website: "",
      region: "",
    });
    expect(saved.status).to.equal(303);
    const french = await eventually(async () => {
      const page = await (await fetch(`${running.origin}/organizations?lang=fr`)).text();
      return page.includes("Réseau partenaire") ? page : null;
    }, "the partner's new names to arrive");
    expect(french, "the French name carries no lang on a French page").to.match(/<h3><a [^>]*>Réseau partenaire<\/a><\/h3>/);
    expect(french, "the Spanish summary stands in as plain text, marked as Spanish").to.contain('<p class="partner-summary" lang="es">Una red de apoyo.</p>');
    const english = await (await fetch(`${running.origin}/organizations?lang=en`)).text();
    expect(english, "the main-language name stands in, marked as Spanish").to.match(/<h3 lang="es"><a [^>]*>Red Socia<\/a><\/h3>/);
    const federation = await (await admin.get("/admin/federation?lang=en")).text();
    expect(federation).to.contain('<span lang="es">Red Socia</span>');
  });

  it("keeps a refused profile form", async () => {
    const response = await admin.post("/admin/organization", { primaryLanguage: "fr", "name.en": "English name", "name.fr": "", website: "ftp://example.org", region: "mars" });
    expect(response.status).to.equal(422);
    const page = await response.text();
    expect(page).to.contain('value="English name"');
    expect(page).to.contain('value="ftp://example.org"');
    expect(page).to.contain('id="org-name-fr-error"');
    expect(page).to.contain('aria-describedby="org-website-hint org-website-error"');
    expect(page).to.contain('id="org-region-error"');
    expect(page).to.contain('class="error-summary"');
  });

  it("saves the profile in three languages", async () => {
    const response = await admin.post("/admin/organization", {
      primaryLanguage: "es",
      "name.es": "Red de Acogida Andina",
      "name.fr": "Réseau d'accueil andin",
      "summary.fr": "Nous accompagnons les personnes en transit.",
      website: "https://acogida.example",
      region: "americas",
    });
    expect(response.status).to.equal(303);
    const french = await (await fetch(`${running.origin}/organizations?lang=fr`)).text();
    expect(french).to.contain("Réseau d'accueil andin");
    expect(french).to.contain("Nous accompagnons les personnes en transit.");
    const english = await (await fetch(`${running.origin}/organizations?lang=en`)).text();
    expect(english).to.match(/<h2 id="this-organization" lang="es">Red de Acogida Andina<\/h2>/);
    const { items } = await running.instance.store.moderation.auditLog(10, 0);
    expect(items.map((entry) => entry.action)).to.include("organization.profile");
  });

  it("takes a logo, shows it and tells partners", async () => {
    await addAccount(partner.instance, "partneradmin", "admin");
    const partnerAdmin = new Browser(partner.origin);
    await partnerAdmin.signIn("partneradmin");
    expect((await partnerAdmin.post("/admin/federation/follow", { handle: `@org@${new URL(running.origin).host}` })).status).to.equal(303);
    await eventually(async () => (await partner.instance.store.following.list()).find((entry) => entry.status === "accepted"), "the Accept of the partner's follow");

    const fields = { primaryLanguage: "es", "name.es": "Red de Acogida con logotipo", website: "", region: "" };
    const refused = await admin.postMultipart("/admin/organization", fields, { logo: { name: "logo.png", content: Buffer.from("<svg onload=alert(1)></svg>"), type: "image/png" } });
    expect(refused.status).to.equal(422);
    const refusedPage = await refused.text();
    expect(refusedPage).to.contain('value="Red de Acogida con logotipo"');
    expect(refusedPage).to.contain('id="org-logo-error"');
    expect(refusedPage).to.contain("not a PNG, JPEG, WebP or GIF image");

    const logo = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
    const saved = await admin.postMultipart("/admin/organization", fields, { logo: { name: "logo.png", content: logo, type: "image/png" } });
    expect(saved.status).to.equal(303);
    const page = await (await fetch(`${running.origin}/organizations`)).text();
    const source = /<img class="org-logo" src="(\/media\/[0-9a-f]{64}\.png)" alt\/>/.exec(page);
    expect(source, "logo shown with an empty alt beside the name").to.not.equal(null);
    expect(Buffer.from(await (await fetch(`${running.origin}${source![1]}`)).arrayBuffer()).equals(logo)).to.equal(true);

    const group = (await (await fetch(`${running.origin}/actors/org`, { headers: { Accept: "application/activity+json" } })).json()) as { icon?: { type: string; url: string; mediaType: string } };
    expect(group.icon).to.deep.include({ type: "Image", url: `${running.origin}${source![1]}`, mediaType: "image/png" });
    await eventually(async () => (await (await fetch(`${partner.origin}/organizations`)).text()).includes("Red de Acogida con logotipo"), "the partner to show the new name");
    // The partner shows its own copy of the logo, so its readers never load it from this instance.
    const partnerPage = await eventually(async () => {
      const text = await (await fetch(`${partner.origin}/organizations`)).text();
      return text.includes(`<img class="org-logo" src="${source![1]}" alt/>`) && text;
    }, "the partner to show the logo");
    expect(partnerPage).to.not.contain(running.origin + source![1]);
    expect(fs.existsSync(path.join(partner.dataDir, "media", source![1].slice("/media/".length)))).to.equal(true);

    // Saving again without a file keeps the logo; ticking the box removes it.
    expect((await admin.post("/admin/organization", { ...fields, keptLogo: source![1].slice("/media/".length) })).status).to.equal(303);
    expect(await (await fetch(`${running.origin}/organizations`)).text()).to.contain(source![1]);
    expect((await admin.post("/admin/organization", { ...fields, keptLogo: source![1].slice("/media/".length), removeLogo: "on" })).status).to.equal(303);
    expect(await (await fetch(`${running.origin}/organizations`)).text()).to.not.contain('class="org-logo"');
  });
});
