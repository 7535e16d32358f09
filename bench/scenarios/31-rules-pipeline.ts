/**
 * Messages through relay → queue → lake → rules → ledger with the MEE6 preset on (issue 14):
 * the gateway pipeline's burst (guild messages and DMs, no joins) into a guild whose only
 * rule is the preset's message XP, with levels on. Prints messages/s, credits against the
 * rule's allowance (0 double credits: at most one per member per cooldown window), and the
 * D1 rows written per 1,000 messages, by table.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MEE6_CURVE } from '../../src/features/levels/curves';
import { runPipeline, startPipelineRig, type PipelineRun } from '../lib/gateway-pipeline';
import type { BenchD1 } from '../lib/workers';
import { defineScenario } from '../scenario';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TARGET = 1000;

function bundleDir(): string {
  const i = process.argv.indexOf('--bundle');
  const arg = i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith('--bundle='))?.slice('--bundle='.length);
  return arg ? resolve(arg) : join(ROOT, 'bench/out/bot');
}

const log = (msg: string) => console.error(`[bench] ${msg}`);
const mark = (ok: boolean) => (ok ? ' ✅' : ' ❌');

/** The MEE6 preset, as `/rules preset mee6-messages` leaves it, written for one guild. */
async function seedPreset(db: BenchD1, guildId: string): Promise<void> {
  const now = Date.now();
  const currencyId = `cx${guildId.slice(-8)}`;
  const rule = {
    name: 'message-xp',
    trigger: { event: 'MESSAGE_CREATE', member: 'actor' },
    conditions: [{ type: 'message_length', min: 1 }, { type: 'cooldown', seconds: 60 }],
    effects: [{ type: 'credit', currency: currencyId, amount: { min: 15, max: 25 }, multipliers: true }],
    priority: 0,
    stop: false,
  };
  await db.batch([
    db.prepare("INSERT INTO currencies (id, guild_id, name, kind, level_curve, created_by, created_at, updated_at) VALUES (?, ?, 'xp', 'xp', ?, 'bench', ?, ?)").bind(currencyId, guildId, JSON.stringify(MEE6_CURVE), now, now),
    db.prepare('INSERT INTO rules (id, guild_id, name, definition, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').bind(`rx${guildId.slice(-8)}`, guildId, 'message-xp', JSON.stringify(rule), 'bench', now, now),
    db.prepare("INSERT INTO guild_settings (guild_id, key, value, version, updated_at) VALUES (?, 'levels', ?, 1, ?)").bind(guildId, JSON.stringify({ currencyId }), now),
  ]);
}

async function count(db: BenchD1, sql: string, guildId: string): Promise<number> {
  return (await db.prepare(sql).bind(guildId).first<{ n: number }>())?.n ?? 0;
}

export default defineScenario({
  name: 'rules pipeline',
  description: 'relay → queue → lake → rules → ledger with the MEE6 preset: messages/s, double credits, D1 rows written per 1,000 messages',
  async run(ctx) {
    const total = ctx.options.durationMs < 2000 ? 3000 : 5000;
    const rig = await startPipelineRig({ root: ROOT, bundleDir: bundleDir(), fakeDiscordUrl: ctx.fakeDiscordUrl, heartbeatIntervalMs: 5000 });
    const rows: Record<string, string | number>[] = [];
    try {
      await runPipeline(rig, { name: 'warm-up', count: 300, disconnects: false, joinEvery: 0, seed: seedPreset, log });
      for (const name of [`${total} events, MEE6 preset`, `${total} events, MEE6 preset (again)`]) {
        const r: PipelineRun = await runPipeline(rig, { name, count: total, disconnects: false, joinEvery: 0, seed: seedPreset, log });
        const db = rig.bot.db;
        const g = r.guildId;
        const lake = await count(db, "SELECT count(*) AS n FROM gateway_events WHERE guild_id = ?", g);
        const fires = await count(db, 'SELECT count(*) AS n FROM rule_fires WHERE guild_id = ?', g);
        const tx = await count(db, 'SELECT count(*) AS n FROM ledger_tx WHERE guild_id = ?', g);
        const wallets = await count(db, 'SELECT count(*) AS n FROM wallets WHERE guild_id = ?', g);
        const levels = await count(db, 'SELECT count(*) AS n FROM member_levels WHERE guild_id = ?', g);
        // Double credits: more than one tx for a member in one minute window (the rule allows one).
        const doubles = await count(db, "SELECT coalesce(sum(k - 1), 0) AS n FROM (SELECT count(*) AS k FROM rule_fires WHERE guild_id = ? GROUP BY user_id, at / 60000 HAVING k > 1)", g);
        const allowed = await count(db, 'SELECT count(*) AS n FROM (SELECT DISTINCT user_id, occurred_at / 60000 FROM gateway_events WHERE guild_id = ? AND type = \'MESSAGE_CREATE\')', g);
        const guildMessages = lake;
        // Row writes: lake insert + settle per guild message; per credit: firing row, wallet update (+ insert on first), tx row; level upserts.
        const written = 2 * guildMessages + fires + tx + tx + wallets + levels;
        rows.push({
          run: name,
          sent: r.sent,
          'guild messages': guildMessages,
          lost: `${r.lost}${mark(r.lost === 0)}`,
          duplicated: `${r.duplicated}${mark(r.duplicated === 0)}`,
          'messages/s into D1': `${r.storedPerSecond.toFixed(0)}${mark(r.storedPerSecond >= TARGET && !r.timedOut)}`,
          'messages/s with rules done': `${r.eventsPerSecond.toFixed(0)}${mark(r.eventsPerSecond >= TARGET && !r.timedOut)}`,
          target: `≥ ${TARGET}/s, 0 double credits`,
          'credits (tx)': tx,
          'allowed (member × minute)': allowed,
          'double credits': `${doubles + Math.max(0, tx - fires)}${mark(doubles === 0 && tx <= fires)}`,
          'D1 rows written / 1,000 msgs': ((written / guildMessages) * 1000).toFixed(0),
          'of which lake': ((2 * guildMessages) / guildMessages * 1000).toFixed(0),
          'workerd CPU ms/event': ((r.cpuSeconds * 1000) / Math.max(1, r.stored)).toFixed(2),
        });
        log(`${name}: ${r.storedPerSecond.toFixed(0)}/s into D1, ${r.eventsPerSecond.toFixed(0)}/s done, ${tx} credits`);
      }
    } finally {
      await rig.dispose();
    }
    return {
      kind: 'custom',
      name: 'Rules pipeline (MEE6 preset: relay → EVENTS → lake → rules → ledger)',
      rows,
      notes: [
        'Burst of the gateway pipeline scenario without joins (≈ 90 % guild messages from 97 members, 10 % DMs); every guild message goes through the rules hook; a run\'s messages fall within a minute or two of snowflake time, so each member earns once per minute window and the rest are cooldown refusals (reads only).',
        'D1 rows written counts row writes from the tables after the run: the lake row (insert, then settle), and per credit the firing row, the wallet update (+ its insert the first time), the tx row, and the level upsert (member_levels rows). Index writes are not counted.',
      ],
    };
  },
});
