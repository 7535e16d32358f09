/**
 * The SCANS queue message. Producers: the gate (on application submit), the member-join
 * event and `/scan user`; the consumer is the scanner Worker (`workers/scanner/`).
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
  /** Interaction token of a deferred `/scan user` reply to edit with the result (valid 15 min). */
  replyToken: z.string().min(1).max(500).optional(),
});

/** A scan request (what producers send). */
export type ScanRequest = z.input<typeof scanRequestSchema>;

/** A parsed scan request. */
export type ParsedScanRequest = z.output<typeof scanRequestSchema>;
