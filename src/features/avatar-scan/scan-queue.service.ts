/**
 * The SCANS queue consumer (run by the scanner Worker). Each message is handled on its own:
 * acked when done or when it can never succeed (bad body, 404, undecodable image), retried
 * with backoff on transient failures. After the last delivery the failure is recorded (and
 * shown on the review card) and the message is retried once more, which sends it to the
 * dead-letter queue. Nothing here runs in, or can take down, the bot Worker.
 */
import { DiscordApiError } from '../../discord';
import { toCallbackData, type BaseContext } from '../../core/context';
import { retryDelaySeconds } from '../../core/events';
import { GuildConfig } from '../../core/guild-config.repo';
import { lazyServices } from '../../core/interaction-context';
import { applyAvatarRisk } from '../gate/public';
import type { ModelAssets } from './inference';
import { AVATAR_SCAN_MODULE, REVIEW_CHANNEL_PURPOSE } from './module';
import { MODEL_VERSION } from './model';
import { AVATAR_SCAN_SETTINGS_KEY, avatarScanSettings, formatProbabilities, NO_AVATAR_VERDICT, verdictFor, type AvatarVerdict } from './risk';
import { scanRequestSchema, type ParsedScanRequest } from './scan-request';
import { recordScanFailure, scanAvatar, TransientScanError } from './scan.service';
import { GuildScanReplies } from './scan-replies.repo';
import { messageNonce } from '../../discord/nonce';
import type { AvatarScanRow } from './schema';

/** Deliveries of one message: 1 + `max_retries` of the SCANS consumer in workers/scanner/wrangler.toml. */
export const SCAN_MAX_DELIVERIES = 4;

/**
 * What the scanner Worker's env provides: the bot's database and Discord settings, plus the
 * CDN base. Its wrangler config (workers/scanner/wrangler.toml) binds exactly these.
 */
export interface ScannerEnv {
  DB: D1Database;
  DISCORD_APPLICATION_ID: string;
  DISCORD_API_BASE: string;
  DISCORD_BOT_TOKEN: string;
  DISCORD_CDN_BASE: string;
  TURSO_DATABASE_URL?: string;
  TURSO_AUTH_TOKEN?: string;
}

/** Consumes a batch of scan requests. One message at a time: inference is CPU-bound anyway. */
export async function consumeScans(batch: MessageBatch<unknown>, env: ScannerEnv, ctx: ExecutionContext, assets: ModelAssets): Promise<void> {
  // The gate code reached from here uses only the database and Discord settings, which
  // the scanner binds; the bot-only bindings (ASSETS, GATEWAY, …) are never touched.
  const services = lazyServices({ env: env as unknown as Env, waitUntil: (p) => ctx.waitUntil(p) });
  for (const message of batch.messages) {
    const parsed = scanRequestSchema.safeParse(message.body);
    if (!parsed.success) {
      console.error(JSON.stringify({ msg: 'invalid scan request dropped', id: message.id, issues: parsed.error.issues }));
      message.ack();
      continue;
    }
    const request = parsed.data;
    try {
      await handleScanRequest(services, env, assets, request);
      message.ack();
    } catch (error) {
      const last = message.attempts >= SCAN_MAX_DELIVERIES;
      console.error(
        JSON.stringify({ msg: 'avatar scan failed', id: message.id, attempts: message.attempts, last, guildId: request.guildId, userId: request.userId, error: String(error) }),
      );
      if (last) await giveUp(services, request, error);
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

/** Scans (or reuses the result for) one request and delivers the verdict. */
async function handleScanRequest(services: BaseContext, env: ScannerEnv, assets: ModelAssets, request: ParsedScanRequest): Promise<void> {
  const config = new GuildConfig(services.db, request.guildId);
  // `/scan user` is refused by the router when the module is off; others are dropped here.
  if (!request.replyId && !(await config.moduleEnabled(AVATAR_SCAN_MODULE, true))) return;
  if (!request.avatarHash) {
    await deliver(services, request, NO_AVATAR_VERDICT, null);
    return;
  }
  const row = await scanAvatar(
    { db: services.db, assets, cdnBase: env.DISCORD_CDN_BASE },
    { userId: request.userId, avatarHash: request.avatarHash, force: request.force ?? false },
  );
  const { threshold } = await config.settings(AVATAR_SCAN_SETTINGS_KEY, avatarScanSettings);
  await deliver(services, request, verdictFor(row, threshold), row);
}

/** After the last delivery: record the failure and say so where someone is waiting. */
async function giveUp(services: BaseContext, request: ParsedScanRequest, error: unknown): Promise<void> {
  const reason = error instanceof TransientScanError ? error.message : 'internal error';
  try {
    const row = request.avatarHash ? await recordScanFailure(services.db, { userId: request.userId, avatarHash: request.avatarHash }, reason) : null;
    await deliver(services, request, verdictFor({ status: 'failed', probabilities: null, risk: null, error: reason }, 1), row?.status === 'failed' ? row : null);
  } catch (reportError) {
    // The message still goes to the dead-letter queue; this only loses the notice.
    console.error(JSON.stringify({ msg: 'could not report a failed scan', userId: request.userId, error: String(reportError) }));
  }
}

/** Updates the review card (when the scan belongs to an application) and answers `/scan user`. */
async function deliver(services: BaseContext, request: ParsedScanRequest, verdict: AvatarVerdict, row: AvatarScanRow | null): Promise<void> {
  if (request.applicationId) {
    const open = await applyAvatarRisk(services, request.guildId, request.applicationId, verdict);
    // Last, so a retry after a failed alert only repeats the (idempotent) card update.
    if (verdict.highlight && open) await alertReviewers(services, request, verdict);
  }
  if (request.replyId) {
    const replies = new GuildScanReplies(services.db, request.guildId);
    const token = await replies.token(request.replyId);
    if (!token) {
      console.warn(JSON.stringify({ msg: 'scan reply token expired', userId: request.userId }));
      return;
    }
    try {
      await services.discord.interactions.editOriginal(token, toCallbackData(scanReport(request, verdict, row)) as never);
    } catch (error) {
      // An expired token (15 minutes) never comes back: don't retry the whole scan for it.
      if (!(error instanceof DiscordApiError && (error.status === 404 || error.status === 401))) throw error;
      console.warn(JSON.stringify({ msg: 'scan reply token expired', userId: request.userId }));
    }
    await replies.delete(request.replyId);
  }
}

/** A short alert in the review channel (when one is configured) for a high-risk avatar. */
async function alertReviewers(services: BaseContext, request: ParsedScanRequest, verdict: AvatarVerdict): Promise<void> {
  const channelId = await new GuildConfig(services.db, request.guildId).channel(REVIEW_CHANNEL_PURPOSE);
  if (!channelId) return;
  await services.discord.channels.createMessage(channelId, {
    // A redelivered scan posts the alert once (Discord returns the first message for this nonce).
    nonce: await messageNonce('avatar-scan.alert', request.applicationId ?? '', request.avatarHash ?? ''),
    enforce_nonce: true,
    content: `⚠️ Application #${request.applicationId}: <@${request.userId}>'s avatar scored **${verdict.score.toFixed(2)}** (${verdict.label}). See the review card.`,
    allowed_mentions: { parse: [] },
  });
}

/** The `/scan user` answer. */
export function scanReport(request: Pick<ParsedScanRequest, 'userId' | 'avatarHash'>, verdict: AvatarVerdict, row: AvatarScanRow | null): { content: string; ephemeral: true } {
  const lines = [`**Avatar scan of <@${request.userId}>**${request.avatarHash ? ` (\`${request.avatarHash}\`)` : ''}`];
  if (row?.status === 'ok' && row.probabilities && row.risk !== null) {
    lines.push(`${verdict.highlight ? '⚠️ ' : ''}**${verdict.label}**, risk score ${row.risk.toFixed(2)}`);
    lines.push(formatProbabilities(row.probabilities));
  } else {
    lines.push(`**${verdict.label}**${verdict.detail ? `: ${verdict.detail}` : ''}`);
  }
  lines.push(`-# model ${row?.modelVersion ?? MODEL_VERSION}${row ? ` · scanned <t:${Math.floor(row.scannedAt / 1000)}:R>` : ''}`);
  return { content: lines.join('\n'), ephemeral: true };
}
