/**
 * The training kernels of a backend, reached only from training code, so
 * that an app which only predicts ships none of them. A wasm backend's are
 * exports of the same instance as its inference kernels (one heap); the
 * js backend's are made on first use, over its heap.
 */
import type { Backend } from '../backend/registry.js';
import { fail } from '../errors.js';
import { createJsTrainingKernels } from '../backend/js/training.js';
import { TRAINING_KERNEL_NAMES, type TrainingKernels } from '../backend/kernels.js';
import type { WasmKernels } from '../backend/wasm.js';

const made = new WeakMap<Backend, TrainingKernels>();

/** The training kernels over `backend`'s heap (made once per backend). */
export function trainingKernels(backend: Backend): TrainingKernels {
  let k = made.get(backend);
  if (!k) {
    k = backend.kernels.name === 'js' ? createJsTrainingKernels(backend.kernels.heap) : exported(backend.kernels as WasmKernels);
    made.set(backend, k);
  }
  return k;
}

/** A wasm build's training exports; the inference-only builds ('lstm-wasm/predict') have none. */
function exported(k: WasmKernels): TrainingKernels {
  if (TRAINING_KERNEL_NAMES.some((name) => typeof k[name] !== 'function')) {
    fail(`the '${k.name}' backend was loaded from the inference-only wasm build ('lstm-wasm/predict'), which cannot train; import from 'lstm-wasm' before calling init() to train`);
  }
  return k as TrainingKernels;
}
