/**
 * The inference-only wasm builds (asconfig targets `inference-simd` and
 * `inference-scalar`), loaded by 'lstm-wasm/predict': the same kernels as
 * index.ts, without backpropagation, gradients and optimizers — about half
 * the bytes. Exports have exactly the signatures of the `Kernels` interface
 * (src/backend/kernels.ts); training code refuses a backend loaded from
 * these builds.
 */
export { project } from './gemm';
export { lstmRecur } from './lstm';
export { gruRecur } from './gru';
export { rnnRecur } from './rnn';
export { lstmRecurAct, gruRecurAct, rnnRecurAct } from './variants';
export { activate } from './dense';
export { merge, repeat } from './merge';
export { transpose } from './pack';

/** First byte past the module's static data: the arena starts here. */
export function heapBase(): usize {
  return __heap_base;
}
