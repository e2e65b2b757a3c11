import type { Account, Role, Store } from "../storage/types.ts";

/**
 * Status of a practice or resource on its way to readers: written
 * (draft), handed in (submitted), being read by a reviewer (in review),
 * public (published), or kept for the record but no longer current
 * (archived). Published and archived items are public and federate.
 */
export const WORKFLOW_STATUSES = ["draft", "submitted", "in_review", "published", "archived"] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

/** True for statuses whose items readers see and partners receive. */
export function isPublic(status: WorkflowStatus): boolean {
  return status === "published" || status === "archived";
}

/** Steps someone can take on an item's review, each recorded in its review history. */
export const REVIEW_ACTIONS = ["submit", "start", "changes", "publish", "archive", "restore", "unpublish", "comment"] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

const STAFF: Role[] = ["reviewer", "editor", "admin"];
const MANAGERS: Role[] = ["editor", "admin"];

/** Rules per action: the statuses it starts from, the status it leads to, and the roles that may take it besides the author. */
const TRANSITIONS: Record<ReviewAction, { from: WorkflowStatus[]; to: WorkflowStatus | null; roles: Role[]; author: boolean }> = {
  submit: { from: ["draft"], to: "submitted", roles: STAFF, author: true },
  start: { from: ["submitted"], to: "in_review", roles: STAFF, author: false },
  changes: { from: ["submitted", "in_review"], to: "draft", roles: STAFF, author: false },
  publish: { from: ["draft", "submitted", "in_review"], to: "published", roles: STAFF, author: false },
  archive: { from: ["published"], to: "archived", roles: MANAGERS, author: false },
  restore: { from: ["archived"], to: "published", roles: MANAGERS, author: false },
  unpublish: { from: ["published", "archived"], to: "draft", roles: MANAGERS, author: false },
  comment: { from: [...WORKFLOW_STATUSES], to: null, roles: STAFF, author: true },
};

/** Actions that need a comment, because the author must learn why. */
export const ACTIONS_NEEDING_COMMENT: ReviewAction[] = ["changes", "comment"];

/** Lists the actions a person may take on an item in this status; `isAuthor` when they wrote it. */
export function allowedActions(status: WorkflowStatus, role: Role, isAuthor: boolean): ReviewAction[] {
  return REVIEW_ACTIONS.filter((action) => {
    const rule = TRANSITIONS[action];
    return rule.from.includes(status) && (rule.roles.includes(role) || (rule.author && isAuthor));
  });
}

/** Returns the status an action leads to, which is unchanged for a comment. */
export function statusAfter(status: WorkflowStatus, action: ReviewAction): WorkflowStatus {
  return TRANSITIONS[action].to ?? status;
}

/** Returns the activity a status change calls for: none, Create, Update or Delete. */
export function federationChange(before: WorkflowStatus, after: WorkflowStatus): "none" | "create" | "update" | "delete" {
  if (!isPublic(before) && isPublic(after)) return "create";
  if (isPublic(before) && !isPublic(after)) return "delete";
  if (isPublic(before) && isPublic(after) && before !== after) return "update";
  return "none";
}

export const MAX_REVIEW_COMMENT_LENGTH = 5000;

/** A review action that cannot be taken; `code` names why, for a translated message. */
export class ReviewError extends Error {
  constructor(readonly code: "notAllowed" | "commentRequired" | "commentTooLong") {
    super(code);
  }
}

/**
 * Checks that a person may take an action on an item now, with the comment
 * it needs, and returns the status it leads to and the trimmed comment.
 * Throws ReviewError otherwise.
 */
export function checkReview(
  item: { local: boolean; deleted: string | null; status: WorkflowStatus; authorAccountId: number | null },
  action: ReviewAction,
  by: Account,
  comment: string,
): { status: WorkflowStatus; comment: string } {
  const isAuthor = item.authorAccountId === by.id;
  if (!item.local || item.deleted || !allowedActions(item.status, by.role, isAuthor).includes(action)) throw new ReviewError("notAllowed");
  const text = comment.trim();
  if (ACTIONS_NEEDING_COMMENT.includes(action) && !text) throw new ReviewError("commentRequired");
  if (text.length > MAX_REVIEW_COMMENT_LENGTH) throw new ReviewError("commentTooLong");
  return { status: statusAfter(item.status, action), comment: text };
}

/** Records a submission made from an editor form in the item's review history, as the review's submit step would. */
export async function recordSubmission(store: Store, itemIri: string, by: Account | null): Promise<void> {
  await store.reviews.add({ itemIri, accountId: by?.id ?? null, action: "submit", fromStatus: "draft", toStatus: "submitted", comment: "", created: new Date().toISOString() });
}
