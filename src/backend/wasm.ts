/**
 * The wasm backends: the AssemblyScript kernels (assembly/), built once with
 * SIMD128 ('wasm-simd') and once scalar ('wasm'). The exported functions
 * have exactly the Kernels signatures, so they are called directly: one
 * call per sequence batch, no glue in between.
 */
import type { BackendName, Heap, Kernels } from './kernels.js';

interface KernelExports extends WebAssembly.Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
}

/** Linear memory seen as a Heap. memory.grow detaches the old buffer, so `buffer` is read anew each time. */
class WasmHeap implements Heap {
  readonly base: number;
  constructor(private readonly memory: WebAssembly.Memory, base: number) {
    this.base = (base + 63) & ~63;
  }
  get buffer(): ArrayBuffer {
    return this.memory.buffer as ArrayBuffer;
  }
  grow(bytes: number): void {
    this.memory.grow(Math.ceil(bytes / 65536));
  }
}

export async function createWasmKernels(name: Exclude<BackendName, 'js'>, module: WebAssembly.Module): Promise<Kernels> {
  const instance = await WebAssembly.instantiate(module, {
    env: {
      abort(): never {
        throw new Error('lstm-wasm: a wasm kernel aborted (this is a bug: inputs are checked before any kernel runs)');
      },
    },
  });
  // every other export is a kernel with exactly its Kernels signature
  const { memory, heapBase, ...kernels } = instance.exports as unknown as KernelExports & Omit<Kernels, 'name' | 'heap'>;
  return { name, heap: new WasmHeap(memory, heapBase()), ...kernels };
}
