import { describe, expect, it } from 'vitest';
import { periodAt, previousPeriod, type PeriodRule } from './quota-period';

const weekly: PeriodRule = { period: 'weekly', resetDay: 1, resetHour: 18, timezone: 'Europe/Paris' };

describe('quota periods', () => {
  it('a weekly period starts on the reset weekday and hour in the guild timezone, and the boundary is exact', () => {
    // Monday 2026-11-30 18:00 in Paris is 17:00 UTC.
    const boundary = Date.parse('2026-11-30T17:00:00Z');
    const before = periodAt(weekly, boundary - 1);
    const after = periodAt(weekly, boundary);
    expect(before).toEqual({ key: 'W2026-11-23', start: Date.parse('2026-11-23T17:00:00Z'), end: boundary });
    expect(after).toEqual({ key: 'W2026-11-30', start: boundary, end: Date.parse('2026-12-07T17:00:00Z') });
    expect(previousPeriod(weekly, boundary).key).toBe('W2026-11-23');
  });

  it('follows daylight saving time: the reset stays at 18:00 local', () => {
    // Paris leaves summer time on 2026-10-25: Monday 19 Oct 18:00 is 16:00 UTC, Monday 26 Oct 18:00 is 17:00 UTC.
    expect(periodAt(weekly, Date.parse('2026-10-22T12:00:00Z'))).toMatchObject({ key: 'W2026-10-19', start: Date.parse('2026-10-19T16:00:00Z'), end: Date.parse('2026-10-26T17:00:00Z') });
  });

  it('monthly periods start on the reset day and roll over the year', () => {
    const monthly: PeriodRule = { period: 'monthly', resetDay: 15, resetHour: 0, timezone: 'UTC' };
    expect(periodAt(monthly, Date.parse('2026-01-10T00:00:00Z'))).toEqual({
      key: 'M2025-12-15',
      start: Date.parse('2025-12-15T00:00:00Z'),
      end: Date.parse('2026-01-15T00:00:00Z'),
    });
    expect(periodAt(monthly, Date.parse('2026-01-15T00:00:00Z')).key).toBe('M2026-01-15');
  });
});
