// Bindings the `scanner` vitest project adds (vitest.config.ts); tests only.
declare global {
  namespace Cloudflare {
    interface Env {
      TEST_CDN_URL: string;
      /** onnxruntime-node probabilities by fixture hash (scripts/model/scanner-global-setup.ts). */
      TEST_REFERENCE_PROBABILITIES: Record<string, number[]>;
    }
  }
}
export {};
