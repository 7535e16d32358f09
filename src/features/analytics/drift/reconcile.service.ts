/**
 * The nightly reconciliation: for each enrolled guild not checked for a day, the roles and
 * then every member (REST, 1,000 a page) are compared with the current state, and what the
 * gateway missed is recorded and alerted like a gateway change (source `reconcile`). A run is
 * resumable: its cursor (the last member id done) is written in the same batch as the page's
 * changes, so a run that ran out of budget, or an isolate that vanished, continues where it
 * stopped on the next trigger. A guild's first run takes the baseline (no alerts).
 */
import type { APIGuildMember } from 'discord-api-types/v10';
import type { CronContext } from '../../../core/context';
import { GuildConfig } from '../../../core/guild-config.repo';
import { DiscordApiError } from '../../../discord';
import { FLUSH_COST, flushAlerts } from './alerts';
import { dueGuilds, GuildDrift, RECONCILE_WINDOW_MS, type Seen } from './drift.repo';
import { compareIds } from './permissions';

/** Members per REST page (Discord's maximum). */
export const PAGE_SIZE = 1000;
/** Subrequests of the roles step (start, roles, state read, batch) and of one member page (page, two reads, batch). */
export const START_COST = 4;
export const PAGE_COST = 4;

/** What a run did. */
export interface ReconcileReport {
  guilds: number;
  pages: number;
  finished: number;
  changes: number;
}

/** Members → statements for one page against the current state (pure apart from building statements). */
function pageStatements(
  drift: GuildDrift,
  page: readonly Pick<APIGuildMember, 'roles' | 'user'>[],
  state: { roles: readonly { roleId: string }[]; holders: readonly { roleId: string; userId: string }[] },
  range: { after: string; upTo: string | null },
  seen: Seen,
  record: boolean,
) {
  const followed = state.roles.map((r) => r.roleId);
  const held = new Set(state.holders.map((h) => `${h.roleId}:${h.userId}`));
  const inPage = new Set<string>();
  const stmts = [];
  for (const m of page) {
    const has = new Set(m.roles);
    for (const roleId of followed) {
      const k = `${roleId}:${m.user.id}`;
      if (has.has(roleId)) {
        inPage.add(k);
        if (!held.has(k)) stmts.push(...drift.holderAdded(roleId, m.user.id, seen, record));
      } else if (held.has(k)) stmts.push(...drift.holderRemoved(roleId, m.user.id, seen, record));
    }
  }
  // Holders in this page's id range who are not in it any more: they left.
  for (const h of state.holders) {
    if (inPage.has(`${h.roleId}:${h.userId}`)) continue;
    if (compareIds(h.userId, range.after) <= 0 || (range.upTo !== null && compareIds(h.userId, range.upTo) > 0)) continue;
    if (page.some((m) => m.user.id === h.userId)) continue;
    stmts.push(...drift.holderRemoved(h.roleId, h.userId, seen, record));
  }
  return stmts;
}

/** One trigger's worth of reconciliation, within `ctx.budget`. */
export async function runDriftReconcile(ctx: CronContext, now = Date.now()): Promise<ReconcileReport> {
  const report: ReconcileReport = { guilds: 0, pages: 0, finished: 0, changes: 0 };
  if (!ctx.budget.canAfford(1 + START_COST + PAGE_COST)) return report;
  const due = await dueGuilds(ctx.db, now, 10);
  for (const g of due) {
    if (!ctx.budget.canAfford(START_COST + PAGE_COST + FLUSH_COST)) break;
    report.guilds++;
    const drift = new GuildDrift(ctx.db, g.guildId);
    const record = g.baselineAt != null;
    let runStartedAt = g.runStartedAt;
    let cursor = g.runCursor;
    try {
      if (runStartedAt == null) {
        if (!(await drift.startRun(now))) continue;
        runStartedAt = now;
        cursor = null;
      }
      const seen: Seen = { key: `run:${runStartedAt}`, source: 'reconcile', at: now, window: RECONCILE_WINDOW_MS };
      if (cursor == null) {
        const [roles, current] = await Promise.all([ctx.discord.guilds.roles(g.guildId), drift.roles()]);
        const live = new Set(roles.map((r) => r.id));
        const stmts = [
          ...roles.filter((r) => r.id !== g.guildId || BigInt(r.permissions) !== 0n).flatMap((r) => drift.roleSeen({ id: r.id, name: r.name, permissions: r.permissions }, seen, record)),
          ...current.filter((r) => !live.has(r.roleId)).flatMap((r) => drift.roleDeleted(r.roleId, seen)),
          drift.cursor('0'),
        ];
        await ctx.db.batch(stmts as never);
        cursor = '0';
      }
      let after: string = cursor;
      while (ctx.budget.canAfford(PAGE_COST + FLUSH_COST)) {
        const page = await ctx.discord.members.list(g.guildId, { limit: PAGE_SIZE, after });
        const [roles, holders] = await Promise.all([drift.roles(), drift.holders()]);
        const last: string = page.at(-1)?.user.id ?? after;
        const final = page.length < PAGE_SIZE;
        const stmts = pageStatements(drift, page, { roles, holders }, { after, upTo: final ? null : last }, seen, record);
        report.pages++;
        if (final) {
          await ctx.db.batch([...stmts, drift.finishRun(now), ...(record ? [] : drift.acceptStatements('system', now, 'reconcile'))] as never);
          report.finished++;
          break;
        }
        await ctx.db.batch([...stmts, drift.cursor(last)] as never);
        after = last;
      }
      if (record) report.changes += await flushAlerts(ctx, new GuildConfig(ctx.db, g.guildId), drift, now);
    } catch (error) {
      // The bot left the guild (or lost access): stop following it rather than retry every hour.
      if (error instanceof DiscordApiError && (error.status === 404 || error.status === 403)) {
        await ctx.db.batch([drift.finishRun(now)]);
        console.warn(JSON.stringify({ msg: 'drift reconcile skipped guild', guild: g.guildId, error: String(error) }));
        continue;
      }
      throw error;
    }
  }
  return report;
}
