/**
 * What crosses the ticket Durable Object's RPC boundary: plain, structured-clonable data (an
 * error class does not survive RPC, so refusals are values).
 */
import type { EntryAttachment, OpenedVia, TicketRow } from './schema';

/** One answered question of a category's modal. */
export interface TicketAnswer {
  question: string;
  answer: string;
}

/** The member as the card and relayed messages show them. */
export interface TicketMember {
  id: string;
  username: string;
  globalName: string | null;
  avatar: string | null;
}

/** A request to open (or find) the ticket of one guild and member. */
export interface OpenRequest {
  guildId: string;
  member: TicketMember;
  via: OpenedVia;
  /** Who asked: the member, or the staff member of `/modmail contact`. */
  openedBy: string;
  categoryId?: number | null;
  subject?: string | null;
  /** The modal's answers (panel) or the member's first words; recorded as the first `message_in`. */
  answers?: TicketAnswer[];
  /** The interaction or message the request came from (deduplicates the first entry). */
  sourceId: string;
}

/** Why an open was refused (blocked, too young, too busy, no channel…): the text is for the member. */
export interface Refusal {
  code: string;
  message: string;
}

/** What `open` answers. */
export type OpenOutcome = { ok: true; ticket: TicketRow; created: boolean } | { ok: false; refusal: Refusal };

/** A timer of one ticket object, fired by its alarm (see `ops-hooks.ts`). */
export interface TicketTimer {
  /** One timer per kind per object: `close`, `stale`, `autoclose`, … (modmail-ops' names). */
  kind: string;
  /** When it fires (ms since epoch). */
  when: number;
  guildId: string;
  memberId: string;
  ticketId: number;
  data?: unknown;
}

/** A member's DM to the bot, as the relay delivered it. */
export interface InboundDm {
  messageId: string;
  channelId: string;
  author: TicketMember;
  content: string;
  attachments: EntryAttachment[];
  /** ms since epoch (from the snowflake). */
  sentAt: number;
}

/** What the inbox did with a gateway DM: stored for its drain (`accepted`), or seen before. */
export type DmOutcome = 'accepted' | 'duplicate';
