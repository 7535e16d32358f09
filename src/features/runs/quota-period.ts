/**
 * Quota periods: weekly (reset on a weekday) or monthly (reset on a day of the month, 1–28), at
 * an hour of the guild's timezone. A period is named by the local date it started on
 * (`W2026-11-30`, `M2026-12-01`); that name is the `period` key of the ledger transactions, so
 * "this period" is a query, and a rollover is nothing but the clock passing the boundary: a
 * missed job cannot lose or double a reset.
 */
import { fromWallTime, zoneOffset } from '../reminders/public';

/** What a period is computed from. */
export interface PeriodRule {
  period: 'weekly' | 'monthly';
  /** weekly: 0 (Sunday) … 6; monthly: 1 … 28. */
  resetDay: number;
  resetHour: number;
  timezone: string;
}

/** A period: its key and its bounds (ms, end exclusive). */
export interface Period {
  key: string;
  start: number;
  end: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

function localDate(zone: string, at: number): { y: number; mo: number; d: number; dow: number } {
  const local = new Date(at + zoneOffset(zone, at));
  return { y: local.getUTCFullYear(), mo: local.getUTCMonth(), d: local.getUTCDate(), dow: local.getUTCDay() };
}

/** The start (ms) of the period whose local start date is y-mo-d. */
function startOn(rule: PeriodRule, y: number, mo: number, d: number): number {
  return fromWallTime(rule.timezone, y, mo, d, rule.resetHour, 0);
}

function keyOf(rule: PeriodRule, y: number, mo: number, d: number): string {
  const when = new Date(Date.UTC(y, mo, d));
  return `${rule.period === 'weekly' ? 'W' : 'M'}${when.getUTCFullYear()}-${pad(when.getUTCMonth() + 1)}-${pad(when.getUTCDate())}`;
}

/** The period containing instant `at`. */
export function periodAt(rule: PeriodRule, at: number): Period {
  const today = localDate(rule.timezone, at);
  if (rule.period === 'weekly') {
    const back = (today.dow - rule.resetDay + 7) % 7;
    let [y, mo, d] = [today.y, today.mo, today.d - back];
    let start = startOn(rule, y, mo, d);
    if (start > at) {
      d -= 7;
      start = startOn(rule, y, mo, d);
    }
    const norm = new Date(Date.UTC(y, mo, d));
    [y, mo, d] = [norm.getUTCFullYear(), norm.getUTCMonth(), norm.getUTCDate()];
    return { key: keyOf(rule, y, mo, d), start, end: startOn(rule, y, mo, d + 7) };
  }
  let [y, mo] = [today.y, today.mo];
  let start = startOn(rule, y, mo, rule.resetDay);
  if (start > at) {
    mo -= 1;
    start = startOn(rule, y, mo, rule.resetDay);
  }
  const norm = new Date(Date.UTC(y, mo, 1));
  [y, mo] = [norm.getUTCFullYear(), norm.getUTCMonth()];
  return { key: keyOf(rule, y, mo, rule.resetDay), start, end: startOn(rule, y, mo + 1, rule.resetDay) };
}

/** The period before the one containing `at`. */
export function previousPeriod(rule: PeriodRule, at: number): Period {
  return periodAt(rule, periodAt(rule, at).start - 1);
}

/** Reads a period key typed by a member (`W2026-11-30`), or null. */
export function isPeriodKey(text: string): boolean {
  return /^[WM]\d{4}-\d{2}-\d{2}$/.test(text);
}
