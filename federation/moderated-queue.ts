import { AsyncLocalStorage } from "node:async_hooks";

import { SendActivityError, type MessageQueue, type MessageQueueEnqueueOptions, type MessageQueueListenOptions } from "@fedify/fedify";

import { logger } from "../src/logging.ts";

const log = logger("federation", "outbound");

/** The failure of the delivery being handled, set from Fedify's onOutboxError, which runs inside the handler's call. */
const currentAttempt = new AsyncLocalStorage<{ error: Error | null }>();

/** Records a delivery failure for the attempt under way; pass it as Fedify's `onOutboxError`. */
export function noteOutboxError(error: Error): void {
  const attempt = currentAttempt.getStore();
  if (attempt) attempt.error = error;
}

/** A short reason for a failed delivery, for the admin page: the HTTP status, or the network error's code. */
export function describeDeliveryError(error: Error): string {
  if (error instanceof SendActivityError) return `HTTP ${error.statusCode}`;
  // fetch wraps the network error, sometimes twice (an AggregateError for each address tried), so look down the causes for its code.
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const inner = current as { cause?: unknown; errors?: unknown[] };
    current = inner.cause ?? inner.errors?.[0];
  }
  return error.message.slice(0, 200);
}

/**
 * Wraps the outbox queue so that each delivery is checked against
 * moderation when it is about to go out, not only when it was queued: a
 * delivery queued before a domain was blocked, or retried after, is dropped
 * instead of sent. It also reports each attempt's outcome. Fedify has no
 * hook before or after each send, and the queue is the one place every
 * delivery passes.
 */
export class ModeratedOutboxQueue implements MessageQueue {
  readonly nativeRetrial?: boolean;

  constructor(
    private readonly inner: MessageQueue,
    private readonly permits: (inbox: string) => Promise<boolean>,
    /** Told the outcome of each delivery attempt, for delivery health. */
    private readonly observe: (inbox: string, error: Error | null) => Promise<void> = async () => {},
  ) {
    this.nativeRetrial = inner.nativeRetrial;
  }

  enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    return this.inner.enqueue(message, options);
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    if (this.inner.enqueueMany) return this.inner.enqueueMany(messages, options);
    for (const message of messages) await this.inner.enqueue(message, options);
  }

  listen(handler: (message: unknown) => Promise<void> | void, options?: MessageQueueListenOptions): Promise<void> {
    return this.inner.listen(async (message) => {
      const delivery = message as { type?: unknown; inbox?: unknown; activityType?: unknown };
      if (delivery?.type === "outbox" && typeof delivery.inbox === "string" && !(await this.permits(delivery.inbox))) {
        log.info("Dropped a queued {type} to {inbox}: its server is blocked or not on the allowlist", { type: delivery.activityType, inbox: delivery.inbox });
        return;
      }
      if (delivery?.type !== "outbox" || typeof delivery.inbox !== "string") return handler(message);
      const attempt = { error: null as Error | null };
      await currentAttempt.run(attempt, () => handler(message));
      await this.observe(delivery.inbox, attempt.error).catch((error) => log.error("Could not record a delivery outcome: {error}", { error }));
    }, options);
  }
}
