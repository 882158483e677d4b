/**
 * The int8 kernels of a backend (their contract: ./contract.ts), reached
 * only from the int8 code, so that an app which never quantizes ships none
 * of them. A wasm backend's are the int8 module's, instantiated over its
 * memory (./int8-wasm.ts); the js backend's are its reference, over its heap.
 */
import type { Backend } from '../backend/registry.js';
import type { WasmKernels } from '../backend/wasm.js';
import { createJsQuantizedKernels } from '../backend/js/quantized.js';
import { wasmQuantizedKernels } from './int8-wasm.js';
import type { QuantizedKernels } from './contract.js';
import { lib } from './library.js';

const made = new WeakMap<Backend, Promise<QuantizedKernels>>();

/** The int8 kernels over `backend`'s heap (loaded once per backend; a failed load may be retried). */
export function quantizedKernels(backend: Backend, owner: string): Promise<QuantizedKernels> {
  let k = made.get(backend);
  if (!k) {
    const kernels = backend.kernels as WasmKernels;
    // the inference-only builds of 'lstm-wasm/predict' (no training kernels) are refused, as that entry refuses quantize
    if (kernels.name !== 'js' && !kernels.gradWeights) lib.fail(`${owner}: the '${kernels.name}' backend was loaded from the inference-only wasm build ('lstm-wasm/predict'), which does not quantize; import from 'lstm-wasm' before calling init() to quantize`);
    k = kernels.name === 'js' ? Promise.resolve(createJsQuantizedKernels(kernels.heap)) : wasmQuantizedKernels(backend, owner);
    made.set(backend, k);
    k.catch(() => made.delete(backend));
  }
  return k;
}
