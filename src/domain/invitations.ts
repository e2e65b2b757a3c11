import type { Account, Invitation, Role, Store } from "../storage/types.ts";
import { checkNewAccount, insertAccount, type NewAccountErrors, type NewAccountInput } from "./accounts.ts";
import { hashToken, newToken } from "./tokens.ts";

/** How long an admin may make an invitation last, in days. */
export const INVITATION_DAYS = [1, 3, 7, 14, 30];
export const DEFAULT_INVITATION_DAYS = 7;

export type InvitationState = "open" | "used" | "revoked" | "expired";

export function invitationState(invitation: Invitation, now = new Date()): InvitationState {
  if (invitation.used) return "used";
  if (invitation.revoked) return "revoked";
  return invitation.expires > now.toISOString() ? "open" : "expired";
}

/** Issues an invitation. The token is returned only here, for the link shown to the admin once. */
export async function createInvitation(
  store: Store,
  input: { role: Role; days: number; createdBy: number | null },
  now = new Date(),
): Promise<{ invitation: Invitation; token: string }> {
  const { token, tokenHash } = newToken();
  const invitation = await store.invitations.create({
    tokenHash,
    role: input.role,
    createdBy: input.createdBy,
    created: now.toISOString(),
    expires: new Date(now.getTime() + input.days * 86_400_000).toISOString(),
    used: null,
    revoked: null,
  });
  return { invitation, token };
}

/** Finds the invitation a link's token belongs to, whatever its state. */
export async function findInvitation(store: Store, token: string): Promise<Invitation | null> {
  const tokenHash = hashToken(token);
  return tokenHash ? store.invitations.byTokenHash(tokenHash) : null;
}

export type AcceptResult = { status: "created"; account: Account } | { status: "invalid"; errors: NewAccountErrors } | { status: "gone" };

/**
 * Creates the invited account and uses up the invitation. The invitation is
 * claimed before the account is created, so two people sending the same
 * link at once get one account between them.
 */
export async function acceptInvitation(store: Store, invitation: Invitation, input: NewAccountInput, reservedHandles: string[]): Promise<AcceptResult> {
  const errors = await checkNewAccount(store, input, reservedHandles);
  if (Object.keys(errors).length > 0) return { status: "invalid", errors };
  if (!(await store.invitations.claim(invitation.id, new Date().toISOString()))) return { status: "gone" };
  try {
    return { status: "created", account: await insertAccount(store, input, invitation.role) };
  } catch (error) {
    // Another request may have taken the username between the check and the insert, so the invitation stays usable.
    await store.invitations.release(invitation.id);
    throw error;
  }
}

export async function revokeInvitation(store: Store, id: number): Promise<boolean> {
  return store.invitations.revoke(id, new Date().toISOString());
}
