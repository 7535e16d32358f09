import { describe, expect, it } from 'vitest';
import { lakeFacts } from '../../core/gateway/lake';
import { evaluate, RuleState, type EventFacts, type XpPolicy } from './engine';
import { factsFromLake } from './facts';
import { findLoop, parseRule, parseRuleJson, ruleSchema, type RuleInput, type StoredRule } from './rule-format';

const G = '900000000000000001';
const U = '300000000000000001'; // snowflake of 2015: an old account
const CH = '200000000000000001';
const CH2 = '200000000000000002';
const ROLE = '100000000000000001';
const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);

function stored(input: RuleInput, id = 'r1', version = 1): StoredRule {
  return { id, guildId: G, enabled: true, version, rule: ruleSchema.parse(input) };
}
const credit = (amount: number | { min: number; max: number } = 10) => ({ type: 'credit' as const, currency: 'xp', amount });
let seq = 0;
function msg(over: Partial<EventFacts> = {}): EventFacts {
  return { sourceId: `m${++seq}`, type: 'MESSAGE_CREATE', guildId: G, userId: U, channelId: CH, occurredAt: T0, length: 20, roleIds: [ROLE], joinedAt: T0 - 10 * 86_400_000, ...over };
}
function fires(rule: StoredRule, facts: EventFacts, state = new RuleState(), xp?: XpPolicy) {
  return evaluate([rule], facts, state, xp);
}

describe('conditions', () => {
  const cases: [string, RuleInput['conditions'], Partial<EventFacts>, Partial<EventFacts>][] = [
    ['channel_in', [{ type: 'channel_in', channels: [CH] }], { channelId: CH }, { channelId: CH2 }],
    ['channel_not_in', [{ type: 'channel_not_in', channels: [CH] }], { channelId: CH2 }, { channelId: CH }],
    ['has_role', [{ type: 'has_role', roles: [ROLE] }], { roleIds: [ROLE] }, { roleIds: [] }],
    ['lacks_role', [{ type: 'lacks_role', roles: [ROLE] }], { roleIds: [] }, { roleIds: [ROLE] }],
    ['account_age', [{ type: 'account_age', minDays: 30 }], { userId: U }, { userId: String(BigInt(T0 - 1420070400000 - 86_400_000) << 22n) }],
    ['membership_age', [{ type: 'membership_age', minDays: 7 }], { joinedAt: T0 - 8 * 86_400_000 }, { joinedAt: T0 - 86_400_000 }],
    ['message_length', [{ type: 'message_length', min: 5, max: 100 }], { length: 5 }, { length: 4 }],
    ['emoji_in', [{ type: 'emoji_in', emojis: ['🙏'] }], { emoji: '🙏' }, { emoji: '👍' }],
  ];
  for (const [name, conditions, pass, fail] of cases) {
    it(`${name}: passes and refuses with its name`, () => {
      const rule = stored({ name: 'r', trigger: { event: 'MESSAGE_CREATE' }, conditions, effects: [credit()] });
      expect(fires(rule, msg(pass)).fired).toHaveLength(1);
      const out = fires(rule, msg(fail));
      expect(out.fired).toHaveLength(0);
      expect(out.refused[0]!.reason).toContain(name);
    });
  }

  it('cooldown: one firing per member per window; the same event repeats its firing', () => {
    const rule = stored({ name: 'r', trigger: { event: 'MESSAGE_CREATE' }, conditions: [{ type: 'cooldown', seconds: 60 }], effects: [credit({ min: 15, max: 25 })] });
    const state = new RuleState();
    const first = msg({ occurredAt: T0 });
    const a = fires(rule, first, state);
    expect(a.fired).toHaveLength(1);
    expect(fires(rule, msg({ occurredAt: T0 + 30_000 }), state).refused[0]!.reason).toBe('cooldown');
    const again = fires(rule, first, state);
    expect(again.fired[0]).toMatchObject({ fireKey: a.fired[0]!.fireKey, repeat: true, effects: a.fired[0]!.effects });
    expect(fires(rule, msg({ occurredAt: T0 + 60_000 }), state).fired).toHaveLength(1);
    expect(fires(rule, msg({ occurredAt: T0 + 60_000, userId: '300000000000000002' }), state).fired).toHaveLength(1);
  });

  it('daily cap: at most max firings per UTC day, again the next day', () => {
    const rule = stored({ name: 'r', trigger: { event: 'MESSAGE_CREATE' }, conditions: [{ type: 'daily_cap', max: 2 }], effects: [credit()] });
    const state = new RuleState();
    expect(fires(rule, msg(), state).fired).toHaveLength(1);
    expect(fires(rule, msg(), state).fired).toHaveLength(1);
    expect(fires(rule, msg(), state).refused[0]!.reason).toBe('daily_cap');
    expect(fires(rule, msg({ occurredAt: T0 + 86_400_000 }), state).fired).toHaveLength(1);
  });

  it('counter with decay: fires at the threshold, then starts again; decay slows it', () => {
    const rule = stored({ name: 'r', trigger: { event: 'MESSAGE_CREATE' }, conditions: [{ type: 'counter', threshold: 3, decayPerDay: 1 }], effects: [credit()] });
    const state = new RuleState();
    const at = (h: number) => msg({ occurredAt: T0 + h * 3_600_000 });
    expect(fires(rule, at(0), state).refused[0]!.reason).toBe('counter (1 of 3)');
    expect(fires(rule, at(0), state).fired).toHaveLength(0);
    expect(fires(rule, at(0), state).fired).toHaveLength(1);
    expect(fires(rule, at(0), state).fired).toHaveLength(0);
    // 1 left, a day later it decayed to 0: two more are not enough.
    expect(fires(rule, at(24), state).refused[0]!.reason).toBe('counter (1 of 3)');
    expect(fires(rule, at(24), state).fired).toHaveLength(0);
    expect(fires(rule, at(24), state).fired).toHaveLength(1);
  });
});

describe('effects and evaluation order', () => {
  it('amounts are deterministic per firing key and within range', () => {
    const rule = stored({ name: 'r', trigger: { event: 'MESSAGE_CREATE' }, effects: [credit({ min: 15, max: 25 })] });
    const facts = msg();
    const a = fires(rule, facts).fired[0]!.effects[0]!;
    const b = fires(rule, facts).fired[0]!.effects[0]!;
    expect(a).toEqual(b);
    const amounts = Array.from({ length: 200 }, () => (fires(rule, msg()).fired[0]!.effects[0] as { amount: number }).amount);
    expect(Math.min(...amounts)).toBe(15);
    expect(Math.max(...amounts)).toBe(25);
  });
  it('every effect kind is planned in order', () => {
    const rule = stored({
      name: 'r',
      trigger: { event: 'MESSAGE_CREATE' },
      effects: [credit(5), { type: 'debit', currency: 'coins', amount: 2 }, { type: 'add_role', role: ROLE }, { type: 'remove_role', role: ROLE }, { type: 'announce', to: 'event', template: 'hi {user}' }, { type: 'emit', event: 'milestone_earned' }],
    });
    expect(fires(rule, msg()).fired[0]!.effects.map((e) => e.type)).toEqual(['credit', 'debit', 'add_role', 'remove_role', 'announce', 'emit']);
  });
  it('XP policy: multipliers round down, no-XP refuses', () => {
    const rule = stored({ name: 'r', trigger: { event: 'MESSAGE_CREATE' }, effects: [credit(10)] });
    const xp: XpPolicy = { isXp: (c) => c === 'xp', excluded: (f) => (f.channelId === CH2 ? 'no-XP channel' : null), multiplier: () => 1.55 };
    expect(fires(rule, msg(), new RuleState(), xp).fired[0]!.effects[0]).toMatchObject({ amount: 15 });
    expect(fires(rule, msg({ channelId: CH2 }), new RuleState(), xp).refused[0]!.reason).toBe('no-XP channel');
  });
  it('priority high first, stop ends the evaluation, disabled rules never run, bots never trigger', () => {
    const high = stored({ name: 'high', trigger: { event: 'MESSAGE_CREATE' }, effects: [credit()], priority: 10, stop: true }, 'r1');
    const low = stored({ name: 'low', trigger: { event: 'MESSAGE_CREATE' }, effects: [credit()] }, 'r2');
    expect(evaluate([low, high], msg(), new RuleState()).fired.map((f) => f.ruleName)).toEqual(['high']);
    expect(evaluate([low, { ...high, enabled: false }], msg(), new RuleState()).fired.map((f) => f.ruleName)).toEqual(['low']);
    expect(evaluate([low], msg({ bot: true }), new RuleState()).fired).toHaveLength(0);
  });
  it('a rule already in the chain refuses (a chain can never loop)', () => {
    const rule = stored({ name: 'r', trigger: { event: 'level_up' }, effects: [{ type: 'emit', event: 'level_up' }] }, 'r9');
    const facts: EventFacts = { sourceId: 'x', type: 'level_up', guildId: G, userId: U, channelId: null, occurredAt: T0, chain: ['r9'] };
    expect(evaluate([rule], facts, new RuleState()).refused[0]!.reason).toMatch(/^chain/);
    expect(evaluate([rule], { ...facts, chain: [] }, new RuleState()).fired).toHaveLength(1);
  });
  it('reactions: given (actor) and received (author) rules match their side only', () => {
    const given = stored({ name: 'given', trigger: { event: 'MESSAGE_REACTION_ADD' }, effects: [credit()] }, 'a');
    const received = stored({ name: 'received', trigger: { event: 'MESSAGE_REACTION_ADD', member: 'author' }, effects: [credit()] }, 'b');
    const base = msg({ type: 'MESSAGE_REACTION_ADD' });
    expect(evaluate([given, received], base, new RuleState()).fired.map((f) => f.ruleName)).toEqual(['given']);
    expect(evaluate([given, received], { ...base, member: 'author' }, new RuleState()).fired.map((f) => f.ruleName)).toEqual(['received']);
  });
});

describe('rule format', () => {
  it('errors name the zod path', () => {
    expect(parseRuleJson('{')).toMatchObject({ ok: false, error: expect.stringMatching(/^not JSON/) });
    const bad = parseRule({ name: 'x', trigger: { event: 'MESSAGE_CREATE' }, effects: [{ type: 'credit', currency: 'xp', amount: -3 }] });
    expect(bad).toMatchObject({ ok: false, error: expect.stringMatching(/^effects\.0\.amount/) });
    expect(parseRule({ name: 'x', trigger: { event: 'NOPE' }, effects: [credit()] })).toMatchObject({ ok: false, error: expect.stringMatching(/^trigger\.event/) });
  });
  it('finds loops through emitted and ledger-raised events', () => {
    const a = ruleSchema.parse({ name: 'a', trigger: { event: 'level_up' }, effects: [{ type: 'emit', event: 'milestone_earned' }] });
    const b = ruleSchema.parse({ name: 'b', trigger: { event: 'milestone_earned' }, effects: [{ type: 'emit', event: 'level_up' }] });
    expect(findLoop([a, b])).toEqual(['a', 'b', 'a']);
    const c = ruleSchema.parse({ name: 'c', trigger: { event: 'currency_changed' }, effects: [credit()] });
    expect(findLoop([c])).toEqual(['c', 'c']);
    const bonus = ruleSchema.parse({ name: 'bonus', trigger: { event: 'level_up' }, effects: [{ type: 'credit', currency: 'coins', amount: 5 }] });
    expect(findLoop([bonus], new Set(['xp']))).toBeNull();
    expect(findLoop([a])).toBeNull();
  });
});

describe('reaction facts', () => {
  it('a removed reaction concerns who removed it (the dispatch names no author); an added one both sides', () => {
    const payload = { user_id: U, channel_id: CH, message_id: '1', guild_id: G, emoji: { id: null, name: '👍' } };
    const removed = factsFromLake({ sourceId: 's1', type: 'MESSAGE_REACTION_REMOVE', guildId: G, facts: lakeFacts('MESSAGE_REACTION_REMOVE', payload, T0) });
    expect(removed).toEqual([expect.objectContaining({ userId: U, member: 'actor', emoji: '👍', channelId: CH, type: 'MESSAGE_REACTION_REMOVE' })]);
    const added = factsFromLake({ sourceId: 's2', type: 'MESSAGE_REACTION_ADD', guildId: G, facts: lakeFacts('MESSAGE_REACTION_ADD', { ...payload, message_author_id: '300000000000000002' }, T0) });
    expect(added.map((f) => [f.userId, f.member])).toEqual([[U, 'actor'], ['300000000000000002', 'author']]);
  });
});
