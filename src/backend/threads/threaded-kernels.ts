/**
 * The threaded backend's kernels: the main thread's instance of the
 * threads build, with the calls worth cutting (split.ts) handed out over
 * batch rows (gradWeights: over its output panels), predict's and
 * training's alike. A call posts its ranges but the first to the workers (one
 * job each, for all T steps: each row's recurrence is independent of the
 * others, so nothing syncs per step), runs the first range itself, then
 * waits for every worker before it returns: the kernels stay synchronous.
 *
 * Waiting: Atomics.wait in slices where this thread may block (Node's main
 * thread, any worker), a spin on Atomics.load on a browser's main thread,
 * which may not. Every wait is bounded: a worker that throws reports it in
 * its slot; one that died is seen by alive(); one that does not finish
 * within a generous deadline (10 s plus 20 times what this thread took
 * for its own share) is given up on. Each ends the call with an
 * LstmWasmError and shuts the pool down, and later calls run on this
 * thread alone (backendInfo().threads says 1) until init({ threads })
 * starts a new pool.
 */
import type { Kernels, TrainingKernels } from '../kernels.js';
import type { WasmKernels } from '../wasm.js';
import { canBlock } from './job-table.js';
import type { PoolWorker } from './pool.js';
import { CUT_ARGS, MAX_CUT_ARGS, SPLIT_KERNELS, callWork, cutCall, type SplitKernel } from './split.js';

/** Multiply-adds below which a call runs whole on the calling thread: handing off costs tens of µs. */
let minSplitWork = 1 << 18;

/** @internal Test hook: cut every call that can be cut (0), or restore the default (undefined). */
export function setMinSplitWork(n: number | undefined): void {
  minSplitWork = n ?? 1 << 18;
}

/** Calls cut across threads so far (tests check that a threaded run really was one). */
let cutCalls = 0;

/** @internal */
export function cutCallCount(): number {
  return cutCalls;
}

/** How long one Atomics.wait sleeps before the waiter looks at the workers' health and the deadline again. */
const SLICE_MS = 50;

export class ThreadPool {
  private readonly blocking = canBlock();
  /** `fail` throws the library's LstmWasmError (errors.ts, passed in: see split.ts). */
  constructor(readonly workers: PoolWorker[], private readonly onBroken: (pool: ThreadPool) => void, private readonly fail: (message: string) => never) {}

  /** Run the first `parts` calls of CUT_ARGS (split.ts): the first here, call i on worker i − 1; return when all have ended. */
  run(kernel: SplitKernel, op: number, fn: (...a: number[]) => void, parts: number): void {
    cutCalls++;
    const calls = CUT_ARGS; // each MAX_CUT_ARGS long: a kernel reads its own arguments, the rest of a list is ignored
    for (let i = 1; i < parts; i++) this.workers[i - 1].slot.post(op, calls[i]);
    const started = performance.now();
    let own: unknown;
    try {
      fn.apply(undefined, calls[0]);
    } catch (e) {
      own = e; // the workers still write into shared memory: wait for them before throwing
    }
    const budget = 10_000 + 20 * (performance.now() - started), deadline = performance.now() + budget;
    const failures: string[] = [];
    for (let i = 1; i < parts; i++) {
      const failure = this.await(this.workers[i - 1], deadline, budget);
      if (failure) failures.push(`worker ${i}: ${failure}`);
    }
    if (own) throw own;
    if (failures.length) {
      this.end();
      this.onBroken(this);
      this.fail(`threads: ${kernel} failed on a worker thread (${failures.join('; ')}); the workers were shut down; later calls run on this thread (init({ threads }) starts new ones)`);
    }
  }

  /** Wait for one worker's job; its failure's description, or undefined when it succeeded. */
  private await(w: PoolWorker, deadline: number, budget: number): string | undefined {
    for (let spins = 0; ; spins++) {
      const end = w.slot.end();
      if (end) return end.ok ? undefined : end.message;
      if ((spins & 1023) === 0 || this.blocking) {
        if (!w.alive()) return 'the thread ended during the call';
        if (performance.now() > deadline) return `no answer within ${(budget / 1000).toFixed(0)} s`;
      }
      if (this.blocking) w.slot.sleep(SLICE_MS);
    }
  }

  /** End every worker: QUIT to a live loop, then terminate (which also ends one stuck in a kernel). */
  end(): void {
    for (const w of this.workers) {
      if (w.alive() && w.slot.end()) w.slot.quit();
      w.terminate();
    }
    this.workers.length = 0;
  }
}

/**
 * Kernels over the threads build's main instance `main`, cutting the calls
 * of SPLIT_KERNELS across `pool()`'s workers while there is a pool.
 */
export function threadedKernels(main: WasmKernels, pool: () => ThreadPool | undefined): WasmKernels {
  const k: WasmKernels = { ...main };
  SPLIT_KERNELS.forEach((name, op) => {
    const fn = main[name] as ((...a: number[]) => void) | undefined;
    if (!fn) return; // the inference-only build has no training kernels
    (k as unknown as Record<string, () => void>)[name] = function () {
      // the call's arguments into the one reused list (a rest parameter would be a new array per call);
      // the optional ones it left out become 0, as the wasm function reads a missing argument
      for (let i = 0; i < MAX_CUT_ARGS; i++) CALL_ARGS[i] = (arguments[i] as number | undefined) ?? 0;
      const p = pool();
      const parts = p && p.workers.length > 0 && callWork(name, CALL_ARGS) >= minSplitWork ? cutCall(name, CALL_ARGS, p.workers.length + 1) : 1;
      if (parts > 1) p!.run(name, op, fn, parts);
      else fn.apply(undefined, CALL_ARGS);
    };
  });
  return k;
}

/**
 * The wrapped call's arguments, MAX_CUT_ARGS long (a wasm function ignores
 * what it does not take). One list serves every call: kernel calls are
 * synchronous and never nest, and cutCall copies out of it before a job runs.
 */
const CALL_ARGS: number[] = new Array<number>(MAX_CUT_ARGS).fill(0);

/** The kernel names a job's OP indexes (the order of SPLIT_KERNELS), as the workers get them. */
export const JOB_KERNELS: readonly (keyof (Kernels & TrainingKernels))[] = SPLIT_KERNELS;
