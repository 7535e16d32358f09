/**
 * The converted model against the original: nsfwjs (TF.js, its own preprocessing) and our
 * converter + preprocessing run through onnxruntime-node, on generated images. They must
 * agree on the top class and on every probability within 1e-4.
 */
import * as tf from '@tensorflow/tfjs';
import * as nsfwjs from 'nsfwjs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNsfwjsMobileNetV2 } from '../../../scripts/model/build';
import { convertNsfwMobileNetV2 } from '../../../scripts/model/convert';
import { toModelInput } from './image';
import { MODEL_VERSION } from './model';
import { TEST_IMAGE_KINDS, testImageRgb } from './testing/images';

const TOLERANCE = 1e-4;

let session: ort.InferenceSession;
let reference: nsfwjs.NSFWJS;

beforeAll(async () => {
  const { model, weightData } = loadNsfwjsMobileNetV2();
  const onnxBytes = convertNsfwMobileNetV2(model, weightData, { modelVersion: MODEL_VERSION });
  session = await ort.InferenceSession.create(onnxBytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  await tf.setBackend('cpu');
  reference = await nsfwjs.load('MobileNetV2');
}, 120_000);

async function onnxProbabilities(rgb: Uint8Array, size: number): Promise<number[]> {
  const input = new ort.Tensor('float32', toModelInput({ width: size, height: size, data: rgb }), [1, 224, 224, 3]);
  const out = await session.run({ input });
  return [...(out.probabilities!.data as Float32Array)];
}

async function tfjsProbabilities(rgb: Uint8Array, size: number): Promise<number[]> {
  const image = tf.tensor3d(Int32Array.from(rgb), [size, size, 3], 'int32');
  const out = await reference.infer(image);
  const values = [...(await out.data())];
  image.dispose();
  out.dispose();
  return values;
}

const argmax = (values: number[]) => values.indexOf(Math.max(...values));

describe('converted nsfwjs MobileNetV2', () => {
  it('is a small uint8 model', () => {
    const { model, weightData } = loadNsfwjsMobileNetV2();
    const bytes = convertNsfwMobileNetV2(model, weightData, { modelVersion: MODEL_VERSION });
    expect(bytes.length).toBeLessThan(3.5e6);
  });

  for (const kind of TEST_IMAGE_KINDS) {
    for (const size of [256, 224, 97]) {
      it(`matches TF.js on a ${size}px ${kind} image`, async () => {
        const rgb = testImageRgb(kind, size, size);
        const [ours, theirs] = [await onnxProbabilities(rgb, size), await tfjsProbabilities(rgb, size)];
        expect(ours).toHaveLength(5);
        expect(ours.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        expect(argmax(ours)).toBe(argmax(theirs));
        for (let i = 0; i < 5; i++) expect(Math.abs(ours[i]! - theirs[i]!)).toBeLessThan(TOLERANCE);
      }, 30_000);
    }
  }
});
