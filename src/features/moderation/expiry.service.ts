/**
 * The expiry job: ends what is due (timed bans, mutes, suspensions) and renews timeouts
 * longer than Discord's 28-day cap. Due rows are claimed in batches by one conditional
 * UPDATE each (see `PunishmentQueue`), sized to the run's subrequest budget, acted on with
 * bounded REST concurrency (a row starts only once its cost is reserved; rows claimed and
 * not started are released, due again at once), then
 * finished under their claim token: the "ended" case is inserted only in the same batch
 * that completes the row, so a second or overlapping run never acts or posts twice. A
 * Discord failure puts the row back with exponential backoff and its error recorded.
 */
import { RESTJSONErrorCodes, type APIGuild, type APIGuildMember } from 'discord-api-types/v10';
import { Budget, withinBudget } from '../../core/budget';
import type { BaseContext } from '../../core/context';
import type { Registry } from '../../core/registry';
import type { Db } from '../../db/client';
import { DiscordApiError, RateLimitedError, type Discord } from '../../discord';
import { ModerationService, TIMEOUT_CAP_MS, TIMEOUT_RENEW_LEAD_MS, restoredRoles } from './moderation.service';
import { PunishmentQueue } from './punishments.repo';
import type { CaseType, PunishmentRow } from './schema';

/** How the job runs. */
export interface ExpiryOptions {
  /** Rows claimed per statement. */
  batchSize?: number;
  /** Discord actions in flight at once. */
  concurrency?: number;
  /** Batches per run at most (the rest waits for the next minute). */
  maxBatches?: number;
  /** Exclusive hold on a claimed row; longer than a cron run can last. */
  leaseMs?: number;
}

/** What one run did. */
export interface ExpiryReport {
  claimed: number;
  /** Claimed rows acted on (ended, renewed, skipped or put back after a failure). */
  done: number;
  /** Claimed rows released unstarted because the budget ran out. */
  left: number;
  ended: number;
  renewed: number;
  /** Rows finished without an action (already unbanned, member left, …). */
  skipped: number;
  /** Rows put back for a later attempt. */
  retrying: number;
}

/** Delay before the next attempt after `attempts` failures: 1 min, 2, 4, … capped at 6 h. */
export function backoffMs(attempts: number): number {
  return Math.min(6 * 3_600_000, 60_000 * 2 ** Math.max(0, attempts - 1));
}

type Outcome =
  | { kind: 'ended'; type: CaseType; label: string }
  | { kind: 'skipped'; note: string }
  | { kind: 'renewed'; nextActionAt: number };

const ENDED: Record<Exclude<PunishmentRow['kind'], 'timeout'>, { type: CaseType; label: string }> = {
  ban: { type: 'unban', label: 'Temporary ban' },
  mute: { type: 'unmute', label: 'Mute' },
  suspend: { type: 'unsuspend', label: 'Suspension' },
};

function isCode(error: unknown, ...codes: number[]): boolean {
  return error instanceof DiscordApiError && codes.includes(error.code);
}

/** A failed Discord call (or anything else) as one line for `last_error`. */
export function describeFailure(error: unknown): string {
  if (error instanceof DiscordApiError) return `Discord ${error.status}${error.code ? ` (code ${error.code})` : ''}: ${error.message}`;
  if (error instanceof RateLimitedError) return `rate limited (retry after ${error.retryAfterMs} ms)`;
  return String(error);
}

/**
 * Subrequests one row costs at most on its normal path (no retries), by kind: the original
 * case (1), the Discord action, then the "ended" case (1 batch) and its mod-log post (the
 * channel lookup, the message, the link on the case: 3). A suspension reads the member and
 * edits it (2), plus the guild and the bot's member the first time its guild comes up in a
 * run (2). A renewed timeout is the edit and the reschedule only. A failure costs less than
 * a success (its release replaces the case and the post). An ending also announces its case
 * (`case_created`: the internal event's consumers, the rules engine and webhooks, a few
 * statements: {@link CASE_EVENT_COST}).
 */
export const CASE_EVENT_COST = 4;
export const EXPIRY_ROW_COST = { ban: 6 + CASE_EVENT_COST, mute: 6 + CASE_EVENT_COST, suspend: 7 + CASE_EVENT_COST, timeout: 3, guildLookup: 2 } as const;

/** What the expiry job runs with: the cron's services; `events` (the cron context) announces the cases it records. */
export interface ExpiryDeps {
  db: Db;
  discord: Discord;
  budget?: Budget;
  events?: BaseContext & { registry?: Registry; budget?: Budget };
}

/** What a claim is sized by: the common row (a ban or a mute). The exact cost is checked per row. */
const CLAIM_ESTIMATE = EXPIRY_ROW_COST.ban;

/** The claim statement and the release of what did not fit. */
const CLAIM_OVERHEAD = 2;

/**
 * Runs the expiry job once within `deps.budget` (unlimited without one): claims only the
 * rows that fit, starts each only once its cost is reserved, and releases the rows it
 * claimed but could not start (due again at once, attempt not counted).
 */
export async function runExpiry(deps: ExpiryDeps, options: ExpiryOptions = {}): Promise<ExpiryReport> {
  const { batchSize = 100, concurrency = 8, maxBatches = 20, leaseMs = 15 * 60_000 } = options;
  const budget = deps.budget ?? Budget.unlimited();
  const queue = new PunishmentQueue(deps.db);
  const report: ExpiryReport = { claimed: 0, done: 0, left: 0, ended: 0, renewed: 0, skipped: 0, retrying: 0 };
  const unexpected: unknown[] = [];
  const guilds = guildLookups(deps.discord);
  const lookedUp = new Set<string>();
  const cost = (row: PunishmentRow) => {
    if (row.kind !== 'suspend' || lookedUp.has(row.guildId)) return EXPIRY_ROW_COST[row.kind];
    lookedUp.add(row.guildId);
    return EXPIRY_ROW_COST.suspend + EXPIRY_ROW_COST.guildLookup;
  };
  for (let batch = 0; batch < maxBatches; batch++) {
    const limit = budget.fit(CLAIM_ESTIMATE, batchSize, CLAIM_OVERHEAD);
    if (limit === 0) break;
    const { token, rows } = await queue.claim({ now: Date.now(), limit, leaseMs });
    report.claimed += rows.length;
    // Held so the release below always fits.
    const releaseSlot = budget.reserve(1);
    const { results, left } = await withinBudget(budget, rows, { cost, concurrency }, (row) => processRow(deps, guilds, queue, token, row));
    for (const [i, result] of results.entries()) {
      if (!result) continue;
      report.done += 1;
      if (result.status === 'fulfilled') report[result.value] += 1;
      else {
        unexpected.push(result.reason);
        console.error(JSON.stringify({ msg: 'expiry row failed', punishment: rows[i]?.id, error: String(result.reason), stack: (result.reason as Error)?.stack }));
      }
    }
    releaseSlot?.release();
    if (left.length > 0) {
      report.left += await queue.release(
        left.map((r) => r.id),
        token,
      );
      break;
    }
    if (rows.length < limit) break;
  }
  if (unexpected.length > 0) throw new AggregateError(unexpected, `${unexpected.length} expiry rows failed unexpectedly`);
  return report;
}

/**
 * The guild and the bot's member, fetched once per guild per run (a batch of suspensions in
 * one guild would otherwise fetch both for every row, against the run's subrequest budget).
 * A failed lookup is forgotten, so the next row asks again.
 */
function guildLookups(discord: Discord): (guildId: string) => Promise<{ guild: APIGuild; botMember: APIGuildMember }> {
  const cache = new Map<string, Promise<{ guild: APIGuild; botMember: APIGuildMember }>>();
  return (guildId) => {
    let lookup = cache.get(guildId);
    if (!lookup) {
      lookup = Promise.all([discord.guilds.get(guildId), discord.members.get(guildId, discord.applicationId)]).then(([guild, botMember]) => ({ guild, botMember }));
      lookup.catch(() => cache.delete(guildId));
      cache.set(guildId, lookup);
    }
    return lookup;
  };
}

type GuildLookups = ReturnType<typeof guildLookups>;

type Tally = 'ended' | 'renewed' | 'skipped' | 'retrying';

async function processRow(deps: ExpiryDeps, guilds: GuildLookups, queue: PunishmentQueue, token: string, row: PunishmentRow): Promise<Tally> {
  const service = ModerationService.forGuild(deps.db, deps.discord, row.guildId, deps.events);
  const original = await service.cases.byId(row.caseId);
  const ref = original ? ` (case #${original.caseNumber})` : '';
  let outcome: Outcome;
  try {
    outcome = await act(deps.discord, guilds, service, row, ref);
  } catch (error) {
    await queue.fail(row.id, token, describeFailure(error), Date.now() + backoffMs(row.attempts));
    console.warn(JSON.stringify({ msg: 'expiry attempt failed', punishment: row.id, guild: row.guildId, attempts: row.attempts, error: describeFailure(error) }));
    return 'retrying';
  }
  switch (outcome.kind) {
    case 'renewed':
      await queue.reschedule(row.id, token, outcome.nextActionAt);
      return 'renewed';
    case 'skipped':
      await deps.db.batch([queue.complete(row.id, token, outcome.note)]);
      return 'skipped';
    case 'ended': {
      const created = await service.cases.createIf(
        {
          type: outcome.type,
          actorId: deps.discord.applicationId,
          targetId: row.targetId,
          reason: `${outcome.label} expired${ref}`,
          refs: original ? [original.caseNumber] : null,
        },
        { before: [queue.complete(row.id, token)], guard: queue.completedBy(row.id, token) },
      );
      // No case: another run took the row over after our lease lapsed; it owns the record.
      if (created) {
        await service.announce('case_created', created);
        const problem = await service.modLog.post(created);
        if (problem) console.warn(JSON.stringify({ msg: 'expiry mod log failed', guild: row.guildId, case: created.caseNumber, problem }));
      }
      return 'ended';
    }
  }
}

/** The Discord side of ending (or renewing) one punishment. Throws to retry later. */
async function act(discord: Discord, guilds: GuildLookups, service: ModerationService, row: PunishmentRow, ref: string): Promise<Outcome> {
  const guildId = row.guildId;
  switch (row.kind) {
    case 'ban':
      try {
        await discord.members.unban(guildId, row.targetId, `Temporary ban expired${ref}`);
      } catch (error) {
        if (isCode(error, RESTJSONErrorCodes.UnknownBan)) return { kind: 'skipped', note: 'They were already unbanned.' };
        throw error;
      }
      return { kind: 'ended', ...ENDED.ban };
    case 'mute':
      if (!row.roleId) return { kind: 'skipped', note: 'No muted role was recorded.' };
      try {
        await discord.members.removeRole(guildId, row.targetId, row.roleId, `Mute expired${ref}`);
      } catch (error) {
        if (isCode(error, RESTJSONErrorCodes.UnknownMember)) return { kind: 'skipped', note: 'They left the server before the mute ended.' };
        if (isCode(error, RESTJSONErrorCodes.UnknownRole)) return { kind: 'skipped', note: 'The muted role no longer exists.' };
        throw error;
      }
      return { kind: 'ended', ...ENDED.mute };
    case 'suspend': {
      const [member, { guild, botMember }] = await Promise.all([
        discord.members.get(guildId, row.targetId).catch((error: unknown) => {
          if (isCode(error, RESTJSONErrorCodes.UnknownMember)) return null;
          throw error;
        }),
        guilds(guildId),
      ]);
      if (!member) return { kind: 'skipped', note: 'They left the server before the suspension ended.' };
      const scene = { guild, roles: guild.roles, botId: discord.applicationId, botMember, targetId: row.targetId, targetMember: member, staffRoles: new Map() };
      const roles = restoredRoles(scene, member.roles, row.roleId ?? '', row.restoreRoles ?? []);
      await discord.members.edit(guildId, row.targetId, { roles }, `Suspension expired${ref}`);
      return { kind: 'ended', ...ENDED.suspend };
    }
    case 'timeout': {
      const now = Date.now();
      if (!row.endsAt || row.endsAt <= now) return { kind: 'skipped', note: 'The timeout had already ended.' };
      const until = Math.min(row.endsAt, now + TIMEOUT_CAP_MS);
      try {
        await discord.members.edit(guildId, row.targetId, { communication_disabled_until: new Date(until).toISOString() }, `Long timeout renewed${ref}`);
      } catch (error) {
        if (isCode(error, RESTJSONErrorCodes.UnknownMember)) return { kind: 'skipped', note: 'They left the server; the timeout was not renewed.' };
        throw error;
      }
      if (until >= row.endsAt) return { kind: 'skipped', note: 'Renewed for the last time: Discord ends it on time.' };
      return { kind: 'renewed', nextActionAt: until - TIMEOUT_RENEW_LEAD_MS };
    }
  }
}
