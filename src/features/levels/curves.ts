/**
 * Level curves: how much XP each level costs. A curve gives the XP needed to go from level
 * L to L + 1; a member's level is the highest L whose cumulative cost their balance covers,
 * capped at the curve's `maxLevel`. Pure: no I/O, used by the live path, backfill and tests.
 */
import * as z from 'zod';

/** The highest level any curve may name (and the default cap). */
export const LEVEL_CAP = 1000;

/** A curve as stored (on the currency's `level_curve` JSON, or the levels settings). */
export const curveSchema = z
  .discriminatedUnion('kind', [
    /** MEE6's: 5L² + 50L + 100 XP from level L to L + 1. */
    z.object({ kind: z.literal('mee6') }),
    /** `base + step × L` XP from level L to L + 1. */
    z.object({ kind: z.literal('linear'), base: z.number().int().min(1).max(1_000_000), step: z.number().int().min(0).max(1_000_000).default(0) }),
    /** `round(base × factor^L)` XP from level L to L + 1. */
    z.object({ kind: z.literal('exponential'), base: z.number().int().min(1).max(1_000_000), factor: z.number().min(1).max(10) }),
  ])
  .and(z.object({ maxLevel: z.number().int().min(1).max(LEVEL_CAP).default(100) }));

export type Curve = z.output<typeof curveSchema>;

/** MEE6's curve with a 100-level cap (the preset's). */
export const MEE6_CURVE: Curve = { kind: 'mee6', maxLevel: 100 };

/** XP needed to go from `level` to `level + 1` (Infinity at the cap). */
export function xpToNext(curve: Curve, level: number): number {
  if (level >= curve.maxLevel) return Infinity;
  switch (curve.kind) {
    case 'mee6':
      return 5 * level * level + 50 * level + 100;
    case 'linear':
      return curve.base + curve.step * level;
    case 'exponential':
      return Math.round(curve.base * curve.factor ** level);
  }
}

/** Total XP at which `level` is reached (0 for level 0). */
export function xpForLevel(curve: Curve, level: number): number {
  let total = 0;
  for (let l = 0; l < Math.min(level, curve.maxLevel); l++) total += xpToNext(curve, l);
  return total;
}

/** The level a balance of `xp` has reached, and the progress towards the next one. */
export function levelForXp(curve: Curve, xp: number): { level: number; into: number; next: number } {
  let level = 0;
  let rest = Math.max(0, xp);
  while (level < curve.maxLevel) {
    const cost = xpToNext(curve, level);
    if (rest < cost) return { level, into: rest, next: cost };
    rest -= cost;
    level++;
  }
  return { level, into: rest, next: Infinity };
}
