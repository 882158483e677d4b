/** lstm-wasm/predict in browsers (and unknown runtimes): the inference-only wasm builds, fetched from next to this module. */
import { setDefaultWasmSource } from '../backend/registry.js';

setDefaultWasmSource(
  (build) => build === 'wasm-simd-relaxed' ? new URL('../../build/inference-simd-relaxed.wasm', import.meta.url)
    : build === 'wasm-simd' ? new URL('../../build/inference-simd.wasm', import.meta.url)
    : build === 'wasm-simd-threads' ? new URL('../../build/inference-simd-threads.wasm', import.meta.url)
    : new URL('../../build/inference-scalar.wasm', import.meta.url),
  'inference',
);

export * from '../predict.js';
