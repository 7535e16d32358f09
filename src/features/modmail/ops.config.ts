/**
 * Modmail's operational settings (`guild_settings` key `modmail_ops`): closing, staleness,
 * who may open tickets, and the attachment bounds. Every key is defaulted, so a guild that
 * never configured anything gets working limits.
 */
import * as z from 'zod';
import type { GuildConfig } from '../../core/guild-config.repo';
import type { MODMAIL_CHANNELS } from './config';

/** The settings key. */
export const OPS_SETTINGS_KEY = 'modmail_ops';

/** The channel purpose where closed tickets' transcripts are posted (declared in `config.ts`). */
export const MODMAIL_LOG = 'modmail_log' satisfies keyof typeof MODMAIL_CHANNELS;

const HOUR = 3_600_000;
const MIB = 1024 * 1024;

/** The operational settings. */
export const opsSettingsSchema = z.object({
  /** A closed ticket can be reopened (by staff, or by the member writing again) this long after closing; 0: never. */
  reopenWindowMs: z.number().int().min(0).max(30 * 24 * HOUR).default(24 * HOUR),
  /** An open ticket with no message this long gets a stale warning in its thread; null: never. */
  staleAfterMs: z.number().int().min(HOUR).max(90 * 24 * HOUR).nullable().default(48 * HOUR),
  /** After the stale warning, the ticket closes itself this much later without a new message; null: never. */
  autoCloseAfterMs: z.number().int().min(HOUR).max(90 * 24 * HOUR).nullable().default(24 * HOUR),
  /** Close the member's open ticket when they leave the server. */
  closeOnLeave: z.boolean().default(true),
  /** Accounts younger than this cannot open a ticket; 0: no minimum. */
  minAccountAgeMs: z.number().int().min(0).max(365 * 24 * HOUR).default(0),
  /** Open tickets a guild takes at once before answering "we are busy"; 0: no cap. */
  maxOpenTickets: z.number().int().min(0).max(10_000).default(0),
  /** Largest attachment copied to the archive. */
  maxAttachmentBytes: z.number().int().min(0).max(100 * MIB).default(8 * MIB),
  /** Attachment bytes one ticket may keep in the archive. */
  maxTicketAttachmentBytes: z.number().int().min(0).max(1024 * MIB).default(50 * MIB),
});

/** Parsed operational settings. */
export type OpsSettings = z.infer<typeof opsSettingsSchema>;

/** Reads a guild's operational settings (defaults filled in). */
export function opsSettings(config: GuildConfig): Promise<OpsSettings> {
  return config.settings(OPS_SETTINGS_KEY, opsSettingsSchema);
}
