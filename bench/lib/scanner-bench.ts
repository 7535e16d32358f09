/**
 * The avatar scanner benchmark's driver: builds the scanner Worker (size) and a bench entry
 * around the scanner's code (`scanner-worker.ts`) with the scanner's wrangler config, serves
 * the latter in workerd through Miniflare with its modules (WASM as `CompiledWasm`, the model
 * as `Data`), times scans from Node, and runs the same model in onnxruntime-node with one
 * thread as the reference.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import * as ortNode from 'onnxruntime-node';
import { unstable_readConfig } from 'wrangler';
import { decodePngToRgb, toModelInput } from '../../src/features/avatar-scan/image';
import { MODEL_INPUT_SIZE, MODEL_PATH } from '../../src/features/avatar-scan/model';
import { TEST_IMAGE_KINDS, testImagePng } from '../../src/features/avatar-scan/testing/images';
import { clockTicksPerSecond, cpuSeconds, workerdPids } from './proc';
import { bundleSize, type BundleSize } from './workers';

const TICKS = clockTicksPerSecond();
export const SCANNER_CONFIG = 'workers/scanner/wrangler.toml';

/** Builds the model if it is missing (`npm run model:build -- --if-missing`). */
export function ensureModel(root: string): string {
  const path = join(root, MODEL_PATH);
  if (existsSync(path)) return path;
  const result = spawnSync('npx', ['tsx', 'scripts/model/build.ts', '--if-missing'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0 || !existsSync(path)) throw new Error(`model build failed:\n${result.stdout}\n${result.stderr}`);
  return path;
}

/** `wrangler deploy --dry-run` with the scanner's config (`entry` overrides its `main`); returns the bundle's size. */
export function buildScanner(root: string, outDir: string, entry?: string): BundleSize {
  const args = ['wrangler', 'deploy', '--dry-run', '-c', SCANNER_CONFIG, '--outdir', outDir, ...(entry ? [entry] : [])];
  const result = spawnSync('npx', args, { cwd: root, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } });
  if (result.status !== 0) throw new Error(`wrangler ${args.slice(1).join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return bundleSize(outDir);
}

/** Markers of onnxruntime / PNG-decoder code; none may appear in the bot bundle. */
const FOREIGN_MARKERS = ['onnxruntime', 'InferenceSession', 'ort-wasm', 'fast-png', 'IHDR', 'convertIndexedToRgb', 'WebAssembly.instantiate'];

/** The markers found in a bundle's JavaScript. */
export function foreignCode(bundleDir: string): string[] {
  const js = readdirSync(bundleDir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(bundleDir, f), 'utf8'))
    .join('\n');
  return FOREIGN_MARKERS.filter((m) => js.includes(m));
}

/** The bench entry, served. */
export interface ServedScanner {
  origin: string;
  pids: number[];
  cpuSeconds(): number;
  post(path: string, body?: Uint8Array): Promise<unknown>;
  dispose(): Promise<void>;
}

/** Serves a dry-run output folder of the bench entry with the scanner's module types. */
export async function serveScanner(root: string, outDir: string): Promise<ServedScanner> {
  const config = unstable_readConfig({ config: join(root, SCANNER_CONFIG) });
  if (!config.compatibility_date) throw new Error(`${SCANNER_CONFIG} has no compatibility_date`);
  const files = readdirSync(outDir);
  const module = (suffix: string, type: 'CompiledWasm' | 'Data') => {
    const f = files.find((x) => x.endsWith(suffix));
    if (!f) throw new Error(`no *${suffix} in ${outDir}`);
    return { type, path: join(outDir, f) };
  };
  // The main module is named after the entry file (`index.js`, `scanner-worker.js`).
  const main = files.find((f) => f.endsWith('.js'));
  if (!main) throw new Error(`no .js module in ${outDir}`);
  const before = new Set(workerdPids());
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        {
          name: 'scanner',
          modulesRoot: outDir,
          modules: [{ type: 'ESModule', path: join(outDir, main) }, module('.wasm', 'CompiledWasm'), module('.onnx', 'Data')],
          compatibilityDate: config.compatibility_date,
          compatibilityFlags: config.compatibility_flags ?? [],
          unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
        },
      ],
    }),
  );
  await mf.ready;
  const { origin } = await mf.unsafeGetDirectURL('scanner');
  const pids = workerdPids().filter((pid) => !before.has(pid));
  return {
    origin,
    pids,
    cpuSeconds: () => cpuSeconds(pids, TICKS),
    async post(path, body) {
      const res = await fetch(`${origin}${path}`, { method: 'POST', ...(body ? { body: body as unknown as BodyInit } : {}) });
      const text = await res.text();
      if (!res.ok) throw new Error(`scanner ${path} answered ${res.status}: ${text.slice(0, 500)}`);
      return JSON.parse(text) as unknown;
    },
    dispose: () => mf.dispose(),
  };
}

/** `count` generated 256 px avatars (the size the scanner requests), every kind, distinct seeds. */
export function benchAvatars(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => testImagePng(TEST_IMAGE_KINDS[i % TEST_IMAGE_KINDS.length]!, 256, 100 + i));
}

/** Wall ms of `fn` per call, each call timed on its own. */
export async function timeEach<T>(items: readonly T[], fn: (item: T, i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const t0 = performance.now();
    await fn(items[i]!, i);
    out.push(performance.now() - t0);
  }
  return out;
}

/** The onnxruntime-node reference: one intra-op and one inter-op thread, as the issue asks. */
export interface NodeReference {
  /** Wall ms of `InferenceSession.create`. */
  sessionMs: number;
  /** Decode + preprocess with the scanner's own JS (`image.ts`). */
  prepare(png: Uint8Array): Float32Array;
  infer(input: Float32Array): Promise<unknown>;
  release(): Promise<void>;
}

/** Creates the onnxruntime-node session on the converted model and warms it up. */
export async function nodeReference(modelPath: string, warmup: readonly Uint8Array[]): Promise<NodeReference> {
  const t0 = performance.now();
  const session = await ortNode.InferenceSession.create(readFileSync(modelPath), { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const sessionMs = performance.now() - t0;
  const shape = [1, MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, 3];
  const prepare = (png: Uint8Array) => toModelInput(decodePngToRgb(png));
  const infer = (input: Float32Array) => session.run({ input: new ortNode.Tensor('float32', input, shape) });
  // Warm-up: the first runs allocate, pick kernels and get the preprocessing JIT-compiled.
  for (const png of warmup) await infer(prepare(png));
  return { sessionMs, prepare, infer, release: () => session.release() };
}
