import crypto from "node:crypto";

/** 32 random bytes in base64url, as newToken() makes them. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Makes the secret of an invitation or password reset link. The link
 * carries the token; the store keeps only its SHA-256 hash, so a copy of
 * the database does not give working links.
 */
export function newToken(): { token: string; tokenHash: string } {
  const token = crypto.randomBytes(32).toString("base64url");
  return { token, tokenHash: hashToken(token)! };
}

/** Returns the hex SHA-256 of a token, or null when the text cannot be a token newToken() made. */
export function hashToken(token: string): string | null {
  if (!TOKEN_PATTERN.test(token)) return null;
  return crypto.createHash("sha256").update(token).digest("hex");
}
