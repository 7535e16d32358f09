/**
 * Facts about the avatar-safety model shared by the converter (`npm run model:build`), the
 * scanner Worker and the reviewer command. The model is nsfwjs 4.4.0's MobileNetV2 (MIT),
 * converted to ONNX by `scripts/model/convert.ts`; see docs/avatar-scan.md.
 */

/** Bumped whenever the converter or its source model changes; stored with every result. */
export const MODEL_VERSION = 'nsfwjs-4.4.0-mobilenet_v2-onnx13-r1';

/** Where `npm run model:build` writes the model (git-ignored), relative to the repo root. */
export const MODEL_PATH = '.model/nsfw-mobilenet-v2.onnx';

/** The model's input edge in pixels (nsfwjs resizes to this with bilinear sampling). */
export const MODEL_INPUT_SIZE = 224;

/** The model's output classes, in output order. */
export const MODEL_CLASSES = ['drawing', 'hentai', 'neutral', 'porn', 'sexy'] as const;

/** One of the model's classes. */
export type ModelClass = (typeof MODEL_CLASSES)[number];

/** Class probabilities of one image. */
export type ClassProbabilities = Record<ModelClass, number>;
