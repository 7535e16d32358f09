/**
 * A modmail world for tests: a guild (guild-world's staff and people) with a `modmail` text
 * channel and a `tickets` forum, the `modmail` purpose set, and helpers to read tickets and
 * their transcripts.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { ChannelType, type APIUser, type GatewayMessageCreateDispatchData } from 'discord-api-types/v10';
import worker from '../../../workers/bot/index';
import type { QueuedEvent } from '../../core/events';
import { createDiscord } from '../../discord';
import { eq } from 'drizzle-orm';
import { GuildConfig } from '../../core/guild-config.repo';
import { getDb } from '../../db/client';
import { guildWorld, type GuildWorld, type Person } from '../../testing/guild-world';
import { inboxObject } from './objects';
import { modmailTickets, type TicketRow } from './schema';
import type { TicketMember } from './ticket.types';
import { listEntries } from './transcript';

/** The world plus modmail's channels. */
export interface ModmailWorld extends GuildWorld {
  modmailChannelId: string;
  forumId: string;
  tickets(): Promise<TicketRow[]>;
  transcript(ticketId: number): ReturnType<typeof listEntries>;
}

/** A member as an open request names them. */
export function asTicketMember(user: APIUser): TicketMember {
  return { id: user.id, username: user.username, globalName: user.global_name ?? null, avatar: user.avatar ?? null };
}

/** Builds the world; `forum: true` points the `modmail` purpose at the forum instead. */
export async function modmailWorld(options: { forum?: boolean } = {}): Promise<ModmailWorld> {
  const w = await guildWorld();
  const modmail = await w.fake.addChannel(w.g.guildId, { name: 'modmail' });
  const forum = await w.fake.addChannel(w.g.guildId, { name: 'tickets', type: ChannelType.GuildForum });
  const db = getDb(w.env);
  await new GuildConfig(db, w.g.guildId).setChannel(w.g.ownerId, 'modmail', options.forum ? forum.id : modmail.id);
  return {
    ...w,
    modmailChannelId: modmail.id,
    forumId: forum.id,
    tickets: () => db.select().from(modmailTickets).where(eq(modmailTickets.guildId, w.g.guildId)),
    transcript: (ticketId) => listEntries(db, ticketId),
  };
}

export type { Person };

// ------------------------------------------------------------------------- gateway DMs


/** The DM channel between the bot and `userId` on the fake. */
export async function dmChannelOf(env: Env, userId: string): Promise<string> {
  return (await createDiscord(env).users.openDm(userId)).id;
}

/**
 * A DM the user sent at `at`: written in the fake's DM channel (as Discord has it), and its
 * `MESSAGE_CREATE` as the relay queues it (`extra` fields, e.g. attachments, go in the event).
 */
export async function dmEvent(
  fake: ModmailWorld['fake'],
  user: APIUser,
  channelId: string,
  content: string,
  extra: Partial<GatewayMessageCreateDispatchData> = {},
  at = Date.now(),
): Promise<QueuedEvent> {
  const message = await fake.seedMessage(channelId, { authorId: user.id, content, timestamp: at });
  const payload = { ...message, author: user, ...extra } as unknown as GatewayMessageCreateDispatchData;
  return { type: 'MESSAGE_CREATE', sourceId: message.id, guildId: null, payload, receivedAt: at };
}

/** Delivers events as one queue batch (one message each); resolves with what was acked and retried. */
export async function deliver(env: Env, events: QueuedEvent[]): Promise<{ acked: string[]; retried: string[] }> {
  const batch = createMessageBatch<QueuedEvent>(
    'gatehouse-events',
    events.map((body, i) => ({ id: `m-${body.sourceId}-${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  // The inbox answers once a DM is stored and drains on its own: wait for the DM authors' drains.
  const dmAuthors = new Set(events.flatMap((e) => (e.type === 'MESSAGE_CREATE' && !(e.payload as { guild_id?: string }).guild_id ? [(e.payload as { author: { id: string } }).author.id] : [])));
  await Promise.all([...dmAuthors].map((id) => inboxObject(env, id).idle()));
  return { acked: result.explicitAcks, retried: result.retryMessages.map((m: { msgId: string }) => m.msgId) };
}