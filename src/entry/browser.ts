/**
 * Browsers (and the default for unknown runtimes): the wasm builds are
 * fetched from next to this module; bundlers (Vite, webpack 5, esbuild)
 * recognise `new URL('…', import.meta.url)` and ship the files.
 */
import { setDefaultWasmSource } from '../backend/registry.js';

setDefaultWasmSource((name) =>
  name === 'wasm-simd' ? new URL('../../build/simd.wasm', import.meta.url)
    : name === 'wasm' ? new URL('../../build/scalar.wasm', import.meta.url)
      : new URL('../../build/simd-threads.wasm', import.meta.url),
);

export * from '../index.js';
