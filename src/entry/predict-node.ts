/** lstm-wasm/predict in Node, Deno and Bun: the inference-only wasm builds, read from the package's files. */
import { readFile } from 'node:fs/promises';
import { setDefaultWasmSource, wasmFile } from '../backend/registry.js';

setDefaultWasmSource(
  async (build) => readFile(new URL(`../../build/inference-${wasmFile(build)}.wasm`, import.meta.url)),
  'inference',
);

export * from '../predict.js';
