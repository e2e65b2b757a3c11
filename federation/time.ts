import { Temporal as Polyfill } from "@js-temporal/polyfill";

/**
 * Converts an ISO 8601 timestamp for Fedify. Fedify runs on the polyfill at
 * run time but types its fields with TypeScript's built-in Temporal, whose
 * declarations differ slightly, hence the cast.
 */
export function toInstant(iso: string): Temporal.Instant {
  return Polyfill.Instant.from(iso) as unknown as Temporal.Instant;
}

export function nowInstant(): Temporal.Instant {
  return Polyfill.Now.instant() as unknown as Temporal.Instant;
}
