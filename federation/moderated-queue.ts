import type { MessageQueue, MessageQueueEnqueueOptions, MessageQueueListenOptions } from "@fedify/fedify";

import { logger } from "../src/logging.ts";

const log = logger("federation", "outbound");

/**
 * Wraps the outbox queue so that each delivery is checked against
 * moderation when it is about to go out, not only when it was queued: a
 * delivery queued before a domain was blocked, or retried after, is dropped
 * instead of sent. Fedify has no hook before each send, and the queue is
 * the one place every delivery passes.
 */
export class ModeratedOutboxQueue implements MessageQueue {
  readonly nativeRetrial?: boolean;

  constructor(
    private readonly inner: MessageQueue,
    private readonly permits: (inbox: string) => Promise<boolean>,
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
      await handler(message);
    }, options);
  }
}
