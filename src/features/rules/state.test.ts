import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { meterD1 } from '../../testing/metered';
import { snowflake } from '../../testing/snowflake';
import { RuleState } from './engine';
import { loadState } from './run.service';
import { ruleCounters, ruleFires } from './schema';

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const DAY = Math.floor(T0 / 86_400_000);

describe('rules: the state read of the live path', () => {
  it('reads the firings and counters of 45 rules × 90 members within D1’s 100 parameters a statement, the few-rule case of a hook chunk in one read of each', async () => {
    const setup = getDb(env);
    const guildId = snowflake();
    const rules = Array.from({ length: 45 }, (_, i) => `r${i}`);
    const users = Array.from({ length: 90 }, () => snowflake());
    // A firing where (rule + member) % 7 = 0, a counter where it is 3; one firing before `since` and one of another guild.
    const fires = rules.flatMap((ruleId, i) => users.flatMap((userId, j) => ((i + j) % 7 === 0 ? [{ guildId, ruleId, userId, fireKey: `${ruleId}:${userId}:k`, sourceId: `m${i}.${j}`, day: DAY, at: T0, amounts: {}, ruleVersion: 1 }] : [])));
    const counters = rules.flatMap((ruleId, i) => users.flatMap((userId, j) => ((i + j) % 7 === 3 ? [{ guildId, ruleId, userId, value: i + j, at: T0 }] : [])));
    const old = { guildId, ruleId: 'r0', userId: users[0]!, fireKey: 'old', sourceId: 'old', day: DAY - 1, at: T0 - 86_400_000, amounts: {}, ruleVersion: 1 };
    const elsewhere = { ...fires[0]!, guildId: snowflake() };
    const rows = [...fires, old, elsewhere];
    for (let i = 0; i < rows.length; i += 10) await setup.insert(ruleFires).values(rows.slice(i, i + 10));
    for (let i = 0; i < counters.length; i += 15) await setup.insert(ruleCounters).values(counters.slice(i, i + 15));

    // The metered D1 refuses a statement of more than 100 bound parameters, as D1 does deployed.
    const metered = meterD1(env);
    const db = getDb(metered.env);
    const state = await loadState(db, guildId, rules, users, T0 - 60_000, true);
    expect(metered.takeD1()).toBe(6); // rule pages of 40 and 5: 2 member pages (57 + 33) and 1 (90), each a fires and a counters read
    const loaded = [...state.fires].flatMap(([k, log]) => [...log.keys].map((key) => `${k}=${key}`)).sort();
    expect(loaded).toEqual(fires.map((f) => `${RuleState.key(f.ruleId, f.userId)}=${f.fireKey}`).sort());
    expect([...state.counters].map(([k, c]) => `${k}=${c.value}`).sort()).toEqual(counters.map((c) => `${RuleState.key(c.ruleId, c.userId)}=${c.value}`).sort());

    // One rule (the MEE6 preset) and a hook chunk's 80 members: one read, no counters.
    const one = await loadState(db, guildId, ['r0'], users.slice(0, 80), T0 - 60_000, false);
    expect(metered.takeD1()).toBe(1);
    expect([...one.fires.keys()].sort()).toEqual(fires.filter((f) => f.ruleId === 'r0' && users.slice(0, 80).includes(f.userId)).map((f) => RuleState.key('r0', f.userId)).sort());
  });
});
