/**
 * Vercel Edge: like Workers it refuses to compile wasm from bytes; its
 * bundler turns a `.wasm?module` import into a WebAssembly.Module.
 */
import { setDefaultWasmSource } from '../backend/registry.js';
import simd from '../../build/simd.wasm?module';
import scalar from '../../build/scalar.wasm?module';

setDefaultWasmSource((name) => (name === 'wasm-simd' ? simd : scalar));

export * from '../index.js';
