/**
 * The real converted model through the real onnxruntime-web WASM inside workerd, against
 * onnxruntime-node (one thread) on the same generated PNGs.
 */
import { env } from 'cloudflare:test';
// A relative path: wrangler's module rules resolve files, not package exports.
import ortWasm from '../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm';
import { describe, expect, it } from 'vitest';
import model from '../../.model/nsfw-mobilenet-v2.onnx';
import { decodePngToRgb, toModelInput } from '../../src/features/avatar-scan/image';
import { getModelRunner } from '../../src/features/avatar-scan/inference';
import { MODEL_CLASSES } from '../../src/features/avatar-scan/model';
import { fixtureHash } from '../../src/features/avatar-scan/testing/cdn-fixtures';
import { TEST_IMAGE_KINDS, testImagePng } from '../../src/features/avatar-scan/testing/images';

/** onnxruntime-web (WASM, SIMD) vs onnxruntime-node (native CPU): same graph, float32. */
const TOLERANCE = 1e-4;

describe('onnxruntime-web in workerd', () => {
  it('creates the session once per isolate', async () => {
    const first = getModelRunner({ wasm: ortWasm, model });
    const second = getModelRunner({ wasm: ortWasm, model });
    expect(second).toBe(first);
    await first;
  });

  for (const kind of TEST_IMAGE_KINDS) {
    it(`matches onnxruntime-node on the ${kind} fixture`, async () => {
      const runner = await getModelRunner({ wasm: ortWasm, model });
      const probabilities = await runner.classify(toModelInput(decodePngToRgb(testImagePng(kind, 256, 7))));
      const reference = env.TEST_REFERENCE_PROBABILITIES[fixtureHash(kind)]!;
      const ours = MODEL_CLASSES.map((name) => probabilities[name]);
      expect(ours.indexOf(Math.max(...ours))).toBe(reference.indexOf(Math.max(...reference)));
      ours.forEach((value, i) => expect(Math.abs(value - reference[i]!)).toBeLessThan(TOLERANCE));
    });
  }
});
