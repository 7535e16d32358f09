/**
 * Test helpers of the engagement features: gateway events as the relay queues them, fed to the
 * real EVENTS consumer with the real feature list.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import type { GatewayMessageCreateDispatchData, GatewayMessageReactionAddDispatchData } from 'discord-api-types/v10';
import { consumeEvents, type QueuedEvent } from '../../core/events';
import { Registry } from '../../core/registry';
import { snowflake } from '../../testing/snowflake';
import { features } from '../index';

export const registry = new Registry(features);

/** A guild message of `length` characters by `userId` at `at` (ms), with the member's roles. */
export function messageEvent(guildId: string, channelId: string, userId: string, opts: { at?: number; length?: number; roles?: string[]; joinedAt?: string } = {}): QueuedEvent {
  const id = snowflake(opts.at ?? Date.now());
  const payload = {
    id,
    channel_id: channelId,
    guild_id: guildId,
    content: 'x'.repeat(opts.length ?? 20),
    author: { id: userId, username: `u${userId.slice(-4)}`, discriminator: '0', global_name: null, avatar: null },
    member: { roles: opts.roles ?? [], joined_at: opts.joinedAt ?? '2025-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 },
    attachments: [],
    embeds: [],
    mentions: [],
    mention_roles: [],
    timestamp: new Date(opts.at ?? Date.now()).toISOString(),
  } as unknown as GatewayMessageCreateDispatchData;
  return { type: 'MESSAGE_CREATE', sourceId: id, guildId, payload, receivedAt: opts.at ?? Date.now() };
}

/** A reaction by `userId` on a message of `authorId`. */
export function reactionEvent(guildId: string, channelId: string, userId: string, authorId: string, emoji: string, at = Date.now()): QueuedEvent {
  const payload = { user_id: userId, channel_id: channelId, message_id: snowflake(at), guild_id: guildId, message_author_id: authorId, emoji: { id: null, name: emoji }, burst: false, type: 0, member: { roles: [], joined_at: '2025-01-01T00:00:00.000Z' } } as unknown as GatewayMessageReactionAddDispatchData;
  return { type: 'MESSAGE_REACTION_ADD', sourceId: `MESSAGE_REACTION_ADD:test:${snowflake(at)}`, guildId, payload, receivedAt: at };
}

/** Delivers events to the consumer, packed 25 to a queue message; resolves with the queue's verdict. */
export async function deliver(env: Env, events: QueuedEvent[]) {
  const messages = [];
  for (let i = 0; i < events.length; i += 25) messages.push({ id: `q${i}-${Math.random()}`, timestamp: new Date(), attempts: 1, body: { events: events.slice(i, i + 25) } });
  const batch = createMessageBatch('gatehouse-events', messages);
  const ctx = createExecutionContext();
  await consumeEvents(registry, batch as MessageBatch<unknown>, env, ctx);
  return getQueueResult(batch, ctx);
}
