/**
 * The benchmark's pure parts: percentiles, /proc parsing, the open-loop schedule, report
 * tables. No timing assertions: figures are printed by `npm run bench`, never asserted.
 */
import { describe, expect, it } from 'vitest';
import { descendants, parseProcStat, type ProcStat } from './lib/proc';
import { pairRatios, markdownTable } from './lib/report';
import { dueAt, dueCount, plannedCount } from './lib/schedule';
import { median, percentile, ratio, summarizeLatencies } from './lib/stats';
import type { RunResult } from './lib/load';

describe('percentile (nearest rank)', () => {
  it('picks the smallest sample with at least q% of samples at or below it', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 51)).toBe(3);
  });

  it('does not reorder its input and rejects out-of-range q', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
    expect(() => percentile(values, 101)).toThrow(RangeError);
    expect(() => percentile(values, Number.NaN)).toThrow(RangeError);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarises a latency sample', () => {
    const s = summarizeLatencies([5, 1, 4, 2, 3]);
    expect(s).toEqual({ count: 5, p50: 3, p90: 5, p99: 5, max: 5 });
    expect(median([4, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(3, 4)).toBe(0.75);
  });
});

describe('/proc/<pid>/stat', () => {
  const line = (comm: string, utime: number, stime: number, ppid = 1) =>
    `4242 (${comm}) S ${ppid} 4242 4242 0 -1 4194560 2512 0 0 0 ${utime} ${stime} 0 0 20 0 9 0 123456 1234567890 12345 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0`;

  it('reads utime, stime, ppid and pgrp by field number', () => {
    expect(parseProcStat(line('workerd', 1234, 56, 77))).toEqual({ pid: 4242, comm: 'workerd', ppid: 77, pgrp: 4242, utime: 1234, stime: 56 });
  });

  it('counts fields from the last parenthesis, so odd process names parse', () => {
    const stat = parseProcStat(line('work (er) d) x', 10, 20));
    expect(stat.comm).toBe('work (er) d) x');
    expect(stat.utime + stat.stime).toBe(30);
  });

  it('rejects what is not a stat line', () => {
    expect(() => parseProcStat('hello')).toThrow();
    expect(() => parseProcStat('12 (x) S')).toThrow();
  });

  it('finds descendants through ppid links', () => {
    const p = (pid: number, ppid: number): ProcStat => ({ pid, ppid, comm: 'x', pgrp: 0, utime: 0, stime: 0 });
    const procs = [p(1, 0), p(10, 1), p(11, 10), p(12, 11), p(20, 1), p(13, 10)];
    expect(descendants(procs, 10).sort((a, b) => a - b)).toEqual([11, 12, 13]);
    expect(descendants(procs, 12)).toEqual([]);
  });
});

describe('open-loop schedule', () => {
  it('offers exactly rate × elapsed requests, never more than the total', () => {
    const rate = 1000;
    const total = plannedCount(4000, rate);
    expect(total).toBe(4000);
    expect(dueCount(0, rate, total)).toBe(1);
    expect(dueCount(0.999, rate, total)).toBe(1);
    expect(dueCount(1, rate, total)).toBe(2);
    expect(dueCount(-5, rate, total)).toBe(0);
    expect(dueCount(1e9, rate, total)).toBe(total);
    for (let t = 0; t < 5000; t += 7.3) {
      const due = dueCount(t, rate, total);
      // Never ahead of the schedule by more than the one request due at t = 0 …
      expect(due).toBeLessThanOrEqual(Math.floor((t * rate) / 1000) + 1);
      // … never behind it, and monotonic.
      expect(due).toBeGreaterThanOrEqual(Math.min(total, Math.floor((t * rate) / 1000)));
      expect(due).toBeGreaterThanOrEqual(dueCount(Math.max(0, t - 7.3), rate, total));
    }
  });

  it('places request i at i / rate and respects the request cap', () => {
    expect(dueAt(0, 1000)).toBe(0);
    expect(dueAt(250, 1000)).toBe(250);
    expect(dueAt(3, 250)).toBe(12);
    expect(plannedCount(4000, 1000, 1500)).toBe(1500);
    expect(plannedCount(0, 1000)).toBe(0);
    expect(() => dueCount(1, 0, 10)).toThrow(RangeError);
  });
});

describe('report', () => {
  const run = (rps: number, cpu: number): RunResult => ({ requests: 1, errors: 0, elapsedMs: 1, rps, cpuSeconds: 0, cpuPerRequestUs: cpu });

  it('takes the median of per-round bot ÷ floor ratios', () => {
    const r = pairRatios([
      { floor: run(1000, 100), bot: run(900, 110) },
      { floor: run(2000, 100), bot: run(1000, 200) },
      { floor: run(1000, 100), bot: run(950, 105) },
    ]);
    expect(r.throughput).toBeCloseTo(0.9);
    expect(r.cpu).toBeCloseTo(1.1);
  });

  it('renders a markdown table', () => {
    expect(markdownTable([{ a: 1, b: 'x' }])).toBe('| a | b |\n| --- | --- |\n| 1 | x |');
  });
});
