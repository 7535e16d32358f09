/** A small RGB raster: rectangles, lines, bitmap text, then a PNG. */
import { glyph, textWidth } from './font';
import { encodePng } from './png';

/** A colour as `[r, g, b]`. */
export type Rgb = readonly [number, number, number];

/** An RGB image in memory. */
export class Canvas {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > 4_000_000) throw new Error(`Canvas: bad size ${width}×${height}`);
    this.pixels = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  /** Sets one pixel (ignored outside the image). */
  set(x: number, y: number, [r, g, b]: Rgb): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    const i = (yi * this.width + xi) * 3;
    this.pixels[i] = r;
    this.pixels[i + 1] = g;
    this.pixels[i + 2] = b;
  }

  /** Fills the rectangle `[x, x + w) × [y, y + h)`, clipped to the image. */
  fillRect(x: number, y: number, w: number, h: number, colour: Rgb): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) this.set(xx, yy, colour);
  }

  /** A straight line `thickness` pixels wide. */
  line(x0: number, y0: number, x1: number, y1: number, colour: Rgb, thickness = 1): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    const half = Math.floor(thickness / 2);
    for (let i = 0; i <= steps; i++) {
      const x = x0 + ((x1 - x0) * i) / steps;
      const y = y0 + ((y1 - y0) * i) / steps;
      this.fillRect(Math.round(x) - half, Math.round(y) - half, thickness, thickness, colour);
    }
  }

  /** Draws `text` with its top-left corner at `(x, y)`; `align` places it relative to `x`. */
  text(x: number, y: number, text: string, colour: Rgb, scale = 2, align: 'left' | 'center' | 'right' = 'left'): void {
    const width = textWidth(text, scale);
    let cx = align === 'left' ? x : align === 'center' ? x - width / 2 : x - width;
    for (const ch of text) {
      const rows = glyph(ch);
      rows.forEach((bits, row) => {
        for (let col = 0; col < 3; col++) if (bits & (4 >> col)) this.fillRect(cx + col * scale, y + row * scale, scale, scale, colour);
      });
      cx += 4 * scale;
    }
  }

  /** The image as a PNG file. */
  png(): Promise<Uint8Array> {
    return encodePng(this.width, this.height, this.pixels);
  }
}
