/**
 * Vercel Edge: like Workers it refuses to compile wasm from bytes; its
 * bundler turns a `.wasm?module` import into a WebAssembly.Module.
 */
import { setDefaultWasmSource } from '../backend/registry.js';
import simd from '../../build/simd.wasm?module';
import scalar from '../../build/scalar.wasm?module';

// no relaxed build: Vercel compiles each `?module` at deploy time, in a Node that may lack relaxed SIMD (Node 20)
setDefaultWasmSource((build) => (build === 'wasm-simd' ? simd : scalar), 'full', false);

export * from '../index.js';
