/**
 * init({ threads }) lands here, through import(), so that none of this is
 * in an app that never asks for threads (the predict-only bundle).
 *
 * One threaded backend per module instance: the threads build (asconfig
 * `simd-threads`, or `inference-simd-threads` for 'lstm-wasm/predict')
 * instantiated over one shared WebAssembly.Memory on this thread, with its
 * arena here, and a pool of workers, each an instance of the same module
 * over the same memory. The pool can end and start again (shutdownThreads,
 * a failed worker, init with another count) while the memory, the arena
 * and the layers bound to them stay: without a pool the kernels run on
 * this thread alone.
 *
 * The build keeps no state in memory that a worker's instantiation would
 * overwrite: it is built with zeroFilledMemory, so it has no data segments
 * at all (its statics are zeros), and its mutable scratch (actF32's float
 * and the backward recurrences' cell: assembly/scratch.ts) gets a slot per
 * instance (setScratch).
 */
import type { Arena } from '../arena.js';
import type { createWasmKernels } from '../wasm.js';
import type { Backend } from '../registry.js';
import type { integerIn } from '../../options.js';
import { LAYOUT } from './job-table.js';
import { autoThreads, findSpawner, jobTable, type PoolWorker } from './pool.js';
import { JOB_KERNELS, ThreadPool, threadedKernels } from './threaded-kernels.js';

/** Bytes of an instance's scratch slot: assembly/scratch.ts. */
const SCRATCH_BYTES = 80;

/** Pages of the shared memory: what the build declares (asconfig.json), 16 MiB to start and wasm32's 4 GiB at most. */
const INITIAL_PAGES = 256;
const MAXIMUM_PAGES = 65536;

interface Shared {
  backend: Backend;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  pool?: ThreadPool;
  /** Each worker's scratch slot on the arena (assembly/scratch.ts, SCRATCH_BYTES). */
  scratch: number[];
}

/** What this module needs of the library, passed in by init() (see split.ts: nothing is imported). */
export interface ThreadDeps {
  /** The threads build, compiled. */
  compile(): Promise<WebAssembly.Module>;
  createWasmKernels: typeof createWasmKernels;
  Arena: typeof Arena;
  fail(message: string): never;
}

/** The most threads init() takes. */
export const MAX_THREADS = 64;

/**
 * init()'s `threads` when it is given and not 1, checked here before anything
 * starts, so that an init() without threads does not carry the check: a whole
 * number of threads or 'auto', and not beside relaxedSimd: true.
 */
export function checkThreads(threads: unknown, relaxedSimd: unknown, deps: { fail: ThreadDeps['fail']; integerIn: typeof integerIn }): number | 'auto' {
  if (relaxedSimd === true) deps.fail('init: the threads build is plain SIMD; relaxedSimd: true needs threads: 1');
  return threads === 'auto' ? threads : deps.integerIn(threads, 1, MAX_THREADS, "init: threads (or 'auto')");
}

let shared: Promise<Shared> | undefined;
/** The same, once loaded: shutdownThreads() ends its workers synchronously. */
let loaded: Shared | undefined;

/**
 * Start (or re-size) the pool for `threads` threads in all, the calling
 * one included, and give the threaded backend; undefined where this
 * runtime cannot share memory with workers, or 'auto' finds one core.
 */
export function startThreads(threads: number | 'auto', deps: ThreadDeps): Promise<Backend | undefined> {
  // one at a time: two inits at once must not both end the old pool and start a new one
  const next = starting.then(() => start(threads, deps));
  starting = next.catch(() => undefined);
  return next;
}

/** The start in progress, if any. */
let starting: Promise<unknown> = Promise.resolve();

async function start(threads: number | 'auto', deps: ThreadDeps): Promise<Backend | undefined> {
  const { fail } = deps;
  const n = threads === 'auto' ? await autoThreads() : threads;
  const spawner = n > 1 ? await findSpawner() : undefined;
  if (!spawner) return undefined;
  if (!shared) {
    shared = makeShared(deps);
    shared.catch(() => (shared = undefined)); // a failed load may be retried
  }
  const s = (loaded = await shared);
  if (s.pool && s.pool.workers.length === n - 1) return s.backend;
  endPool(s);
  const table = jobTable(n - 1);
  s.scratch = Array.from({ length: n - 1 }, () => s.backend.arena.allocFloats(SCRATCH_BYTES / 4));
  const started = await Promise.allSettled(s.scratch.map((scratch, slot) =>
    spawner.spawn({ module: s.module, memory: s.memory, table, slot, names: JOB_KERNELS, scratch, layout: LAYOUT })));
  const workers = started.filter((r): r is PromiseFulfilledResult<PoolWorker> => r.status === 'fulfilled').map((r) => r.value);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  s.pool = new ThreadPool(workers, (p) => { if (s.pool === p) endPool(s); }, fail);
  if (failed) {
    endPool(s);
    fail(`init: could not start ${n - 1} worker thread${n > 2 ? 's' : ''} (${(failed.reason as Error)?.message ?? failed.reason}); use threads: 1`);
  }
  return s.backend;
}

/** End the workers, if any: the threaded backend then runs on the calling thread alone. */
export function stopThreads(): void {
  if (loaded) endPool(loaded);
}

/** Threads the threaded backend's calls are cut across now: 1 without a pool. */
function threadCount(s: Shared): number {
  return (s.pool?.workers.length ?? 0) + 1;
}

function endPool(s: Shared): void {
  s.pool?.end();
  s.pool = undefined;
  for (const p of s.scratch) s.backend.arena.release(p);
  s.scratch = [];
}

async function makeShared({ compile, createWasmKernels, Arena, fail }: ThreadDeps): Promise<Shared> {
  const module = await compile();
  const memory = sharedMemory(fail);
  const main = await createWasmKernels('wasm-simd', module, 'simd-threads', memory);
  const pool: { now?: ThreadPool } = {};
  const kernels = threadedKernels(main, () => pool.now);
  const s: Shared = {
    module, memory, scratch: [],
    get pool() { return pool.now; },
    set pool(p) { pool.now = p; },
    backend: { kernels, arena: new Arena(kernels.heap), relaxedSimd: false, threads: () => threadCount(s) },
  };
  return s;
}

/** The memory every thread's instance imports; a smaller reservation where 4 GiB of address space is refused (32-bit devices). */
function sharedMemory(fail: ThreadDeps['fail']): WebAssembly.Memory {
  for (const maximum of [MAXIMUM_PAGES, 16384, 4096]) {
    try {
      return new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum, shared: true });
    } catch {
      // try a smaller maximum
    }
  }
  fail('init: this runtime cannot allocate a shared WebAssembly.Memory; use threads: 1');
}

/** @internal Test hook: make worker `i`'s next job throw ('throw') or end the worker ('exit'). */
export function injectWorkerFailure(kind: 'throw' | 'exit', i = 0): void {
  const w = loaded?.pool?.workers[i];
  if (!w) throw new Error(`threads: no worker ${i} to inject a failure into`);
  w.slot.inject(kind === 'exit' ? LAYOUT.INJECT_EXIT : LAYOUT.INJECT_THROW);
}

export { setMinSplitWork, cutCallCount } from './threaded-kernels.js';
