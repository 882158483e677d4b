/**
 * The int8 kernels of a backend, reached only from quantize code (the full
 * library), so that an app which only predicts in f32 ships none of them.
 * A wasm backend's are exports of the same instance as its other kernels
 * (one heap); the js backend's are made on first use, over its heap.
 */
import type { Backend } from '../backend/registry.js';
import { fail } from '../errors.js';
import { createJsQuantizedKernels } from '../backend/js/quantized.js';
import { QUANTIZED_KERNEL_NAMES, type QuantizedKernels } from '../backend/kernels.js';

const made = new WeakMap<Backend, QuantizedKernels>();

/** The int8 kernels over `backend`'s heap (made once per backend). */
export function quantizedKernels(backend: Backend, owner: string): QuantizedKernels {
  let k = made.get(backend);
  if (!k) {
    const kernels = backend.kernels as unknown as Partial<QuantizedKernels> & { name: string };
    if (kernels.name === 'js') k = createJsQuantizedKernels(backend.kernels.heap);
    else if (QUANTIZED_KERNEL_NAMES.every((n) => typeof kernels[n] === 'function')) k = kernels as QuantizedKernels;
    else fail(`${owner}: the '${kernels.name}' backend was loaded from the inference-only wasm build ('lstm-wasm/predict'), which has no int8 kernels; import from 'lstm-wasm' before calling init() to quantize`);
    made.set(backend, k);
  }
  return k;
}
