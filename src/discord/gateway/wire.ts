/**
 * The EVENTS queue's wire format, shared by its producer (the relay) and its consumer
 * (`src/core/events.ts`, which validates it with zod before trusting it). Free of imports, so
 * the relay does not depend on the platform.
 */

/** A gateway event as the relay queues it. */
export interface QueuedEvent {
  /** Gateway dispatch type, e.g. `GUILD_MEMBER_ADD`. */
  type: string;
  /** Deterministic id: redelivery of the same event carries the same one. */
  sourceId: string;
  guildId: string | null;
  /** The dispatch's `d`, whole: handlers that need message content read it here, in memory. */
  payload: unknown;
  /** When the relay received it (ms since epoch). */
  receivedAt?: number;
}

/**
 * Several events in one queue message. The relay packs what its outbox holds (a burst) into
 * messages of up to {@link EVENTS_PER_MESSAGE} events, so a burst costs the queue a message per
 * pack instead of one per event; a quiet gateway still sends one event per message.
 * `priorAttempts` counts the deliveries the events had before they were re-packed for a retry.
 */
export interface PackedEvents {
  events: QueuedEvent[];
  priorAttempts?: number;
}

/** Most events one queue message carries (the relay packs up to this many). */
export const EVENTS_PER_MESSAGE = 25;
