/**
 * The inference-only threads build (asconfig target
 * `inference-simd-threads`, for 'lstm-wasm/predict'): inference.ts over
 * an imported shared memory; see threads.ts.
 */
export * from './inference';
export { setScratch } from './scratch';
