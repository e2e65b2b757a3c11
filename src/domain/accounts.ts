import argon2 from "argon2";

import type { Account, Role, Store } from "../storage/types.ts";

export const USERNAME_PATTERN = /^[a-z0-9_]{1,30}$/;
export const MIN_PASSWORD_LENGTH = 10;

export class AccountError extends Error {}

/** Creates an account with an argon2id password hash; usernames are lower-case and never reuse an actor handle. */
export async function createAccount(
  store: Store,
  input: { username: string; password: string; role: Role; displayName?: string },
  reservedHandles: string[],
): Promise<Account> {
  const username = input.username.trim().toLowerCase();
  if (!USERNAME_PATTERN.test(username)) throw new AccountError(`Invalid username "${input.username}": use 1-30 lower-case letters, digits or "_"`);
  if (reservedHandles.includes(username)) throw new AccountError(`Username "${username}" is reserved for the instance's own actors`);
  if (input.password.length < MIN_PASSWORD_LENGTH) throw new AccountError(`Password too short: use at least ${MIN_PASSWORD_LENGTH} characters`);
  if (await store.accounts.byUsername(username)) throw new AccountError(`Username "${username}" is already taken`);
  const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
  return store.accounts.create({ username, displayName: input.displayName?.trim() || username, passwordHash, role: input.role, bio: "" });
}

/** Returns the account when the password matches, else null; unknown users cost a hash too so timing reveals nothing. */
export async function authenticate(store: Store, username: string, password: string): Promise<Account | null> {
  const account = await store.accounts.byUsername(username.trim().toLowerCase());
  if (!account) {
    await argon2.hash(password, { type: argon2.argon2id });
    return null;
  }
  return (await argon2.verify(account.passwordHash, password)) ? account : null;
}

export type PasswordChangeError = "currentWrong" | "passwordTooShort" | "passwordMismatch";

/** Changes an account's password after checking the current one; returns the field errors, if any. */
export async function changePassword(
  store: Store,
  account: Account,
  input: { current: string; next: string; confirmation: string },
): Promise<Record<string, PasswordChangeError>> {
  const errors: Record<string, PasswordChangeError> = {};
  if (!(await argon2.verify(account.passwordHash, input.current))) errors.current = "currentWrong";
  if (input.next.length < MIN_PASSWORD_LENGTH) errors.next = "passwordTooShort";
  else if (input.next !== input.confirmation) errors.confirmation = "passwordMismatch";
  if (Object.keys(errors).length > 0) return errors;
  await store.accounts.updatePassword(account.id, await argon2.hash(input.next, { type: argon2.argon2id }));
  return {};
}
