/**
 * Global setup of the `scanner` vitest project (Node side): makes sure the model is built,
 * serves the fixture avatars as a local Discord CDN, and computes the reference output of
 * the same model in onnxruntime-node (one thread) for each fixture, which the workerd
 * tests compare onnxruntime-web's output against.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { TestProject } from 'vitest/node';
import { decodePngToRgb, toModelInput } from '../../src/features/avatar-scan/image';
import { MODEL_CLASSES } from '../../src/features/avatar-scan/model';
import { CDN_FIXTURES } from '../../src/features/avatar-scan/testing/cdn-fixtures';
import { testImagePng } from '../../src/features/avatar-scan/testing/images';
import { buildModel } from './build';

declare module 'vitest' {
  export interface ProvidedContext {
    cdnUrl: string;
    /** onnxruntime-node probabilities by fixture hash, in MODEL_CLASSES order. */
    referenceProbabilities: Record<string, number[]>;
  }
}

export default async function setup(project: TestProject) {
  const modelPath = buildModel({ ifMissing: true });
  const images = new Map<string, Uint8Array>();
  for (const [hash, fixture] of Object.entries(CDN_FIXTURES)) if ('kind' in fixture) images.set(hash, testImagePng(fixture.kind, 256, 7));

  const session = await ort.InferenceSession.create(readFileSync(modelPath), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const reference: Record<string, number[]> = {};
  for (const [hash, png] of images) {
    const input = new ort.Tensor('float32', toModelInput(decodePngToRgb(png)), [1, 224, 224, 3]);
    const out = await session.run({ input });
    reference[hash] = [...(out.probabilities!.data as Float32Array)].slice(0, MODEL_CLASSES.length);
  }
  await session.release();

  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://cdn');
    const hitsMatch = /^\/__hits\/(\w+)$/.exec(url.pathname);
    if (hitsMatch) {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(hits.get(hitsMatch[1]!) ?? 0));
      return;
    }
    const match = /^\/avatars\/(\d+)\/(\w+)\.png$/.exec(url.pathname);
    if (!match || url.searchParams.get('size') !== '256') {
      res.writeHead(400).end('bad avatar request');
      return;
    }
    const hash = match[2]!;
    hits.set(hash, (hits.get(hash) ?? 0) + 1);
    const fixture = CDN_FIXTURES[hash];
    if (!fixture) res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    else if ('status' in fixture) res.writeHead(fixture.status).end('unavailable');
    else if ('garbage' in fixture) res.writeHead(200, { 'Content-Type': 'image/png' }).end('this is not a png');
    else res.writeHead(200, { 'Content-Type': 'image/png' }).end(images.get(hash));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('cdnUrl', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  project.provide('referenceProbabilities', reference);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
