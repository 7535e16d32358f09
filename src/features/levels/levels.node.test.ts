import { describe, expect, it } from 'vitest';
import { curveSchema, levelForXp, MEE6_CURVE, xpForLevel, xpToNext } from './curves';
import { combinedMultiplier, levelsSettingsSchema, noXpReason, rolesForLevel } from './settings';

describe('curves', () => {
  it('MEE6: 5L²+50L+100 per level, boundaries exact', () => {
    expect(xpToNext(MEE6_CURVE, 0)).toBe(100);
    expect(xpToNext(MEE6_CURVE, 1)).toBe(155);
    expect(xpToNext(MEE6_CURVE, 10)).toBe(1100);
    expect(xpForLevel(MEE6_CURVE, 2)).toBe(255);
    expect(levelForXp(MEE6_CURVE, 99).level).toBe(0);
    expect(levelForXp(MEE6_CURVE, 100)).toEqual({ level: 1, into: 0, next: 155 });
    expect(levelForXp(MEE6_CURVE, 254).level).toBe(1);
    expect(levelForXp(MEE6_CURVE, 255).level).toBe(2);
  });
  it('linear and exponential with parameters', () => {
    const linear = curveSchema.parse({ kind: 'linear', base: 50, step: 10 });
    expect(xpToNext(linear, 0)).toBe(50);
    expect(xpToNext(linear, 3)).toBe(80);
    expect(levelForXp(linear, 50 + 60 - 1).level).toBe(1);
    expect(levelForXp(linear, 110).level).toBe(2);
    const exp = curveSchema.parse({ kind: 'exponential', base: 100, factor: 2, maxLevel: 5 });
    expect([0, 1, 2, 3].map((l) => xpToNext(exp, l))).toEqual([100, 200, 400, 800]);
    expect(levelForXp(exp, 699).level).toBe(2);
    expect(levelForXp(exp, 700).level).toBe(3);
  });
  it('max level caps the level and the progress', () => {
    const capped = curveSchema.parse({ kind: 'linear', base: 10, maxLevel: 3 });
    expect(levelForXp(capped, 29).level).toBe(2);
    expect(levelForXp(capped, 30)).toEqual({ level: 3, into: 0, next: Infinity });
    expect(levelForXp(capped, 1_000_000).level).toBe(3);
    expect(xpToNext(capped, 3)).toBe(Infinity);
    expect(levelForXp(capped, -5).level).toBe(0);
  });
  it('refuses bad curves', () => {
    expect(curveSchema.safeParse({ kind: 'linear', base: 0 }).success).toBe(false);
    expect(curveSchema.safeParse({ kind: 'exponential', base: 10, factor: 0.5 }).success).toBe(false);
    expect(curveSchema.safeParse({ kind: 'mee6', maxLevel: 0 }).success).toBe(false);
  });
});

const R1 = '100000000000000001';
const R2 = '100000000000000002';
const R3 = '100000000000000003';
const C1 = '200000000000000001';
const U1 = '300000000000000001';

describe('level roles: stack vs replace', () => {
  const rewards = [
    { level: 5, roleId: R1, mode: 'stack' as const },
    { level: 10, roleId: R2, mode: 'replace' as const },
    { level: 20, roleId: R3, mode: 'replace' as const },
  ];
  it('stack rewards stay, only the highest replace reward is kept', () => {
    expect(rolesForLevel(rewards, 4)).toEqual({ add: [], remove: [] });
    expect(rolesForLevel(rewards, 5)).toEqual({ add: [R1], remove: [] });
    expect(rolesForLevel(rewards, 10)).toEqual({ add: [R1, R2], remove: [] });
    expect(rolesForLevel(rewards, 25)).toEqual({ add: [R1, R3], remove: [R2] });
  });
});

describe('multipliers and no-XP', () => {
  const s = levelsSettingsSchema.parse({ multipliers: { roles: { [R1]: 2, [R2]: 0.5 }, channels: { [C1]: 1.5 } }, noXp: { roles: [R3], members: [U1] } });
  it('highest role multiplier times the channel multiplier', () => {
    expect(combinedMultiplier(s, { roleIds: [], channelId: null })).toBe(1);
    expect(combinedMultiplier(s, { roleIds: [R2], channelId: null })).toBe(0.5);
    expect(combinedMultiplier(s, { roleIds: [R1, R2], channelId: C1 })).toBe(3);
  });
  it('no-XP members, roles and channels', () => {
    expect(noXpReason(s, { userId: U1, roleIds: [], channelId: null })).toBe('no-XP member');
    expect(noXpReason(s, { userId: '300000000000000002', roleIds: [R3], channelId: null })).toBe('no-XP role');
    expect(noXpReason(s, { userId: '300000000000000002', roleIds: [R1], channelId: C1 })).toBeNull();
  });
});
