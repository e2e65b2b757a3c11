import type { Account, ActorBlock, DomainRule, Report, Reply, Store } from "../storage/types.ts";
import type { DomainEvents } from "./events.ts";

/** Federation mode of an instance: open to anyone not blocked, or limited to the domains on its allowlist. */
export type FederationMode = "open" | "allowlist";
const MODE_SETTING = "federation.mode";

export const MAX_REASON_LENGTH = 500;
export const MAX_REPORT_COMMENT_LENGTH = 1000;

/** Reason a remote URL may not federate with this instance. */
export type Refusal = { reason: "blocked"; rule: DomainRule } | { reason: "notAllowed" };

/** Author of an audited action: an account, or the instance itself for what arrives from outside. */
type Who = Account | "system";

function username(who: Who): string {
  return who === "system" ? "system" : who.username;
}

/**
 * Normalizes what an admin types for a domain: a bare host, a URL, or a
 * handle such as @org@partner.example. Host names are lower-cased and
 * converted to their ASCII form. A port is kept only when one is given,
 * so the rule applies to that port alone. Returns null for anything that
 * is not a host.
 */
export function normalizeDomain(input: string): string | null {
  let text = input.trim();
  if (!text) return null;
  const handle = /^@?[^@\s/:]+@([^@\s/]+)$/.exec(text);
  if (handle) text = handle[1];
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.username || url.password || !isHostName(url.hostname)) return null;
  // The URL parser drops default ports; a port typed by hand is kept only when it is not the scheme's default.
  return url.port ? `${url.hostname}:${url.port}` : url.hostname;
}

/** One DNS label: letters, digits and inner hyphens, as the URL parser leaves them after converting to ASCII. */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** True for a host name made of DNS labels, or an IP address literal; false for wildcards and stray characters. */
function isHostName(hostname: string): boolean {
  if (/^\[[0-9a-f:.]+\]$/i.test(hostname)) return true;
  const labels = hostname.split(".");
  return labels.every((label) => LABEL.test(label)) && /[a-z]/.test(labels.at(-1)!) === !/^\d+$/.test(labels.at(-1)!);
}

/** True when a rule for `domain` covers the URL: the same host or one of its subdomains, on the rule's port when it names one. */
export function domainCovers(domain: string, url: URL): boolean {
  if (domain.includes(":") && !domain.startsWith("[")) return url.host === domain;
  if (domain.startsWith("[")) return domain.includes("]:") ? url.host === domain : url.hostname === domain;
  return url.hostname === domain || url.hostname.endsWith(`.${domain}`);
}

function parseUrl(value: string | URL): URL | null {
  if (value instanceof URL) return value;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/**
 * Moderation of what arrives from other servers and what members post:
 * domain blocks and the allowlist, blocked remote accounts, hidden and
 * deleted replies, reports, and the audit log in which every action is
 * written with who did it. Rules are read once and kept in memory, because
 * every inbox request checks them. Each change here reloads them.
 */
export class Moderation {
  #rules: DomainRule[] | null = null;
  #mode: FederationMode | null = null;
  readonly #ownHost: string;

  constructor(
    private readonly store: Store,
    private readonly instance: { origin: string; organizationHandle: string },
    private readonly events: Pick<DomainEvents, "replyDeleted">,
  ) {
    this.#ownHost = new URL(instance.origin).host;
  }

  async rules(): Promise<DomainRule[]> {
    this.#rules ??= await this.store.moderation.domainRules();
    return this.#rules;
  }

  async mode(): Promise<FederationMode> {
    this.#mode ??= (await this.store.settings.get(MODE_SETTING)) === "allowlist" ? "allowlist" : "open";
    return this.#mode;
  }

  /** Null when the URL's server may federate with this instance; otherwise why not. Our own origin always may. */
  async refusal(value: string | URL): Promise<Refusal | null> {
    const url = parseUrl(value);
    if (!url) return { reason: "notAllowed" };
    if (url.host === this.#ownHost) return null;
    const rules = (await this.rules()).filter((rule) => domainCovers(rule.domain, url));
    const block = rules.find((rule) => rule.kind === "block");
    if (block) return { reason: "blocked", rule: block };
    if ((await this.mode()) === "allowlist" && !rules.some((rule) => rule.kind === "allow")) return { reason: "notAllowed" };
    return null;
  }

  async permits(value: string | URL): Promise<boolean> {
    return (await this.refusal(value)) === null;
  }

  async isActorBlocked(actorIri: string): Promise<boolean> {
    return (await this.store.moderation.actorBlock(actorIri)) !== null;
  }

  async setMode(by: Account, mode: FederationMode): Promise<void> {
    await this.store.settings.set(MODE_SETTING, mode);
    this.#mode = mode;
    await this.#audit(by, mode === "allowlist" ? "federation.allowlist" : "federation.open", "", "");
  }

  /**
   * Blocks a domain: its activities are rejected and nothing more is sent
   * to it. Follow relations with it stay stored but dormant, so lifting the
   * block resumes them. With `hideContent`, its replies and copies are also
   * hidden until then.
   */
  async blockDomain(by: Account, domain: string, reason: string, hideContent: boolean): Promise<{ hiddenReplies: number; hiddenCopies: number; pausedFollows: number }> {
    const rule: DomainRule = { domain, kind: "block", reason: reason.trim().slice(0, MAX_REASON_LENGTH), hideContent, created: new Date().toISOString(), createdBy: by.username };
    await this.store.moderation.saveDomainRule(rule);
    this.#rules = null;
    const covered = (iri: string) => {
      const url = parseUrl(iri);
      return url !== null && domainCovers(domain, url);
    };
    const followers = (await this.#allFollowers()).filter((follower) => covered(follower.actorIri)).length;
    const following = (await this.store.following.list()).filter((entry) => covered(entry.actorIri)).length;
    let hiddenReplies = 0;
    let hiddenCopies = 0;
    if (hideContent) {
      const marker = `domain:${domain}`;
      for (const author of await this.store.replies.remoteAuthors()) if (covered(author)) hiddenReplies += await this.store.replies.hideByAuthor(author, marker);
      for (const source of await this.store.practices.sourceActors()) if (covered(source)) hiddenCopies += await this.store.practices.setHiddenForSource(source, marker);
      for (const source of await this.store.learning.sourceActors()) if (covered(source)) hiddenCopies += await this.store.learning.setHiddenForSource(source, marker);
      for (const source of await this.store.resources.sourceActors()) if (covered(source)) hiddenCopies += await this.store.resources.setHiddenForSource(source, marker);
      for (const source of await this.store.consultations.sourceActors()) if (covered(source)) hiddenCopies += await this.store.consultations.setHiddenForSource(source, marker);
    }
    const pausedFollows = followers + following;
    await this.#audit(by, "domain.block", domain, JSON.stringify({ reason: rule.reason, hideContent, hiddenReplies, hiddenCopies, pausedFollows }));
    return { hiddenReplies, hiddenCopies, pausedFollows };
  }

  async allowDomain(by: Account, domain: string, reason: string): Promise<void> {
    await this.store.moderation.saveDomainRule({ domain, kind: "allow", reason: reason.trim().slice(0, MAX_REASON_LENGTH), hideContent: false, created: new Date().toISOString(), createdBy: by.username });
    this.#rules = null;
    await this.#audit(by, "domain.allow", domain, JSON.stringify({ reason: reason.trim() }));
  }

  /** Removes a block or an allowlist entry; content hidden by a block is shown again. */
  async removeDomainRule(by: Account, domain: string): Promise<boolean> {
    const rule = (await this.rules()).find((candidate) => candidate.domain === domain);
    if (!rule || !(await this.store.moderation.removeDomainRule(domain))) return false;
    this.#rules = null;
    const marker = `domain:${domain}`;
    const shownReplies = await this.store.replies.unhideByReason(marker);
    const shownCopies = (await this.store.practices.unhideByReason(marker)) + (await this.store.learning.unhideByReason(marker)) +
      (await this.store.resources.unhideByReason(marker)) +
      (await this.store.consultations.unhideByReason(marker));
    await this.#audit(by, rule.kind === "block" ? "domain.unblock" : "domain.disallow", domain, JSON.stringify({ shownReplies, shownCopies }));
    return true;
  }

  /**
   * Blocks a remote account: its activities are rejected, nothing more is
   * delivered to it while it follows us, and its replies are hidden.
   * Unblocking restores all of it.
   */
  async blockActor(by: Account, actorIri: string, reason: string): Promise<ActorBlock> {
    const block: ActorBlock = { actorIri, reason: reason.trim().slice(0, MAX_REASON_LENGTH), created: new Date().toISOString(), createdBy: by.username };
    await this.store.moderation.saveActorBlock(block);
    const hiddenReplies = await this.store.replies.hideByAuthor(actorIri, `actor:${actorIri}`);
    await this.#audit(by, "actor.block", actorIri, JSON.stringify({ reason: block.reason, hiddenReplies }));
    return block;
  }

  async unblockActor(by: Account, actorIri: string): Promise<boolean> {
    if (!(await this.store.moderation.removeActorBlock(actorIri))) return false;
    const shownReplies = await this.store.replies.unhideByReason(`actor:${actorIri}`);
    await this.#audit(by, "actor.unblock", actorIri, JSON.stringify({ shownReplies }));
    return true;
  }

  async hideReply(by: Account, reply: Reply): Promise<void> {
    await this.store.replies.setHidden(reply.iri, "moderator");
    await this.#audit(by, "reply.hide", reply.iri, "");
  }

  async showReply(by: Account, reply: Reply): Promise<void> {
    await this.store.replies.setHidden(reply.iri, null);
    await this.#audit(by, "reply.show", reply.iri, "");
  }

  /** Deletes a reply for good: its text is erased, and a local reply's deletion is sent to the servers that received it. */
  async deleteReply(by: Account, reply: Reply): Promise<void> {
    const deleted = { ...reply, contentHtml: "", deleted: new Date().toISOString() };
    await this.store.replies.save(deleted);
    await this.#audit(by, "reply.delete", reply.iri, JSON.stringify({ origin: reply.local ? "local" : "remote" }));
    if (reply.local) await this.events.replyDeleted(deleted);
  }

  /** Adds a member's report about a reply to the moderators' queue. */
  async reportReply(by: Account, reply: Reply, comment: string): Promise<Report> {
    const report = await this.store.moderation.addReport({
      created: new Date().toISOString(),
      origin: "local",
      reporterAccountId: by.id,
      reporterActor: null,
      flagIri: null,
      objectIris: [reply.iri, reply.authorIri],
      comment: comment.trim().slice(0, MAX_REPORT_COMMENT_LENGTH),
      status: "open",
      resolved: null,
      resolvedBy: null,
      forwarded: null,
    });
    // Local reports carry no Flag id, so the uniqueness check that drops repeated Flags never applies.
    await this.#audit(by, "report.create", reply.iri, JSON.stringify({ report: report!.id }));
    return report!;
  }

  /** Queues a Flag from another server; returns null when the same Flag was already received. */
  async receiveFlag(flag: { iri: string; actorIri: string; objectIris: string[]; comment: string }): Promise<Report | null> {
    const report = await this.store.moderation.addReport({
      created: new Date().toISOString(),
      origin: "remote",
      reporterAccountId: null,
      reporterActor: flag.actorIri,
      flagIri: flag.iri,
      objectIris: flag.objectIris,
      comment: flag.comment.slice(0, MAX_REPORT_COMMENT_LENGTH),
      status: "open",
      resolved: null,
      resolvedBy: null,
      forwarded: null,
    });
    if (report) await this.#audit("system", "report.receive", flag.actorIri, JSON.stringify({ report: report.id }));
    return report;
  }

  async resolveReport(by: Account, report: Report): Promise<void> {
    await this.store.moderation.updateReport({ ...report, status: "resolved", resolved: new Date().toISOString(), resolvedBy: by.username });
    await this.#audit(by, "report.resolve", "", JSON.stringify({ report: report.id }));
  }

  async reopenReport(by: Account, report: Report): Promise<void> {
    await this.store.moderation.updateReport({ ...report, status: "open", resolved: null, resolvedBy: null });
    await this.#audit(by, "report.reopen", "", JSON.stringify({ report: report.id }));
  }

  async reportForwarded(by: Account, report: Report, server: string): Promise<void> {
    await this.store.moderation.updateReport({ ...report, forwarded: new Date().toISOString() });
    await this.#audit(by, "report.forward", server, JSON.stringify({ report: report.id }));
  }

  /**
   * Records an administrative action taken elsewhere (accounts, the profile),
   * so the audit log contains them all. Details are named values, which the
   * audit page shows in the reader's language.
   */
  async record(by: Who, action: string, target: string, details: Record<string, string | number | boolean> = {}): Promise<void> {
    await this.#audit(by, action, target, Object.keys(details).length > 0 ? JSON.stringify(details) : "");
  }

  async #audit(by: Who, action: string, target: string, detail: string): Promise<void> {
    await this.store.moderation.audit({ at: new Date().toISOString(), actor: username(by), action, target, detail });
  }

  async #allFollowers() {
    // Followers of every local actor: the organization and each member.
    const targets = new Set<string>([this.instance.organizationHandle]);
    for (const account of await this.store.accounts.list()) targets.add(account.username);
    const all = [];
    for (const target of targets) all.push(...(await this.store.followers.list(target, null, Number.MAX_SAFE_INTEGER, 0)).items);
    return all;
  }
}
