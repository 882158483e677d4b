/** lstm-wasm/predict on Vercel Edge: the inference-only wasm builds, imported as `?module` (see edge-light.ts). */
import { setDefaultWasmSource } from '../backend/registry.js';
import simd from '../../build/inference-simd.wasm?module';
import scalar from '../../build/inference-scalar.wasm?module';

setDefaultWasmSource((build) => (build === 'wasm-simd' ? simd : scalar), 'inference', false); // no relaxed build: see edge-light.ts

export * from '../predict.js';
