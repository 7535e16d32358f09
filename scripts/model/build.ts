/**
 * `npm run model:build`: converts nsfwjs's pinned MobileNetV2 to ONNX and writes it to
 * `.model/` (git-ignored). Nothing is downloaded: the source model ships inside the `nsfwjs`
 * package. `--if-missing` skips the work when a model of the current version is there.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { MODEL_PATH, MODEL_VERSION } from '../../src/features/avatar-scan/model.ts';
import { convertNsfwMobileNetV2, type TfjsLayersModel } from './convert.ts';

const root = resolve(import.meta.dirname, '../..');
const out = join(root, MODEL_PATH);
const stamp = `${out}.json`;

/** Reads the TF.js model that nsfwjs bundles as UMD modules (topology + base64 shards). */
export function loadNsfwjsMobileNetV2(): { model: TfjsLayersModel; weightData: Uint8Array } {
  const require = createRequire(join(root, 'package.json'));
  // The package's exports hide the model files: they sit beside its CommonJS entry.
  const dir = join(dirname(require.resolve('nsfwjs')), '../models/mobilenet_v2');
  const model = require(join(dir, 'model.min.js')) as TfjsLayersModel;
  const shards = model.weightsManifest.flatMap((group) => group.paths).map((path) => Buffer.from(require(join(dir, `${path}.min.js`)) as string, 'base64'));
  return { model, weightData: new Uint8Array(Buffer.concat(shards)) };
}

/**
 * Writes the model (and a stamp with its version and sha256) unless `ifMissing` and a model
 * of the current version is already there. Returns the model's path.
 */
export function buildModel({ ifMissing = false, log = console.log }: { ifMissing?: boolean; log?: (line: string) => void } = {}): string {
  if (ifMissing && existsSync(out) && existsSync(stamp)) {
    const meta = JSON.parse(readFileSync(stamp, 'utf8')) as { modelVersion?: string };
    if (meta.modelVersion === MODEL_VERSION) return out;
  }
  const started = Date.now();
  const { model, weightData } = loadNsfwjsMobileNetV2();
  const bytes = convertNsfwMobileNetV2(model, weightData, { modelVersion: MODEL_VERSION });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(stamp, JSON.stringify({ modelVersion: MODEL_VERSION, bytes: bytes.length, sha256 }, null, 2) + '\n');
  log(`model:build wrote ${MODEL_PATH} (${(bytes.length / 1e6).toFixed(2)} MB, ${Date.now() - started} ms)`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) buildModel({ ifMissing: process.argv.includes('--if-missing') });
