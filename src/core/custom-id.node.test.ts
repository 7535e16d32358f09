import { describe, expect, it } from 'vitest';
import { CUSTOM_ID_MAX, decodeCustomId, encodeCustomId } from './custom-id';

describe('custom_id codec', () => {
  it('round-trips a key and its arguments', () => {
    const id = encodeCustomId('gate.claim', '1234567890123456789', 2);
    expect(id).toBe('gate.claim:1234567890123456789:2');
    expect(decodeCustomId(id)).toEqual({ key: 'gate.claim', args: ['1234567890123456789', '2'] });
  });

  it('accepts exactly 100 characters and refuses 101 at encode time', () => {
    const key = 'feature.action';
    const fits = 'x'.repeat(CUSTOM_ID_MAX - key.length - 1);
    expect(encodeCustomId(key, fits)).toHaveLength(CUSTOM_ID_MAX);
    expect(() => encodeCustomId(key, `${fits}y`)).toThrow(/101 characters; Discord allows 100/);
  });

  it('refuses an argument containing the separator', () => {
    expect(() => encodeCustomId('gate.claim', 'a:b')).toThrow(/must not contain ":"/);
  });

  it('refuses a key that is not feature.action', () => {
    expect(() => encodeCustomId('claim', 'x')).toThrow(/feature\.action/);
    expect(() => encodeCustomId('Gate.Claim')).toThrow();
  });

  it.each(['', 'no-dot', 'UPPER.case:1', ':::', 'a'.repeat(101), 'gate.claim'.padEnd(120, ':x'), '🙂.x'])(
    'decodes the foreign or malformed id %j to null, never throwing',
    (id) => {
      const decoded = decodeCustomId(id);
      if (decoded) expect(decoded.key).toMatch(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/);
      else expect(decoded).toBeNull();
    },
  );
});
