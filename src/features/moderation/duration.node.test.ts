import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors';
import { formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['1w', 604_800_000],
    ['1d12h', 129_600_000],
    ['1w 2d', 777_600_000],
    [' 1H30M ', 5_400_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '10', 'm', '10x', '1.5h', '-1h', 'ten minutes', '1h-', '0s', '0d0h'])('refuses %j naming the accepted forms', (text) => {
    expect(() => parseDuration(text)).toThrow(UserError);
    try {
      parseDuration(text);
    } catch (error) {
      expect((error as UserError).code).toBe('bad_duration');
      if (!/^0/.test(text)) expect((error as UserError).message).toContain('`1d12h`');
    }
  });

  it('refuses absurdly long durations', () => {
    expect(() => parseDuration('300w')).toThrow(/5 years/);
  });
});

describe('formatDuration', () => {
  it('round-trips', () => {
    for (const text of ['30s', '10m', '2h', '1d12h', '1w2d', '4w1s']) expect(formatDuration(parseDuration(text))).toBe(text);
  });
});
