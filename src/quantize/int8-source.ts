/**
 * Where the int8 kernels' wasm (assembly/int8.ts, four builds) comes from:
 * by default the package's files next to this module — read with node:fs
 * in Node, Deno and Bun, fetched in browsers (bundlers see each
 * `new URL('…', import.meta.url)` and ship the file) — as the backends'
 * builds are (src/backend/registry.ts). The entries for runtimes that
 * compile no wasm from bytes (workerd, Vercel Edge) import the builds as
 * WebAssembly.Module objects and set them here instead.
 */
export type Int8Build = 'int8-simd' | 'int8-simd-relaxed' | 'int8-scalar' | 'int8-simd-threads';

export type Int8WasmSource = (build: Int8Build) => WebAssembly.Module | URL;

// each URL spelled out, so that bundlers see (and ship) every build; the page fetches the one a quantize needs
let source: Int8WasmSource = (build) =>
  build === 'int8-simd-relaxed' ? new URL('../../build/int8-simd-relaxed.wasm', import.meta.url)
  : build === 'int8-simd' ? new URL('../../build/int8-simd.wasm', import.meta.url)
  : build === 'int8-simd-threads' ? new URL('../../build/int8-simd-threads.wasm', import.meta.url)
  : new URL('../../build/int8-scalar.wasm', import.meta.url);

/** Set by the entries of workerd and Vercel Edge (src/entry/). */
export function setInt8WasmSource(s: Int8WasmSource): void {
  source = s;
}

/** The int8 build `build`, as the runtime's entry gives it. */
export function int8WasmSource(build: Int8Build): WebAssembly.Module | URL {
  return source(build);
}
