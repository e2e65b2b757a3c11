import { expect } from "chai";

import { setRegistrationOpen } from "../src/domain/accounts.ts";
import { createInvitation } from "../src/domain/invitations.ts";
import { createPasswordReset } from "../src/domain/password-resets.ts";
import type { Role } from "../src/storage/types.ts";
import { FIXTURES, resourceForm } from "./support/files.ts";
import { addAccount, Browser, practiceForm, startInstance, type RunningInstance } from "./support/instance.ts";
import { consultationForm } from "./support/consultation.ts";
import { learningForm } from "./support/learning.ts";

type Who = Role | "anonymous";
const EVERYONE: Who[] = ["anonymous", "member", "reviewer", "editor", "admin"];
/** A partner saved as followed in the store; the confirmation page only reads it. */
const FOLLOWED_PARTNER = "http://localhost:1/actors/confirm";

interface Case {
  name: string;
  /** Who may do it; everyone else must be refused. */
  allowed: Who[];
  request: (browser: Browser, slugs: Slugs, who: Who) => Promise<Response>;
}

interface Slugs {
  published: string;
  draft: string;
  /** One practice per role, so each delete attempt has its own target. */
  deletable: Record<Who, string>;
  /** A learning opportunity everyone may read, and one per role to delete. */
  learning: string;
  deletableLearning: Record<Who, string>;
  /** An open consultation, a closed one for the summary, and one per role to delete. */
  consultation: string;
  closedConsultation: string;
  deletableConsultation: Record<Who, string>;
  /** A reply in the shared practice's discussion, and one per role to delete. */
  reply: string;
  replies: Record<Who, string>;
  /** Replies by the admin, one per role, for the authors' own deletion. */
  ownReplies: Record<Who, string>;
  report: number;
  /** Targets of the account routes: an account whose role and reset link admins change, and links that stay usable. */
  accountId: number;
  invitationPath: string;
  revocableInvitationId: number;
  resetPath: string;
  /** A published resource, a draft one, and one per role to delete. */
  resource: string;
  draftResource: string;
  deletableResources: Record<Who, string>;
  /** A draft resource written by the member, which its author and the staff may see and edit; its edits drop any file. */
  memberDraftResource: string;
  /** Addresses of the uploaded files of a published resource, of the admin's draft, and of the member's draft. */
  publishedFile: string;
  draftFile: string;
  memberDraftFile: string;
}

const CASES: Case[] = [
  { name: "read a published practice", allowed: EVERYONE, request: (browser, slugs) => browser.get(`/practices/${slugs.published}`) },
  { name: "read a draft", allowed: ["reviewer", "editor", "admin"], request: (browser, slugs) => browser.get(`/practices/${slugs.draft}`) },
  { name: "open the new practice form", allowed: ["member", "editor", "admin"], request: (browser) => browser.get("/practices/new") },
  { name: "create a practice", allowed: ["member", "editor", "admin"], request: (browser, _slugs, who) => browser.post("/practices", practiceForm(`Created by ${who}`)) },
  { name: "open the edit form", allowed: ["reviewer", "editor", "admin"], request: (browser, slugs) => browser.get(`/practices/${slugs.published}/edit`) },
  {
    name: "save an edit",
    allowed: ["reviewer", "editor", "admin"],
    request: (browser, slugs, who) => browser.post(`/practices/${slugs.published}/edit`, practiceForm(`Edited by ${who}`)),
  },
  { name: "delete a practice", allowed: ["editor", "admin"], request: (browser, slugs, who) => browser.post(`/practices/${slugs.deletable[who]}/delete`, { confirm: "yes" }) },
  {
    name: "reply in a discussion",
    allowed: ["member", "reviewer", "editor", "admin"],
    request: (browser, slugs) => browser.post(`/practices/${slugs.published}/replies`, { content: "A reply", language: "en" }),
  },
  {
    name: "reply to a learning opportunity",
    allowed: ["member", "reviewer", "editor", "admin"],
    request: (browser, slugs) => browser.post(`/learning/${slugs.learning}/replies`, { content: "A reply on a training", language: "en" }),
  },
  {
    name: "reply to a resource",
    allowed: ["member", "reviewer", "editor", "admin"],
    request: (browser, slugs) => browser.post(`/resources/${slugs.resource}/replies`, { content: "A reply on a resource", language: "en" }),
  },
  { name: "read the calendar", allowed: EVERYONE, request: (browser) => browser.get("/calendar") },
  { name: "download the calendar", allowed: EVERYONE, request: (browser) => browser.get("/calendar.ics") },
  { name: "read a learning opportunity", allowed: EVERYONE, request: (browser, slugs) => browser.get(`/learning/${slugs.learning}`) },
  { name: "download a learning opportunity", allowed: EVERYONE, request: (browser, slugs) => browser.get(`/learning/${slugs.learning}.ics`) },
  { name: "open the new learning form", allowed: ["editor", "admin"], request: (browser) => browser.get("/learning/new") },
  { name: "create a learning opportunity", allowed: ["editor", "admin"], request: (browser, _slugs, who) => browser.post("/learning", learningForm(`Training by ${who}`)) },
  { name: "open the learning edit form", allowed: ["reviewer", "editor", "admin"], request: (browser, slugs) => browser.get(`/learning/${slugs.learning}/edit`) },
  {
    name: "save a learning edit",
    allowed: ["reviewer", "editor", "admin"],
    request: (browser, slugs, who) => browser.post(`/learning/${slugs.learning}/edit`, learningForm(`Training edited by ${who}`)),
  },
  {
    name: "delete a learning opportunity",
    allowed: ["editor", "admin"],
    request: (browser, slugs, who) => browser.post(`/learning/${slugs.deletableLearning[who]}/delete`, { confirm: "yes" }),
  },
  { name: "read a published resource", allowed: EVERYONE, request: (browser, slugs) => browser.get(`/resources/${slugs.resource}`) },
  { name: "read a draft resource", allowed: ["reviewer", "editor", "admin"], request: (browser, slugs) => browser.get(`/resources/${slugs.draftResource}`) },
  { name: "open the new resource form", allowed: ["member", "editor", "admin"], request: (browser) => browser.get("/resources/new") },
  {
    name: "upload a resource",
    allowed: ["member", "editor", "admin"],
    request: (browser, _slugs, who) => browser.postMultipart("/resources", resourceForm(`Uploaded by ${who}`), { file: { name: "guide.pdf", content: FIXTURES.pdf() } }),
  },
  { name: "open the resource edit form", allowed: ["reviewer", "editor", "admin"], request: (browser, slugs) => browser.get(`/resources/${slugs.resource}/edit`) },
  {
    name: "save a resource edit",
    allowed: ["reviewer", "editor", "admin"],
    request: (browser, slugs, who) => browser.postMultipart(`/resources/${slugs.resource}/edit`, resourceForm(`Resource edited by ${who}`, { link: "https://publisher.example/guide" })),
  },
  {
    name: "read a member's draft resource",
    allowed: ["member", "reviewer", "editor", "admin"],
    request: (browser, slugs) => browser.get(`/resources/${slugs.memberDraftResource}`),
  },
  {
    name: "open a member's draft resource to edit",
    allowed: ["member", "reviewer", "editor", "admin"],
    request: (browser, slugs) => browser.get(`/resources/${slugs.memberDraftResource}/edit`),
  },
  {
    name: "save a member's draft resource",
    allowed: ["member", "reviewer", "editor", "admin"],
    request: (browser, slugs, who) =>
      browser.postMultipart(`/resources/${slugs.memberDraftResource}/edit`, resourceForm(`Member draft edited by ${who}`, { link: "https://publisher.example/draft", action: "draft" })),
  },
  {
    name: "comment in a member's draft resource",
    allowed: ["member", "reviewer", "editor", "admin"],
    request: (browser, slugs) => browser.post(`/resources/${slugs.memberDraftResource}/review`, { action: "comment", comment: "A note on the draft." }),
  },
  { name: "download a published resource's file", allowed: EVERYONE, request: (browser, slugs) => browser.get(slugs.publishedFile) },
  { name: "download a draft resource's file", allowed: ["reviewer", "editor", "admin"], request: (browser, slugs) => browser.get(slugs.draftFile) },
  { name: "download a member's draft file", allowed: ["member", "reviewer", "editor", "admin"], request: (browser, slugs) => browser.get(slugs.memberDraftFile) },
  {
    name: "delete a resource",
    allowed: ["editor", "admin"],
    request: (browser, slugs, who) => browser.post(`/resources/${slugs.deletableResources[who]}/delete`, { confirm: "yes" }),
  },
  { name: "open the resource settings", allowed: ["admin"], request: (browser) => browser.get("/admin/resources") },
  { name: "change the resource settings", allowed: ["admin"], request: (browser) => browser.post("/admin/resources", { requireAccessible: "false" }) },
  { name: "read the consultations", allowed: EVERYONE, request: (browser) => browser.get("/consultations") },
  { name: "read a consultation", allowed: EVERYONE, request: (browser, slugs) => browser.get(`/consultations/${slugs.consultation}`) },
  { name: "open the new consultation form", allowed: ["editor", "admin"], request: (browser) => browser.get("/consultations/new") },
  { name: "create a consultation", allowed: ["editor", "admin"], request: (browser, _slugs, who) => browser.post("/consultations", consultationForm(`Consultation by ${who}`)) },
  { name: "open the consultation edit form", allowed: ["editor", "admin"], request: (browser, slugs) => browser.get(`/consultations/${slugs.consultation}/edit`) },
  {
    name: "save a consultation edit",
    allowed: ["editor", "admin"],
    request: (browser, slugs, who) => browser.post(`/consultations/${slugs.consultation}/edit`, consultationForm(`Consultation edited by ${who}`)),
  },
  {
    name: "delete a consultation",
    allowed: ["editor", "admin"],
    request: (browser, slugs, who) => browser.post(`/consultations/${slugs.deletableConsultation[who]}/delete`, { confirm: "yes" }),
  },
  {
    name: "submit to a consultation",
    allowed: ["member", "reviewer", "editor", "admin"],
    request: (browser, slugs) => browser.post(`/consultations/${slugs.consultation}/replies`, { content: "A submission", language: "en" }),
  },
  { name: "open the summary form", allowed: ["editor", "admin"], request: (browser, slugs) => browser.get(`/consultations/${slugs.closedConsultation}/outcome`) },
  {
    name: "publish a summary",
    allowed: ["editor", "admin"],
    request: (browser, slugs, who) => browser.post(`/consultations/${slugs.closedConsultation}/outcome`, { "outcome.en": `Summary by ${who}` }),
  },
  { name: "open the password form", allowed: ["member", "reviewer", "editor", "admin"], request: (browser) => browser.get("/account/password") },
  { name: "open the profile form", allowed: ["member", "reviewer", "editor", "admin"], request: (browser) => browser.get("/account/profile") },
  { name: "save a profile", allowed: ["member", "reviewer", "editor", "admin"], request: (browser, _slugs, who) => browser.post("/account/profile", { displayName: `Profile of ${who}`, affiliation: "", bio: "" }) },
  { name: "open the federation page", allowed: ["admin"], request: (browser) => browser.get("/admin/federation") },
  { name: "follow a partner", allowed: ["admin"], request: (browser) => browser.post("/admin/federation/follow", { handle: "" }) },
  {
    name: "open the unfollow confirmation",
    allowed: ["admin"],
    request: (browser) => browser.get(`/admin/federation/unfollow?actor=${encodeURIComponent(FOLLOWED_PARTNER)}`),
  },
  { name: "unfollow a partner", allowed: ["admin"], request: (browser) => browser.post("/admin/federation/unfollow", { actor: "http://localhost:1/actors/org" }) },
  { name: "change follow approval", allowed: ["admin"], request: (browser) => browser.post("/admin/federation/approval", { required: "false" }) },
  { name: "open the review page", allowed: ["member", "reviewer", "editor", "admin"], request: (browser) => browser.get("/review") },
  {
    name: "comment in a practice's review",
    allowed: ["reviewer", "editor", "admin"],
    request: (browser, slugs) => browser.post(`/practices/${slugs.published}/review`, { action: "comment", comment: "Looks right." }),
  },
  { name: "open the moderation queue", allowed: ["reviewer", "editor", "admin"], request: (browser) => browser.get("/moderation") },
  { name: "hide a reply", allowed: ["reviewer", "editor", "admin"], request: (browser, slugs) => browser.post("/moderation/replies/hide", { reply: slugs.reply }) },
  { name: "show a reply again", allowed: ["reviewer", "editor", "admin"], request: (browser, slugs) => browser.post("/moderation/replies/show", { reply: slugs.reply }) },
  {
    name: "open the reply deletion page",
    allowed: ["reviewer", "editor", "admin"],
    request: (browser, slugs) => browser.get(`/moderation/replies/delete?reply=${encodeURIComponent(slugs.reply)}`),
  },
  {
    name: "delete a reply",
    allowed: ["reviewer", "editor", "admin"],
    request: (browser, slugs, who) => browser.post("/moderation/replies/delete", { reply: slugs.replies[who], confirm: "yes" }),
  },
  // The admin wrote the replies, so only the admin may delete them as their author.
  { name: "open one's own reply deletion page", allowed: ["admin"], request: (browser, slugs) => browser.get(`/account/replies/delete?reply=${encodeURIComponent(slugs.reply)}`) },
  { name: "delete one's own reply", allowed: ["admin"], request: (browser, slugs, who) => browser.post("/account/replies/delete", { reply: slugs.ownReplies[who], confirm: "yes" }) },
  {
    name: "block a remote account",
    allowed: ["reviewer", "editor", "admin"],
    request: (browser) => browser.post("/moderation/accounts/block", { actor: "http://localhost:1/users/troll", reason: "" }),
  },
  {
    name: "unblock a remote account",
    allowed: ["reviewer", "editor", "admin"],
    request: (browser) => browser.post("/moderation/accounts/unblock", { actor: "http://localhost:1/users/troll" }),
  },
  { name: "resolve a report", allowed: ["reviewer", "editor", "admin"], request: (browser, slugs) => browser.post(`/moderation/reports/${slugs.report}/resolve`, {}) },
  { name: "reopen a report", allowed: ["reviewer", "editor", "admin"], request: (browser, slugs) => browser.post(`/moderation/reports/${slugs.report}/reopen`, {}) },
  { name: "forward a report", allowed: ["reviewer", "editor", "admin"], request: (browser, slugs) => browser.post(`/moderation/reports/${slugs.report}/forward`, {}) },
  {
    name: "open the report form",
    allowed: ["member", "reviewer", "editor", "admin"],
    request: (browser, slugs) => browser.get(`/report?reply=${encodeURIComponent(slugs.reply)}`),
  },
  {
    name: "report a reply",
    allowed: ["member", "reviewer", "editor", "admin"],
    request: (browser, slugs) => browser.post("/report", { reply: slugs.reply, comment: "Please look at this." }),
  },
  { name: "read the organizations page", allowed: EVERYONE, request: (browser) => browser.get("/organizations") },
  { name: "open the organization profile form", allowed: ["admin"], request: (browser) => browser.get("/admin/organization") },
  {
    name: "save the organization profile",
    allowed: ["admin"],
    request: (browser) => browser.post("/admin/organization", { primaryLanguage: "en", "name.en": "Renamed organization" }),
  },
  { name: "open the domains page", allowed: ["admin"], request: (browser) => browser.get("/admin/domains") },
  { name: "block a domain", allowed: ["admin"], request: (browser) => browser.post("/admin/domains", { domain: "bad.example", kind: "block", reason: "" }) },
  { name: "remove a domain rule", allowed: ["admin"], request: (browser) => browser.post("/admin/domains/remove", { domain: "bad.example" }) },
  { name: "open the allowlist confirmation", allowed: ["admin"], request: (browser) => browser.get("/admin/domains/mode?mode=allowlist") },
  { name: "change the federation mode", allowed: ["admin"], request: (browser) => browser.post("/admin/domains/mode", { mode: "open" }) },
  { name: "read the audit log", allowed: ["admin"], request: (browser) => browser.get("/admin/audit") },
  {
    name: "decide a follow request",
    allowed: ["admin"],
    request: (browser) => browser.post("/admin/federation/followers", { actor: "http://localhost:1/actors/org", decision: "reject" }),
  },
  { name: "open the accounts page", allowed: ["admin"], request: (browser) => browser.get("/admin/accounts") },
  { name: "change a role", allowed: ["admin"], request: (browser, slugs) => browser.post("/admin/accounts/role", { account: String(slugs.accountId), role: "member" }) },
  { name: "issue a reset link", allowed: ["admin"], request: (browser, slugs) => browser.post("/admin/accounts/reset-link", { account: String(slugs.accountId) }) },
  { name: "change open registration", allowed: ["admin"], request: (browser) => browser.post("/admin/accounts/registration", { open: "true" }) },
  { name: "issue an invitation", allowed: ["admin"], request: (browser) => browser.post("/admin/invitations", { role: "member", days: "7" }) },
  {
    name: "revoke an invitation",
    allowed: ["admin"],
    request: (browser, slugs) => browser.post("/admin/invitations/revoke", { invitation: String(slugs.revocableInvitationId) }),
  },
  // The sign-up and reset forms below are sent with passwords that differ, so the links stay usable and no browser changes account.
  { name: "open an invitation link", allowed: EVERYONE, request: (browser, slugs) => browser.get(slugs.invitationPath) },
  { name: "sign up with an invitation", allowed: EVERYONE, request: (browser, slugs, who) => browser.post(slugs.invitationPath, mismatchedSignUp(who)) },
  { name: "open the sign-up form", allowed: EVERYONE, request: (browser) => browser.get("/sign-up") },
  { name: "sign up", allowed: EVERYONE, request: (browser, _slugs, who) => browser.post("/sign-up", mismatchedSignUp(who)) },
  { name: "open a reset link", allowed: EVERYONE, request: (browser, slugs) => browser.get(slugs.resetPath) },
  {
    name: "set a password with a reset link",
    allowed: EVERYONE,
    request: (browser, slugs) => browser.post(slugs.resetPath, { next: "a long new password", confirmation: "a different password" }),
  },
];

function mismatchedSignUp(who: Who): Record<string, string> {
  return { username: `new_${who}`, displayName: "", password: "a long new password", confirmation: "a different password" };
}

/** Tries every route and form with every role and with no session. */
describe("roles", function () {
  this.timeout(120_000);
  let running: RunningInstance;
  const browsers = new Map<Who, Browser>();
  let slugs: Slugs;

  before(async () => {
    running = await startInstance();
    for (const who of EVERYONE) {
      const browser = new Browser(running.origin);
      if (who !== "anonymous") {
        await addAccount(running.instance, who, who);
        await browser.signIn(who);
      }
      browsers.set(who, browser);
    }
    const admin = browsers.get("admin")!;
    const slugOf = async (title: string, action = "publish") => {
      const response = await admin.post("/practices", { ...practiceForm(title), action });
      return new URL(response.headers.get("location")!, running.origin).pathname.split("/")[2];
    };
    const resourceSlugOf = async (title: string, action = "publish") => {
      const response = await admin.post("/resources", resourceForm(title, { link: "https://publisher.example/guide", action }));
      return new URL(response.headers.get("location")!, running.origin).pathname.split("/")[2];
    };
    // Each file has its own content, and so its own hash, so that no other resource makes it public.
    const uploadedFileOf = async (browser: Browser, title: string, action: string, marker: string) => {
      const content = Buffer.concat([FIXTURES.pdf(), Buffer.from(marker)]);
      const response = await browser.postMultipart("/resources", resourceForm(title, { action }), { file: { name: `${marker}.pdf`, content } });
      const slug = new URL(response.headers.get("location")!, running.origin).pathname.split("/")[2];
      const resource = await running.instance.store.resources.bySlug(slug);
      return { slug, href: resource!.file!.href };
    };
    const publishedUpload = await uploadedFileOf(admin, "Published upload", "publish", "published");
    const draftUpload = await uploadedFileOf(admin, "Draft upload", "draft", "draft");
    const memberDraftUpload = await uploadedFileOf(browsers.get("member")!, "Member draft upload", "draft", "member-draft");
    const memberDraft = await browsers.get("member")!.post("/resources", resourceForm("Member draft resource", { link: "https://publisher.example/draft", action: "draft" }));
    const deletableResources = {} as Record<Who, string>;
    for (const who of EVERYONE) deletableResources[who] = await resourceSlugOf(`Resource to delete by ${who}`);
    const deletable = {} as Record<Who, string>;
    for (const who of EVERYONE) deletable[who] = await slugOf(`To delete by ${who}`);
    const published = await slugOf("Shared practice");
    const learningSlugOf = async (title: string) => {
      const response = await admin.post("/learning", learningForm(title));
      return new URL(response.headers.get("location")!, running.origin).pathname.split("/")[2];
    };
    const deletableLearning = {} as Record<Who, string>;
    for (const who of EVERYONE) deletableLearning[who] = await learningSlugOf(`Training to delete by ${who}`);
    const learning = await learningSlugOf("Shared training");
    const consultationSlugOf = async (title: string, overrides: Record<string, string> = {}) => {
      const response = await admin.post("/consultations", consultationForm(title, overrides));
      return new URL(response.headers.get("location")!, running.origin).pathname.split("/")[2];
    };
    const deletableConsultation = {} as Record<Who, string>;
    for (const who of EVERYONE) deletableConsultation[who] = await consultationSlugOf(`Consultation to delete by ${who}`);
    const consultation = await consultationSlugOf("Shared consultation");
    const closedConsultation = await consultationSlugOf("Closed consultation", { opens: "2020-01-01T09:00", closes: "2021-01-01T09:00" });
    const replyOf = async (content: string) => {
      await admin.post(`/practices/${published}/replies`, { content, language: "en" });
      const practice = await running.instance.store.practices.bySlug(published);
      return (await running.instance.store.replies.listForRoot(practice!.iri)).find((reply) => reply.contentHtml.includes(content))!.iri;
    };
    const replies = {} as Record<Who, string>;
    for (const who of EVERYONE) replies[who] = await replyOf(`Reply to delete by ${who}`);
    const ownReplies = {} as Record<Who, string>;
    for (const who of EVERYONE) ownReplies[who] = await replyOf(`Own reply to delete by ${who}`);
    const reply = await replyOf("Reply everyone may see");
    const report = await running.instance.store.moderation.addReport({
      created: new Date().toISOString(), origin: "local", reporterAccountId: 1, reporterActor: null, flagIri: null, objectIris: [reply],
      comment: "A report", status: "open", resolved: null, resolvedBy: null, forwarded: null,
    });

    // A partner the instance follows, so the unfollow confirmation has something to confirm; nothing is ever sent to it.
    await running.instance.store.following.save({
      actorIri: FOLLOWED_PARTNER, handle: "@confirm@localhost:1", name: "Followed partner", inbox: "http://localhost:1/inbox",
      followIri: "http://localhost:1/follows/confirm", status: "accepted", created: new Date().toISOString(),
    });
    await addAccount(running.instance, "target", "member");
    await addAccount(running.instance, "resettable", "member");
    const store = running.instance.store;
    await setRegistrationOpen(store, true);
    const invitation = await createInvitation(store, { role: "member", days: 7, createdBy: null });
    const revocable = await createInvitation(store, { role: "member", days: 7, createdBy: null });
    const reset = await createPasswordReset(store, (await store.accounts.byUsername("resettable"))!, null);
    slugs = {
      published,
      learning,
      deletableLearning,
      consultation,
      closedConsultation,
      deletableConsultation,
      reply,
      replies,
      ownReplies,
      report: report!.id,
      draft: await slugOf("Draft practice", "draft"),
      deletable,
      accountId: (await store.accounts.byUsername("target"))!.id,
      invitationPath: `/invitations/${invitation.token}`,
      revocableInvitationId: revocable.invitation.id,
      resetPath: `/reset/${reset.token}`,
      resource: await resourceSlugOf("Shared resource"),
      draftResource: await resourceSlugOf("Draft resource", "draft"),
      deletableResources,
      memberDraftResource: new URL(memberDraft.headers.get("location")!, running.origin).pathname.split("/")[2],
      publishedFile: publishedUpload.href,
      draftFile: draftUpload.href,
      memberDraftFile: memberDraftUpload.href,
    };
  });
  after(async () => running.stop());

  for (const testCase of CASES) {
    it(`${testCase.name}`, async () => {
      for (const who of EVERYONE) {
        const response = await testCase.request(browsers.get(who)!, slugs, who);
        const location = response.headers.get("location") ?? "";
        const refused = response.status === 403 || response.status === 404 || (response.status === 303 && location.startsWith("/sign-in"));
        if (testCase.allowed.includes(who)) expect(refused, `${who} should be allowed (status ${response.status} ${location})`).to.equal(false);
        else expect(refused, `${who} should be refused (status ${response.status} ${location})`).to.equal(true);
        expect(response.status, `${who}: no server error`).to.be.below(500);
      }
    });
  }

  it("left refused deletions undone", async () => {
    for (const who of ["anonymous", "member", "reviewer"] as Who[]) {
      const practice = await running.instance.store.practices.bySlug(slugs.deletable[who]);
      expect(practice?.deleted, who).to.equal(null);
    }
    for (const who of ["anonymous", "member", "reviewer"] as Who[]) {
      const item = await running.instance.store.learning.bySlug(slugs.deletableLearning[who]);
      expect(item?.deleted, `learning opportunity of ${who}`).to.equal(null);
      const resource = await running.instance.store.resources.bySlug(slugs.deletableResources[who]);
      expect(resource?.deleted, `resource of ${who}`).to.equal(null);
    }
    for (const who of ["anonymous", "member", "reviewer"] as Who[]) {
      const item = await running.instance.store.consultations.bySlug(slugs.deletableConsultation[who]);
      expect(item?.deleted, `consultation of ${who}`).to.equal(null);
    }
    for (const who of ["anonymous", "member"] as Who[]) {
      const reply = await running.instance.store.replies.byIri(slugs.replies[who]);
      expect(reply?.deleted, who).to.equal(null);
    }
  });
});
