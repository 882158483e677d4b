/**
 * The wasm backends: the AssemblyScript kernels (assembly/), built once with
 * SIMD128 ('wasm-simd') and once scalar ('wasm'), each also as an
 * inference-only build (assembly/inference.ts, for 'lstm-wasm/predict').
 * The exported functions have exactly the Kernels (and TrainingKernels)
 * signatures, so they are called directly: one call per sequence batch, no
 * glue in between.
 */
import { fail } from '../errors.js';
import { KERNEL_NAMES, type BackendName, type Heap, type Kernels, type TrainingKernels } from './kernels.js';

/** A wasm build's kernels: the inference ones, and the training ones when the build has them (not the inference-only builds). */
export type WasmKernels = Kernels & Partial<TrainingKernels>;

interface KernelExports extends WebAssembly.Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
}

/**
 * Linear memory seen as a Heap. memory.grow detaches the old buffer, so `buffer` is read anew each time.
 * `memory` is also what the int8 module imports (src/quantize/int8-wasm.ts).
 */
export class WasmHeap implements Heap {
  readonly base: number;
  constructor(readonly memory: WebAssembly.Memory, base: number) {
    this.base = (base + 63) & ~63;
  }
  get buffer(): ArrayBuffer {
    return this.memory.buffer as ArrayBuffer;
  }
  grow(bytes: number): void {
    this.memory.grow(Math.ceil(bytes / 65536));
  }
}

/**
 * `file`: the build's name in build/ (without .wasm), for the messages; `memory`: the shared memory the threads
 * builds import (src/backend/threads/), the other builds make their own.
 */
export async function createWasmKernels(name: Exclude<BackendName, 'js'>, module: WebAssembly.Module, file = name === 'wasm-simd' ? 'simd' : 'scalar', memory?: WebAssembly.Memory): Promise<WasmKernels> {
  checkExports(module, name, file);
  let instance: WebAssembly.Instance;
  try {
    instance = await WebAssembly.instantiate(module, {
      env: {
        ...(memory ? { memory } : {}),
        abort(): never {
          throw new Error('lstm-wasm: a wasm kernel aborted (this is a bug: inputs are checked before any kernel runs)');
        },
      },
    });
  } catch (e) {
    fail(`init: the wasm module given for '${name}' does not instantiate (${(e as Error).message}); pass the package's build/${file}.wasm`);
  }
  // every other export is a kernel with exactly its Kernels (or TrainingKernels) signature
  const { memory: heap, heapBase, ...kernels } = instance.exports as unknown as KernelExports & Omit<WasmKernels, 'name' | 'heap'>;
  // setScratch (threads builds only) is no kernel: the workers call it on their own instances
  delete (kernels as Record<string, unknown>).setScratch;
  return { name, heap: new WasmHeap(heap, heapBase()), ...kernels };
}

/**
 * A module that is not an lstm-wasm build (another program, an empty
 * module, a build of another version) is refused by its exports, before
 * anything runs: a missing kernel would otherwise surface as a TypeError
 * deep in a layer.
 */
function checkExports(module: WebAssembly.Module, name: string, file: string): void {
  const exported = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  const want: [string, string][] = [['memory', 'memory'], ['heapBase', 'function'], ...KERNEL_NAMES.map((k): [string, string] => [k, 'function'])];
  const missing = want.filter(([n, kind]) => exported.get(n) !== kind).map(([n]) => n);
  if (missing.length) {
    fail(`init: the wasm module given for '${name}' is not an lstm-wasm build of this version: it lacks ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ` and ${missing.length - 4} more` : ''}; pass the package's build/${file}.wasm`);
  }
}
