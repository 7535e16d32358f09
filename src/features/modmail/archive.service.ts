/**
 * The transcript archive: on close, every attachment not yet copied is copied (bounded),
 * the transcript document is built from the recorded entries alone, written to R2 as JSON
 * and indexed in D1 (`modmail_transcripts`), in that order, before anything is posted. The
 * bucket has no public access; the HTML goes to the staff-only log channel as a file.
 */
import { eq } from 'drizzle-orm';
import type { BaseContext } from '../../core/context';
import { archiveAttachments, attachmentRef, ticketAttachments, ticketPrefix, type AttachmentLimits } from './attachments';
import { modmailTranscripts, type ModmailAttachmentRow } from './ops.schema';
import { modmailCategories, type EntryAttachment, type EntryRow, type TicketRow } from './schema';
import { listEntries } from './transcript';
import { transcriptJson, type TranscriptAttachment, type TranscriptDoc } from './transcript-doc';

/** The R2 key of a ticket's transcript JSON. */
export function transcriptKey(guildId: string, ticketId: number): string {
  return `${ticketPrefix(guildId, ticketId)}transcript.json`;
}

/** Copies the attachments of `entries` that have no archive row yet (the relay usually copied them already). */
export async function archiveEntryAttachments(ctx: BaseContext, ticket: TicketRow, entries: EntryRow[], limits: AttachmentLimits): Promise<Map<string, ModmailAttachmentRow>> {
  const known = await ticketAttachments(ctx.db, ticket.id);
  const missing = entries.flatMap((e) => e.attachments).filter((a) => !known.has(a.id));
  if (missing.length > 0) {
    const rows = await archiveAttachments({ db: ctx.db, bucket: ctx.env.MODMAIL_ARCHIVE }, ticket.guildId, ticket.id, missing.map(attachmentRef), limits);
    for (const row of rows) known.set(row.attachmentId, row);
  }
  return known;
}

/** Display names of the authors (one REST read each); an id Discord cannot resolve has none. */
async function authorNames(ctx: BaseContext, ids: Set<string>): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  await Promise.all(
    [...ids].map(async (id) => {
      try {
        const user = await ctx.discord.users.get(id);
        out.set(id, user.global_name ?? user.username);
      } catch (error) {
        console.warn(JSON.stringify({ msg: 'modmail: author name lookup failed', userId: id, error: String(error) }));
        out.set(id, null);
      }
    }),
  );
  return out;
}

/** The transcript of a closed ticket, from its entries and their archived attachments. */
export function buildTranscript(
  ticket: TicketRow,
  entries: EntryRow[],
  attachments: Map<string, ModmailAttachmentRow>,
  names: Map<string, string | null>,
  category: string | null,
): TranscriptDoc {
  const attachment = (a: EntryAttachment): TranscriptAttachment => {
    const row = attachments.get(a.id);
    return { filename: a.filename, size: a.size, contentType: a.contentType ?? null, status: row?.status ?? 'failed', key: row?.r2Key ?? null };
  };
  return {
    version: 1,
    ticket: {
      id: String(ticket.id),
      guildId: ticket.guildId,
      memberId: ticket.memberId,
      memberName: names.get(ticket.memberId) ?? null,
      category,
      openedAt: ticket.openedAt,
      closedAt: ticket.closedAt ?? 0,
      closedBy: ticket.closedBy,
      closeReason: ticket.closeReason,
    },
    entries: entries.map((e) => ({
      seq: e.seq,
      kind: e.kind,
      at: e.createdAt,
      authorId: e.authorId,
      authorName: names.get(e.authorId) ?? null,
      anonymous: e.anonymous,
      content: e.content,
      attachments: e.attachments.map(attachment),
    })),
  };
}

/**
 * Builds a closed ticket's transcript, writes it to R2 and indexes it (replacing the index
 * row of an earlier close of the same ticket). Returns the document and its JSON.
 */
export async function storeTranscript(ctx: BaseContext, ticket: TicketRow, limits: AttachmentLimits): Promise<{ doc: TranscriptDoc; json: string }> {
  const entries = await listEntries(ctx.db, ticket.id);
  const [attachments, category] = await Promise.all([
    archiveEntryAttachments(ctx, ticket, entries, limits),
    ticket.categoryId === null
      ? Promise.resolve(null)
      : ctx.db.select({ name: modmailCategories.name }).from(modmailCategories).where(eq(modmailCategories.id, ticket.categoryId)).then((r) => r[0]?.name ?? null),
  ]);
  const names = await authorNames(ctx, new Set([ticket.memberId, ...entries.map((e) => e.authorId)]));
  const doc = buildTranscript(ticket, entries, attachments, names, category);
  const json = transcriptJson(doc);
  const key = transcriptKey(ticket.guildId, ticket.id);
  await ctx.env.MODMAIL_ARCHIVE.put(key, json, { httpMetadata: { contentType: 'application/json' }, customMetadata: { guildId: ticket.guildId, ticketId: String(ticket.id) } });
  const row = { ticketId: ticket.id, guildId: ticket.guildId, userId: ticket.memberId, r2Key: key, entries: entries.length, bytes: json.length, logChannelId: null, logMessageId: null, closedAt: doc.ticket.closedAt };
  await ctx.db.insert(modmailTranscripts).values(row).onConflictDoUpdate({ target: modmailTranscripts.ticketId, set: { ...row } });
  return { doc, json };
}

/** Remembers the log message that carries the HTML. */
export async function setTranscriptLog(ctx: BaseContext, ticketId: number, channelId: string, messageId: string): Promise<void> {
  await ctx.db.update(modmailTranscripts).set({ logChannelId: channelId, logMessageId: messageId }).where(eq(modmailTranscripts.ticketId, ticketId));
}

/** A stored transcript, read back from R2 (staff tools and tests); null when there is none. */
export async function readTranscript(env: Env, guildId: string, ticketId: number): Promise<TranscriptDoc | null> {
  const obj = await env.MODMAIL_ARCHIVE.get(transcriptKey(guildId, ticketId));
  return obj ? ((await obj.json()) as TranscriptDoc) : null;
}
