/**
 * The transcript document: what is stored as JSON in R2 when a ticket closes, indexed in D1
 * (`modmail_transcripts`) and rendered as HTML for the log channel. Built only from the
 * ticket's recorded entries (never by reading the thread back), so it is complete by
 * construction and the same conversation always gives the same document.
 */

/** Entry kinds, as the ticket's recorder writes them. */
export type TranscriptEntryKind = 'message_in' | 'message_out' | 'note' | 'action' | 'undelivered';

/** Where an attachment's bytes are: copied to R2, or why not. */
export type AttachmentStatus = 'stored' | 'too_large' | 'over_ticket_limit' | 'failed';

/** One attachment of an entry. */
export interface TranscriptAttachment {
  filename: string;
  size: number;
  contentType: string | null;
  status: AttachmentStatus;
  /** The R2 key of the copy (status `stored`), never a public URL. */
  key: string | null;
}

/** One line of the conversation. */
export interface TranscriptEntry {
  seq: number;
  kind: TranscriptEntryKind;
  /** ms since epoch. */
  at: number;
  authorId: string;
  /** The author's name as recorded then (staff names are kept even for anonymous replies). */
  authorName: string | null;
  /** A staff reply shown to the member as the staff team. */
  anonymous: boolean;
  content: string;
  attachments: TranscriptAttachment[];
}

/** The whole transcript of one ticket. */
export interface TranscriptDoc {
  version: 1;
  ticket: {
    id: string;
    guildId: string;
    memberId: string;
    memberName: string | null;
    category: string | null;
    openedAt: number;
    closedAt: number;
    closedBy: string | null;
    closeReason: string | null;
  };
  entries: TranscriptEntry[];
}

/** Stable JSON of a document: what is written to R2 and compared in tests. */
export function transcriptJson(doc: TranscriptDoc): string {
  return JSON.stringify(doc, null, 2);
}
