import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors';
import { canonicalTimezone, parseWhen, zoneOffset } from './when';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof UserError ? error.code : String(error);
  }
  return 'no error';
};

describe('parseWhen', () => {
  it('reads durations with or without "in"', () => {
    expect(parseWhen('in 2h', NOW)).toBe(NOW + 2 * 3_600_000);
    expect(parseWhen('1d12h', NOW)).toBe(NOW + 36 * 3_600_000);
    expect(parseWhen('in 1w 2d', NOW)).toBe(NOW + 9 * 86_400_000);
  });

  it('reads a clock time as the next time it comes, in UTC or the member’s timezone', () => {
    expect(parseWhen('at 18:30', NOW)).toBe(Date.parse('2026-12-01T18:30:00Z'));
    expect(parseWhen('09:15', NOW)).toBe(Date.parse('2026-12-02T09:15:00Z'));
    expect(parseWhen('at 6:30 pm', NOW)).toBe(Date.parse('2026-12-01T18:30:00Z'));
    // Paris is UTC+1 in December, New York UTC−5.
    expect(parseWhen('at 18:30', NOW, 'Europe/Paris')).toBe(Date.parse('2026-12-01T17:30:00Z'));
    expect(parseWhen('at 04:00', NOW, 'America/New_York')).toBe(Date.parse('2026-12-02T09:00:00Z'));
  });

  it('reads a date and time on the member’s clock (summer time included)', () => {
    expect(parseWhen('at 2026-12-24 18:30', NOW)).toBe(Date.parse('2026-12-24T18:30:00Z'));
    expect(parseWhen('2027-07-01 12:00', NOW, 'Europe/Paris')).toBe(Date.parse('2027-07-01T10:00:00Z'));
    expect(parseWhen('2026-12-25', NOW)).toBe(Date.parse('2026-12-25T09:00:00Z'));
  });

  it('reads Discord timestamps in any style', () => {
    const at = Math.floor(NOW / 1000) + 7200;
    expect(parseWhen(`<t:${at}>`, NOW)).toBe(at * 1000);
    expect(parseWhen(`<t:${at}:R>`, NOW)).toBe(at * 1000);
  });

  it('refuses what does not parse, the past, too soon and too far ahead, each with its own answer', () => {
    expect(code(() => parseWhen('tomorrowish', NOW))).toBe('bad_when');
    expect(code(() => parseWhen('at 25:00', NOW))).toBe('bad_when');
    expect(code(() => parseWhen('2026-02-31 10:00', NOW))).toBe('bad_when');
    expect(code(() => parseWhen('in 0s', NOW))).toBe('bad_duration');
    expect(code(() => parseWhen(`<t:${Math.floor(NOW / 1000) - 60}>`, NOW))).toBe('when_past');
    expect(code(() => parseWhen('2026-11-30 10:00', NOW))).toBe('when_past');
    expect(code(() => parseWhen('in 30s', NOW))).toBe('when_too_soon');
    expect(code(() => parseWhen('in 400d', NOW))).toBe('when_too_far');
  });
});

describe('timezones', () => {
  it('knows IANA names and spells them canonically', () => {
    expect(canonicalTimezone('Europe/Paris')).toBe('Europe/Paris');
    expect(canonicalTimezone('utc')).toBe('UTC');
    expect(canonicalTimezone('Mars/Olympus')).toBeNull();
    expect(zoneOffset('Asia/Kolkata', NOW)).toBe(5.5 * 3_600_000);
  });
});
