/// <reference path="../../workers/scanner/modules.d.ts" />
/// <reference path="../../worker-configuration.d.ts" />
/**
 * Bench-only HTTP entry around the scanner's own code (the production scanner Worker has no
 * fetch handler; it is not changed). Built with the scanner's wrangler config, so the WASM is
 * a `CompiledWasm` module and the model a `Data` module exactly as in
 * `workers/scanner/index.ts`:
 *
 *   wrangler deploy --dry-run -c workers/scanner/wrangler.toml --outdir … bench/lib/scanner-worker.ts
 *
 * Routes (POST): `/session` awaits the isolate's model runner (`getModelRunner`: the first
 * call creates the session); `/session-new` creates and releases one more session (WASM
 * already instantiated); `/scan` decodes the PNG body, preprocesses it and runs the model
 * (what the scanner does per avatar after the fetch); `/prepare` decodes + preprocesses and
 * keeps the input under an id; `/infer?id=` runs the model on a kept input; `/noop` reads
 * the body and answers (the HTTP overhead). Timing is taken by the caller: inside workerd
 * clocks do not advance during computation.
 */
// A relative path: wrangler's module rules resolve files, not package exports.
import ortWasm from '../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm';
import model from '../../.model/nsfw-mobilenet-v2.onnx';
import * as ort from 'onnxruntime-web/wasm';
import { decodePngToRgb, toModelInput } from '../../src/features/avatar-scan/image';
import { getModelRunner } from '../../src/features/avatar-scan/inference';

const assets = { wasm: ortWasm, model };
const prepared = new Map<string, Float32Array>();

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  switch (url.pathname) {
    case '/session':
      await getModelRunner(assets);
      return Response.json({ ok: true });
    case '/session-new': {
      await getModelRunner(assets);
      const session = await ort.InferenceSession.create(new Uint8Array(model), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      await session.release();
      return Response.json({ ok: true });
    }
    case '/scan': {
      const png = new Uint8Array(await request.arrayBuffer());
      const runner = await getModelRunner(assets);
      return Response.json(await runner.classify(toModelInput(decodePngToRgb(png))));
    }
    case '/prepare': {
      const png = new Uint8Array(await request.arrayBuffer());
      const id = String(prepared.size);
      prepared.set(id, toModelInput(decodePngToRgb(png)));
      return Response.json({ id });
    }
    case '/infer': {
      const input = prepared.get(url.searchParams.get('id') ?? '');
      if (!input) return new Response('unknown input', { status: 404 });
      const runner = await getModelRunner(assets);
      return Response.json(await runner.classify(input));
    }
    case '/noop':
      await request.arrayBuffer();
      return Response.json({ ok: true });
    default:
      return new Response('not found', { status: 404 });
  }
}

export default {
  async fetch(request: Request): Promise<Response> {
    try {
      return await handle(request);
    } catch (error) {
      return new Response(String((error as Error)?.stack ?? error), { status: 500 });
    }
  },
};
