/**
 * Dry run and recompute. A dry run replays the lake's events of a rule's trigger over the last
 * N days through the same `evaluate` as the live path, from an empty state, with the guild's
 * current levels settings, and reports per member what the rule would have credited and which
 * conditions refused: reads only. (Internal-event triggers are not in the lake: their rules
 * cannot be replayed.)
 *
 * Recompute applies the difference between that and what the rule's firings (and earlier
 * corrections) recorded in the same window, as `correction` ledger changes keyed
 * `recompute:<rule>:v<version>:<member>:<currency>:<day>`, each with a `rule_fires`
 * correction row in the same batch, audited: a second recompute finds no difference and the
 * keys would refuse a repeat anyway.
 */
import { and, eq, gte } from 'drizzle-orm';
import { auditLog } from '../../core/schema';
import { readLake } from '../../core/gateway/lake';
import type { Db } from '../../db/client';
import { prepareChange, type LedgerChange } from '../economy/public';
import { evaluate, RuleState } from './engine';
import { factsFromLake } from './facts';
import { LAKE_TRIGGERS, type StoredRule } from './rule-format';
import { amountsOf, loadEngine } from './run.service';
import { ruleFires } from './schema';

const DAY_MS = 86_400_000;
/** Lake rows per page of a dry run. */
export const DRY_RUN_PAGE = 2000;

export interface DryRunReport {
  rule: string;
  since: number;
  until: number;
  events: number;
  /** Lake rows read (D1 bills these). */
  rowsRead: number;
  fired: number;
  /** Per member: currency id → amount (signed). */
  members: Map<string, Record<string, number>>;
  /** Refusals by condition. */
  refused: Map<string, number>;
  /** Per member: refusals by condition. */
  refusedBy: Map<string, Map<string, number>>;
}

/** Replays `rule` (saved or not) against the last `days` days of the lake. Writes nothing. */
export async function dryRun(db: Db, guildId: string, rule: StoredRule, days: number, now = Date.now()): Promise<DryRunReport> {
  const type = rule.rule.trigger.event;
  if (!(LAKE_TRIGGERS as readonly string[]).includes(type) || type === 'VOICE_MINUTE') {
    throw new RangeError(`${type} events are not kept in the event lake, so a rule on them cannot be replayed`);
  }
  const engine = await loadEngine(db, guildId);
  const report: DryRunReport = { rule: rule.rule.name, since: now - days * DAY_MS, until: now, events: 0, rowsRead: 0, fired: 0, members: new Map(), refused: new Map(), refusedBy: new Map() };
  const state = new RuleState();
  const live = { ...rule, enabled: true };
  let after: { occurredAt: number; id: number } | undefined;
  for (;;) {
    const rows = await readLake(db, { guildId, type, since: report.since, until: now, limit: DRY_RUN_PAGE, ...(after ? { after } : {}) });
    report.rowsRead += rows.length;
    for (const row of rows) {
      report.events++;
      for (const facts of factsFromLake({ sourceId: row.sourceId, type: row.type, guildId, facts: { channelId: row.channelId, userId: row.userId, occurredAt: row.occurredAt, summary: row.payload } })) {
        const { fired, refused } = evaluate([live], facts, state, engine.xp);
        for (const fire of fired) {
          report.fired++;
          const totals = report.members.get(fire.userId) ?? {};
          for (const [currency, amount] of Object.entries(amountsOf(fire))) totals[currency] = (totals[currency] ?? 0) + amount;
          report.members.set(fire.userId, totals);
        }
        for (const r of refused) {
          const reason = r.reason.replace(/ \(.*\)$/, '');
          report.refused.set(reason, (report.refused.get(reason) ?? 0) + 1);
          const mine = report.refusedBy.get(r.userId) ?? new Map<string, number>();
          mine.set(reason, (mine.get(reason) ?? 0) + 1);
          report.refusedBy.set(r.userId, mine);
        }
      }
    }
    if (rows.length < DRY_RUN_PAGE) break;
    const last = rows[rows.length - 1]!;
    after = { occurredAt: last.occurredAt, id: last.id };
  }
  return report;
}

/** What the rule's firings and corrections recorded since `since`, per member and currency. */
export async function recorded(db: Db, guildId: string, ruleId: string, since: number): Promise<Map<string, Record<string, number>>> {
  const rows = await db
    .select({ userId: ruleFires.userId, amounts: ruleFires.amounts })
    .from(ruleFires)
    .where(and(eq(ruleFires.guildId, guildId), eq(ruleFires.ruleId, ruleId), gte(ruleFires.at, since)));
  const out = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const totals = out.get(r.userId) ?? {};
    for (const [c, n] of Object.entries(r.amounts)) totals[c] = (totals[c] ?? 0) + n;
    out.set(r.userId, totals);
  }
  return out;
}

export interface RecomputeReport {
  dryRun: DryRunReport;
  corrections: { userId: string; currencyId: string; amount: number; ok: boolean; duplicate: boolean }[];
}

/** Applies the difference between a dry run of the rule and what it recorded (see the module comment). */
export async function recompute(db: Db, guildId: string, actorId: string, rule: StoredRule, days: number, now = Date.now()): Promise<RecomputeReport> {
  const report = await dryRun(db, guildId, rule, days, now);
  const have = await recorded(db, guildId, rule.id, report.since);
  const sinceDay = Math.floor(report.since / DAY_MS);
  const diffs: { userId: string; currencyId: string; amount: number }[] = [];
  for (const userId of new Set([...report.members.keys(), ...have.keys()])) {
    const want = report.members.get(userId) ?? {};
    const got = have.get(userId) ?? {};
    for (const currencyId of new Set([...Object.keys(want), ...Object.keys(got)])) {
      const amount = (want[currencyId] ?? 0) - (got[currencyId] ?? 0);
      if (amount !== 0) diffs.push({ userId, currencyId, amount });
    }
  }
  const corrections: RecomputeReport['corrections'] = [];
  for (let i = 0; i < diffs.length; i += 15) {
    const chunk = diffs.slice(i, i + 15);
    const statements: unknown[] = [];
    const prepared = chunk.map((d) => {
      const key = `recompute:${rule.id}:v${rule.version}:${d.userId}:${d.currencyId}:${sinceDay}`;
      const change: LedgerChange = { guildId, currencyId: d.currencyId, userId: d.userId, amount: Math.abs(d.amount), direction: d.amount > 0 ? 'credit' : 'debit', source: 'correction', idempotencyKey: key, actorId, reason: `recompute of rule ${rule.rule.name}` };
      const p = prepareChange(db, change);
      statements.push(
        db
          .insert(ruleFires)
          .values({ guildId, ruleId: rule.id, userId: d.userId, fireKey: key, sourceId: key, day: Math.floor(now / DAY_MS), at: now, amounts: { [d.currencyId]: d.amount }, ruleVersion: rule.version, kind: 'correction' })
          .onConflictDoNothing(),
      );
      const at = statements.length;
      statements.push(...p.statements);
      return { d, p, at };
    });
    const audit = { members: chunk.length, net: chunk.reduce((n, d) => n + d.amount, 0), days, version: rule.version };
    // The audit row joins the batch: a correction is never unaudited.
    const auditRow = db.insert(auditLog).values({ guildId, actorId, action: `rules.recompute.${rule.rule.name}`, before: null, after: audit, createdAt: now });
    const results = (await db.batch([auditRow, ...statements] as unknown as Parameters<Db['batch']>[0])).slice(1) as unknown[];
    for (const { d, p, at } of prepared) {
      const r = p.result(results.slice(at + 0, at + p.statements.length));
      corrections.push({ ...d, ok: r.ok, duplicate: r.ok && r.duplicate });
    }
  }
  return { dryRun: report, corrections };
}
