/**
 * The rules engine's decisions, pure: given an event's facts, the guild's rules and what the
 * rules already did (fires, counters), which rules fire, with which concrete effects, and why
 * the others refused. The live path (the events consumer) and the dry run call the same
 * function on the same facts, so a dry run reports what a real run credits.
 *
 * Determinism, so that repeats and replays agree:
 * - A firing has a key: `rule:member:d<day>:<slot>` under a daily cap, `rule:member:w<window>`
 *   under a cooldown (fixed windows of the cooldown's length, aligned to the epoch), else
 *   `rule:event`. Ledger effects use it as their idempotency key, so a re-delivered event, or
 *   two events racing for one window or slot, move money once.
 * - A random amount (`{min,max}`) comes from a hash of that key, not `Math.random`.
 * - Time is the event's time (`occurredAt`), never the clock.
 */
import { snowflakeTime } from '../../discord/snowflake';
import type { Condition, Effect, StoredRule } from './rule-format';

const DAY_MS = 86_400_000;

/** What a rule sees of an event (from the lake row or an internal event). */
export interface EventFacts {
  sourceId: string;
  /** Lake type (`MESSAGE_CREATE`) or internal event (`level_up`). */
  type: string;
  guildId: string;
  /** The member the rule acts on (the reactor or the message's author for reactions). */
  userId: string;
  /** Reactions: whose side of the reaction `userId` is. */
  member?: 'actor' | 'author';
  channelId: string | null;
  occurredAt: number;
  length?: number;
  /** The member's roles at the event, when the event carried them. */
  roleIds?: string[];
  joinedAt?: number;
  emoji?: string;
  bot?: boolean;
  /** Internal events: ids of the rules that fired in the chain that led here. */
  chain?: string[];
}

/** What the rules did before, for one (rule, member). */
export interface FireLog {
  /** Fire key by the event that fired it. */
  bySource: Map<string, string>;
  keys: Set<string>;
  /** Firings per UTC day number. */
  perDay: Map<number, number>;
}

/** A counter condition's value, as of `at` (ms). */
export interface CounterValue {
  value: number;
  at: number;
}

/** The state the engine reads and updates as it decides (the caller loads and persists it). */
export class RuleState {
  readonly fires = new Map<string, FireLog>();
  readonly counters = new Map<string, CounterValue>();
  /** Counters changed since load (to persist). */
  readonly dirtyCounters = new Set<string>();

  static key(ruleId: string, userId: string): string {
    return `${ruleId}:${userId}`;
  }

  log(ruleId: string, userId: string): FireLog {
    const k = RuleState.key(ruleId, userId);
    let log = this.fires.get(k);
    if (!log) this.fires.set(k, (log = { bySource: new Map(), keys: new Set(), perDay: new Map() }));
    return log;
  }

  /** Records a firing (as loaded, or as just decided). */
  addFire(ruleId: string, userId: string, sourceId: string, fireKey: string, day: number): void {
    const log = this.log(ruleId, userId);
    if (log.keys.has(fireKey)) return;
    log.keys.add(fireKey);
    log.bySource.set(sourceId, fireKey);
    log.perDay.set(day, (log.perDay.get(day) ?? 0) + 1);
  }
}

/** How XP credits are adjusted: multipliers and no-XP lists (levels settings). */
export interface XpPolicy {
  /** Whether a currency reference is an XP currency (multipliers and no-XP apply). */
  isXp(currency: string): boolean;
  /** Why the member or channel earns no XP, or null. */
  excluded(facts: EventFacts): string | null;
  /** The combined multiplier for the event (see multipliers.ts). */
  multiplier(facts: EventFacts): number;
}

export const NO_XP_POLICY: XpPolicy = { isXp: () => false, excluded: () => null, multiplier: () => 1 };

/** An effect with its amounts decided. */
export type PlannedEffect =
  | { type: 'credit' | 'debit'; currency: string; amount: number }
  | { type: 'add_role' | 'remove_role'; role: string }
  | { type: 'announce'; to: string; template: string }
  | { type: 'emit'; event: string };

/** A rule that fired for an event. */
export interface Fire {
  ruleId: string;
  ruleName: string;
  ruleVersion: number;
  fireKey: string;
  sourceId: string;
  userId: string;
  channelId: string | null;
  day: number;
  at: number;
  /** A repeat of a firing already recorded (a re-delivered event): effects run again idempotently. */
  repeat: boolean;
  effects: PlannedEffect[];
}

/** A rule whose trigger matched but that did not fire, and the condition that refused. */
export interface Refusal {
  ruleId: string;
  ruleName: string;
  userId: string;
  sourceId: string;
  reason: string;
}

/** Most rules that may fire for one event (priority order). */
export const MAX_FIRES_PER_EVENT = 10;

/** FNV-1a, 32 bits: the deterministic "random" of amounts. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The amount of a `{min,max}` (or fixed) amount for a firing key. */
export function amountFor(amount: number | { min: number; max: number }, fireKey: string): number {
  if (typeof amount === 'number') return amount;
  return amount.min + (hash32(fireKey) % (amount.max - amount.min + 1));
}

/** Rules in the order they run: priority high to low, then name. */
export function ordered(rules: readonly StoredRule[]): StoredRule[] {
  return [...rules].sort((a, b) => b.rule.priority - a.rule.priority || a.rule.name.localeCompare(b.rule.name));
}

function triggerMatches(rule: StoredRule, facts: EventFacts): boolean {
  if (!rule.enabled || rule.rule.trigger.event !== facts.type) return false;
  if (facts.type === 'MESSAGE_REACTION_ADD') return rule.rule.trigger.member === (facts.member ?? 'actor');
  return true;
}

/** A static condition's verdict: null passes, a string is the reason it refused. */
export function checkCondition(c: Condition, facts: EventFacts): string | null {
  switch (c.type) {
    case 'channel_in':
      return facts.channelId && c.channels.includes(facts.channelId) ? null : 'channel_in';
    case 'channel_not_in':
      return facts.channelId && c.channels.includes(facts.channelId) ? 'channel_not_in' : null;
    case 'has_role':
      return facts.roleIds?.some((r) => c.roles.includes(r)) ? null : 'has_role';
    case 'lacks_role':
      if (!facts.roleIds) return 'lacks_role (roles unknown)';
      return facts.roleIds.some((r) => c.roles.includes(r)) ? 'lacks_role' : null;
    case 'account_age': {
      const created = snowflakeTime(facts.userId);
      return created !== null && facts.occurredAt - created >= c.minDays * DAY_MS ? null : 'account_age';
    }
    case 'membership_age':
      if (facts.joinedAt === undefined) return 'membership_age (join time unknown)';
      return facts.occurredAt - facts.joinedAt >= c.minDays * DAY_MS ? null : 'membership_age';
    case 'message_length': {
      const n = facts.length ?? 0;
      if (c.min !== undefined && n < c.min) return 'message_length';
      if (c.max !== undefined && n > c.max) return 'message_length';
      return null;
    }
    case 'emoji_in':
      return facts.emoji && c.emojis.includes(facts.emoji) ? null : 'emoji_in';
    default:
      return null; // stateful: decided in evaluate()
  }
}

/** The key a firing takes (see the module comment), and its slot check. */
function fireKeyFor(rule: StoredRule, facts: EventFacts, log: FireLog, day: number): { key: string } | { refused: string } {
  const prior = log.bySource.get(facts.sourceId);
  if (prior) return { key: prior };
  const cap = rule.rule.conditions.find((c) => c.type === 'daily_cap');
  const cooldown = rule.rule.conditions.find((c) => c.type === 'cooldown');
  const who = `${rule.id}:${facts.userId}`;
  let windowKey: string | undefined;
  if (cooldown) {
    windowKey = `${who}:w${Math.floor(facts.occurredAt / (cooldown.seconds * 1000))}`;
    if (log.keys.has(windowKey) || [...log.keys].some((k) => k.endsWith(`|${windowKey}`))) return { refused: 'cooldown' };
  }
  if (cap) {
    const used = log.perDay.get(day) ?? 0;
    if (used >= cap.max) return { refused: 'daily_cap' };
    const slot = `${who}:d${day}:${used + 1}`;
    // Under both, the key holds the slot (strict cap) and remembers the window (cooldown).
    return { key: windowKey ? `${slot}|${windowKey}` : slot };
  }
  return { key: windowKey ?? `${who}:e${facts.sourceId}` };
}

function plan(effects: readonly Effect[], facts: EventFacts, fireKey: string, xp: XpPolicy): { effects: PlannedEffect[] } | { refused: string } {
  const out: PlannedEffect[] = [];
  for (const [i, e] of effects.entries()) {
    switch (e.type) {
      case 'credit': {
        let amount = amountFor(e.amount, `${fireKey}#${i}`);
        if (e.multipliers && xp.isXp(e.currency)) {
          const excluded = xp.excluded(facts);
          if (excluded) return { refused: excluded };
          amount = Math.floor(amount * xp.multiplier(facts));
        }
        if (amount > 0) out.push({ type: 'credit', currency: e.currency, amount });
        break;
      }
      case 'debit':
        out.push({ type: 'debit', currency: e.currency, amount: e.amount });
        break;
      case 'add_role':
      case 'remove_role':
        out.push({ type: e.type, role: e.role });
        break;
      case 'announce':
        out.push({ type: 'announce', to: e.to, template: e.template });
        break;
      case 'emit':
        out.push({ type: 'emit', event: e.event });
        break;
    }
  }
  return { effects: out };
}

/**
 * Decides which rules fire for one event, updating `state` with what fired (and counters),
 * so a batch or a replay evaluated event by event stays consistent.
 */
export function evaluate(
  rules: readonly StoredRule[],
  facts: EventFacts,
  state: RuleState,
  xp: XpPolicy = NO_XP_POLICY,
): { fired: Fire[]; refused: Refusal[] } {
  const fired: Fire[] = [];
  const refused: Refusal[] = [];
  if (facts.bot) return { fired, refused };
  const day = Math.floor(facts.occurredAt / DAY_MS);
  for (const rule of ordered(rules)) {
    if (!triggerMatches(rule, facts)) continue;
    const refuse = (reason: string) => refused.push({ ruleId: rule.id, ruleName: rule.rule.name, userId: facts.userId, sourceId: facts.sourceId, reason });
    if (facts.chain?.includes(rule.id)) {
      refuse('chain (this rule already fired earlier in the chain)');
      continue;
    }
    if (fired.length >= MAX_FIRES_PER_EVENT) {
      refuse('too many rules fired for one event');
      continue;
    }
    const log = state.log(rule.id, facts.userId);
    const repeat = log.bySource.has(facts.sourceId);
    let reason: string | null = null;
    for (const c of rule.rule.conditions) {
      reason = checkCondition(c, facts);
      if (reason) break;
      if (c.type === 'counter' && !repeat) {
        const k = RuleState.key(rule.id, facts.userId);
        const prev = state.counters.get(k) ?? { value: 0, at: facts.occurredAt };
        const decayed = Math.max(0, prev.value - (c.decayPerDay * Math.max(0, facts.occurredAt - prev.at)) / DAY_MS);
        const value = decayed + 1;
        state.dirtyCounters.add(k);
        if (value >= c.threshold) {
          state.counters.set(k, { value: 0, at: facts.occurredAt });
        } else {
          state.counters.set(k, { value, at: facts.occurredAt });
          reason = `counter (${Math.floor(value)} of ${c.threshold})`;
          break;
        }
      }
    }
    if (reason) {
      refuse(reason);
      continue;
    }
    const keyed = fireKeyFor(rule, facts, log, day);
    if ('refused' in keyed) {
      refuse(keyed.refused);
      continue;
    }
    const planned = plan(rule.rule.effects, facts, keyed.key, xp);
    if ('refused' in planned) {
      refuse(planned.refused);
      continue;
    }
    state.addFire(rule.id, facts.userId, facts.sourceId, keyed.key, day);
    fired.push({
      ruleId: rule.id,
      ruleName: rule.rule.name,
      ruleVersion: rule.version,
      fireKey: keyed.key,
      sourceId: facts.sourceId,
      userId: facts.userId,
      channelId: facts.channelId,
      day,
      at: facts.occurredAt,
      repeat,
      effects: planned.effects,
    });
    if (rule.rule.stop) break;
  }
  return { fired, refused };
}
