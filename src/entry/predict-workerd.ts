/** lstm-wasm/predict on Cloudflare Workers: the inference-only wasm builds, imported as modules (see workerd.ts). */
import { setDefaultWasmSource } from '../backend/registry.js';
import simd from '../../build/inference-simd.wasm';
import simdRelaxed from '../../build/inference-simd-relaxed.wasm';
import scalar from '../../build/inference-scalar.wasm';

setDefaultWasmSource((build) => (build === 'wasm-simd-relaxed' ? simdRelaxed : build === 'wasm-simd' ? simd : scalar), 'inference');

export * from '../predict.js';
