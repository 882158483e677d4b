/** lstm-wasm/predict in Node, Deno and Bun: the inference-only wasm builds, read from the package's files. */
import { readFile } from 'node:fs/promises';
import { setDefaultWasmSource } from '../backend/registry.js';

setDefaultWasmSource(
  async (name) => readFile(new URL(
    name === 'wasm-simd' ? '../../build/inference-simd.wasm' : name === 'wasm' ? '../../build/inference-scalar.wasm' : '../../build/inference-simd-threads.wasm',
    import.meta.url,
  )),
  'inference',
);

export * from '../predict.js';
