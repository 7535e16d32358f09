/**
 * Issue 14 (leaderboards): `/leaderboard` with the caller's own rank over 100,000 wallets of
 * one currency. The wallets are seeded straight into D1, the every-minute cron builds the
 * rank snapshot once (timed), then signed `/leaderboard` interactions from 2,000 different
 * wallet owners are sent at concurrency 16 and 64 (closed loop, each request's latency
 * recorded), then at steady rates of 50 and 200 req/s (open loop, latency from when each was
 * due); each answers with its page and the invoker's rank from the snapshot.
 *
 * D1 rows read per request: the leaderboard's own read (the one statement of
 * `boardStatement`, as drizzle builds it) run on the same database with D1's `rows_read`
 * summed, next to what "rank = 1 + count of better rows" would read for the same members.
 * The router's per-request platform reads (staff roles, module flags) are cached per isolate
 * and are not counted.
 */
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { boardStatement } from '../../src/features/economy/leaderboard.service';
import { slashCommand, user } from '../../src/testing/interactions';
import { f, insertRows, measure, pct } from '../lib/gate-bench-kit';
import { probe } from '../lib/load';
import { signPool, type SignedRequest } from '../lib/sign';
import { defineScenario, expectThat, type CustomResult } from '../scenario';

const GUILD = '1400000000000000001';
const CURRENCY = 'cbench000001';
/** A control: the same request against a board of 100 wallets (what does not grow with the board). */
const SMALL_GUILD = '1400000000000000002';
const SMALL_CURRENCY = 'cbench000002';
const SMALL_WALLETS = 100;
const WALLETS = 100_000;
const CALLERS = 2_000;
/** Offered rates of the open-loop runs (req/s), each for {@link OPEN_MS}. */
const OPEN_RATES = [50, 200] as const;
const OPEN_MS = 5_000;
const TARGET_P95_MS = 50;

const owner = (i: number) => String(1500000000000000000n + BigInt(i));

export default defineScenario({
  name: 'economy leaderboard',
  description: `/leaderboard with own rank over ${WALLETS.toLocaleString('en-US')} wallets (rank snapshot)`,
  async run(ctx): Promise<CustomResult> {
    const { db } = ctx.bot;
    const now = Date.now();
    const notes: string[] = [];
    const seeding = Date.now();
    await insertRows(db, 'currencies', ['id', 'guild_id', 'name', 'kind', 'created_by', 'created_at', 'updated_at'], [[CURRENCY, GUILD, 'coins', 'spendable', 'bench', now, now]]);
    // A spread of balances with ties (as a real economy has): 1..50,000.
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const rows = Array.from({ length: WALLETS }, (_, i) => [GUILD, CURRENCY, 0, owner(i), 1 + Math.floor(rand() * rand() * 50_000), 0, now] as (string | number)[]);
    await insertRows(db, 'wallets', ['guild_id', 'currency_id', 'season', 'user_id', 'balance', 'negative_ok', 'updated_at'], rows);
    await insertRows(db, 'leaderboard_boards', ['guild_id', 'currency_id', 'season', 'dirty_at', 'built_at'], [[GUILD, CURRENCY, 0, now, 0]]);
    await insertRows(db, 'currencies', ['id', 'guild_id', 'name', 'kind', 'created_by', 'created_at', 'updated_at'], [[SMALL_CURRENCY, SMALL_GUILD, 'coins', 'spendable', 'bench', now, now]]);
    await insertRows(db, 'wallets', ['guild_id', 'currency_id', 'season', 'user_id', 'balance', 'negative_ok', 'updated_at'], rows.slice(0, SMALL_WALLETS).map((r) => [SMALL_GUILD, SMALL_CURRENCY, ...r.slice(2)]));
    await insertRows(db, 'leaderboard_boards', ['guild_id', 'currency_id', 'season', 'dirty_at', 'built_at'], [[SMALL_GUILD, SMALL_CURRENCY, 0, now, 0]]);
    notes.push(`Seeded ${WALLETS.toLocaleString('en-US')} wallets in ${((Date.now() - seeding) / 1000).toFixed(1)} s.`);

    const worker = await ctx.bot.mf.getWorker('bot');
    const build = await measure(ctx.bot.target, () => worker.scheduled({ cron: '* * * * *', scheduledTime: new Date() }));
    const built = await db.prepare('SELECT entries FROM leaderboard_boards WHERE guild_id = ?1 AND currency_id = ?2 AND season = 0').bind(GUILD, CURRENCY).first<{ entries: number }>();
    notes.push(`Snapshot build (the whole every-minute trigger): ${f(build.wallMs)} ms wall, ${f(build.cpuMs)} ms workerd CPU, ${built?.entries ?? 0} ranked.`);

    const payload = (i: number) => slashCommand('leaderboard', { guildId: GUILD, user: user({ id: owner((i * 48_271) % WALLETS) }) });
    const smallPayload = (i: number) => slashCommand('leaderboard', { guildId: SMALL_GUILD, user: user({ id: owner(i % SMALL_WALLETS) }) });
    const check = await probe(ctx.bot.target, signPool(ctx.keys, 1, payload)[0]!);
    const text = JSON.stringify(check.body);
    expectThat(text.includes('Your rank: **#'), 'a leaderboard page with the caller’s rank', check.body);

    // Rows read by the leaderboard's own statements, for a sample of callers.
    const sample = Array.from({ length: 50 }, (_, i) => owner((i * 1_999) % WALLETS));
    const readRows: number[] = [];
    const naiveRows: number[] = [];
    for (const userId of sample) {
      let sum = 0;
      const { sql, params } = new SQLiteSyncDialect().sqlToQuery(boardStatement({ guildId: GUILD, currencyId: CURRENCY, season: 0 }, 0, userId));
      const res = await db.prepare(sql).bind(...params).all();
      sum += res.meta.rows_read ?? 0;
      readRows.push(sum);
      const naive = await db
        .prepare('SELECT 1 + count(*) AS r FROM wallets WHERE guild_id = ?1 AND currency_id = ?2 AND season = 0 AND balance > (SELECT balance FROM wallets WHERE guild_id = ?1 AND currency_id = ?2 AND season = 0 AND user_id = ?3)')
        .bind(GUILD, CURRENCY, userId)
        .all();
      naiveRows.push(naive.meta.rows_read ?? 0);
    }

    /** Sends one signed request; whether it was answered with a leaderboard page and the caller's rank. */
    const answered = async (r: SignedRequest): Promise<boolean> => {
      const res = await fetch(`${ctx.bot.target.origin}${ctx.bot.target.path}`, { method: 'POST', headers: r.headers, body: new Uint8Array(r.body) });
      return res.status === 200 && (await res.text()).includes('Your rank');
    };
    /** A table row: the run's rate, latency percentiles (p95 judged against the target when `judged`), CPU and rows read. */
    const resultRow = (run: string, requests: number, errors: number, latencies: number[], t0: number, cpu0: number, judged: boolean) => {
      const wall = performance.now() - t0;
      const cpu = ctx.bot.target.cpuSeconds() - cpu0;
      const p95 = pct(latencies, 95);
      return {
        run,
        requests,
        errors,
        'req/s': f((requests * 1000) / wall),
        'p50 ms': f(pct(latencies, 50), 1),
        'p95 ms': judged ? `${f(p95, 1)} ${p95 < TARGET_P95_MS ? '✅' : '❌'}` : f(p95, 1),
        'p99 ms': f(pct(latencies, 99), 1),
        'CPU µs/req': f((cpu * 1e6) / requests),
        'D1 rows read/req (board reads, median · max)': `${pct(readRows, 50)} · ${Math.max(...readRows)}`,
        'rows read/req by count(*) rank (median · max)': `${pct(naiveRows, 50)} · ${Math.max(...naiveRows)}`,
      };
    };

    // Each request's own latency (sent exactly once), closed loop at 16 and 64 in flight.
    const out: Record<string, string | number>[] = [];
    for (const [label, concurrency, make] of [
      ['closed c16', 16, payload],
      ['closed c64', 64, payload],
      [`closed c16, control: a board of ${SMALL_WALLETS} wallets`, 16, smallPayload],
    ] as const) {
      const requests = signPool(ctx.keys, CALLERS, make);
      const latencies: number[] = [];
      let errors = 0;
      let next = 0;
      const cpu0 = ctx.bot.target.cpuSeconds();
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < requests.length) {
            const start = performance.now();
            if (!(await answered(requests[next++]!))) errors++;
            latencies.push(performance.now() - start);
          }
        }),
      );
      out.push(resultRow(label, requests.length, errors, latencies, t0, cpu0, false));
    }
    // Each request's latency at a steady offered rate (open loop: measured from when it was due,
    // so a stall counts against every request it delays): what members see at a given traffic.
    for (const rate of OPEN_RATES) {
      const requests = signPool(ctx.keys, Math.round((rate * OPEN_MS) / 1000), payload);
      const latencies: number[] = [];
      let errors = 0;
      const cpu0 = ctx.bot.target.cpuSeconds();
      const t0 = performance.now();
      await Promise.all(
        requests.map(async (r, i) => {
          const due = t0 + (i * 1000) / rate;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((done) => setTimeout(done, wait));
          if (!(await answered(r))) errors++;
          latencies.push(performance.now() - due);
        }),
      );
      out.push(resultRow(`open loop ${rate} req/s`, requests.length, errors, latencies, t0, cpu0, true));
    }
    notes.push(
      `Target: p95 < ${TARGET_P95_MS} ms. Closed-loop rows keep 16 or 64 requests in flight at once (the Worker's saturation: each waits for the ones ahead of it on one workerd thread); open-loop rows send at a steady rate and time each request from when it was due.`,
    );
    return { kind: 'custom', name: `economy: /leaderboard over ${WALLETS.toLocaleString('en-US')} wallets`, rows: out, notes };
  },
});
