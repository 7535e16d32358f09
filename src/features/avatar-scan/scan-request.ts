/**
 * The SCANS queue message. Producers: the gate (on application submit), the member-join
 * event and `/scan user`; the consumer is the scanner Worker (`workers/scanner/`). It never
 * carries a secret: a message may end in the dead-letter queue, where anyone with queue
 * access reads it, so `/scan user` queues the id of its stored reply, not its token.
 */
import * as z from 'zod';

const snowflake = z.string().regex(/^\d{15,21}$/);

/** A scan request as queued. Unknown keys are ignored so producers can evolve first. */
export const scanRequestSchema = z.object({
  guildId: snowflake,
  userId: snowflake,
  /** The user's avatar hash; null/absent for the default avatar (skipped as no risk). */
  avatarHash: z
    .string()
    .regex(/^(a_)?[0-9a-f]{32}$/)
    .nullish(),
  /** The open application the result belongs to: its review card is updated. */
  applicationId: z.union([z.string(), z.number()]).transform(String).optional(),
  /** Scan even when this hash already has a result (`/scan user`). */
  force: z.boolean().optional(),
  /** The deferred `/scan user` reply to edit with the result: a `GuildScanReplies` id. */
  replyId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
});

/** A scan request (what producers send). */
export type ScanRequest = z.input<typeof scanRequestSchema>;

/** A parsed scan request. */
export type ParsedScanRequest = z.output<typeof scanRequestSchema>;
