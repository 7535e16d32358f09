/**
 * The scanner Worker: consumes the SCANS queue and runs the avatar-safety model with
 * onnxruntime-web. Its own Worker (and wrangler config) because onnxruntime's WASM is
 * ~14 MB raw / 3.6 MB gzip: the latency-critical bot Worker stays small.
 */
// A relative path: wrangler's module rules resolve files, not package exports.
import ortWasm from '../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm';
import model from '../../.model/nsfw-mobilenet-v2.onnx';
import { consumeScans, type ScannerEnv } from '../../src/features/avatar-scan/scan-queue.service';

export default {
  queue: (batch, env, ctx) => consumeScans(batch, env, ctx, { wasm: ortWasm, model }),
} satisfies ExportedHandler<ScannerEnv>;
