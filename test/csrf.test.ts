import { expect } from "chai";

import { setRegistrationOpen } from "../src/domain/accounts.ts";
import { createInvitation } from "../src/domain/invitations.ts";
import { createPasswordReset } from "../src/domain/password-resets.ts";
import { FIXTURES, resourceForm } from "./support/files.ts";
import { addAccount, Browser, practiceForm, startInstance, type RunningInstance } from "./support/instance.ts";
import { consultationForm } from "./support/consultation.ts";
import { learningForm } from "./support/learning.ts";

describe("CSRF protection", () => {
  let running: RunningInstance;
  let admin: Browser;
  let slug: string;
  let learningSlug: string;
  let resourceSlug: string;
  let memberBrowser: Browser;
  let memberResourceSlug: string;
  let consultationSlug: string;
  let closedConsultationSlug: string;
  let memberId: number;
  let invitationId: number;
  let invitationPath: string;
  let resetPath: string;

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "admin", "admin");
    await addAccount(running.instance, "member", "member");
    const store = running.instance.store;
    const member = (await store.accounts.byUsername("member"))!;
    memberId = member.id;
    // Open registration, so that a forged sign-up would otherwise succeed.
    await setRegistrationOpen(store, true);
    const invitation = await createInvitation(store, { role: "member", days: 7, createdBy: null });
    invitationId = invitation.invitation.id;
    invitationPath = `/invitations/${invitation.token}`;
    resetPath = `/reset/${(await createPasswordReset(store, member, null)).token}`;
    admin = new Browser(running.origin);
    await admin.signIn("admin");
    const created = await admin.post("/practices", practiceForm("Protected practice"));
    slug = new URL(created.headers.get("location")!, running.origin).pathname.split("/")[2];
    const learning = await admin.post("/learning", learningForm("Protected training"));
    learningSlug = new URL(learning.headers.get("location")!, running.origin).pathname.split("/")[2];
    const resource = await admin.post("/resources", resourceForm("Protected resource", { link: "https://publisher.example/guide" }));
    resourceSlug = new URL(resource.headers.get("location")!, running.origin).pathname.split("/")[2];
    memberBrowser = new Browser(running.origin);
    await memberBrowser.signIn("member");
    const memberResource = await memberBrowser.post("/resources", resourceForm("Protected member draft", { link: "https://publisher.example/draft", action: "draft" }));
    memberResourceSlug = new URL(memberResource.headers.get("location")!, running.origin).pathname.split("/")[2];
    const consultation = await admin.post("/consultations", consultationForm("Protected consultation"));
    consultationSlug = new URL(consultation.headers.get("location")!, running.origin).pathname.split("/")[2];
    const closed = await admin.post("/consultations", consultationForm("Protected closed consultation", { opens: "2020-01-01T09:00", closes: "2021-01-01T09:00" }));
    closedConsultationSlug = new URL(closed.headers.get("location")!, running.origin).pathname.split("/")[2];
  });
  after(async () => running.stop());

  const routes = () => [
    ["/sign-in", { username: "admin", password: "a long test password" }],
    ["/sign-out", {}],
    ["/account/password", { current: "a long test password", next: "forged password!", confirmation: "forged password!" }],
    ["/account/profile", { displayName: "Forged name", affiliation: "", bio: "" }],
    ["/practices", practiceForm("Forged practice")],
    [`/practices/${slug}/edit`, practiceForm("Forged edit")],
    [`/practices/${slug}/delete`, { confirm: "yes" }],
    [`/practices/${slug}/replies`, { content: "Forged reply", language: "en" }],
    [`/practices/${slug}/review`, { action: "unpublish", comment: "Forged" }],
    ["/learning", learningForm("Forged training")],
    [`/learning/${learningSlug}/edit`, learningForm("Forged training edit")],
    [`/learning/${learningSlug}/delete`, { confirm: "yes" }],
    [`/learning/${learningSlug}/replies`, { content: "Forged reply", language: "en" }],
    ["/resources", resourceForm("Forged resource", { link: "https://forged.example/" })],
    [`/resources/${resourceSlug}/edit`, resourceForm("Forged resource edit", { link: "https://forged.example/" })],
    [`/resources/${resourceSlug}/delete`, { confirm: "yes" }],
    [`/resources/${resourceSlug}/replies`, { content: "Forged reply", language: "en" }],
    // The token is checked before the route looks for the partner copy, so a missing copy still gets 403.
    ["/library/resources/partner-copy/replies", { content: "Forged reply", language: "en" }],
    [`/resources/${resourceSlug}/review`, { action: "unpublish", comment: "Forged" }],
    ["/admin/resources", { requireAccessible: "true" }],
    ["/consultations", consultationForm("Forged consultation")],
    [`/consultations/${consultationSlug}/edit`, consultationForm("Forged consultation edit")],
    [`/consultations/${consultationSlug}/delete`, { confirm: "yes" }],
    [`/consultations/${consultationSlug}/replies`, { content: "Forged submission", language: "en" }],
    [`/consultations/${closedConsultationSlug}/outcome`, { "outcome.en": "Forged summary" }],
    ["/admin/federation/follow", { handle: "@org@localhost:1" }],
    ["/admin/federation/unfollow", { actor: "http://localhost:1/actors/org" }],
    ["/admin/federation/approval", { required: "true" }],
    ["/admin/federation/followers", { actor: "http://localhost:1/actors/org", decision: "accept" }],
    ["/moderation/replies/hide", { reply: "http://localhost:1/notes/1" }],
    ["/moderation/replies/show", { reply: "http://localhost:1/notes/1" }],
    ["/moderation/replies/delete", { reply: "http://localhost:1/notes/1", confirm: "yes" }],
    ["/account/replies/delete", { reply: "http://localhost:1/notes/1", confirm: "yes" }],
    ["/moderation/accounts/block", { actor: "http://localhost:1/users/troll" }],
    ["/moderation/accounts/unblock", { actor: "http://localhost:1/users/troll" }],
    ["/moderation/reports/1/resolve", {}],
    ["/moderation/reports/1/reopen", {}],
    ["/moderation/reports/1/forward", {}],
    ["/report", { reply: "http://localhost:1/notes/1", comment: "Forged report" }],
    ["/admin/domains", { domain: "forged.example", kind: "block" }],
    ["/admin/domains/remove", { domain: "forged.example" }],
    ["/admin/domains/mode", { mode: "allowlist" }],
    ["/admin/organization", { primaryLanguage: "en", "name.en": "Forged name" }],
    ["/admin/accounts/role", { account: String(memberId), role: "admin" }],
    ["/admin/accounts/reset-link", { account: String(memberId) }],
    ["/admin/accounts/registration", { open: "true" }],
    ["/admin/invitations", { role: "admin", days: "30" }],
    ["/admin/invitations/revoke", { invitation: String(invitationId) }],
    [invitationPath, { username: "forged", displayName: "", password: "forged password!", confirmation: "forged password!" }],
    ["/sign-up", { username: "forged_open", displayName: "", password: "forged password!", confirmation: "forged password!" }],
    [resetPath, { next: "forged password!", confirmation: "forged password!" }],
  ] as [string, Record<string, string | string[]>][];

  it("rejects every form post without a token", async () => {
    for (const [path, fields] of routes()) {
      const response = await admin.post(path, fields, { csrf: false });
      expect(response.status, path).to.equal(403);
    }
  });

  it("rejects a wrong token", async () => {
    for (const [path, fields] of routes()) {
      const response = await admin.post(path, { ...fields, _csrf: "x".repeat(43) }, { csrf: false });
      expect(response.status, path).to.equal(403);
    }
  });

  it("rejects multipart uploads without a valid token", async () => {
    const file = { file: { name: "forged.pdf", content: FIXTURES.pdf() } };
    for (const path of ["/resources", `/resources/${resourceSlug}/edit`]) {
      const fields = resourceForm("Forged upload");
      expect((await admin.postMultipart(path, fields, file, { csrf: false })).status, `${path} without a token`).to.equal(403);
      expect((await admin.postMultipart(path, { _csrf: "x".repeat(43), ...fields }, file, { csrf: false })).status, `${path} with a wrong token`).to.equal(403);
    }
    // Members reach the same upload paths for their own drafts.
    for (const path of ["/resources", `/resources/${memberResourceSlug}/edit`]) {
      const fields = resourceForm("Forged member upload", { action: "submit" });
      expect((await memberBrowser.postMultipart(path, fields, file, { csrf: false })).status, `member's ${path} without a token`).to.equal(403);
      expect((await memberBrowser.postMultipart(path, { _csrf: "x".repeat(43), ...fields }, file, { csrf: false })).status, `member's ${path} with a wrong token`).to.equal(403);
    }
    const submit = await memberBrowser.post(`/resources/${memberResourceSlug}/review`, { action: "submit", comment: "" }, { csrf: false });
    expect(submit.status, "member's submit without a token").to.equal(403);
    // Other paths never defer the check to the upload parser.
    const signOut = await admin.postMultipart("/sign-out", {}, {}, { csrf: false });
    expect(signOut.status).to.equal(403);
  });

  it("changed nothing while rejecting", async () => {
    const practice = await running.instance.store.practices.bySlug(slug);
    expect(practice?.deleted).to.equal(null);
    expect(practice?.text.en?.title).to.equal("Protected practice");
    const resource = await running.instance.store.resources.bySlug(resourceSlug);
    expect(resource?.deleted).to.equal(null);
    expect(resource?.text.en?.title).to.equal("Protected resource");
    expect(await running.instance.store.replies.countForRoot(resource!.iri), "no reply on the resource").to.equal(0);
    expect((await running.instance.store.resources.list({ limit: 10, offset: 0, includeDrafts: true })).total, "the protected resource and the member's draft").to.equal(2);
    const memberResource = await running.instance.store.resources.bySlug(memberResourceSlug);
    expect(memberResource?.status).to.equal("draft");
    expect(memberResource?.text.en?.title).to.equal("Protected member draft");
    expect(await running.instance.store.reviews.forItem(memberResource!.iri)).to.deep.equal([]);
    expect(await running.instance.store.settings.get("resources.requireAccessibleMedia")).to.equal(null);
    expect(await running.instance.store.replies.countForRoot(practice!.iri)).to.equal(0);
    expect((await running.instance.store.practices.list({ limit: 10, offset: 0, includeDrafts: true })).total).to.equal(1);
    expect(await running.instance.store.settings.get("federation.requireFollowApproval")).to.equal(null);
    expect(await running.instance.store.settings.get("federation.mode")).to.equal(null);
    expect(await running.instance.store.moderation.domainRules()).to.deep.equal([]);
    expect(await running.instance.store.moderation.actorBlocks()).to.deep.equal([]);
    const store = running.instance.store;
    const training = await store.learning.bySlug(learningSlug);
    expect(training?.deleted).to.equal(null);
    expect(training?.text.en?.title).to.equal("Protected training");
    expect(await store.replies.countForRoot(training!.iri), "no reply on the training").to.equal(0);
    expect((await store.learning.list({ when: "upcoming", now: new Date().toISOString(), limit: 10, offset: 0 })).total).to.equal(1);
    const consultation = await store.consultations.bySlug(consultationSlug);
    expect(consultation?.deleted).to.equal(null);
    expect(consultation?.text.en?.title).to.equal("Protected consultation");
    expect(await store.replies.countForRoot(consultation!.iri)).to.equal(0);
    expect((await store.consultations.list({ state: "open", now: new Date().toISOString(), limit: 10, offset: 0 })).total).to.equal(1);
    expect((await store.consultations.bySlug(closedConsultationSlug))?.outcome).to.equal(null);
    expect((await store.accounts.byUsername("member"))?.role).to.equal("member");
    expect(await store.accounts.byUsername("forged")).to.equal(null);
    expect(await store.accounts.byUsername("forged_open")).to.equal(null);
    expect(await store.invitations.list(10), "no invitation issued").to.have.length(1);
    expect((await store.invitations.list(10))[0].revoked).to.equal(null);
    expect((await store.invitations.list(10))[0].used).to.equal(null);
    expect((await new Browser(running.origin).get(resetPath)).status, "the reset link is unused").to.equal(200);
    const page = await admin.get("/admin/federation");
    expect(page.status, "still signed in").to.equal(200);
  });

  it("accepts the same posts with the token", async () => {
    const response = await admin.post(`/practices/${slug}/replies`, { content: "Real reply", language: "en" });
    expect(response.status).to.equal(303);
  });
});
