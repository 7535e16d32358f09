import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CHART_HEIGHT, CHART_WIDTH, HEATMAP_HEIGHT, HEATMAP_WIDTH, barChart, heatmapChart, lineChart, rankChart } from './charts';
import { crc32 } from './png';

/** Decodes a PNG the encoder writes (RGB, filter 0) with Node's zlib: size, pixels, and every chunk's CRC checked. */
function decode(png: Uint8Array) {
  const buf = Buffer.from(png);
  expect([...buf.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  const types: string[] = [];
  while (at < buf.length) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    expect(buf.readUInt32BE(at + 8 + len), `${type} CRC`).toBe(zlibCrc32(buf.subarray(at + 4, at + 8 + len)));
    types.push(type);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9], data[10], data[11], data[12]]).toEqual([8, 2, 0, 0, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  expect(types[0]).toBe('IHDR');
  expect(types.at(-1)).toBe('IEND');
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe(height * (1 + width * 3));
  const colours = new Set<number>();
  for (let y = 0; y < height; y++) {
    expect(raw[y * (1 + width * 3)]).toBe(0);
    for (let x = 0; x < width; x++) {
      const i = y * (1 + width * 3) + 1 + x * 3;
      colours.add((raw[i]! << 16) | (raw[i + 1]! << 8) | raw[i + 2]!);
    }
  }
  return { width, height, colours, pixel: (x: number, y: number) => [...raw.subarray(y * (1 + width * 3) + 1 + x * 3, y * (1 + width * 3) + 4 + x * 3)] };
}

describe('PNG charts', () => {
  it('our CRC-32 is zlib’s', () => {
    const bytes = new TextEncoder().encode('IHDR gatehouse');
    expect(crc32(bytes)).toBe(zlibCrc32(Buffer.from(bytes)));
  });

  it('a bar chart decodes to an image of the stated size with bars on it', async () => {
    const img = decode(await barChart({ title: 'Messages per day', values: [3, 10, 0, 7, 25], labels: ['1', '2', '3', '4', '5'] }));
    expect([img.width, img.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect(img.colours.size).toBeGreaterThanOrEqual(4); // background, grid, ink, bars
    expect(img.colours.has((88 << 16) | (101 << 8) | 242)).toBe(true);
  });

  it('joins above and leaves below the axis', async () => {
    const img = decode(await barChart({ title: 'Joins and leaves', values: [4, 2], labels: [], negative: { values: [1, 3] } }));
    expect(img.colours.has((237 << 16) | (66 << 8) | 69)).toBe(true);
  });

  it('a line chart, a heatmap and a ranking decode with content', async () => {
    const line = decode(await lineChart({ title: 'Activity', labels: ['A', 'B', 'C'], series: [{ name: 'MESSAGES', values: [1, 5, 2], colour: [88, 101, 242] }, { name: 'MEMBERS', values: [1, 2, 2], colour: [59, 165, 93] }] }));
    expect([line.width, line.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect(line.colours.size).toBeGreaterThanOrEqual(5);
    const cells = Array.from({ length: 7 }, (_, d) => Array.from({ length: 24 }, (_, h) => (d === 2 && h === 20 ? 50 : h % 5)));
    const heat = decode(await heatmapChart({ title: 'Heatmap', cells }));
    expect([heat.width, heat.height]).toEqual([HEATMAP_WIDTH, HEATMAP_HEIGHT]);
    expect(heat.colours.size).toBeGreaterThanOrEqual(6); // a ramp of shades
    const rank = decode(await rankChart({ title: 'Channels', rows: [{ label: 'general', value: 120 }, { label: 'memes', value: 30 }] }));
    expect(rank.width).toBe(CHART_WIDTH);
    expect(rank.height).toBe(40 + 2 * 24 + 12);
  });

  it('an empty series still draws a frame (the empty state)', async () => {
    const img = decode(await barChart({ title: 'Nothing yet', values: [], labels: [] }));
    expect(img.colours.size).toBeGreaterThanOrEqual(2);
  });
});
