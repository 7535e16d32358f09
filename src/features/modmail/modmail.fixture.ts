/**
 * A modmail world for tests: a guild (guild-world's staff and people) with a `modmail` text
 * channel and a `tickets` forum, the `modmail` purpose set, and helpers to read tickets and
 * their transcripts.
 */
import { ChannelType, type APIUser } from 'discord-api-types/v10';
import { eq } from 'drizzle-orm';
import { GuildConfig } from '../../core/guild-config.repo';
import { getDb } from '../../db/client';
import { guildWorld, type GuildWorld, type Person } from '../../testing/guild-world';
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
