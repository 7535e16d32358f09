/**
 * Durations as moderators type them: `30s`, `10m`, `2h`, `7d`, `1w`, and combinations of
 * them (`1d12h`, `1w 2d`). Anything else is a `UserError` naming the accepted forms.
 */
import { UserError } from '../../core/errors';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const WHOLE = /^(?:\d+[smhdw])+$/;
const PART = /(\d+)([smhdw])/g;

/** What the error message lists. */
export const DURATION_FORMS = '`30s`, `10m`, `2h`, `7d`, `1w` or a combination such as `1d12h`';

/** The longest duration accepted (about 5 years); longer is almost surely a typo. */
export const MAX_DURATION_MS = 5 * 365 * UNIT_MS.d;

/** Parses a duration into milliseconds, or throws a `UserError`. */
export function parseDuration(input: string): number {
  const text = input.trim().toLowerCase().replace(/\s+/g, '');
  if (!WHOLE.test(text)) {
    throw new UserError('bad_duration', `\`${input.slice(0, 40)}\` is not a duration. Use ${DURATION_FORMS}.`);
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  if (total <= 0) throw new UserError('bad_duration', `A duration must be longer than zero. Use ${DURATION_FORMS}.`);
  if (total > MAX_DURATION_MS) throw new UserError('bad_duration', 'That duration is longer than 5 years.');
  return total;
}

/** Formats milliseconds the way `parseDuration` reads them (`1d12h`). */
export function formatDuration(ms: number): string {
  let left = Math.round(ms / 1000) * 1000;
  let out = '';
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const n = Math.floor(left / UNIT_MS[unit]);
    if (n > 0) {
      out += `${n}${unit}`;
      left -= n * UNIT_MS[unit];
    }
  }
  return out || '0s';
}
