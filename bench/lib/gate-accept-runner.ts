/**
 * Drives "deferred" interactions whose work continues after the first response, next to
 * `/ping`: each request is sent once (distinct state per request), the first response is
 * timed by the load generator, and the completed work is timed by waiting until the fake
 * Discord has recorded the last call of every request. Used by the gate Accept and the
 * moderation `/warn` scenarios.
 */
import { probe, type RunResult, type Target } from './load';
import { awaitCalls, clearFakeCalls, f, modeLabel, runOnce, type ExpectedCall, type Mode } from './gate-bench-kit';
import { signRequest, type SignedRequest, type TestKeys } from './sign';

/** One request of the scenario: its payload and the Discord call that marks its work done. */
export interface DeferredItem {
  payload: unknown;
  done: ExpectedCall;
}

/** What a served bot and its fake look like to the runner. */
export interface Rig {
  /** Row label, e.g. "stock fake (rate-limit headers)". */
  label: string;
  target: Target;
  fakeDiscordUrl: string;
}

/** Figures of one run of `n` distinct requests (and the `/ping` run next to it). */
export interface DeferredRun {
  rig: string;
  mode: string;
  round: number;
  ping: RunResult;
  first: RunResult;
  /** ms from the first request sent to the last piece of work recorded by the fake. */
  completedMs: number;
  completed: number;
  missing: number;
  failedCalls: number;
  /** workerd CPU from the start of the run to the end of the drain, per request (µs). */
  cpuPerItemUs: number;
  violations: number;
}

/**
 * Runs `items` (already sliced: exactly the requests of this run) at `mode` on `rig`, after a
 * `/ping` run of the same size and mode. Signs just before sending (the Worker refuses
 * signatures older than 300 s).
 */
export async function runDeferred(
  keys: TestKeys,
  rig: Rig,
  mode: Mode,
  round: number,
  items: readonly DeferredItem[],
  pingPayload: () => unknown,
  drainTimeoutMs: number,
): Promise<DeferredRun> {
  const pings = Array.from({ length: items.length }, () => signRequest(keys, pingPayload()));
  const ping = await runOnce(rig.target, pings, mode);
  const requests: SignedRequest[] = items.map((it) => signRequest(keys, it.payload));
  const cpuBefore = rig.target.cpuSeconds();
  const startedEpoch = Date.now();
  const first = await runOnce(rig.target, requests, mode);
  const drain = await awaitCalls(
    rig.fakeDiscordUrl,
    items.map((it) => it.done),
    drainTimeoutMs,
  );
  const lastAt = drain.at.length ? Math.max(...drain.at) : Number.NaN;
  const cpu = rig.target.cpuSeconds() - cpuBefore;
  const violations = await clearFakeCalls(rig.fakeDiscordUrl);
  return {
    rig: rig.label,
    mode: modeLabel(mode),
    round,
    ping,
    first,
    completedMs: lastAt - startedEpoch,
    completed: drain.at.length,
    missing: drain.missing,
    failedCalls: drain.failed,
    cpuPerItemUs: (cpu * 1e6) / items.length,
    violations,
  };
}

/** Sends one request and returns the parsed body (to check the path before measuring). */
export async function probeOnce(keys: TestKeys, target: Target, payload: unknown): Promise<unknown> {
  const { status, body } = await probe(target, signRequest(keys, payload));
  if (status !== 200) throw new Error(`probe answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

/** Table rows: the `/ping` run and the deferred run side by side. */
export function deferredRows(runs: readonly DeferredRun[], what: string): Record<string, string | number>[] {
  return runs.map((r) => {
    const latency = r.mode.endsWith('req/s');
    return {
      rig: r.rig,
      mode: r.mode,
      round: r.round,
      n: r.first.requests,
      '/ping req/s': latency ? '' : f(r.ping.rps),
      [`${what} req/s (1st response)`]: latency ? '' : f(r.first.rps),
      'ratio to /ping': latency ? '' : f(r.first.rps / r.ping.rps, 2),
      '/ping p50 / p99 ms': latency ? `${f(r.ping.latency?.p50 ?? NaN, 1)} / ${f(r.ping.latency?.p99 ?? NaN, 1)}` : '',
      [`${what} p50 / p99 ms (1st response)`]: latency ? `${f(r.first.latency?.p50 ?? NaN, 1)} / ${f(r.first.latency?.p99 ?? NaN, 1)}` : '',
      '/ping CPU µs/req': f(r.ping.cpuPerRequestUs),
      [`${what} CPU µs/req (incl. background)`]: f(r.cpuPerItemUs),
      'all work done after s': f(r.completedMs / 1000, 2),
      'completed/s': f((r.completed * 1000) / r.completedMs),
      'not done / failed calls': `${r.missing} / ${r.failedCalls}`,
      errors: r.first.errors + r.ping.errors,
    };
  });
}
