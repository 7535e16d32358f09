import { describe, expect, it } from 'vitest';
import { fitList, permissionWords } from './embed-text';

describe('fitList', () => {
  it('keeps everything that fits, and says how many did not', () => {
    expect(fitList(['a', 'b', 'c'], 100)).toBe('a b c');
    expect(fitList([], 100)).toBe('None');
    const roles = Array.from({ length: 100 }, (_, i) => `<@&${String(i).padStart(18, '1')}>`);
    const text = fitList(roles, 1024);
    expect(text.length).toBeLessThanOrEqual(1024);
    const shown = text.split(' ').filter((p) => p.startsWith('<@&')).length;
    expect(text.endsWith(` and ${100 - shown} more`)).toBe(true);
  });

  it('never exceeds the limit even when one item alone is too long', () => {
    expect(fitList(['x'.repeat(2000), 'y'], 1024)).toBe('and 2 more');
  });
});

describe('permissionWords', () => {
  it('names permissions in words, and Administrator alone', () => {
    expect(permissionWords((1n << 1n) | (1n << 13n))).toEqual(['Kick Members', 'Manage Messages']);
    expect(permissionWords(8n)).toEqual(['Administrator (every permission)']);
    expect(permissionWords(0n)).toEqual([]);
  });
});
