/**
 * Vercel Edge: like Workers it refuses to compile wasm from bytes; its
 * bundler turns a `.wasm?module` import into a WebAssembly.Module.
 */
import { setDefaultWasmSource } from '../backend/registry.js';
import simd from '../../build/simd.wasm?module';
import scalar from '../../build/scalar.wasm?module';
import { setInt8WasmSource } from '../quantize/int8-source.js';
import int8Simd from '../../build/int8-simd.wasm?module';
import int8Scalar from '../../build/int8-scalar.wasm?module';

// no relaxed build: Vercel compiles each `?module` at deploy time, in a Node that may lack relaxed SIMD (Node 20)
setDefaultWasmSource((build) => (build === 'wasm-simd' ? simd : scalar), 'full', false);
// the int8 kernels (model.quantize), imported as the other builds are (no threads on the edge)
setInt8WasmSource((build) => (build === 'int8-simd' ? int8Simd : int8Scalar));

export * from '../index.js';
