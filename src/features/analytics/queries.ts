/**
 * Reading the rollups (for `/stats` and the dashboard). Every query is a range read of a
 * primary key `(guild_id, period, …)`: days before the `days` watermark come from the daily
 * tables, later ones from the hourly tables, split in SQL so a query is one round trip (one
 * batch). A guild with no data gets empty (zero) results, never an error; out-of-range
 * arguments and unknown timezones are `UserError`s that say what is allowed.
 */
import { and, asc, count, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import { UserError } from '../../core/errors';
import type { Db } from '../../db/client';
import { DAY_MS, HOUR_MS, dayOf, hourOf } from './periods';
import { analyticsChannelDays, analyticsChannelHours, analyticsGuildDays, analyticsGuildHours, analyticsMembers, analyticsWatermarks } from './schema';
import { localSlots, requireTimezone } from './timezone';

/** Longest range of an hourly series (days). */
export const MAX_HOURLY_SPAN_DAYS = 31;
/** Longest range of any query (days). */
export const MAX_DAYS = 366;

/** First day not compacted yet (0 when none is): days before it are read from the daily tables. */
const DAY_MARK = sql<number>`(SELECT coalesce(max(${analyticsWatermarks.value}), 0) FROM ${analyticsWatermarks} WHERE ${analyticsWatermarks.name} = 'days')`;

/** A whole number of days in `[min, max]`, or a `UserError` saying so. */
export function requireDays(value: number, what: string, min = 1, max = MAX_DAYS): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new UserError('bad_range', `${what} must be a whole number of days from ${min} to ${max} (got ${String(value)}).`);
  return value;
}

/** One point of an activity series (`t`: start of the hour or UTC day, ms). */
export interface ActivityPoint {
  t: number;
  messages: number;
  /** Distinct active members; for a day not compacted yet, the busiest hour's (a lower bound). */
  members: number;
  reactions: number;
  voiceMinutes: number;
  joins: number;
  leaves: number;
  commands: number;
  /** The day is not compacted yet: `members` is a lower bound. */
  partial?: boolean;
}

const zero = (t: number): ActivityPoint => ({ t, messages: 0, members: 0, reactions: 0, voiceMinutes: 0, joins: 0, leaves: 0, commands: 0 });

const guildSums = (t: typeof analyticsGuildHours | typeof analyticsGuildDays, members: 'sum' | 'max') => ({
  messages: sql<number>`sum(${t.messages})`,
  members: members === 'max' ? sql<number>`max(${t.members})` : sql<number>`sum(${t.members})`,
  reactions: sql<number>`sum(${t.reactions})`,
  voiceMinutes: sql<number>`sum(${t.voiceMinutes})`,
  joins: sql<number>`sum(${t.joins})`,
  leaves: sql<number>`sum(${t.leaves})`,
  commands: sql<number>`sum(${t.commands})`,
});

/**
 * The per-day rollup rows of a guild over days `[fromDay, toDay]`, as two statements for a
 * caller's `db.batch` (compacted days from the daily table; the hours of the rest, summed per
 * day), and `read`, which folds their two results (in that order) into points by day. Days
 * with nothing are absent; days not compacted yet are `partial`.
 */
export function guildDaysQuery(db: Db, guildId: string, fromDay: number, toDay: number) {
  const day = sql<number>`${analyticsGuildHours.hour} / 24`;
  const days = db
    .select({ day: analyticsGuildDays.day, ...guildSums(analyticsGuildDays, 'sum') })
    .from(analyticsGuildDays)
    .where(and(eq(analyticsGuildDays.guildId, guildId), gte(analyticsGuildDays.day, fromDay), lte(analyticsGuildDays.day, toDay), lt(analyticsGuildDays.day, DAY_MARK)))
    .groupBy(analyticsGuildDays.day);
  const hours = db
    .select({ day, ...guildSums(analyticsGuildHours, 'max') })
    .from(analyticsGuildHours)
    .where(and(eq(analyticsGuildHours.guildId, guildId), gte(analyticsGuildHours.hour, sql`max(${fromDay * 24}, ${DAY_MARK} * 24)`), lt(analyticsGuildHours.hour, (toDay + 1) * 24)))
    .groupBy(day);
  const read = ([dayRows, hourRows]: readonly unknown[]): Map<number, ActivityPoint> => {
    const out = new Map<number, ActivityPoint>();
    for (const r of dayRows as Awaited<typeof days>) out.set(Number(r.day), numbers({ ...r, t: Number(r.day) * DAY_MS }));
    for (const r of hourRows as Awaited<typeof hours>) out.set(Number(r.day), { ...numbers({ ...r, t: Number(r.day) * DAY_MS }), partial: true });
    return out;
  };
  return { statements: [days, hours] as const, read };
}

/** Per-day rows of a guild over days `[fromDay, toDay]`: compacted days and the hours of the rest, one batch. */
async function guildDays(db: Db, guildId: string, fromDay: number, toDay: number): Promise<Map<number, ActivityPoint>> {
  const query = guildDaysQuery(db, guildId, fromDay, toDay);
  return query.read(await db.batch(query.statements));
}

function numbers(r: Omit<ActivityPoint, 'partial'> & { day?: number }): ActivityPoint {
  return {
    t: r.t,
    messages: Number(r.messages ?? 0),
    members: Number(r.members ?? 0),
    reactions: Number(r.reactions ?? 0),
    voiceMinutes: Number(r.voiceMinutes ?? 0),
    joins: Number(r.joins ?? 0),
    leaves: Number(r.leaves ?? 0),
    commands: Number(r.commands ?? 0),
  };
}

/**
 * A guild's activity over `[from, to)` (ms), one point per hour or UTC day, oldest first,
 * zeros where nothing happened. Hourly series reach back `ANALYTICS_HOURLY_DAYS` at most
 * (older hours are compacted) and span at most {@link MAX_HOURLY_SPAN_DAYS} days.
 */
export async function activitySeries(db: Db, guildId: string, range: { from: number; to: number; granularity: 'hour' | 'day' }): Promise<ActivityPoint[]> {
  const { from, to, granularity } = range;
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) throw new UserError('bad_range', 'The range must end after it starts.');
  if (granularity === 'hour') {
    const fromHour = hourOf(from);
    const toHour = hourOf(to - 1);
    if (toHour - fromHour + 1 > MAX_HOURLY_SPAN_DAYS * 24) throw new UserError('bad_range', `An hourly series covers at most ${MAX_HOURLY_SPAN_DAYS} days; ask for daily points instead.`);
    const rows = await db
      .select({ hour: analyticsGuildHours.hour, messages: analyticsGuildHours.messages, members: analyticsGuildHours.members, reactions: analyticsGuildHours.reactions, voiceMinutes: analyticsGuildHours.voiceMinutes, joins: analyticsGuildHours.joins, leaves: analyticsGuildHours.leaves, commands: analyticsGuildHours.commands })
      .from(analyticsGuildHours)
      .where(and(eq(analyticsGuildHours.guildId, guildId), gte(analyticsGuildHours.hour, fromHour), lte(analyticsGuildHours.hour, toHour)))
      .orderBy(asc(analyticsGuildHours.hour));
    const byHour = new Map(rows.map((r) => [r.hour, r]));
    const out: ActivityPoint[] = [];
    for (let h = fromHour; h <= toHour; h++) {
      const r = byHour.get(h);
      out.push(r ? numbers({ ...r, t: h * HOUR_MS }) : zero(h * HOUR_MS));
    }
    return out;
  }
  const fromDay = dayOf(from);
  const toDay = dayOf(to - 1);
  if (toDay - fromDay + 1 > MAX_DAYS) throw new UserError('bad_range', `A series covers at most ${MAX_DAYS} days.`);
  const byDay = await guildDays(db, guildId, fromDay, toDay);
  const out: ActivityPoint[] = [];
  for (let d = fromDay; d <= toDay; d++) out.push(byDay.get(d) ?? zero(d * DAY_MS));
  return out;
}

/** The last `days` UTC days up to `now`, as day numbers `[fromDay, toDay]`. */
function lastDays(days: number, now: number): [number, number] {
  const toDay = dayOf(now);
  return [toDay - days + 1, toDay];
}

/** A 7 × 24 grid of messages by local weekday (0 = Monday) and hour. */
export interface Heatmap {
  timezone: string;
  days: number;
  /** `cells[weekday][hour]`, messages. */
  cells: number[][];
  total: number;
  max: number;
  /** Rollup rows the query read (daily rows + hourly rows). */
  rowsRead: number;
}

/**
 * Messages of the last `days` days (1 to 366) by weekday and hour in `timezone` (an IANA
 * name; an unknown one is a `UserError`). Compacted days carry their per-UTC-hour counts, so
 * any timezone can be drawn from one row per day.
 */
export async function heatmap(db: Db, guildId: string, options: { days: number; timezone: string; now?: number }): Promise<Heatmap> {
  const days = requireDays(options.days, 'The heatmap range');
  const timezone = requireTimezone(options.timezone);
  const [fromDay, toDay] = lastDays(days, options.now ?? Date.now());
  const [dayRows, hourRows] = await db.batch([
    db
      .select({ day: analyticsGuildDays.day, hourly: analyticsGuildDays.hourly })
      .from(analyticsGuildDays)
      .where(and(eq(analyticsGuildDays.guildId, guildId), gte(analyticsGuildDays.day, fromDay), lte(analyticsGuildDays.day, toDay), lt(analyticsGuildDays.day, DAY_MARK))),
    db
      .select({ hour: analyticsGuildHours.hour, messages: analyticsGuildHours.messages })
      .from(analyticsGuildHours)
      .where(and(eq(analyticsGuildHours.guildId, guildId), gte(analyticsGuildHours.hour, sql`max(${fromDay * 24}, ${DAY_MARK} * 24)`), lt(analyticsGuildHours.hour, (toDay + 1) * 24))),
  ]);
  const hours: number[] = [];
  const counts: number[] = [];
  for (const r of dayRows) {
    for (const [h, n] of Object.entries(r.hourly ?? {})) {
      hours.push(r.day * 24 + Number(h));
      counts.push(Number(n));
    }
  }
  for (const r of hourRows) {
    if (r.messages === 0) continue;
    hours.push(r.hour);
    counts.push(r.messages);
  }
  const cells = Array.from({ length: 7 }, () => Array<number>(24).fill(0));
  localSlots(timezone, hours).forEach((slot, i) => {
    cells[slot.weekday]![slot.hour]! += counts[i]!;
  });
  const flat = cells.flat();
  return { timezone, days, cells, total: flat.reduce((a, b) => a + b, 0), max: Math.max(0, ...flat), rowsRead: dayRows.length + hourRows.length };
}

/** A channel's totals over a range. */
export interface ChannelActivity {
  channelId: string;
  messages: number;
  reactions: number;
  voiceMinutes: number;
  /** Most distinct active members in one period (a day, or an hour for days not compacted yet). */
  peakMembers: number;
}

/** Per-channel totals of the last `days` days (1 to 366), busiest first. */
export async function channelActivity(db: Db, guildId: string, options: { days: number; now?: number }): Promise<ChannelActivity[]> {
  const days = requireDays(options.days, 'The channel range');
  const [fromDay, toDay] = lastDays(days, options.now ?? Date.now());
  const sums = (t: typeof analyticsChannelDays | typeof analyticsChannelHours) => ({
    channelId: t.channelId,
    messages: sql<number>`sum(${t.messages})`,
    reactions: sql<number>`sum(${t.reactions})`,
    voiceMinutes: sql<number>`sum(${t.voiceMinutes})`,
    peakMembers: sql<number>`max(${t.members})`,
  });
  const [dayRows, hourRows] = await db.batch([
    db
      .select(sums(analyticsChannelDays))
      .from(analyticsChannelDays)
      .where(and(eq(analyticsChannelDays.guildId, guildId), gte(analyticsChannelDays.day, fromDay), lte(analyticsChannelDays.day, toDay), lt(analyticsChannelDays.day, DAY_MARK)))
      .groupBy(analyticsChannelDays.channelId),
    db
      .select(sums(analyticsChannelHours))
      .from(analyticsChannelHours)
      .where(and(eq(analyticsChannelHours.guildId, guildId), gte(analyticsChannelHours.hour, sql`max(${fromDay * 24}, ${DAY_MARK} * 24)`), lt(analyticsChannelHours.hour, (toDay + 1) * 24)))
      .groupBy(analyticsChannelHours.channelId),
  ]);
  const byChannel = new Map<string, ChannelActivity>();
  for (const r of [...dayRows, ...hourRows]) {
    const c = byChannel.get(r.channelId) ?? { channelId: r.channelId, messages: 0, reactions: 0, voiceMinutes: 0, peakMembers: 0 };
    c.messages += Number(r.messages);
    c.reactions += Number(r.reactions);
    c.voiceMinutes += Number(r.voiceMinutes);
    c.peakMembers = Math.max(c.peakMembers, Number(r.peakMembers));
    byChannel.set(r.channelId, c);
  }
  return [...byChannel.values()].sort((a, b) => b.messages - a.messages || b.voiceMinutes - a.voiceMinutes || a.channelId.localeCompare(b.channelId));
}

/** Joins and leaves per UTC day over the last `days` days (1 to 366), oldest first. */
export async function memberFlow(db: Db, guildId: string, options: { days: number; now?: number }): Promise<{ days: { t: number; joins: number; leaves: number }[]; joins: number; leaves: number }> {
  const days = requireDays(options.days, 'The member-flow range');
  const [fromDay, toDay] = lastDays(days, options.now ?? Date.now());
  const byDay = await guildDays(db, guildId, fromDay, toDay);
  const out: { t: number; joins: number; leaves: number }[] = [];
  for (let d = fromDay; d <= toDay; d++) {
    const p = byDay.get(d);
    out.push({ t: d * DAY_MS, joins: p?.joins ?? 0, leaves: p?.leaves ?? 0 });
  }
  return { days: out, joins: out.reduce((n, d) => n + d.joins, 0), leaves: out.reduce((n, d) => n + d.leaves, 0) };
}

/** A member Gatehouse has seen, with no activity in the asked window. */
export interface Lurker {
  userId: string;
  /** Last message, reaction, voice update or interaction (ms); 0 = none seen. */
  lastActiveAt: number;
  /** Latest join seen (ms), or null when unknown (joined before Gatehouse watched, never active since). */
  joinedAt: number | null;
}

/** Most lurkers one query returns. */
export const MAX_LURKERS = 1000;

/**
 * Members still in the guild (as far as the lake knows) with no activity of any kind for
 * `days` days, leaving out those who joined less than `minTenureDays` days ago; the longest
 * silent first. Reads the `(guild_id, last_active_at)` index range below the cutoff.
 * Members who joined before Gatehouse watched and never did anything since are not in the
 * facts: `prunePreview` with the roster covers them.
 */
export async function lurkers(
  db: Db,
  guildId: string,
  options: { days: number; minTenureDays: number; now?: number; limit?: number },
): Promise<{ members: Lurker[]; total: number; truncated: boolean }> {
  const days = requireDays(options.days, 'The inactivity window');
  const tenure = requireDays(options.minTenureDays, 'The minimum tenure', 0, 3650);
  const now = options.now ?? Date.now();
  const limit = Math.min(options.limit ?? MAX_LURKERS, MAX_LURKERS);
  const m = analyticsMembers;
  const where = and(
    eq(m.guildId, guildId),
    lt(m.lastActiveAt, now - days * DAY_MS),
    sql`(${m.leftAt} IS NULL OR ${m.joinedAt} > ${m.leftAt})`,
    sql`(${m.joinedAt} IS NULL OR ${m.joinedAt} <= ${now - tenure * DAY_MS})`,
  );
  const [rows, [counted]] = await db.batch([
    db
      .select({ userId: m.userId, lastActiveAt: m.lastActiveAt, joinedAt: m.joinedAt })
      .from(m)
      .where(where)
      .orderBy(asc(m.lastActiveAt), asc(m.userId))
      .limit(limit),
    db.select({ n: count() }).from(m).where(where),
  ]);
  const total = Number(counted?.n ?? 0);
  const members = rows;
  const truncated = total > rows.length;
  return { members, total, truncated };
}

/** A member of the roster, as Discord lists it. */
export interface RosterMember {
  userId: string;
  /** Role ids, without the guild's @everyone. */
  roleIds: readonly string[];
  /** `joined_at` (ms), when known. */
  joinedAt: number | null;
  bot?: boolean;
}

/** Why a member would be kept by Discord's prune (as far as Gatehouse can tell). */
export type KeepReason = 'has_roles' | 'active' | 'joined_recently' | 'bot';

/** One member's prune verdict. */
export interface PruneVerdict {
  userId: string;
  lastActiveAt: number;
  /** Empty when the prune would remove the member; otherwise every reason it would not. */
  kept: KeepReason[];
}

/** Roster ids per facts read (D1 binds at most 100 parameters per statement). */
const IDS_PER_READ = 90;

/**
 * What Discord's prune (`days`, `include_roles`) would do to `roster`: it removes members
 * inactive for `days` days who have no roles, or only roles listed in `includeRoles`. Discord
 * judges activity by its own last-seen (presence), which a bot cannot read; this preview uses
 * what Gatehouse saw (messages, reactions, voice, interactions), so a member who reads without
 * doing anything counts as inactive here. Members who joined within `days` are kept (they
 * cannot have been away that long); bots are reported kept (Discord's prune only counts
 * humans in practice: bots hold their managed role). Reads the facts of the roster's members
 * by primary key.
 */
export async function prunePreview(
  db: Db,
  guildId: string,
  options: { days: number; includeRoles?: readonly string[]; roster: readonly RosterMember[]; now?: number },
): Promise<{ remove: PruneVerdict[]; keep: PruneVerdict[]; counts: Record<KeepReason | 'remove', number> }> {
  const days = requireDays(options.days, 'The prune window', 1, 30);
  const now = options.now ?? Date.now();
  const include = new Set(options.includeRoles ?? []);
  const ids = [...new Set(options.roster.map((m) => m.userId))];
  const reads = [];
  for (let i = 0; i < ids.length; i += IDS_PER_READ) {
    reads.push(
      db
        .select({ userId: analyticsMembers.userId, lastActiveAt: analyticsMembers.lastActiveAt })
        .from(analyticsMembers)
        .where(and(eq(analyticsMembers.guildId, guildId), inArray(analyticsMembers.userId, ids.slice(i, i + IDS_PER_READ)))),
    );
  }
  const seen = new Map<string, number>();
  if (reads.length > 0) for (const rows of await db.batch(reads as [(typeof reads)[number], ...typeof reads])) for (const r of rows) seen.set(r.userId, r.lastActiveAt);
  const cutoff = now - days * DAY_MS;
  const remove: PruneVerdict[] = [];
  const keep: PruneVerdict[] = [];
  const counts: Record<KeepReason | 'remove', number> = { remove: 0, has_roles: 0, active: 0, joined_recently: 0, bot: 0 };
  for (const member of options.roster) {
    const lastActiveAt = seen.get(member.userId) ?? 0;
    const kept: KeepReason[] = [];
    if (member.bot) kept.push('bot');
    if (member.roleIds.some((r) => r !== guildId && !include.has(r))) kept.push('has_roles');
    if (lastActiveAt >= cutoff) kept.push('active');
    if (member.joinedAt !== null && member.joinedAt > cutoff) kept.push('joined_recently');
    const verdict = { userId: member.userId, lastActiveAt, kept };
    if (kept.length === 0) {
      remove.push(verdict);
      counts.remove++;
    } else {
      keep.push(verdict);
      for (const k of kept) counts[k]++;
    }
  }
  remove.sort((a, b) => a.lastActiveAt - b.lastActiveAt);
  return { remove, keep, counts };
}

