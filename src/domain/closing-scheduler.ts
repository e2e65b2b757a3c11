import { logger } from "../logging.ts";
import type { ConsultationService } from "./consultation-service.ts";

const log = logger("domain", "closing-scheduler");

/**
 * Announces consultation closings without waiting for a reader: checks once
 * at start, then every `intervalMs` milliseconds, so followers learn of a
 * closing at most one interval after it. Checks never overlap, since the
 * next one is scheduled only when the previous one has finished.
 */
export class ClosingScheduler {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> | null = null;
  #stopped = true;

  constructor(
    private readonly consultations: ConsultationService,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#run();
  }

  /** Runs one check now; returns how many closings it announced. Errors are logged, and the next check tries again. */
  async check(now = new Date()): Promise<number> {
    try {
      const announced = await this.consultations.announceDueClosings(now);
      if (announced > 0) log.info("Announced {count} consultation closings", { count: announced });
      return announced;
    } catch (error) {
      log.error("Failed to announce due consultation closings: {error}", { error });
      return 0;
    }
  }

  /** Cancels the next check and waits for a running one to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  #run(): void {
    this.#running = this.check().finally(() => {
      this.#running = null;
      if (!this.#stopped) this.#timer = setTimeout(() => this.#run(), this.intervalMs);
    });
  }
}
