/**
 * Turns results into markdown tables (printed, and pasted into `docs/performance.md`).
 */
import type { CustomResult, Pair, StandardResult } from '../scenario';
import type { RunResult } from './load';
import { median, ratio } from './stats';
import type { BundleSize } from './workers';

/** A markdown table. */
export function markdownTable(rows: Record<string, string | number>[]): string {
  if (rows.length === 0) return '(no rows)';
  const headers = Object.keys(rows[0]!);
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map((r) => line(headers.map((h) => r[h] ?? '')))].join('\n');
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const mark = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? ' ✅' : ' ❌');

/** Median bot/floor ratios over the rounds of one concurrency. */
export function pairRatios(rounds: Pair[]): { throughput: number; cpu: number } {
  return {
    throughput: median(rounds.map((r) => ratio(r.bot.rps, r.floor.rps))),
    cpu: median(rounds.map((r) => ratio(r.bot.cpuPerRequestUs, r.floor.cpuPerRequestUs))),
  };
}

/** Throughput and CPU rows: one per scenario and concurrency. */
export function throughputRows(results: StandardResult[]): Record<string, string | number>[] {
  return results.flatMap((r) =>
    r.throughput.map(({ concurrency, rounds }) => {
      const ratios = pairRatios(rounds);
      const t = r.targets;
      return {
        scenario: r.name,
        conc: concurrency,
        'floor req/s': fmt(median(rounds.map((x) => x.floor.rps))),
        'bot req/s': fmt(median(rounds.map((x) => x.bot.rps))),
        'req/s ratio': fmt(ratios.throughput, 2) + mark(t.throughputRatio === undefined ? undefined : ratios.throughput >= t.throughputRatio),
        'target': t.throughputRatio === undefined ? '' : `≥ ${t.throughputRatio}×`,
        'floor CPU µs/req': fmt(median(rounds.map((x) => x.floor.cpuPerRequestUs))),
        'bot CPU µs/req': fmt(median(rounds.map((x) => x.bot.cpuPerRequestUs))),
        'CPU ratio': fmt(ratios.cpu, 2) + mark(t.cpuRatio === undefined ? undefined : ratios.cpu <= t.cpuRatio),
        'CPU target': t.cpuRatio === undefined ? '' : `≤ ${t.cpuRatio}×`,
        errors: rounds.reduce((n, x) => n + x.floor.errors + x.bot.errors, 0),
      };
    }),
  );
}

/** Latency rows at the fixed offered rate (medians over rounds). */
export function latencyRows(results: StandardResult[], rate: number): Record<string, string | number>[] {
  return results.map((r) => {
    const m = (side: 'floor' | 'bot', pick: (x: RunResult) => number) => median(r.latency.map((p) => pick(p[side])));
    const lat = (q: 'p50' | 'p99' | 'max') => (x: RunResult) => x.latency?.[q] ?? Number.NaN;
    const p99 = m('bot', lat('p99'));
    return {
      scenario: r.name,
      'offered req/s': rate,
      'floor p50 ms': fmt(m('floor', lat('p50')), 2),
      'floor p99 ms': fmt(m('floor', lat('p99')), 2),
      'bot p50 ms': fmt(m('bot', lat('p50')), 2),
      'bot p99 ms': fmt(p99, 2) + mark(r.targets.p99Ms === undefined ? undefined : p99 < r.targets.p99Ms),
      'p99 target': r.targets.p99Ms === undefined ? '' : `< ${r.targets.p99Ms} ms`,
      'bot max ms': fmt(m('bot', lat('max')), 1),
      'floor CPU µs/req': fmt(m('floor', (x) => x.cpuPerRequestUs)),
      'bot CPU µs/req': fmt(m('bot', (x) => x.cpuPerRequestUs)),
      errors: r.latency.reduce((n, p) => n + p.floor.errors + p.bot.errors, 0),
    };
  });
}

/** Bundle size rows. */
export function bundleRows(bundles: { name: string; size: BundleSize; target?: number }[]): Record<string, string | number>[] {
  return bundles.map(({ name, size, target }) => ({
    bundle: name,
    'raw KiB': fmt(size.rawBytes / 1024, 1),
    'gzip KiB': fmt(size.gzipBytes / 1024, 1) + mark(target === undefined ? undefined : size.gzipBytes / 1024 < target),
    target: target === undefined ? '' : `< ${target} KiB gzip`,
  }));
}

/** Every table of a run, as markdown. */
export function renderReport(input: {
  standard: StandardResult[];
  custom: CustomResult[];
  bundles: { name: string; size: BundleSize; target?: number }[];
  rate: number;
  header: string[];
}): string {
  const parts = [...input.header, '', '### Bundle', '', markdownTable(bundleRows(input.bundles))];
  if (input.standard.length) {
    parts.push('', '### Throughput and CPU (closed loop; figures are medians over rounds, ratios are medians of back-to-back bot ÷ floor pairs)', '', markdownTable(throughputRows(input.standard)));
    parts.push('', `### Latency at ${input.rate} req/s offered (open loop; medians over rounds)`, '', markdownTable(latencyRows(input.standard, input.rate)));
  }
  for (const c of input.custom) {
    parts.push('', `### ${c.name}`, '', markdownTable(c.rows), ...(c.notes ?? []).map((n) => `\n${n}`));
  }
  return parts.join('\n');
}
