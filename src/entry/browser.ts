/**
 * Browsers (and the default for unknown runtimes): the wasm builds are
 * fetched from next to this module; bundlers (Vite, webpack 5, esbuild)
 * recognise `new URL('…', import.meta.url)` and ship the files.
 */
import { setDefaultWasmSource } from '../backend/registry.js';

// each URL spelled out, so that bundlers see (and ship) every build; the page fetches the one init() picks
setDefaultWasmSource((build) =>
  build === 'wasm-simd-relaxed' ? new URL('../../build/simd-relaxed.wasm', import.meta.url)
  : build === 'wasm-simd' ? new URL('../../build/simd.wasm', import.meta.url)
  : build === 'wasm-simd-threads' ? new URL('../../build/simd-threads.wasm', import.meta.url)
  : new URL('../../build/scalar.wasm', import.meta.url),
);

export * from '../index.js';
