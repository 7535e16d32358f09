import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors';
import { componentEmoji, parseEmoji } from './menu-message';
import { planPick } from './role-menus.service';
import type { RoleMenu } from './schema';

const menu = (mode: RoleMenu['mode'], maxPerMember: number | null = null): RoleMenu => ({
  id: 1,
  guildId: 'g',
  name: 'm',
  mode,
  style: 'buttons',
  description: null,
  requiredRoleId: null,
  maxPerMember,
  channelId: null,
  messageId: null,
  createdBy: 'u',
  createdAt: 0,
  updatedAt: 0,
  options: ['a', 'b', 'c'].map((roleId, i) => ({ id: i, guildId: 'g', menuId: 1, roleId, label: roleId, emoji: null, description: null, createdAt: 0 })),
});

describe('planPick', () => {
  it('toggle adds and removes; unique swaps; add-only keeps', () => {
    expect(planPick(menu('toggle'), new Set(['a']), ['a', 'b'])).toEqual({ add: ['b'], remove: ['a'], kept: [] });
    expect(planPick(menu('unique'), new Set(['a', 'c']), ['b'])).toEqual({ add: ['b'], remove: ['a', 'c'], kept: [] });
    expect(planPick(menu('add-only'), new Set(['a']), ['a', 'b'])).toEqual({ add: ['b'], remove: [], kept: ['a'] });
  });

  it('enforces the per-member maximum and refuses roles no longer on the menu', () => {
    expect(() => planPick(menu('toggle', 2), new Set(['a', 'b']), ['c'])).toThrow(UserError);
    expect(planPick(menu('toggle', 2), new Set(['a', 'b']), ['a'])).toEqual({ add: [], remove: ['a'], kept: [] });
    expect(() => planPick(menu('toggle'), new Set(), ['zzz'])).toThrow(/no longer on this menu/);
  });
});

describe('emoji', () => {
  it('reads unicode and custom emoji and refuses words', () => {
    expect(parseEmoji('🎮')).toBe('🎮');
    expect(parseEmoji('<:pog:123456789012345678>')).toBe('pog:123456789012345678');
    expect(componentEmoji(parseEmoji('<a:dance:123456789012345678>'))).toEqual({ animated: true, name: 'dance', id: '123456789012345678' });
    expect(() => parseEmoji('smile')).toThrow(/is not an emoji/);
  });
});
