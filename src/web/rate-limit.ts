/**
 * Token buckets keyed by whoever is asking: each key may spend `perMinute`
 * requests in a burst, and earns them back evenly over a minute.
 *
 * TODO: the buckets live in this process's memory, so a restart forgets them
 * and two processes would each allow the full rate; move them to the shared
 * store when Minga runs more than one process per instance.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; updated: number }>();
  readonly #refillPerMs: number;

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#refillPerMs = perMinute / 60_000;
  }

  /** Spends one request for `key`; returns 0 when allowed, or the seconds to wait before the next one is. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.perMinute, updated: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.updated) * this.#refillPerMs);
    bucket.updated = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      if (this.#buckets.size > 50_000) this.#forgetFull(now);
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#refillPerMs / 1000));
  }

  /** Drops buckets that have refilled completely, which are the same as no bucket, so memory stays bounded. */
  #forgetFull(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.updated) * this.#refillPerMs >= this.perMinute) this.#buckets.delete(key);
    }
  }
}
