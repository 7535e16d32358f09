/**
 * The EVENTS queue consumer's dispatch: each queued gateway event goes to the handlers
 * registered for its type. Messages are acked or retried one by one, so one failing event
 * never holds back the rest of its batch.
 */
import { lazyServices } from './interaction-context';
import type { Registry } from './registry';

/** A gateway event as the relay queues it. */
export interface QueuedEvent {
  /** Gateway dispatch type, e.g. `GUILD_MEMBER_ADD`. */
  type: string;
  /** Deterministic id: redelivery of the same event carries the same one. */
  sourceId: string;
  guildId: string | null;
  payload: unknown;
}

/** Delay before the n-th retry (seconds): 5, 10, 20, … capped at 5 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));
}

/** Runs the handlers of one event. Throws when any handler failed. */
export async function dispatchEvent(registry: Registry, event: QueuedEvent, env: Env, ctx: ExecutionContext): Promise<void> {
  const handlers = registry.events.get(event.type) ?? [];
  const services = lazyServices({ env, registry, waitUntil: (p) => ctx.waitUntil(p) });
  for (const { feature, def } of handlers) {
    try {
      await def.handler({ ...services, sourceId: event.sourceId, guildId: event.guildId }, event.payload);
    } catch (error) {
      console.error(
        JSON.stringify({ msg: 'event handler failed', handler: `${feature.name}.${def.name}`, sourceId: event.sourceId, error: String(error) }),
      );
      throw error;
    }
  }
}

/** Consumes a batch: ack what succeeded, retry what failed with backoff. */
export async function consumeEvents(registry: Registry, batch: MessageBatch<QueuedEvent>, env: Env, ctx: ExecutionContext): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        await dispatchEvent(registry, message.body, env, ctx);
        message.ack();
      } catch {
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }),
  );
}
