/**
 * Image preprocessing for the avatar model, in pure JS so it runs the same in workerd and
 * Node: decode a PNG (fast-png), flatten it to 8-bit RGB, then scale to RGB/255 and resize
 * to 224×224 with TF's bilinear sampling (`alignCorners: true`), as nsfwjs does.
 */
import { convertIndexedToRgb, decode } from 'fast-png';
import { MODEL_INPUT_SIZE } from './model';

/** An 8-bit RGB image, row-major, 3 bytes a pixel. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** The image could not be decoded: a permanent failure (recorded, not retried). */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
}

/** Largest edge accepted, so a hostile image cannot exhaust the isolate's memory. */
const MAX_EDGE = 4096;

/**
 * Decodes a PNG into 8-bit RGB. Gray, palette and 16-bit images are widened or narrowed
 * (sub-byte gray, which Discord never serves, is refused);
 * alpha is composited onto black (what a browser canvas, nsfwjs's usual source, yields
 * for transparent pixels). Throws `ImageDecodeError` for anything that is not a PNG.
 */
export function decodePngToRgb(bytes: Uint8Array): RgbImage {
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (error) {
    throw new ImageDecodeError(`not a decodable PNG: ${(error as Error).message}`);
  }
  const { width, height } = png;
  if (!width || !height || width > MAX_EDGE || height > MAX_EDGE) throw new ImageDecodeError(`unsupported size ${width}×${height}`);
  let channels = png.channels;
  let samples: ArrayLike<number> = png.data;
  let max = png.depth === 16 ? 65535 : 255;
  const pixels = width * height;
  if (png.palette) {
    samples = convertIndexedToRgb(png); // RGB, or RGBA when the palette has transparency
    channels = samples.length / pixels;
    max = 255;
  } else if (png.depth < 8) {
    throw new ImageDecodeError(`unsupported ${png.depth}-bit gray image`);
  }
  if (samples.length < pixels * channels) throw new ImageDecodeError('truncated image data');
  const out = new Uint8Array(pixels * 3);
  const hasAlpha = channels === 2 || channels === 4;
  const colour = channels >= 3;
  for (let p = 0; p < pixels; p++) {
    const base = p * channels;
    const alpha = hasAlpha ? samples[base + channels - 1]! / max : 1;
    for (let c = 0; c < 3; c++) {
      const value = samples[base + (colour ? c : 0)]! / max;
      out[p * 3 + c] = Math.round(value * alpha * 255);
    }
  }
  return { width, height, data: out };
}

/**
 * The model input for an RGB image: float32 NHWC [1, 224, 224, 3], values RGB/255, resized
 * like `tf.image.resizeBilinear(x, [224, 224], true)` (skipped when already 224×224).
 */
export function toModelInput(image: RgbImage, size = MODEL_INPUT_SIZE): Float32Array {
  const { width: inW, height: inH, data } = image;
  const normalized = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) normalized[i] = data[i]! / 255;
  if (inW === size && inH === size) return normalized;
  const out = new Float32Array(size * size * 3);
  const scaleY = size > 1 ? (inH - 1) / (size - 1) : 0;
  const scaleX = size > 1 ? (inW - 1) / (size - 1) : 0;
  for (let y = 0; y < size; y++) {
    const srcY = y * scaleY;
    const top = Math.floor(srcY);
    const bottom = Math.min(inH - 1, Math.ceil(srcY));
    const dy = srcY - top;
    for (let x = 0; x < size; x++) {
      const srcX = x * scaleX;
      const left = Math.floor(srcX);
      const right = Math.min(inW - 1, Math.ceil(srcX));
      const dx = srcX - left;
      for (let c = 0; c < 3; c++) {
        const tl = normalized[(top * inW + left) * 3 + c]!;
        const tr = normalized[(top * inW + right) * 3 + c]!;
        const bl = normalized[(bottom * inW + left) * 3 + c]!;
        const br = normalized[(bottom * inW + right) * 3 + c]!;
        const topValue = tl + (tr - tl) * dx;
        const bottomValue = bl + (br - bl) * dx;
        out[(y * size + x) * 3 + c] = topValue + (bottomValue - topValue) * dy;
      }
    }
  }
  return out;
}
