import type { Account, PasswordReset, Store } from "../storage/types.ts";
import { checkNewPassword, setPassword, type PasswordChangeError } from "./accounts.ts";
import { hashToken, newToken } from "./tokens.ts";

/** How long a reset link works, in hours. */
export const RESET_HOURS = 24;

export type PasswordResetState = "open" | "used" | "expired";

export function passwordResetState(reset: PasswordReset, now = new Date()): PasswordResetState {
  if (reset.used) return "used";
  return reset.expires > now.toISOString() ? "open" : "expired";
}

/**
 * Issues a reset link for an account and cancels the account's earlier
 * unused links, so only the newest one works. The token is returned only
 * here, for the link shown to the admin once.
 */
export async function createPasswordReset(
  store: Store,
  account: Account,
  createdBy: number | null,
  now = new Date(),
): Promise<{ reset: PasswordReset; token: string }> {
  await store.passwordResets.removeUnused(account.id);
  const { token, tokenHash } = newToken();
  const reset = await store.passwordResets.create({
    tokenHash,
    accountId: account.id,
    createdBy,
    created: now.toISOString(),
    expires: new Date(now.getTime() + RESET_HOURS * 3_600_000).toISOString(),
    used: null,
  });
  return { reset, token };
}

/** Finds the reset link a token belongs to, whatever its state. */
export async function findPasswordReset(store: Store, token: string): Promise<PasswordReset | null> {
  const tokenHash = hashToken(token);
  return tokenHash ? store.passwordResets.byTokenHash(tokenHash) : null;
}

export type ResetResult =
  | { status: "changed"; account: Account }
  | { status: "invalid"; errors: Record<string, PasswordChangeError> }
  | { status: "gone" };

/** Sets the new password, uses up the link and signs the account out everywhere. */
export async function usePasswordReset(store: Store, reset: PasswordReset, input: { next: string; confirmation: string }): Promise<ResetResult> {
  const errors = checkNewPassword(input.next, input.confirmation);
  if (Object.keys(errors).length > 0) return { status: "invalid", errors };
  const account = await store.accounts.byId(reset.accountId);
  if (!account || !(await store.passwordResets.claim(reset.id, new Date().toISOString()))) return { status: "gone" };
  await setPassword(store, account.id, input.next);
  await store.sessions.removeForAccount(account.id);
  return { status: "changed", account };
}
