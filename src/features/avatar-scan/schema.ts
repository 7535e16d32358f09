/**
 * Avatar scan results, one row per avatar hash: a hash is scanned once, whoever wears it.
 * Not guild-scoped on purpose: the row describes a public image and holds no guild data.
 */
import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { ClassProbabilities } from './model';

/** `ok`: scanned; `not_found`: the CDN had no such image (404); `undecodable`: not a PNG we can read; `failed`: gave up after retries. */
export type AvatarScanStatus = 'ok' | 'not_found' | 'undecodable' | 'failed';

/** The latest result for each avatar hash. */
export const avatarScans = sqliteTable('avatar_scans', {
  avatarHash: text('avatar_hash').primaryKey(),
  /** The user whose CDN path served the image (avatars live under `avatars/{user}/{hash}`). */
  userId: text('user_id').notNull(),
  status: text('status').$type<AvatarScanStatus>().notNull(),
  /** Class probabilities; null unless `status` is `ok`. */
  probabilities: text('probabilities', { mode: 'json' }).$type<ClassProbabilities>(),
  /** `riskScore(probabilities)`; null unless `status` is `ok`. */
  risk: real('risk'),
  modelVersion: text('model_version').notNull(),
  /** Why a scan is not `ok`. */
  error: text('error'),
  scannedAt: integer('scanned_at').notNull(),
});

/** A stored result. */
export type AvatarScanRow = typeof avatarScans.$inferSelect;

/**
 * Pending `/scan user` replies: the interaction token the scanner needs to edit the deferred
 * answer, kept here rather than in the SCANS message (which may end in the dead-letter
 * queue). The message carries only `id`. A row is deleted once the reply is edited and
 * pruned after the token's 15 minutes.
 */
export const avatarScanReplies = sqliteTable(
  'avatar_scan_replies',
  {
    /** Random, 32 hex digits: what the queue message carries. */
    id: text('id').primaryKey(),
    guildId: text('guild_id').notNull(),
    token: text('token').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('avatar_scan_replies_expires').on(t.expiresAt)],
);
