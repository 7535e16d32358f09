import { describe, expect, it } from 'vitest';
import { memberDm } from './member-dm';
import { CASE_TYPES } from './schema';

describe('member DMs', () => {
  it('has a sentence of its own for every action, naming the server, then the reason', () => {
    const texts = CASE_TYPES.map((type) => memberDm(type, 'Server', 'because'));
    for (const text of texts) {
      expect(text).toContain('**Server**');
      expect(text.endsWith('\nReason: because')).toBe(true);
    }
    expect(new Set(texts).size).toBe(CASE_TYPES.length);
    expect(memberDm('untimeout', 'Server', 'ok')).toBe('Your timeout in **Server** was lifted.\nReason: ok');
    expect(memberDm('kick', 'Server', 'x')).toBe('You are being kicked from **Server**.\nReason: x');
  });

  it('gives the duration of timed actions', () => {
    expect(memberDm('timeout', 'S', 'r', 90 * 60_000)).toBe('You were timed out in **S** for 1h30m.\nReason: r');
    expect(memberDm('ban', 'S', 'r', 7 * 86_400_000)).toBe('You are being banned from **S** for 1w.\nReason: r');
    expect(memberDm('mute', 'S', 'r', null)).toBe('You were muted in **S**.\nReason: r');
  });
});
