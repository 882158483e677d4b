/**
 * The wasm kernels of lstm-wasm: one source, built twice (asconfig.json):
 * `simd` with SIMD128 and `scalar` without. Each kernel branches on the
 * compile-time constant ASC_FEATURE_SIMD, so the scalar build is the same
 * algorithm in plain f32 and carries no v128 code at all.
 *
 * Exports have exactly the signatures of the `Kernels` interface
 * (src/backend/kernels.ts): pointers are byte offsets into this module's
 * memory, handed out by the TypeScript arena above `heapBase()`. Nothing
 * here allocates (runtime: stub); the kernels only load and store.
 */
export { project } from './gemm';
export { lstmRecur, lstmBackward } from './lstm';
export { gruRecur, gruBackward } from './gru';
export { rnnRecur, rnnBackward } from './rnn';
export { activate, activateBackward } from './dense';
export { vsigmoid, vtanh } from './activations';
// training: the gradients of project, and the optimizer updates
export { gradWeights, gradInput } from './gemm-grad';
export { sumSquares, scaleClip, sgdUpdate, rmspropUpdate, adamUpdate } from './optimizers';

/** First byte past the module's static data: the arena starts here. */
export function heapBase(): usize {
  return __heap_base;
}
