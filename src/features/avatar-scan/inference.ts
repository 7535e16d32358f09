/**
 * Runs the avatar model with onnxruntime-web inside workerd. Workers may not compile WASM
 * from bytes at run time, so the scanner Worker imports onnxruntime's WASM as a precompiled
 * module (a wrangler `CompiledWasm` rule) and we hand it over by wrapping
 * `WebAssembly.instantiate`: onnxruntime gets a placeholder `wasmBinary`, and instantiating
 * "that binary" instantiates the precompiled module instead. One thread, no proxy worker.
 *
 * The session is created once per isolate (the first scan pays for it) and reused.
 */
import * as ort from 'onnxruntime-web/wasm';
import { MODEL_CLASSES, MODEL_INPUT_SIZE, type ClassProbabilities } from './model';

/** What the scanner Worker imports and passes in: the compiled WASM and the model bytes. */
export interface ModelAssets {
  /** `ort-wasm-simd-threaded.wasm`, imported through a `CompiledWasm` rule. */
  wasm: WebAssembly.Module;
  /** The converted `.onnx`, imported through a `Data` rule. */
  model: ArrayBuffer;
}

/** Classifies model inputs (float32 NHWC [1, 224, 224, 3], RGB/255). */
export interface ModelRunner {
  classify(input: Float32Array): Promise<ClassProbabilities>;
}

/** A placeholder binary: onnxruntime only checks one is set before instantiating it. */
const PLACEHOLDER = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

let runner: Promise<ModelRunner> | undefined;
let runnerWasm: WebAssembly.Module | undefined;

/**
 * The isolate's model runner, created on first use. A failed creation is not cached, so
 * the next message tries again.
 */
export function getModelRunner(assets: ModelAssets): Promise<ModelRunner> {
  if (runner && runnerWasm === assets.wasm) return runner;
  runnerWasm = assets.wasm;
  const created = createRunner(assets);
  runner = created;
  created.catch(() => {
    if (runner === created) runner = undefined;
  });
  return created;
}

async function createRunner({ wasm, model }: ModelAssets): Promise<ModelRunner> {
  routeInstantiate(wasm);
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = PLACEHOLDER;
  const session = await ort.InferenceSession.create(new Uint8Array(model), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  let queue: Promise<unknown> = Promise.resolve();
  return {
    classify(input: Float32Array): Promise<ClassProbabilities> {
      if (input.length !== MODEL_INPUT_SIZE * MODEL_INPUT_SIZE * 3) throw new Error(`model input has ${input.length} values`);
      // One session, one run at a time: onnxruntime-web's WASM backend is not re-entrant.
      const run = queue.then(async () => {
        const feeds = { input: new ort.Tensor('float32', input, [1, MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, 3]) };
        const output = await session.run(feeds);
        const values = output.probabilities!.data as Float32Array;
        return Object.fromEntries(MODEL_CLASSES.map((name, i) => [name, values[i]!])) as ClassProbabilities;
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

let routed: WebAssembly.Module | undefined;

/** Makes `WebAssembly.instantiate(<bytes>, imports)` instantiate `compiled` instead. */
function routeInstantiate(compiled: WebAssembly.Module): void {
  if (routed) {
    routed = compiled;
    return;
  }
  routed = compiled;
  const original = WebAssembly.instantiate.bind(WebAssembly) as (
    source: BufferSource | WebAssembly.Module,
    imports?: WebAssembly.Imports,
  ) => Promise<WebAssembly.Instance | { instance: WebAssembly.Instance; module: WebAssembly.Module }>;
  const wrapped = async (source: BufferSource | WebAssembly.Module, imports?: WebAssembly.Imports) => {
    if (source instanceof WebAssembly.Module) return original(source, imports);
    const module = routed!;
    const instance = (await original(module, imports)) as WebAssembly.Instance;
    return { instance, module };
  };
  WebAssembly.instantiate = wrapped as typeof WebAssembly.instantiate;
}
