/**
 * Cloudflare Workers (workerd): compiling wasm from bytes is refused at run
 * time, so the builds are imported as modules — Wrangler and workerd turn a
 * `.wasm` import into a compiled WebAssembly.Module.
 */
import { setDefaultWasmSource } from '../backend/registry.js';
import simd from '../../build/simd.wasm';
import simdRelaxed from '../../build/simd-relaxed.wasm';
import scalar from '../../build/scalar.wasm';

setDefaultWasmSource((build) => (build === 'wasm-simd-relaxed' ? simdRelaxed : build === 'wasm-simd' ? simd : scalar));

export * from '../index.js';
