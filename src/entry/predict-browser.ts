/** lstm-wasm/predict in browsers (and unknown runtimes): the inference-only wasm builds, fetched from next to this module. */
import { setDefaultWasmSource } from '../backend/registry.js';

setDefaultWasmSource(
  (name) => (name === 'wasm-simd' ? new URL('../../build/inference-simd.wasm', import.meta.url)
    : name === 'wasm' ? new URL('../../build/inference-scalar.wasm', import.meta.url)
      : new URL('../../build/inference-simd-threads.wasm', import.meta.url)),
  'inference',
);

export * from '../predict.js';
