/**
 * The transcript, written as it happens: every message in either direction, every internal
 * note, every staff action and every undelivered reply is one `modmail_entries` row, recorded
 * through `recordEntry` at the moment it happens, so the transcript is complete by
 * construction and never read back from Discord.
 *
 * Guarantees:
 * - `seq` is allocated by the insert itself (`max(seq) + 1` of the ticket in the same
 *   statement), so concurrent writers never read-then-write and entries are totally ordered.
 * - `sourceId` (the Discord message or interaction id it came from) is unique per ticket: a
 *   repeated write (an event delivered twice, a retried press) returns the first entry.
 * - Extra statements (`also`, e.g. the ticket's `last_member_message_at`) land in the same
 *   `db.batch` as the entry, or not at all; their results come back in `also` (a read may ride
 *   along, saving a round trip).
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../db/client';
import { modmailEntries, type EntryAttachment, type EntryKind, type EntryRow } from './schema';

/** What an entry is made of; `createdAt` defaults to now. */
export interface NewEntry {
  ticketId: number;
  kind: EntryKind;
  authorId: string;
  content: string;
  /** Deduplication key: the message or interaction id, or `<action>:<interaction id>`. */
  sourceId: string;
  anonymous?: boolean;
  attachments?: EntryAttachment[];
  dmMessageId?: string | null;
  threadMessageId?: string | null;
  action?: string | null;
  createdAt?: number;
}

/** Longest content an entry keeps (a Discord message is at most 4,000 characters with Nitro). */
export const ENTRY_CONTENT_MAX = 8000;

/**
 * Records one entry (and `also`, in the same batch). Idempotent on `(ticketId, sourceId)`:
 * a repeat changes nothing and returns the entry first written.
 * @returns the entry, and whether this call wrote it
 */
export async function recordEntry(db: Db, entry: NewEntry, ...also: BatchItem<'sqlite'>[]): Promise<{ entry: EntryRow; created: boolean; also: unknown[] }> {
  const insert = db
    .insert(modmailEntries)
    .values({
      ticketId: entry.ticketId,
      seq: sql`(SELECT coalesce(max(${modmailEntries.seq}), 0) + 1 FROM ${modmailEntries} WHERE ${modmailEntries.ticketId} = ${entry.ticketId})`,
      kind: entry.kind,
      authorId: entry.authorId,
      anonymous: entry.anonymous ?? false,
      content: entry.content.slice(0, ENTRY_CONTENT_MAX),
      attachments: entry.attachments ?? [],
      sourceId: entry.sourceId,
      dmMessageId: entry.dmMessageId ?? null,
      threadMessageId: entry.threadMessageId ?? null,
      action: entry.action ?? null,
      createdAt: entry.createdAt ?? Date.now(),
    })
    .onConflictDoNothing({ target: [modmailEntries.ticketId, modmailEntries.sourceId] })
    .returning();
  const [rows, ...results] = (await db.batch([insert, ...also] as [typeof insert, ...BatchItem<'sqlite'>[]])) as [EntryRow[], ...unknown[]];
  if (rows[0]) return { entry: rows[0], created: true, also: results };
  const existing = await entryBySource(db, entry.ticketId, entry.sourceId);
  if (!existing) throw new Error(`modmail: entry ${entry.ticketId}/${entry.sourceId} neither written nor found`);
  return { entry: existing, created: false, also: results };
}

/** Records a staff action (`claim`, `transfer`, `priority`, `subscribe`, `close`, …) with a readable line. */
export function recordAction(
  db: Db,
  input: { ticketId: number; actorId: string; action: string; content: string; sourceId: string; createdAt?: number },
  ...also: BatchItem<'sqlite'>[]
): Promise<{ entry: EntryRow; created: boolean }> {
  return recordEntry(
    db,
    { ticketId: input.ticketId, kind: 'action', authorId: input.actorId, action: input.action, content: input.content, sourceId: input.sourceId, createdAt: input.createdAt },
    ...also,
  );
}

/** The entry written for a source, if any. */
export async function entryBySource(db: Db, ticketId: number, sourceId: string): Promise<EntryRow | undefined> {
  const [row] = await db
    .select()
    .from(modmailEntries)
    .where(and(eq(modmailEntries.ticketId, ticketId), eq(modmailEntries.sourceId, sourceId)))
    .limit(1);
  return row;
}

/** The entry whose staff-thread message is `threadMessageId` (the Reply button, "Send to member"). */
export async function entryByThreadMessage(db: Db, ticketId: number, threadMessageId: string): Promise<EntryRow | undefined> {
  const [row] = await db
    .select()
    .from(modmailEntries)
    .where(and(eq(modmailEntries.ticketId, ticketId), eq(modmailEntries.threadMessageId, threadMessageId)))
    .limit(1);
  return row;
}

/** Links an entry to the Discord messages it became (after the post: the entry was written first). */
export async function setEntryMessages(db: Db, entryId: number, ids: { dmMessageId?: string; threadMessageId?: string }): Promise<void> {
  const set: Partial<Pick<EntryRow, 'dmMessageId' | 'threadMessageId'>> = {};
  if (ids.dmMessageId) set.dmMessageId = ids.dmMessageId;
  if (ids.threadMessageId) set.threadMessageId = ids.threadMessageId;
  if (Object.keys(set).length === 0) return;
  await db.update(modmailEntries).set(set).where(eq(modmailEntries.id, entryId));
}

/**
 * Turns a `message_out` entry into `undelivered` (Discord refused the DM: 50007, or the member
 * left every shared server): the reply stays in the transcript, marked as never received.
 */
export async function markUndelivered(db: Db, entryId: number): Promise<void> {
  await db
    .update(modmailEntries)
    .set({ kind: 'undelivered' })
    .where(and(eq(modmailEntries.id, entryId), eq(modmailEntries.kind, 'message_out')));
}

/** A ticket's transcript in order. */
export function listEntries(db: Db, ticketId: number): Promise<EntryRow[]> {
  return db.select().from(modmailEntries).where(eq(modmailEntries.ticketId, ticketId)).orderBy(asc(modmailEntries.seq));
}
