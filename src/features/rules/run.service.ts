/**
 * The live path of the rules engine (called by the lake hook after the lake write, and by
 * internal events), for one guild's events of a batch:
 *
 * 1. The guild's rules, levels settings and XP currencies come from the isolate's copy
 *    (refreshed every couple of seconds). Events no enabled rule's trigger takes stop here:
 *    no read, no write beyond the lake.
 * 2. One read loads the firings (and counters) of the rules and members involved since the
 *    start of the earliest event's day; `evaluate` decides event by event on that state.
 * 3. One batch per chunk of firings writes each firing's `rule_fires` row (insert-or-ignore on
 *    its key) together with its ledger changes (keyed `rule:<fire key>#<effect>`), and the
 *    changed counters. A re-delivered event takes the same keys: nothing moves twice.
 * 4. Then levels (one upsert batch; level-ups synced inline within the budget, else by the
 *    sync cron), `currency_changed` listeners, role and announce effects (idempotent: PUT and
 *    DELETE, nonce'd posts; skipped with a log line past the budget), emitted internal events.
 */
import { and, asc, eq, gt, gte, inArray, lt, lte } from 'drizzle-orm';
import type { BaseContext } from '../../core/context';
import type { Budget } from '../../core/budget';
import { emitInternal, type InternalEvent, type InternalEventType } from '../../core/internal-events';
import type { Registry } from '../../core/registry';
import type { Db } from '../../db/client';
import { messageNonce } from '../../discord/nonce';
import { listCurrencies, notifyCurrencyChanged, prepareChange, type Currency, type LedgerChange, type LedgerResult } from '../economy/public';
import { curveOf, levelsSettings, recordBalances, syncCost, syncMember, type BalanceUpdate } from '../levels/levels.service';
import { memberLevels } from '../levels/schema';
import { xpPolicy, type LevelsSettings } from '../levels/settings';
import { evaluate, RuleState, type EventFacts, type Fire, type XpPolicy } from './engine';
import type { StoredRule } from './rule-format';
import { GuildRules, RULES_TTL_MS } from './rules.repo';
import { ruleCounters, ruleFires } from './schema';

const DAY_MS = 86_400_000;

/** What the engine runs with in a context. */
export interface RunContext extends BaseContext {
  registry: Registry;
  budget?: Budget;
}

/** A guild's rules and what they need, as the live path and the dry run use them. */
export interface GuildEngine {
  rules: StoredRule[];
  settings: LevelsSettings;
  currencies: Currency[];
  xp: XpPolicy;
}

const engines = new Map<string, { at: number; value: Promise<GuildEngine> }>();

/** Drops the isolate's copy of a guild's engine (after a rules or levels change here). */
export function forgetEngine(guildId: string): void {
  engines.delete(guildId);
}

/** The guild's engine, cached per isolate for {@link RULES_TTL_MS}. */
export function loadEngine(db: Db, guildId: string, now = Date.now()): Promise<GuildEngine> {
  const hit = engines.get(guildId);
  if (hit && now - hit.at < RULES_TTL_MS) return hit.value;
  const value = (async () => {
    const [rules, settings, currencies] = await Promise.all([new GuildRules(db, guildId).cached(now), levelsSettings(db, guildId), listCurrencies(db, guildId)]);
    return { rules, settings, currencies, xp: xpPolicy(settings, new Set(currencies.filter((c) => c.kind === 'xp').map((c) => c.id))) };
  })();
  engines.set(guildId, { at: now, value });
  value.catch(() => engines.delete(guildId));
  return value;
}

/** Bound parameters one D1 statement may carry. */
const D1_MAX_PARAMS = 100;
/** Rule ids per state read: a guild with more rules on one trigger takes more reads. */
const RULES_PER_READ = 40;
/** Members per state read beside `rules` rule ids: the rest of the statement's parameters (guild, since, kind). */
const usersPerRead = (rules: number) => D1_MAX_PARAMS - 3 - rules;

/**
 * Loads the firings and counters of (rules × members) since `since` into a state: one read of
 * each per 40 rules × (97 − rules) members, so with a few rules a read covers 96 members, and
 * no statement passes D1's 100 bound parameters however many rules.
 */
export async function loadState(db: Db, guildId: string, ruleIds: string[], userIds: string[], since: number, withCounters: boolean): Promise<RuleState> {
  const state = new RuleState();
  if (ruleIds.length === 0 || userIds.length === 0) return state;
  const reads: Promise<void>[] = [];
  for (let r = 0; r < ruleIds.length; r += RULES_PER_READ) {
    const rules = ruleIds.slice(r, r + RULES_PER_READ);
    const per = usersPerRead(rules.length);
    for (let i = 0; i < userIds.length; i += per) {
      const users = userIds.slice(i, i + per);
      reads.push(
        (async () => {
          const [fires, counters] = await Promise.all([
            db
              .select({ ruleId: ruleFires.ruleId, userId: ruleFires.userId, fireKey: ruleFires.fireKey, sourceId: ruleFires.sourceId, day: ruleFires.day })
              .from(ruleFires)
              .where(and(eq(ruleFires.guildId, guildId), inArray(ruleFires.ruleId, rules), inArray(ruleFires.userId, users), gte(ruleFires.at, since), eq(ruleFires.kind, 'fire'))),
            withCounters
              ? db.select().from(ruleCounters).where(and(eq(ruleCounters.guildId, guildId), inArray(ruleCounters.ruleId, rules), inArray(ruleCounters.userId, users)))
              : Promise.resolve([]),
          ]);
          for (const f of fires) state.addFire(f.ruleId, f.userId, f.sourceId, f.fireKey, f.day);
          for (const c of counters) state.counters.set(RuleState.key(c.ruleId, c.userId), { value: c.value, at: c.at });
        })(),
      );
    }
  }
  await Promise.all(reads);
  return state;
}

/** The ledger change of a credit or debit effect of a firing. */
export function changeOf(guildId: string, fire: Fire, index: number, effect: { type: 'credit' | 'debit'; currency: string; amount: number }): LedgerChange {
  return {
    guildId,
    currencyId: effect.currency,
    userId: fire.userId,
    amount: effect.amount,
    direction: effect.type,
    source: 'rule',
    idempotencyKey: `rule:${fire.fireKey}#${index}`,
    actorId: null,
    reason: `rule ${fire.ruleName}`,
  };
}

/** The signed amounts a firing moves, by currency id. */
export function amountsOf(fire: Fire): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of fire.effects) if (e.type === 'credit' || e.type === 'debit') out[e.currency] = (out[e.currency] ?? 0) + (e.type === 'credit' ? e.amount : -e.amount);
  return out;
}

/** Firings per write batch (each: its row and up to 5 statements per ledger change). */
const FIRES_PER_BATCH = 15;

/**
 * Most subrequests `runRules` makes for `n` events, REST effects aside (those reserve their
 * own), for up to 40 rules on a trigger (each further 40 add a state read per member page).
 */
export function runCost(n: number): number {
  return 4 + 2 * Math.ceil(n / usersPerRead(RULES_PER_READ)) + Math.ceil(n / FIRES_PER_BATCH) + 2;
}

/** What one run did (tests, bench, logs). */
export interface RunReport {
  fired: number;
  credited: number;
  levelUps: number;
}

/** Evaluates and applies the guild's rules for these events (see the module comment). */
export async function runRules(ctx: RunContext, guildId: string, events: readonly EventFacts[], parent?: InternalEvent): Promise<RunReport> {
  const report: RunReport = { fired: 0, credited: 0, levelUps: 0 };
  const engine = await loadEngine(ctx.db, guildId);
  const triggers = new Set(engine.rules.filter((r) => r.enabled).map((r) => r.rule.trigger.event as string));
  const relevant = events.filter((e) => triggers.has(e.type) && !e.bot).sort((a, b) => a.occurredAt - b.occurredAt);
  if (relevant.length === 0) return report;
  const rules = engine.rules.filter((r) => r.enabled && relevant.some((e) => e.type === r.rule.trigger.event));
  const since = Math.floor(relevant[0]!.occurredAt / DAY_MS) * DAY_MS - Math.max(0, ...rules.flatMap((r) => r.rule.conditions.map((c) => (c.type === 'cooldown' ? c.seconds * 1000 : 0))));
  const state = await loadState(
    ctx.db,
    guildId,
    rules.map((r) => r.id),
    [...new Set(relevant.map((e) => e.userId))],
    since,
    rules.some((r) => r.rule.conditions.some((c) => c.type === 'counter')),
  );
  const fires: Fire[] = [];
  for (const facts of relevant) fires.push(...evaluate(rules, facts, state, engine.xp).fired);
  report.fired = fires.length;

  const counterWrites = [...state.dirtyCounters].map((k) => {
    const [ruleId, userId] = k.split(':') as [string, string];
    const c = state.counters.get(k)!;
    return ctx.db
      .insert(ruleCounters)
      .values({ guildId, ruleId, userId, value: c.value, at: c.at })
      .onConflictDoUpdate({ target: [ruleCounters.guildId, ruleCounters.ruleId, ruleCounters.userId], set: { value: c.value, at: c.at } });
  });
  const applied: { fire: Fire; change: LedgerChange; result: LedgerResult }[] = [];
  for (let i = 0; i < Math.max(fires.length, counterWrites.length ? 1 : 0); i += FIRES_PER_BATCH) {
    const chunk = fires.slice(i, i + FIRES_PER_BATCH);
    const statements: unknown[] = i === 0 ? [...counterWrites] : [];
    const reads: { fire: Fire; change: LedgerChange; at: number; prepared: ReturnType<typeof prepareChange> }[] = [];
    for (const fire of chunk) {
      statements.push(
        ctx.db
          .insert(ruleFires)
          .values({ guildId, ruleId: fire.ruleId, userId: fire.userId, fireKey: fire.fireKey, sourceId: fire.sourceId, day: fire.day, at: fire.at, amounts: amountsOf(fire), ruleVersion: fire.ruleVersion })
          .onConflictDoNothing(),
      );
      fire.effects.forEach((e, index) => {
        if (e.type !== 'credit' && e.type !== 'debit') return;
        const change = changeOf(guildId, fire, index, e);
        const prepared = prepareChange(ctx.db, change);
        reads.push({ fire, change, at: statements.length, prepared });
        statements.push(...prepared.statements);
      });
    }
    if (statements.length === 0) continue;
    const results = (await ctx.db.batch(statements as unknown as Parameters<Db['batch']>[0])) as unknown as unknown[];
    for (const r of reads) applied.push({ fire: r.fire, change: r.change, result: r.prepared.result(results.slice(r.at, r.at + r.prepared.statements.length)) });
  }

  // Levels: the members whose XP moved.
  const levelCurrency = engine.settings.currencyId ? engine.currencies.find((c) => c.id === engine.settings.currencyId) : undefined;
  if (levelCurrency) {
    const updates: BalanceUpdate[] = applied
      .filter((a) => a.result.ok && a.change.currencyId === levelCurrency.id && a.change.direction === 'credit')
      .map((a) => ({ userId: a.change.userId, balance: (a.result as { balance: number }).balance, channelId: a.fire.channelId }));
    const curve = curveOf(levelCurrency.levelCurve);
    const ups = updates.length ? await recordBalances(ctx.db, guildId, levelCurrency.id, curve, updates) : [];
    report.levelUps = ups.length;
    for (const up of ups) {
      const slot = ctx.budget?.reserve(syncCost(engine.settings));
      if (ctx.budget && !slot) continue; // stays pending: the sync cron posts it
      try {
        const [row] = await ctx.db.select().from(memberLevels).where(and(eq(memberLevels.guildId, guildId), eq(memberLevels.currencyId, levelCurrency.id), eq(memberLevels.userId, up.userId)));
        if (row?.pending) await syncMember(ctx, engine.settings, row, curve);
      } finally {
        slot?.release();
      }
      await emitInternal(ctx, 'level_up', { guildId, userId: up.userId, key: `${levelCurrency.id}:${up.userId}:L${up.level}`, payload: { level: up.level, currencyId: levelCurrency.id } }, parent);
    }
  }

  for (const a of applied) {
    if (!a.result.ok || a.result.duplicate) continue;
    report.credited += a.change.direction === 'credit' ? a.change.amount : 0;
    await notifyCurrencyChanged(ctx, a.change, a.result);
    if (ctx.registry.internalHandlers.get('currency_changed')?.length && triggers.has('currency_changed')) {
      await emitInternal(ctx, 'currency_changed', { guildId, userId: a.change.userId, key: a.result.txId, payload: { currencyId: a.change.currencyId, balance: a.result.balance } }, parent, [a.fire.ruleId]);
    }
  }

  for (const fire of fires) await sideEffects(ctx, guildId, fire, parent);
  return report;
}

function render(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}

/** Role, announce and emit effects of a firing (idempotent; REST within the budget). */
async function sideEffects(ctx: RunContext, guildId: string, fire: Fire, parent?: InternalEvent): Promise<void> {
  for (const [i, e] of fire.effects.entries()) {
    if (e.type === 'credit' || e.type === 'debit') continue;
    if (e.type === 'emit') {
      await emitInternal(ctx, e.event as InternalEventType, { guildId, userId: fire.userId, key: `${fire.fireKey}#${i}`, occurredAt: fire.at, payload: { rule: fire.ruleName, ...(fire.channelId ? { channelId: fire.channelId } : {}) } }, parent, [fire.ruleId]);
      continue;
    }
    const slot = ctx.budget?.reserve(e.type === 'announce' && e.to === 'dm' ? 2 : 1);
    if (ctx.budget && !slot) {
      console.warn(JSON.stringify({ msg: 'rule effect skipped', reason: 'budget', guild: guildId, rule: fire.ruleName, effect: e.type }));
      continue;
    }
    try {
      if (e.type === 'add_role') await ctx.discord.members.addRole(guildId, fire.userId, e.role, `Gatehouse rule ${fire.ruleName}`);
      else if (e.type === 'remove_role') await ctx.discord.members.removeRole(guildId, fire.userId, e.role, `Gatehouse rule ${fire.ruleName}`);
      else if (e.type === 'announce') {
        const content = render(e.template, { user: `<@${fire.userId}>`, rule: fire.ruleName, channel: fire.channelId ? `<#${fire.channelId}>` : '' });
        const body = { content, allowed_mentions: { users: [fire.userId] }, nonce: await messageNonce('rules.announce', fire.fireKey, String(i)), enforce_nonce: true };
        if (e.to === 'dm') await ctx.discord.users.sendDm(fire.userId, body);
        else {
          const channel = e.to === 'event' ? fire.channelId : e.to;
          if (channel) await ctx.discord.channels.createMessage(channel, body);
        }
      }
    } finally {
      slot?.release();
    }
  }
}

/** Rows of `rule_fires` one pruning page reads (and deletes at most). */
export const FIRES_PAGE = 500;

/**
 * Deletes firings whose event is older than `before` (the lake's retention), oldest rows
 * first: a page is a range read of the primary key after the last page's end (rows are
 * appended in about event order, so no index on `at` is needed and none is written with every
 * firing), and deletes the page's rows older than `before`. Stops at the first page with a
 * page with no row old enough (the rest is younger), when nothing is left, or when the budget
 * (two subrequests a page) or `maxPages` runs out; `more` says whether it stopped early.
 */
export async function pruneFires(db: Db, before: number, { budget, maxPages = 40 }: { budget?: Budget; maxPages?: number } = {}): Promise<{ deleted: number; pages: number; more: boolean }> {
  let deleted = 0;
  let after = 0;
  for (let pages = 0; pages < maxPages; pages++) {
    const slot = budget?.reserve(2);
    if (budget && !slot) return { deleted, pages, more: true };
    try {
      const page = await db.select({ id: ruleFires.id, at: ruleFires.at }).from(ruleFires).where(gt(ruleFires.id, after)).orderBy(asc(ruleFires.id)).limit(FIRES_PAGE);
      const old = page.filter((r) => r.at < before).length;
      const last = page[page.length - 1]?.id ?? after;
      // One range delete over the page's ids (no parameter per row).
      if (old > 0) await db.delete(ruleFires).where(and(gt(ruleFires.id, after), lte(ruleFires.id, last), lt(ruleFires.at, before)));
      deleted += old;
      if (page.length < FIRES_PAGE || old === 0) return { deleted, pages: pages + 1, more: false };
      after = last;
    } finally {
      slot?.release();
    }
  }
  return { deleted, pages: maxPages, more: true };
}
