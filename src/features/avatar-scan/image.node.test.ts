import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodePngToRgb, ImageDecodeError, toModelInput } from './image';

describe('decodePngToRgb', () => {
  it('reads RGB as is', () => {
    const png = encode({ width: 2, height: 1, data: new Uint8Array([10, 20, 30, 40, 50, 60]), channels: 3, depth: 8 });
    expect(decodePngToRgb(png)).toEqual({ width: 2, height: 1, data: new Uint8Array([10, 20, 30, 40, 50, 60]) });
  });

  it('composites alpha onto black', () => {
    const png = encode({ width: 2, height: 1, data: new Uint8Array([200, 100, 50, 255, 200, 100, 50, 0]), channels: 4, depth: 8 });
    expect([...decodePngToRgb(png).data]).toEqual([200, 100, 50, 0, 0, 0]);
  });

  it('widens gray and narrows 16-bit samples', () => {
    const gray = encode({ width: 1, height: 1, data: new Uint8Array([77]), channels: 1, depth: 8 });
    expect([...decodePngToRgb(gray).data]).toEqual([77, 77, 77]);
    const deep = encode({ width: 1, height: 1, data: new Uint16Array([65535, 0, 32896]), channels: 3, depth: 16 });
    expect([...decodePngToRgb(deep).data]).toEqual([255, 0, 128]);
  });

  it('refuses what is not a PNG', () => {
    expect(() => decodePngToRgb(new TextEncoder().encode('<html>nope</html>'))).toThrow(ImageDecodeError);
  });
});

describe('toModelInput', () => {
  it('scales to 0…1 and keeps a 224 px image as is', () => {
    const data = new Uint8Array(224 * 224 * 3).fill(255);
    const input = toModelInput({ width: 224, height: 224, data });
    expect(input).toHaveLength(224 * 224 * 3);
    expect(input.every((v) => v === 1)).toBe(true);
  });

  it('resizes bilinearly with aligned corners (corners kept, midpoints interpolated)', () => {
    // 2×1 image: black → white. Aligned corners map x=0 → 0 and x=223 → 1.
    const input = toModelInput({ width: 2, height: 1, data: new Uint8Array([0, 0, 0, 255, 255, 255]) });
    expect(input[0]).toBe(0);
    expect(input[223 * 3]).toBeCloseTo(1, 6);
    expect(input[111 * 3]).toBeCloseTo(111 / 223, 6);
  });
});
