/**
 * The delivery job. Each run claims at most `REMINDERS_PER_RUN` due reminders in one
 * conditional UPDATE (see `ReminderQueue`), posts each one, and only after the post marks
 * it delivered under the claim token. Exactly once, in that order:
 * - two overlapping runs never hold the same row (the claim is one statement);
 * - a run that dies after posting but before marking leaves the row `processing`; when its
 *   lease (`LEASE_MS`, shorter than Discord's nonce memory) lapses, a later run posts again
 *   with the same nonce and `enforce_nonce`, and Discord answers with the first message.
 * A reminder whose channel is gone (or closed to the bot) falls back to the member's DMs;
 * a late one says how late. Transient failures come back with backoff, at most
 * `MAX_ATTEMPTS` times.
 *
 * Cost per reminder (`REMINDER_COST`, against the run's subrequest budget, `ctx.budget`): at
 * most 3 Discord calls (post; on fallback: open DM + post) and 1 D1 write (mark delivered,
 * retry or fail), so 4 subrequests, reserved before the reminder starts; the claim is sized to
 * what fits, and claimed rows never started are given back at once (one statement).
 */
import { RESTJSONErrorCodes, type RESTPostAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import { Budget, withinBudget } from '../../core/budget';
import type { Db } from '../../db/client';
import { DiscordApiError, type Discord } from '../../discord';
import { formatDuration } from '../moderation/public';
import { ReminderQueue } from './reminders.repo';
import type { ReminderRow } from './schema';

/** Reminders claimed per cron run (the rest waits a minute). Bounded for the invocation budget. */
export const REMINDERS_PER_RUN = 100;

/** Most subrequests one reminder costs (see above). */
export const REMINDER_COST = 4;

/** Exclusive hold on a claimed reminder; well inside Discord's few-minute nonce memory. */
export const LEASE_MS = 2 * 60_000;

/** A reminder delivered later than this after its time says how late it is. */
export const LATE_AFTER_MS = 90_000;

/** Deliveries attempted before a reminder is given up. */
export const MAX_ATTEMPTS = 5;

/** Discord calls in flight at once. */
const CONCURRENCY = 4;

/** What one run did. */
export interface DeliveryReport {
  claimed: number;
  delivered: number;
  /** Delivered by DM because the channel was gone or closed to the bot. */
  fellBack: number;
  retrying: number;
  failed: number;
  /** Claimed but never started (the budget ran out): given back, due at once. */
  left: number;
}

/** The nonce of a reminder's message: the same on every attempt, at most 25 characters. */
export function reminderNonce(id: number): string {
  return `rem-${id}`;
}

/** The reminder's message. */
export function reminderMessage(row: ReminderRow, now: number, note?: string): RESTPostAPIChannelMessageJSONBody {
  const late = now - row.dueAt;
  const lines = [`⏰ <@${row.userId}>, you asked me to remind you (<t:${Math.floor(row.createdAt / 1000)}:R>): ${row.text}`];
  if (late > LATE_AFTER_MS) lines.push(`-# This reminder is ${formatDuration(late)} late: it was due <t:${Math.floor(row.dueAt / 1000)}:f>.`);
  if (note) lines.push(`-# ${note}`);
  return {
    content: lines.join('\n'),
    allowed_mentions: { parse: [], users: [row.userId] },
    nonce: reminderNonce(row.id),
    enforce_nonce: true,
  };
}

/** Channel failures that send the reminder to DMs instead. */
const CHANNEL_GONE: number[] = [RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.MissingAccess, RESTJSONErrorCodes.MissingPermissions];

type Outcome = 'delivered' | 'fellBack' | 'retrying' | 'failed';

/** Runs the delivery job once, within `deps.budget` (unlimited without one). */
export async function runReminders(deps: { db: Db; discord: Discord; budget?: Budget }, options: { now?: number; limit?: number } = {}): Promise<DeliveryReport> {
  const budget = deps.budget ?? Budget.unlimited();
  const report: DeliveryReport = { claimed: 0, delivered: 0, fellBack: 0, retrying: 0, failed: 0, left: 0 };
  // Keep 2 aside: the claim and the release of what never started.
  const limit = budget.fit(REMINDER_COST, options.limit ?? REMINDERS_PER_RUN, 2);
  if (limit === 0) return report;
  const queue = new ReminderQueue(deps.db);
  const now = options.now ?? Date.now();
  const { token, rows } = await queue.claim({ now, limit, leaseMs: LEASE_MS });
  report.claimed = rows.length;
  const releaseSlot = budget.reserve(1);
  const { results, left } = await withinBudget(budget, rows, { cost: () => REMINDER_COST, concurrency: CONCURRENCY }, (row) => deliver(deps.discord, queue, token, row));
  releaseSlot?.release();
  if (left.length > 0) {
    await queue.releaseUnstarted(left.map((row) => row.id), token);
    report.left = left.length;
  }
  const unexpected: unknown[] = [];
  for (const result of results) {
    if (!result) continue;
    if (result.status === 'fulfilled') report[result.value] += 1;
    else unexpected.push(result.reason);
  }
  if (unexpected.length > 0) throw new AggregateError(unexpected, `${unexpected.length} reminders failed unexpectedly`);
  return report;
}

async function deliver(discord: Discord, queue: ReminderQueue, token: string, row: ReminderRow): Promise<Outcome> {
  const now = Date.now();
  try {
    if (row.target === 'channel') {
      try {
        const message = await discord.channels.createMessage(row.channelId, reminderMessage(row, now));
        await queue.delivered(row.id, token, 'channel', message.id);
        return 'delivered';
      } catch (error) {
        if (!(error instanceof DiscordApiError && CHANNEL_GONE.includes(error.code))) throw error;
      }
      const note = `I couldn't post in <#${row.channelId}> (it is gone or closed to me), so your reminder came here.`;
      const dm = await discord.users.sendDm(row.userId, reminderMessage(row, now, note));
      await queue.delivered(row.id, token, 'dm', dm.id, 'channel unavailable; sent by DM');
      return 'fellBack';
    }
    const dm = await discord.users.sendDm(row.userId, reminderMessage(row, now));
    await queue.delivered(row.id, token, 'dm', dm.id);
    return 'delivered';
  } catch (error) {
    if (error instanceof DiscordApiError && (error.isCannotDm || error.status === 400 || error.status === 403 || error.status === 404)) {
      await queue.failed(row.id, token, `${describe(error)}`);
      return 'failed';
    }
    if (row.attempts >= MAX_ATTEMPTS) {
      await queue.failed(row.id, token, `gave up after ${row.attempts} attempts: ${describe(error)}`);
      return 'failed';
    }
    await queue.retry(row.id, token, describe(error), now + 60_000 * 2 ** (row.attempts - 1));
    return 'retrying';
  }
}

function describe(error: unknown): string {
  if (error instanceof DiscordApiError) return `Discord ${error.status}${error.code ? ` (code ${error.code})` : ''}: ${error.message}`;
  return String(error);
}
