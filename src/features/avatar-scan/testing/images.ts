/**
 * Deterministic test avatars, generated (never fetched) and encoded as PNG with fast-png.
 * Shared by the model reference test (Node) and the scanner tests (workerd).
 */
import { encode } from 'fast-png';

/** The kinds of generated image. */
export const TEST_IMAGE_KINDS = ['gradient', 'noise', 'blobs', 'checker', 'flat'] as const;

/** One kind of generated image. */
export type TestImageKind = (typeof TEST_IMAGE_KINDS)[number];

/** A small seeded PRNG (mulberry32) so every run draws the same pixels. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** RGB pixels of a generated image. */
export function testImageRgb(kind: TestImageKind, size = 256, seed = 1): Uint8Array {
  const rand = prng(seed);
  const data = new Uint8Array(size * size * 3);
  const blobs = Array.from({ length: 6 }, () => ({
    x: rand() * size,
    y: rand() * size,
    r: (0.1 + rand() * 0.3) * size,
    rgb: [180 + rand() * 70, 120 + rand() * 60, 90 + rand() * 60],
  }));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      let rgb: number[];
      switch (kind) {
        case 'gradient':
          rgb = [(x / size) * 255, (y / size) * 255, ((x + y) / (2 * size)) * 255];
          break;
        case 'noise':
          rgb = [rand() * 255, rand() * 255, rand() * 255];
          break;
        case 'blobs': {
          rgb = [40, 60, 90];
          for (const b of blobs) if ((x - b.x) ** 2 + (y - b.y) ** 2 < b.r ** 2) rgb = b.rgb;
          break;
        }
        case 'checker':
          rgb = ((x >> 5) + (y >> 5)) % 2 ? [250, 250, 250] : [10, 10, 10];
          break;
        case 'flat':
          rgb = [200, 160, 140];
          break;
      }
      data[i] = Math.round(rgb[0]!);
      data[i + 1] = Math.round(rgb[1]!);
      data[i + 2] = Math.round(rgb[2]!);
    }
  }
  return data;
}

/** A generated image as PNG bytes (8-bit RGB). */
export function testImagePng(kind: TestImageKind, size = 256, seed = 1): Uint8Array {
  return encode({ width: size, height: size, data: testImageRgb(kind, size, seed), channels: 3, depth: 8 });
}
