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
});
