// Module types of the scanner's wrangler rules (Data for .onnx; `*.wasm` is declared in worker-configuration.d.ts).
declare module '*.onnx' {
  const data: ArrayBuffer;
  export default data;
}
