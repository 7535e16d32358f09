/**
 * Delivering review cards from the outbox. The submitting request tries its own card right
 * after replying; the every-minute cron retries whatever is still unposted, with backoff,
 * until it is posted. A retry first looks for the card in the review channel (an earlier
 * attempt may have posted it and failed to record it), so each card is posted once.
 */
import { Budget } from '../../core/budget';
import type { Db } from '../../db/client';
import { DiscordApiError, RateLimitedError, type Discord } from '../../discord';
import { encodeCustomId } from '../../core/custom-id';
import { GuildConfig } from '../../core/guild-config.repo';
import { ApplicationsRepo } from './applications.repo';
import { CardOutbox } from './card-outbox.repo';
import { reviewCard } from './review-card';
import type { GateCardOutboxRow } from './schema';

/** Cards claimed per cron run at most. */
export const CARD_CLAIM_LIMIT = 20;
/** Most subrequests one card costs: application and channel reads, the channel search and the post, the record or release. */
export const CARD_COST = 6;
/** How long a claim is exclusive: far longer than one post lasts. */
export const CARD_LEASE_MS = 2 * 60_000;
/** Messages of the review channel searched for a card an earlier attempt may have posted. */
const RECENT_MESSAGES = 50;

/** Delay before the next attempt after `attempts` failures: 30 s, 1 min, 2, 4, … capped at 1 h. */
export function cardBackoffMs(attempts: number): number {
  return Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

/** What one delivery pass did. */
export interface CardReport {
  claimed: number;
  posted: number;
  retrying: number;
  /** Claimed but never tried (the budget ran out): given back, due at once. */
  left: number;
}

function describe(error: unknown): string {
  if (error instanceof DiscordApiError) return `Discord ${error.status}${error.code ? ` (code ${error.code})` : ''}: ${error.message}`;
  if (error instanceof RateLimitedError) return `rate limited (retry after ${error.retryAfterMs} ms)`;
  return String(error);
}

/**
 * Posts due cards (or, with `applicationId`, that application's card at once). Discord and
 * configuration failures release the row for a later attempt; anything else is rethrown
 * after the row is released.
 */
export async function deliverCards(
  deps: { db: Db; discord: Discord; budget?: Budget },
  options: { now?: number; limit?: number; applicationId?: number } = {},
): Promise<CardReport> {
  const now = options.now ?? Date.now();
  const budget = deps.budget ?? Budget.unlimited();
  // Keep 2 aside: the claim and the release of what never started.
  const limit = budget.fit(CARD_COST, options.limit ?? CARD_CLAIM_LIMIT, 2);
  if (limit === 0) return { claimed: 0, posted: 0, retrying: 0, left: 0 };
  const outbox = new CardOutbox(deps.db);
  const { token, rows } = await outbox.claim({
    now,
    limit,
    leaseMs: CARD_LEASE_MS,
    ...(options.applicationId === undefined ? {} : { applicationId: options.applicationId }),
  });
  const report: CardReport = { claimed: rows.length, posted: 0, retrying: 0, left: 0 };
  const unexpected: unknown[] = [];
  const releaseSlot = budget.reserve(1);
  for (const [i, row] of rows.entries()) {
    const slot = budget.reserve(CARD_COST);
    if (!slot) {
      const rest = rows.slice(i).map((r) => r.applicationId);
      releaseSlot?.release();
      await outbox.releaseUnstarted(rest, token);
      report.left = rest.length;
      break;
    }
    try {
      await deliverOne(deps, outbox, token, row);
      report.posted += 1;
    } catch (error) {
      report.retrying += 1;
      await outbox.release(row.applicationId, token, describe(error), now + cardBackoffMs(row.attempts));
      console.warn(JSON.stringify({ msg: 'gate: review card not posted', guild: row.guildId, application: row.applicationId, attempts: row.attempts, error: describe(error) }));
      if (!(error instanceof DiscordApiError || error instanceof RateLimitedError || error instanceof CardNotReady)) unexpected.push(error);
    } finally {
      slot.release();
    }
  }
  releaseSlot?.release();
  if (unexpected.length > 0) throw new AggregateError(unexpected, `${unexpected.length} review cards failed unexpectedly`);
  return report;
}

/** A card that cannot be posted yet for a reason staff can fix (no review channel). */
class CardNotReady extends Error {}

async function deliverOne(deps: { db: Db; discord: Discord }, outbox: CardOutbox, token: string, row: GateCardOutboxRow): Promise<void> {
  const [app, channelId] = await Promise.all([
    new ApplicationsRepo(deps.db, row.guildId).get(row.applicationId),
    new GuildConfig(deps.db, row.guildId).channel('review'),
  ]);
  if (!app) throw new CardNotReady(`application ${row.applicationId} no longer exists`);
  if (!channelId) throw new CardNotReady('no review channel is set (/gate setup review_channel:…)');
  const existing = row.attempts > 1 ? await findCard(deps.discord, channelId, app.id) : null;
  const messageId = existing ?? (await deps.discord.channels.createMessage(channelId, reviewCard(app))).id;
  await outbox.markPosted(row, token, channelId, messageId);
}

/** The id of this application's card among the review channel's recent messages, if an earlier attempt posted it. */
async function findCard(discord: Discord, channelId: string, applicationId: number): Promise<string | null> {
  const claimId = encodeCustomId('gate.claim', applicationId);
  const recent = await discord.channels.listMessages(channelId, { limit: RECENT_MESSAGES });
  const card = recent.find(
    (m) => m.author.id === discord.applicationId && (m.components ?? []).some((row) => 'components' in row && row.components.some((c) => 'custom_id' in c && c.custom_id === claimId)),
  );
  return card?.id ?? null;
}
