/**
 * Shared by the gate (`1x-gate-*`) and moderation (`2x-moderation-*`) scenarios: runs over
 * requests that must each be sent once (every Accept decides a different application), the
 * wait for work finished after the first response (`waitUntil`), a second bot served against
 * a fake Discord without rate-limit headers (the control), and seeding utilities.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeDiscord } from '../../src/testing/fake-discord/server';
import type { ScenarioContext } from '../scenario';
import { runClosedLoop, runOpenLoop, type RunResult, type Target } from './load';
import type { SignedRequest } from './sign';
import { serveBot, type BenchD1, type ServedWorker } from './workers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** How a batch of distinct requests is offered: closed loop at a concurrency, or open loop at a rate. */
export type Mode = { kind: 'closed'; concurrency: number } | { kind: 'open'; rate: number };

/** Short label of a mode, for tables. */
export function modeLabel(mode: Mode): string {
  return mode.kind === 'closed' ? `c${mode.concurrency}` : `${mode.rate} req/s`;
}

/**
 * Sends every request of `requests` exactly once (no warm-up, no cycling), closed or open
 * loop. The run is bounded by the count; `RunResult.cpuPerRequestUs` covers the run plus
 * `settleMs`, not background work that lasts longer (measure that around the drain).
 */
export async function runOnce(target: Target, requests: readonly SignedRequest[], mode: Mode, settleMs = 50): Promise<RunResult> {
  const bounds = { warmupMs: 0, settleMs, maxRequests: requests.length };
  if (mode.kind === 'closed') return runClosedLoop(target, requests, mode.concurrency, 120_000, bounds);
  const durationMs = Math.ceil((requests.length * 1000) / mode.rate);
  return runOpenLoop(target, requests, mode.rate, durationMs, { ...bounds, connections: 64 });
}

/** A Discord call the bot is expected to make, identified by method and exact path. */
export interface ExpectedCall {
  method: string;
  path: string;
}

interface RecordedCallLite {
  at: string;
  status: number;
}

/**
 * Waits until every expected call has been recorded by the fake (polling its control API by
 * exact path, a few in flight, oldest first) or `timeoutMs` passes. Returns the completion
 * instants (epoch ms, from the fake's records) of those that arrived, and how many did not.
 */
export async function awaitCalls(fakeUrl: string, expected: readonly ExpectedCall[], timeoutMs: number): Promise<{ at: number[]; missing: number; failed: number }> {
  const base = `${fakeUrl.replace(/\/+$/, '')}/_fake/s/default/calls`;
  const pending = [...expected];
  const at: number[] = [];
  let failed = 0;
  const deadline = Date.now() + timeoutMs;
  while (pending.length > 0 && Date.now() < deadline) {
    const window = pending.slice(0, 16);
    const found = await Promise.all(
      window.map(async (c) => {
        const res = await fetch(`${base}?method=${c.method}&path=${encodeURIComponent(c.path)}`);
        const calls = (await res.json()) as RecordedCallLite[];
        return calls[0] ?? null;
      }),
    );
    let progressed = false;
    for (let i = window.length - 1; i >= 0; i--) {
      const call = found[i];
      if (!call) continue;
      progressed = true;
      at.push(Date.parse(call.at));
      if (call.status >= 400) failed++;
      pending.splice(i, 1);
    }
    if (!progressed) await sleep(50);
  }
  return { at, missing: pending.length, failed };
}

/** Forgets the default session's recorded calls and violations; returns how many violations there were. */
export async function clearFakeCalls(fakeUrl: string): Promise<number> {
  const base = `${fakeUrl.replace(/\/+$/, '')}/_fake/s/default`;
  const violations = (await (await fetch(`${base}/violations`)).json()) as { kind: string; reason: string }[];
  if (violations.length > 0) console.error(`[bench] fake Discord recorded ${violations.length} violation(s), first: [${violations[0]!.kind}] ${violations[0]!.reason}`);
  await fetch(`${base}/calls`, { method: 'DELETE' });
  return violations.length;
}

/** Maps `items` with at most `limit` calls in flight, in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A SQL literal for a string (single quotes doubled) or number; `null` for null. */
export function lit(value: string | number | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return String(value);
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Inserts rows with multi-row `INSERT` statements of literal values (D1 allows 100 bound
 * parameters per statement, so literals are both simpler and faster for seeding), each
 * statement under 90 KB (D1's limit is 100 KB), 20 statements per batch.
 */
export async function insertRows(db: BenchD1, table: string, columns: readonly string[], rows: readonly (string | number | null)[][]): Promise<void> {
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  const statements: string[] = [];
  let values: string[] = [];
  let size = head.length;
  for (const r of rows) {
    const v = `(${r.map(lit).join(', ')})`;
    if (values.length > 0 && size + v.length + 2 > 90_000) {
      statements.push(head + values.join(', '));
      values = [];
      size = head.length;
    }
    values.push(v);
    size += v.length + 2;
  }
  if (values.length > 0) statements.push(head + values.join(', '));
  for (let i = 0; i < statements.length; i += 20) await db.batch(statements.slice(i, i + 20).map((s) => db.prepare(s)));
}

/** Seconds of workerd CPU spent while `work` runs, and its wall time. */
export async function measure<T>(target: Target, work: () => Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number }> {
  const cpu = target.cpuSeconds();
  const started = performance.now();
  const result = await work();
  return { result, wallMs: performance.now() - started, cpuMs: (target.cpuSeconds() - cpu) * 1000 };
}

/** The bundle the benchmark serves (`--bundle dir`, else `bench/out/bot`). */
export function servedBundleDir(): string {
  const i = process.argv.indexOf('--bundle');
  const eq = process.argv.find((a) => a.startsWith('--bundle='));
  const dir = eq ? eq.slice('--bundle='.length) : i >= 0 ? process.argv[i + 1] : undefined;
  return dir ? join(process.cwd(), dir) : join(ROOT, 'bench/out/bot');
}

/** A second bot (same bundle, same keys, its own D1) against a fake Discord that sends no rate-limit headers. */
export interface ControlBot {
  bot: ServedWorker & { db: BenchD1 };
  fakeDiscordUrl: string;
  dispose(): Promise<void>;
}

/**
 * Serves the control bot. Its REST client never sees `X-RateLimit-Remaining: 0`, so it never
 * sleeps on the fake's emulated 50/s buckets: comparing its figures with the main bot's shows
 * how much of a completion time is the client waiting on rate-limit headers.
 */
export async function serveControlBot(ctx: ScenarioContext): Promise<ControlBot> {
  const fake = await startFakeDiscord({ port: 0, rateLimitHeaders: false });
  try {
    const bot = await serveBot({ root: ROOT, bundleDir: servedBundleDir(), publicKeyHex: ctx.keys.publicKeyHex, discordApiBase: `${fake.url}/api/v10` });
    return {
      bot,
      fakeDiscordUrl: fake.url,
      dispose: async () => {
        await bot.dispose();
        await fake.close();
      },
    };
  } catch (error) {
    await fake.close();
    throw error;
  }
}

/** Median of a sample (NaN when empty). */
export function med(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Nearest-rank percentile (NaN when empty). */
export function pct(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(1, Math.ceil((q / 100) * s.length)) - 1]!;
}

/** Fixed-digit number for tables ('n/a' when not finite). */
export function f(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}
