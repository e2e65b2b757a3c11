/** Paths of invitation and password reset links, whose last segment is a secret token. */
const TOKEN_PATH = /^\/(invitations|reset)\/[^/]+/;

/** Returns a request path that is safe to log, with the token of an invitation or reset link replaced by "[token]". */
export function loggablePath(path: string): string {
  return path.replace(TOKEN_PATH, "/$1/[token]");
}
