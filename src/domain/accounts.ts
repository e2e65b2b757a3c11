import argon2 from "argon2";

import type { Account, Role, Store } from "../storage/types.ts";

export const USERNAME_PATTERN = /^[a-z0-9_]{1,30}$/;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_DISPLAY_NAME_LENGTH = 100;

const OPEN_REGISTRATION_KEY = "accounts.openRegistration";

export class AccountError extends Error {}

/** Reason a field of a new account was rejected. Each code is also an errors:… translation key. */
export type AccountFieldError =
  | "required"
  | "usernameInvalid"
  | "usernameReserved"
  | "usernameTaken"
  | "displayNameTooLong"
  | "passwordTooShort"
  | "confirmationMismatch";

export interface NewAccountInput {
  username: string;
  password: string;
  /** The password typed a second time. It is checked only when given, because forms ask for it and the command line does not. */
  confirmation?: string;
  displayName?: string;
}

export type NewAccountErrors = Partial<Record<keyof NewAccountInput, AccountFieldError>>;

/** Usernames are stored lower-case, so "Ana " and "ana" are one account. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/**
 * Checks a new account with the rules every way of creating one shares:
 * the command line, invitations and open registration. Returns the errors
 * by field name, empty when the account can be created.
 */
export async function checkNewAccount(store: Store, input: NewAccountInput, reservedHandles: string[]): Promise<NewAccountErrors> {
  const errors: NewAccountErrors = {};
  const username = normalizeUsername(input.username);
  if (!username) errors.username = "required";
  else if (!USERNAME_PATTERN.test(username)) errors.username = "usernameInvalid";
  else if (reservedHandles.includes(username)) errors.username = "usernameReserved";
  else if (await store.accounts.byUsername(username)) errors.username = "usernameTaken";
  if ((input.displayName ?? "").trim().length > MAX_DISPLAY_NAME_LENGTH) errors.displayName = "displayNameTooLong";
  if (input.password.length < MIN_PASSWORD_LENGTH) errors.password = "passwordTooShort";
  else if (input.confirmation !== undefined && input.confirmation !== input.password) errors.confirmation = "confirmationMismatch";
  return errors;
}

/** Stores an account that checkNewAccount accepted, with an argon2id password hash. */
export async function insertAccount(store: Store, input: NewAccountInput, role: Role): Promise<Account> {
  const username = normalizeUsername(input.username);
  const passwordHash = await hashPassword(input.password);
  return store.accounts.create({ username, displayName: input.displayName?.trim() || username, passwordHash, role, bio: "" });
}

export type RegistrationResult = { status: "created"; account: Account } | { status: "invalid"; errors: NewAccountErrors };

/** Creates a member account from the open registration form; the caller checks that registration is open. */
export async function registerMember(store: Store, input: NewAccountInput, reservedHandles: string[]): Promise<RegistrationResult> {
  const errors = await checkNewAccount(store, input, reservedHandles);
  if (Object.keys(errors).length > 0) return { status: "invalid", errors };
  return { status: "created", account: await insertAccount(store, input, "member") };
}

/** English messages for the command line, which has no translations. */
function describeError(field: keyof NewAccountInput, code: AccountFieldError, input: NewAccountInput): string {
  const username = normalizeUsername(input.username);
  switch (code) {
    case "required":
    case "usernameInvalid":
      return `Invalid username "${input.username}": use 1-30 lower-case letters, digits or "_"`;
    case "usernameReserved":
      return `Username "${username}" is reserved for the instance's own actors`;
    case "usernameTaken":
      return `Username "${username}" is already taken`;
    case "displayNameTooLong":
      return `Display name too long: use at most ${MAX_DISPLAY_NAME_LENGTH} characters`;
    case "passwordTooShort":
      return `Password too short: use at least ${MIN_PASSWORD_LENGTH} characters`;
    case "confirmationMismatch":
      return `The ${field} differs from the password`;
  }
}

/** Creates an account with an argon2id password hash; usernames are lower-case and never reuse an actor handle. */
export async function createAccount(
  store: Store,
  input: { username: string; password: string; role: Role; displayName?: string },
  reservedHandles: string[],
): Promise<Account> {
  const errors = await checkNewAccount(store, input, reservedHandles);
  const first = (Object.entries(errors) as [keyof NewAccountInput, AccountFieldError][])[0];
  if (first) throw new AccountError(describeError(first[0], first[1], input));
  return insertAccount(store, input, input.role);
}

/** Returns the account when the password matches, else null; unknown users cost a hash too so timing reveals nothing. */
export async function authenticate(store: Store, username: string, password: string): Promise<Account | null> {
  const account = await store.accounts.byUsername(normalizeUsername(username));
  if (!account) {
    await hashPassword(password);
    return null;
  }
  return (await argon2.verify(account.passwordHash, password)) ? account : null;
}

export type PasswordChangeError = "currentWrong" | "passwordTooShort" | "passwordMismatch";

/** Checks a new password typed twice and returns the field errors, if any. */
export function checkNewPassword(next: string, confirmation: string): Record<string, PasswordChangeError> {
  if (next.length < MIN_PASSWORD_LENGTH) return { next: "passwordTooShort" };
  if (next !== confirmation) return { confirmation: "passwordMismatch" };
  return {};
}

/** Changes an account's password after checking the current one; returns the field errors, if any. */
export async function changePassword(
  store: Store,
  account: Account,
  input: { current: string; next: string; confirmation: string },
): Promise<Record<string, PasswordChangeError>> {
  const errors: Record<string, PasswordChangeError> = {};
  if (!(await argon2.verify(account.passwordHash, input.current))) errors.current = "currentWrong";
  Object.assign(errors, checkNewPassword(input.next, input.confirmation));
  if (Object.keys(errors).length > 0) return errors;
  await setPassword(store, account.id, input.next);
  return {};
}

/** Replaces an account's password hash, without asking for the current password. */
export async function setPassword(store: Store, accountId: number, password: string): Promise<void> {
  await store.accounts.updatePassword(accountId, await hashPassword(password));
}

export type RoleChangeResult = "changed" | "notFound" | "lastAdmin";

/** Changes an account's role, unless that would leave the instance without an admin. */
export async function changeRole(store: Store, accountId: number, role: Role): Promise<RoleChangeResult> {
  if (!(await store.accounts.byId(accountId))) return "notFound";
  return (await store.accounts.updateRole(accountId, role)) ? "changed" : "lastAdmin";
}

/** Returns whether anyone may create a member account at /sign-up, which is off until an admin turns it on. */
export async function isRegistrationOpen(store: Store): Promise<boolean> {
  return (await store.settings.get(OPEN_REGISTRATION_KEY)) === "true";
}

export async function setRegistrationOpen(store: Store, open: boolean): Promise<void> {
  await store.settings.set(OPEN_REGISTRATION_KEY, open ? "true" : "false");
}
