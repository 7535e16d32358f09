/**
 * Dry run at scale (issue 14's performance figure): 30 days × 1,000 members' messages in the
 * lake, the MEE6 rule replayed over them. Prints the time and the lake rows read; asserts
 * that the replay reads each row once and credits what the rule allows.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { snowflake } from '../../testing/snowflake';
import { ensureCurrency } from '../economy/public';
import { dryRun } from './dry-run.service';
import { ruleSchema, type StoredRule } from './rule-format';

const MEMBERS = 1000;
const DAYS = 30;
/** Messages per member per day (2: one refused by the cooldown, one credited). */
const PER_DAY = 2;

describe('dry run at scale', () => {
  it(`replays ${DAYS} days × ${MEMBERS} members' messages, reading each lake row once`, async () => {
    const db = getDb(env);
    const guildId = snowflake();
    const xp = await ensureCurrency(db, guildId, { name: 'xp', kind: 'xp' });
    const now = Date.now();
    const rows = [];
    for (let d = 0; d < DAYS; d++) {
      for (let m = 0; m < MEMBERS; m++) {
        for (let k = 0; k < PER_DAY; k++) {
          // Both of a member's messages of a day fall in one cooldown window (windows are aligned to the minute).
          const minute = Math.floor((now - (d + 0.5) * 86_400_000) / 60_000) * 60_000 + (m % 600) * 60_000;
          const at = minute + 1000 + k * 10_000;
          rows.push(`('${snowflake(at)}','MESSAGE_CREATE','${guildId}','200000000000000001','${300000000000000000n + BigInt(m)}',${at},${at},'{"length":40,"roleIds":[]}','done')`);
        }
      }
    }
    const started = performance.now();
    // Seeded with literal multi-row inserts (the fixture's speed, not the code under test).
    for (let i = 0; i < rows.length; i += 400) {
      await env.DB.prepare(`INSERT INTO gateway_events (source_id, type, guild_id, channel_id, user_id, occurred_at, received_at, payload, status) VALUES ${rows.slice(i, i + 400).join(',')}`).run();
    }
    const seeded = performance.now() - started;
    const rule: StoredRule = {
      id: 'rscale',
      guildId,
      enabled: true,
      version: 1,
      rule: ruleSchema.parse({ name: 'message-xp', trigger: { event: 'MESSAGE_CREATE' }, conditions: [{ type: 'message_length', min: 1 }, { type: 'cooldown', seconds: 60 }], effects: [{ type: 'credit', currency: xp.id, amount: { min: 15, max: 25 } }] }),
    };
    const t0 = performance.now();
    const report = await dryRun(db, guildId, rule, DAYS + 1, now);
    const ms = performance.now() - t0;
    console.log(JSON.stringify({ msg: 'dry run at scale', events: report.events, members: report.members.size, fired: report.fired, rowsRead: report.rowsRead, pages: Math.ceil(report.rowsRead / 2000) + 1, ms: Math.round(ms), seededMs: Math.round(seeded) }));
    expect(report.events).toBe(DAYS * MEMBERS * PER_DAY);
    expect(report.rowsRead).toBe(report.events);
    expect(report.fired).toBe(DAYS * MEMBERS);
    expect(report.refused.get('cooldown')).toBe(DAYS * MEMBERS * (PER_DAY - 1));
  }, 300_000);
});
