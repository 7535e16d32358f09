import { describe, expect, it } from 'vitest';
import { meetsLevel, resolveLevel, type StaffLevel } from './staff';

const mapping = new Map<string, StaffLevel>([
  ['r-helper', 'helper'],
  ['r-mod', 'moderator'],
]);

describe('staff levels', () => {
  it('is the highest mapped role the member holds', () => {
    expect(resolveLevel({ userId: 'u', roleIds: ['r-helper', 'r-mod', 'other'] }, mapping)).toBe('moderator');
    expect(resolveLevel({ userId: 'u', roleIds: ['other'] }, mapping)).toBe('everyone');
  });

  it('makes the owner and Administrator holders administrators', () => {
    expect(resolveLevel({ userId: 'o', ownerId: 'o', roleIds: [] }, mapping)).toBe('administrator');
    expect(resolveLevel({ userId: 'u', roleIds: [], permissions: String(1n << 3n) }, mapping)).toBe('administrator');
    expect(resolveLevel({ userId: 'u', roleIds: [], permissions: String((1n << 40n) | 4n) }, mapping)).toBe('everyone');
  });

  it('orders levels', () => {
    expect(meetsLevel('senior_moderator', 'moderator')).toBe(true);
    expect(meetsLevel('helper', 'reviewer')).toBe(false);
    expect(meetsLevel('everyone', 'everyone')).toBe(true);
  });
});
