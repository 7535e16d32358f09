/**
 * The load generator: signed requests over loopback keep-alive connections (undici), either
 * closed-loop at a fixed concurrency (throughput) or open-loop at a fixed offered rate
 * (latency). Every run is bounded by duration and by request count and stops by itself.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { dueAt, dueCount, plannedCount } from './schedule';
import type { SignedRequest } from './sign';
import { summarizeLatencies, type LatencySummary } from './stats';

/** Something to drive: a Worker listening on loopback, and how to read its CPU time. */
export interface Target {
  name: string;
  /** Origin of the Worker's socket, e.g. `http://127.0.0.1:40123`. */
  origin: string;
  /** Path requests go to. */
  path: string;
  /** User + system CPU seconds of the serving process(es) so far. */
  cpuSeconds(): number;
}

/** What one timed run measured. */
export interface RunResult {
  requests: number;
  errors: number;
  /** First error seen (status or exception), for the report. */
  firstError?: string;
  elapsedMs: number;
  rps: number;
  cpuSeconds: number;
  /** Server CPU per answered request, µs. */
  cpuPerRequestUs: number;
  latency?: LatencySummary;
}

/** Bounds shared by every run. */
export interface RunBounds {
  /** Untimed requests first (JIT, connections), ms. */
  warmupMs: number;
  /** Pause after warm-up and after the run so background work (`waitUntil`) lands, ms. */
  settleMs: number;
  /** Hard cap on the number of timed requests. */
  maxRequests: number;
}

const TIMEOUT_MS = 10_000;

function openPool(target: Target, connections: number): Pool {
  return new Pool(target.origin, {
    connections,
    pipelining: 1,
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
    keepAliveTimeout: 30_000,
  });
}

type Outcome = { ok: true } | { ok: false; error: string };

async function send(pool: Pool, target: Target, request: SignedRequest): Promise<Outcome> {
  try {
    const { statusCode, body } = await pool.request({ path: target.path, method: 'POST', headers: request.headers, body: request.body });
    await body.dump();
    return statusCode === 200 ? { ok: true } : { ok: false, error: `HTTP ${statusCode}` };
  } catch (error) {
    return { ok: false, error: String(error) };
  }
}

/** Sends requests from `requests` (cycling) with `concurrency` in flight until `until()` is true. */
async function closedLoop(
  pool: Pool,
  target: Target,
  requests: readonly SignedRequest[],
  concurrency: number,
  stop: (sent: number) => boolean,
  offset = 0,
): Promise<{ done: number; errors: number; firstError?: string; lastAt: number }> {
  let sent = 0;
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  let lastAt = performance.now();
  const loop = async () => {
    while (!stop(sent)) {
      const request = requests[(offset + sent++) % requests.length]!;
      const outcome = await send(pool, target, request);
      lastAt = performance.now();
      if (outcome.ok) done++;
      else {
        errors++;
        firstError ??= outcome.error;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { done, errors, firstError, lastAt };
}

/**
 * Throughput at a fixed concurrency: `concurrency` requests always in flight for
 * `durationMs` (or `bounds.maxRequests`), after an untimed warm-up.
 */
export async function runClosedLoop(
  target: Target,
  requests: readonly SignedRequest[],
  concurrency: number,
  durationMs: number,
  bounds: RunBounds,
): Promise<RunResult> {
  const pool = openPool(target, concurrency);
  try {
    const warmUntil = performance.now() + bounds.warmupMs;
    const warm = await closedLoop(pool, target, requests, concurrency, () => performance.now() >= warmUntil);
    await sleep(bounds.settleMs);
    const cpuBefore = target.cpuSeconds();
    const started = performance.now();
    const deadline = started + durationMs;
    const run = await closedLoop(
      pool,
      target,
      requests,
      concurrency,
      (sent) => sent >= bounds.maxRequests || performance.now() >= deadline,
      warm.done + warm.errors,
    );
    const elapsedMs = run.lastAt - started;
    await sleep(bounds.settleMs);
    const cpu = target.cpuSeconds() - cpuBefore;
    const errors = run.errors + warm.errors;
    return {
      requests: run.done,
      errors,
      ...(run.firstError ?? warm.firstError ? { firstError: run.firstError ?? warm.firstError } : {}),
      elapsedMs,
      rps: (run.done * 1000) / elapsedMs,
      cpuSeconds: cpu,
      cpuPerRequestUs: run.done ? (cpu * 1e6) / run.done : Number.NaN,
    };
  } finally {
    await pool.close();
  }
}

/**
 * Latency at a fixed offered rate: request `i` leaves at `i / rate` whether or not earlier
 * ones have been answered, and its latency counts from that scheduled instant, so queueing
 * in the server shows up in the percentiles.
 */
export async function runOpenLoop(
  target: Target,
  requests: readonly SignedRequest[],
  ratePerSecond: number,
  durationMs: number,
  bounds: RunBounds & { connections: number },
): Promise<RunResult> {
  const pool = openPool(target, bounds.connections);
  try {
    const warmUntil = performance.now() + bounds.warmupMs;
    const warm = await closedLoop(pool, target, requests, Math.min(8, bounds.connections), () => performance.now() >= warmUntil);
    await sleep(bounds.settleMs);
    const total = plannedCount(durationMs, ratePerSecond, bounds.maxRequests);
    const latencies = new Float64Array(total);
    let sent = 0;
    let answered = 0;
    let errors = 0;
    let firstError: string | undefined;
    const offset = warm.done + warm.errors;
    const cpuBefore = target.cpuSeconds();
    const started = performance.now();
    let lastAt = started;
    await new Promise<void>((resolve) => {
      if (total === 0) return resolve();
      const finish = (i: number, outcome: Outcome) => {
        lastAt = performance.now();
        latencies[i] = lastAt - (started + dueAt(i, ratePerSecond));
        if (outcome.ok) answered++;
        else {
          errors++;
          firstError ??= outcome.error;
        }
        if (answered + errors === total) resolve();
      };
      const tick = () => {
        const due = dueCount(performance.now() - started, ratePerSecond, total);
        while (sent < due) {
          const i = sent++;
          void send(pool, target, requests[(offset + i) % requests.length]!).then((outcome) => finish(i, outcome));
        }
        // Timers fire about once a millisecond; each tick sends everything that has come due.
        if (sent < total) setTimeout(tick, 1);
      };
      tick();
    });
    const elapsedMs = lastAt - started;
    await sleep(bounds.settleMs);
    const cpu = target.cpuSeconds() - cpuBefore;
    return {
      requests: answered,
      errors: errors + warm.errors,
      ...(firstError ?? warm.firstError ? { firstError: firstError ?? warm.firstError } : {}),
      elapsedMs,
      rps: (answered * 1000) / elapsedMs,
      cpuSeconds: cpu,
      cpuPerRequestUs: answered ? (cpu * 1e6) / answered : Number.NaN,
      latency: summarizeLatencies(Array.from(latencies)),
    };
  } finally {
    await pool.close();
  }
}

/** Sends one request and returns the status and parsed body, for checking a scenario. */
export async function probe(target: Target, request: SignedRequest): Promise<{ status: number; body: unknown }> {
  const pool = openPool(target, 1);
  try {
    const { statusCode, body } = await pool.request({ path: target.path, method: 'POST', headers: request.headers, body: request.body });
    const text = await body.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: keep the text for the error message.
    }
    return { status: statusCode, body: parsed };
  } finally {
    await pool.close();
  }
}
