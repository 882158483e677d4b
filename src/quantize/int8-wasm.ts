/**
 * The int8 kernels of a wasm backend: the int8 module (assembly/int8.ts)
 * instantiated over the backend's own memory, so that they work on the
 * arena's pointers like its other kernels. The module has no data segment,
 * no globals and no start function: instantiating it writes nothing into
 * the heap it shares.
 *
 * The build follows the backend's: scalar for 'wasm', plain or relaxed
 * SIMD as 'wasm-simd' runs, and under init({ threads }) the build whose
 * import is the shared memory. There the int8 kernels run on the calling
 * thread alone (a threaded backend cuts only its f32 kernels over rows);
 * the workers' instances never see them.
 */
import type { Backend } from '../backend/registry.js';
import type { WasmHeap } from '../backend/wasm.js';
import { int8WasmSource, type Int8Build } from './int8-source.js';
import { QUANTIZED_KERNEL_NAMES, type QuantizedKernels } from './contract.js';
import { lib } from './library.js';

/** The int8 build that runs over `backend`'s memory. */
export function int8Build(backend: Backend): Int8Build {
  return backend.threads ? 'int8-simd-threads'
    : backend.kernels.name === 'wasm' ? 'int8-scalar'
    : backend.relaxedSimd ? 'int8-simd-relaxed' : 'int8-simd';
}

/** Compile and instantiate the int8 build of `backend` over its memory (once per backend: ./kernels.ts). */
export async function wasmQuantizedKernels(backend: Backend, owner: string): Promise<QuantizedKernels> {
  const build = int8Build(backend);
  const memory = (backend.kernels.heap as WasmHeap).memory;
  const load = async () => (await WebAssembly.instantiate(await lib.compileModule(int8WasmSource(build)), { env: { memory } })).exports;
  const exports = await load().catch((e: Error) => lib.fail(`${owner}: could not load the int8 kernels, build/${build}.wasm (${e.message})`));
  const k = exports as Partial<QuantizedKernels>;
  if (!QUANTIZED_KERNEL_NAMES.every((n) => typeof k[n] === 'function')) lib.fail(`${owner}: build/${build}.wasm is not lstm-wasm's int8 module of this version`);
  return k as QuantizedKernels;
}
