/**
 * Slows and then stops repeated failed sign-ins, counted per account and
 * per client address over a sliding window. Counts live in memory, which
 * fits the single web process an instance runs today.
 * TODO: keep the counts in the store once several web processes share one database.
 */
export interface ThrottleOptions {
  /** How long failures are remembered, in milliseconds. */
  windowMs: number;
  /** Failures allowed before each further failed attempt is delayed. */
  slowAfter: number;
  /** Failures per account, and per address, after which sign-in is refused. */
  lockAfterPerAccount: number;
  lockAfterPerAddress: number;
  /** How long a refusal lasts, in milliseconds. */
  lockMs: number;
  /** Largest delay added to a failed attempt, in milliseconds. */
  maxDelayMs: number;
  now: () => number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  windowMs: 15 * 60_000,
  slowAfter: 5,
  lockAfterPerAccount: 10,
  lockAfterPerAddress: 50,
  lockMs: 15 * 60_000,
  maxDelayMs: 2_000,
  now: Date.now,
};

interface Entry {
  failures: number[];
  lockedUntil: number;
}

/** Counts "Ana " and "ana" as one account, as sign-in does. */
function normalize(username: string): string {
  return username.trim().toLowerCase();
}

export class SignInThrottle {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly options: ThrottleOptions = DEFAULT_THROTTLE) {}

  #entry(key: string): Entry {
    const now = this.options.now();
    const entry = this.#entries.get(key) ?? { failures: [], lockedUntil: 0 };
    entry.failures = entry.failures.filter((time) => now - time < this.options.windowMs);
    this.#entries.set(key, entry);
    return entry;
  }

  /** Seconds until sign-in is allowed again for this account or address, or 0 when it is allowed now. */
  lockedFor(username: string, address: string): number {
    const now = this.options.now();
    const until = Math.max(this.#entry(`account:${normalize(username)}`).lockedUntil, this.#entry(`address:${address}`).lockedUntil);
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** Records a failure. Returns how long to wait before responding, and whether this failure started a lock. */
  recordFailure(username: string, address: string): { delayMs: number; locked: boolean } {
    const now = this.options.now();
    let locked = false;
    let worst = 0;
    const limits: [string, number][] = [
      [`account:${normalize(username)}`, this.options.lockAfterPerAccount],
      [`address:${address}`, this.options.lockAfterPerAddress],
    ];
    for (const [key, limit] of limits) {
      const entry = this.#entry(key);
      entry.failures.push(now);
      worst = Math.max(worst, entry.failures.length);
      if (entry.failures.length >= limit && entry.lockedUntil <= now) {
        entry.lockedUntil = now + this.options.lockMs;
        locked = true;
      }
    }
    const excess = worst - this.options.slowAfter;
    const delayMs = excess > 0 ? Math.min(this.options.maxDelayMs, 250 * 2 ** (excess - 1)) : 0;
    return { delayMs, locked };
  }

  /** Forgets an account's failures after it signs in. */
  recordSuccess(username: string): void {
    this.#entries.delete(`account:${normalize(username)}`);
  }
}
