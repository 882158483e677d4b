/**
 * Cloudflare Workers (workerd): compiling wasm from bytes is refused at run
 * time, so the builds are imported as modules — Wrangler and workerd turn a
 * `.wasm` import into a compiled WebAssembly.Module.
 */
import { setDefaultWasmSource } from '../backend/registry.js';
import simd from '../../build/simd.wasm';
import simdRelaxed from '../../build/simd-relaxed.wasm';
import scalar from '../../build/scalar.wasm';
import { setInt8WasmSource } from '../quantize/int8-source.js';
import int8Simd from '../../build/int8-simd.wasm';
import int8SimdRelaxed from '../../build/int8-simd-relaxed.wasm';
import int8Scalar from '../../build/int8-scalar.wasm';

setDefaultWasmSource((build) => (build === 'wasm-simd-relaxed' ? simdRelaxed : build === 'wasm-simd' ? simd : scalar));
// the int8 kernels (model.quantize) too: a Worker bundles its modules whole, so they are imported here, not on demand
setInt8WasmSource((build) => (build === 'int8-simd-relaxed' ? int8SimdRelaxed : build === 'int8-simd' ? int8Simd : int8Scalar));

export * from '../index.js';
