import crypto from "node:crypto";

import { expect } from "chai";

import { newToken } from "../src/domain/tokens.ts";
import type { Account } from "../src/storage/types.ts";
import { loggablePath } from "../src/web/loggable-path.ts";
import { addAccount, Browser, startInstance, type RunningInstance } from "./support/instance.ts";

const PASSWORD = "a long test password";

/** Reads the one-time link that the admin page shows after creating an invitation or a reset link. */
async function shownLink(response: Response): Promise<string> {
  const page = await response.text();
  const match = /id="new-link"[^>]*value="([^"]+)"/.exec(page);
  if (!match) throw new Error(`No new link on the page (status ${response.status})`);
  return match[1];
}

function sessionCookie(response: Response): string | undefined {
  return response.headers.getSetCookie().find((cookie) => cookie.startsWith("minga_session="));
}

function sessionId(response: Response): string {
  return sessionCookie(response)?.split(";")[0].split("=")[1] ?? "";
}

function signUpForm(username: string, overrides: Record<string, string> = {}): Record<string, string> {
  return { username, displayName: `${username} display`, password: PASSWORD, confirmation: PASSWORD, ...overrides };
}

async function account(running: RunningInstance, username: string): Promise<Account> {
  const found = await running.instance.store.accounts.byUsername(username);
  if (!found) throw new Error(`Account ${username} not found`);
  return found;
}

describe("invitations", function () {
  this.timeout(60_000);
  let running: RunningInstance;
  let admin: Browser;

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "root", "admin");
    admin = new Browser(running.origin);
    await admin.signIn("root");
  });
  after(async () => running.stop());

  async function invite(role = "member", days = "7"): Promise<string> {
    const response = await admin.post("/admin/invitations", { role, days });
    expect(response.status, "invitation created").to.equal(201);
    return new URL(await shownLink(response)).pathname;
  }

  it("signs up end to end", async () => {
    const response = await admin.post("/admin/invitations", { role: "editor", days: "7" });
    expect(response.status).to.equal(201);
    expect(response.headers.get("cache-control")).to.equal("no-store");
    const link = await shownLink(response);
    expect(link.startsWith(`${running.origin}/invitations/`)).to.equal(true);
    const token = link.split("/").pop()!;

    const stored = await running.instance.store.invitations.list(10);
    expect(stored).to.have.length(1);
    expect(stored[0].tokenHash).to.equal(crypto.createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(stored), "the token itself is not stored").to.not.contain(token);

    const visitor = new Browser(running.origin);
    const form = await visitor.get(new URL(link).pathname);
    expect(form.status).to.equal(200);
    expect(form.headers.get("referrer-policy")).to.equal("no-referrer");
    const page = await form.text();
    expect(page).to.contain('name="_csrf"');
    expect(page).to.contain("Editor");

    const created = await visitor.post(new URL(link).pathname, signUpForm("Nadia", { displayName: "Nadia Benali" }));
    expect(created.status).to.equal(303);
    expect(created.headers.get("location")).to.equal("/?notice=welcome");
    expect(sessionId(created), "signed in").to.not.equal("");

    const nadia = await account(running, "nadia");
    expect(nadia.role).to.equal("editor");
    expect(nadia.displayName).to.equal("Nadia Benali");
    expect(nadia.passwordHash.startsWith("$argon2id$")).to.equal(true);
    expect((await running.instance.store.invitations.list(10))[0].used).to.be.a("string");
    expect((await visitor.get("/practices/new")).status, "signed in as an editor").to.equal(200);
  });

  it("keeps typed fields after errors", async () => {
    const path = await invite();
    const visitor = new Browser(running.origin);
    const response = await visitor.post(path, { username: "Bad name!", displayName: "Zoé", password: "short", confirmation: "short" });
    expect(response.status).to.equal(422);
    const page = await response.text();
    expect(page).to.contain('value="Bad name!"');
    expect(page).to.contain('value="Zoé"');
    expect(page).to.not.contain('value="short"');
    expect(page).to.contain('class="error-summary"');
    expect(page).to.contain('href="#sign-up-username"');
    expect(page).to.contain('id="sign-up-username-error"');
    expect(page).to.contain('id="sign-up-password-error"');
    expect(page).to.contain('aria-invalid="true"');

    const mismatch = await visitor.post(path, signUpForm("zoe", { confirmation: "another long password" }));
    expect(mismatch.status).to.equal(422);
    expect(await mismatch.text()).to.contain('id="sign-up-confirmation-error"');

    const created = await visitor.post(path, signUpForm("zoe"));
    expect(created.status, "the invitation still works after rejected attempts").to.equal(303);
  });

  it("applies the username rules", async () => {
    const path = await invite();
    const visitor = new Browser(running.origin);
    const reserved = await visitor.post(path, signUpForm("org"));
    expect(reserved.status).to.equal(422);
    expect(await reserved.text()).to.contain("reserved for the instance");
    const taken = await visitor.post(path, signUpForm("ROOT"));
    expect(taken.status).to.equal(422);
    expect(await taken.text()).to.contain("already taken");
    const tooLong = await visitor.post(path, signUpForm("x".repeat(31)));
    expect(tooLong.status).to.equal(422);
  });

  it("refuses a used invitation", async () => {
    const path = await invite();
    expect((await new Browser(running.origin).post(path, signUpForm("once"))).status).to.equal(303);
    const again = new Browser(running.origin);
    const reopened = await again.get(path);
    expect(reopened.status).to.equal(410);
    expect(await reopened.text()).to.contain("already used");
    const reused = await again.post(path, signUpForm("twice"));
    expect(reused.status).to.equal(410);
    expect(await running.instance.store.accounts.byUsername("twice")).to.equal(null);
  });

  it("refuses an expired invitation", async () => {
    const { token, tokenHash } = newToken();
    const day = 86_400_000;
    await running.instance.store.invitations.create({
      tokenHash,
      role: "admin",
      createdBy: null,
      created: new Date(Date.now() - 8 * day).toISOString(),
      expires: new Date(Date.now() - day).toISOString(),
      used: null,
      revoked: null,
    });
    const visitor = new Browser(running.origin);
    const opened = await visitor.get(`/invitations/${token}`);
    expect(opened.status).to.equal(410);
    expect(await opened.text()).to.contain("has expired");
    expect((await visitor.post(`/invitations/${token}`, signUpForm("late"))).status).to.equal(410);
    expect(await running.instance.store.accounts.byUsername("late")).to.equal(null);
  });

  it("answers unknown tokens in the reader's language", async () => {
    const visitor = new Browser(running.origin);
    const unknown = await visitor.get(`/invitations/${newToken().token}`, { "Accept-Language": "fr" });
    expect(unknown.status).to.equal(404);
    expect(await unknown.text()).to.contain("Invitation introuvable");
    const malformed = await visitor.get("/invitations/not-a-token", { "Accept-Language": "es" });
    expect(malformed.status).to.equal(404);
    expect(await malformed.text()).to.contain("Invitación no encontrada");
  });

  it("revokes an unused invitation", async () => {
    const path = await invite("reviewer");
    const [invitation] = await running.instance.store.invitations.list(1);
    const revoked = await admin.post("/admin/invitations/revoke", { invitation: String(invitation.id) });
    expect(revoked.status).to.equal(303);
    expect(revoked.headers.get("location")).to.equal("/admin/accounts?notice=invitationRevoked");
    const visitor = new Browser(running.origin);
    const opened = await visitor.get(path, { "Accept-Language": "es" });
    expect(opened.status).to.equal(410);
    expect(await opened.text()).to.contain("anuló esta invitación");
    expect((await visitor.post(path, signUpForm("revoked"))).status).to.equal(410);
    const again = await admin.post("/admin/invitations/revoke", { invitation: String(invitation.id) });
    expect(again.headers.get("location")).to.equal("/admin/accounts?notice=invitationNotRevoked");
  });

  it("rejects an invalid role or period", async () => {
    const response = await admin.post("/admin/invitations", { role: "owner", days: "365" });
    expect(response.status).to.equal(422);
    const page = await response.text();
    expect(page).to.contain('id="invite-role-error"');
    expect(page).to.contain('id="invite-days-error"');
    expect(page).to.not.contain('id="new-link"');
  });

  it("issues a fresh session id at sign-up", async () => {
    const path = await invite();
    await addAccount(running.instance, "signed_in", "member");
    const visitor = new Browser(running.origin);
    const signIn = await visitor.post("/sign-in", { username: "signed_in", password: PASSWORD });
    const before = sessionId(signIn);
    const created = await visitor.post(path, signUpForm("fresh"));
    expect(created.status).to.equal(303);
    const after = sessionId(created);
    expect(after).to.not.equal("");
    expect(after).to.not.equal(before);
    expect(await running.instance.store.sessions.get(before), "the previous session ended").to.equal(null);
    expect((await running.instance.store.sessions.get(after))?.accountId).to.equal((await account(running, "fresh")).id);
  });
});

describe("open registration", function () {
  this.timeout(60_000);
  let running: RunningInstance;
  let admin: Browser;

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "root", "admin");
    admin = new Browser(running.origin);
    await admin.signIn("root");
  });
  after(async () => running.stop());

  it("is closed by default", async () => {
    const visitor = new Browser(running.origin);
    const page = await visitor.get("/sign-up");
    expect(page.status).to.equal(403);
    expect(await page.text()).to.contain("invitation only");
    expect((await visitor.post("/sign-up", signUpForm("eager"))).status).to.equal(403);
    expect(await running.instance.store.accounts.byUsername("eager")).to.equal(null);
    expect(await (await visitor.get("/sign-in")).text()).to.not.contain('href="/sign-up"');
  });

  it("creates members once opened", async () => {
    const opened = await admin.post("/admin/accounts/registration", { open: "true" });
    expect(opened.headers.get("location")).to.equal("/admin/accounts?notice=registrationOpened");
    expect(await running.instance.store.settings.get("accounts.openRegistration")).to.equal("true");

    const visitor = new Browser(running.origin);
    expect(await (await visitor.get("/sign-in")).text()).to.contain('href="/sign-up"');
    expect((await visitor.get("/sign-up")).status).to.equal(200);
    const invalid = await visitor.post("/sign-up", signUpForm("org"));
    expect(invalid.status).to.equal(422);
    expect(await invalid.text()).to.contain('value="org"');

    const created = await visitor.post("/sign-up", signUpForm("Malik", { role: "admin" }));
    expect(created.status).to.equal(303);
    expect(sessionId(created)).to.not.equal("");
    expect((await account(running, "malik")).role, "the posted role is ignored").to.equal("member");
    expect((await visitor.get("/account/password")).status, "signed in").to.equal(200);
  });

  it("closes again", async () => {
    await admin.post("/admin/accounts/registration", { open: "false" });
    expect((await new Browser(running.origin).get("/sign-up")).status).to.equal(403);
  });
});

describe("password reset links", function () {
  this.timeout(60_000);
  let running: RunningInstance;
  let admin: Browser;

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "root", "admin");
    await addAccount(running.instance, "bea", "member");
    admin = new Browser(running.origin);
    await admin.signIn("root");
  });
  after(async () => running.stop());

  async function resetLink(username: string): Promise<string> {
    const response = await admin.post("/admin/accounts/reset-link", { account: String((await account(running, username)).id) });
    expect(response.status).to.equal(201);
    return new URL(await shownLink(response)).pathname;
  }

  it("sets a password and ends every session", async () => {
    const laptop = new Browser(running.origin);
    const phone = new Browser(running.origin);
    await laptop.signIn("bea");
    await phone.signIn("bea");
    const path = await resetLink("bea");

    const visitor = new Browser(running.origin);
    const form = await visitor.get(path);
    expect(form.status).to.equal(200);
    expect(form.headers.get("cache-control")).to.equal("no-store");
    expect(await form.text()).to.contain("bea");

    const mismatch = await visitor.post(path, { next: "a brand new password", confirmation: "something else entirely" });
    expect(mismatch.status).to.equal(422);
    const page = await mismatch.text();
    expect(page).to.contain('id="reset-confirmation-error"');
    expect(page).to.contain('class="error-summary"');

    const changed = await visitor.post(path, { next: "a brand new password", confirmation: "a brand new password" });
    expect(changed.status).to.equal(303);
    expect(changed.headers.get("location")).to.equal("/?notice=passwordReset");
    const fresh = sessionId(changed);
    expect((await running.instance.store.sessions.get(fresh))?.accountId).to.equal((await account(running, "bea")).id);

    for (const [name, browser] of [["laptop", laptop], ["phone", phone]] as const) {
      const response = await browser.get("/account/password");
      expect(response.status, `${name} signed out`).to.equal(303);
    }
    expect((await new Browser(running.origin).post("/sign-in", { username: "bea", password: PASSWORD })).status).to.equal(401);
    expect((await new Browser(running.origin).post("/sign-in", { username: "bea", password: "a brand new password" })).status).to.equal(303);

    const reused = await new Browser(running.origin).get(path);
    expect(reused.status).to.equal(410);
    expect(await reused.text()).to.contain("already used");
  });

  it("keeps only the newest link", async () => {
    const first = await resetLink("bea");
    const second = await resetLink("bea");
    const visitor = new Browser(running.origin);
    expect((await visitor.get(first)).status).to.equal(404);
    expect((await visitor.get(second)).status).to.equal(200);
  });

  it("refuses an expired link", async () => {
    const { token, tokenHash } = newToken();
    const hour = 3_600_000;
    await running.instance.store.passwordResets.create({
      tokenHash,
      accountId: (await account(running, "bea")).id,
      createdBy: null,
      created: new Date(Date.now() - 25 * hour).toISOString(),
      expires: new Date(Date.now() - hour).toISOString(),
      used: null,
    });
    const visitor = new Browser(running.origin);
    const opened = await visitor.get(`/reset/${token}`, { "Accept-Language": "fr" });
    expect(opened.status).to.equal(410);
    expect(await opened.text()).to.contain("Ce lien a expiré");
    const posted = await visitor.post(`/reset/${token}`, { next: "too late for this", confirmation: "too late for this" });
    expect(posted.status).to.equal(410);
  });

  it("answers 404 to an unknown link", async () => {
    expect((await new Browser(running.origin).get(`/reset/${newToken().token}`)).status).to.equal(404);
  });
});

describe("roles on the accounts page", function () {
  this.timeout(60_000);
  let running: RunningInstance;
  let root: Browser;

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "root", "admin");
    await addAccount(running.instance, "cy", "member");
    root = new Browser(running.origin);
    await root.signIn("root");
  });
  after(async () => running.stop());

  it("lists accounts", async () => {
    const page = await (await root.get("/admin/accounts")).text();
    expect(page).to.contain(">root</a>");
    expect(page).to.contain(">cy</a>");
    expect(page).to.contain('action="/admin/accounts/role"');
  });

  it("keeps the last admin", async () => {
    const rootId = (await account(running, "root")).id;
    const refused = await root.post("/admin/accounts/role", { account: String(rootId), role: "member" });
    expect(refused.status).to.equal(409);
    const page = await refused.text();
    expect(page).to.contain(`id="role-${rootId}-error"`);
    expect(page).to.contain(`href="#role-${rootId}"`);
    expect((await account(running, "root")).role).to.equal("admin");
  });

  it("lets an admin step down once another admin exists", async () => {
    const cyId = (await account(running, "cy")).id;
    const promoted = await root.post("/admin/accounts/role", { account: String(cyId), role: "admin" });
    expect(promoted.headers.get("location")).to.equal("/admin/accounts?notice=roleChanged");
    expect((await account(running, "cy")).role).to.equal("admin");

    const rootId = (await account(running, "root")).id;
    const stepped = await root.post("/admin/accounts/role", { account: String(rootId), role: "editor" });
    expect(stepped.headers.get("location")).to.equal("/?notice=roleChanged");
    expect((await account(running, "root")).role).to.equal("editor");
    expect((await root.get("/admin/accounts")).status, "no longer an admin").to.equal(403);

    const cy = new Browser(running.origin);
    await cy.signIn("cy");
    const refused = await cy.post("/admin/accounts/role", { account: String(cyId), role: "member" });
    expect(refused.status, "cy is now the last admin").to.equal(409);
    expect((await account(running, "cy")).role).to.equal("admin");
  });

  it("rejects an unknown role or account", async () => {
    const cy = new Browser(running.origin);
    await cy.signIn("cy");
    const cyId = (await account(running, "cy")).id;
    expect((await cy.post("/admin/accounts/role", { account: String(cyId), role: "owner" })).status).to.equal(422);
    expect((await cy.post("/admin/accounts/role", { account: "999999", role: "member" })).status).to.equal(404);
    expect((await cy.post("/admin/accounts/role", { account: "1; DROP", role: "member" })).status).to.equal(404);
    expect((await cy.post("/admin/accounts/reset-link", { account: "999999" })).status).to.equal(404);
  });
});

describe("session cookies", function () {
  this.timeout(60_000);

  async function sessionCookies(origin: string | undefined): Promise<{ signIn: string; invitation: string; reset: string }> {
    const running = await startInstance(origin ? { ORIGIN: origin } : {});
    try {
      // The instance listens on plain http on loopback whatever its public ORIGIN is, as it would behind a TLS proxy.
      const local = `http://localhost:${running.instance.config.port}`;
      await addAccount(running.instance, "root", "admin");
      const admin = new Browser(local);
      const signIn = await admin.post("/sign-in", { username: "root", password: PASSWORD });
      const invitationLink = await shownLink(await admin.post("/admin/invitations", { role: "member", days: "1" }));
      const invitation = await new Browser(local).post(new URL(invitationLink).pathname, signUpForm("invited"));
      const resetLink = await shownLink(await admin.post("/admin/accounts/reset-link", { account: String((await account(running, "invited")).id) }));
      const reset = await new Browser(local).post(new URL(resetLink).pathname, { next: "another long password", confirmation: "another long password" });
      return { signIn: sessionCookie(signIn) ?? "", invitation: sessionCookie(invitation) ?? "", reset: sessionCookie(reset) ?? "" };
    } finally {
      await running.stop();
    }
  }

  it("are Secure behind an https origin", async () => {
    const cookies = await sessionCookies("https://minga.example");
    for (const [path, cookie] of Object.entries(cookies)) {
      const flags = cookie.split(";").map((flag) => flag.trim());
      expect(flags, path).to.include("HttpOnly");
      expect(flags, path).to.include("SameSite=Lax");
      expect(flags, path).to.include("Secure");
    }
  });

  it("are not Secure on a plain http origin", async () => {
    const cookies = await sessionCookies(undefined);
    for (const [path, cookie] of Object.entries(cookies)) {
      const flags = cookie.split(";").map((flag) => flag.trim());
      expect(flags, path).to.include("HttpOnly");
      expect(flags, path).to.include("SameSite=Lax");
      expect(flags, path).to.not.include("Secure");
    }
  });
});

describe("loggable paths", () => {
  it("hide link tokens", () => {
    expect(loggablePath(`/invitations/${"a".repeat(43)}`)).to.equal("/invitations/[token]");
    expect(loggablePath(`/reset/${"b".repeat(43)}`)).to.equal("/reset/[token]");
    expect(loggablePath("/admin/invitations")).to.equal("/admin/invitations");
  });
});
