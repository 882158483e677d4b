/**
 * What a worker thread runs. The function is sent as source text
 * (`String(workerMain)`, see pool.ts), so it must stay self-contained: it
 * uses nothing but its arguments and the globals every worker has
 * (WebAssembly, Atomics, TextEncoder). Everything else it is given in the
 * first message.
 *
 * It instantiates the threads build over the shared memory, says it is
 * ready, then loops: sleep on its slot's SEQ word, run the kernel posted,
 * set DONE (or FAILED, with the message) and notify. It never returns to
 * its event loop until QUIT, so it needs no messages after the first.
 */
import type { Layout } from './job-table.js';

/** The first (and only) message a worker gets. */
export interface WorkerStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  table: SharedArrayBuffer;
  slot: number;
  /** The kernels a job's OP indexes. */
  names: readonly string[];
  /** SCRATCH_BYTES (80) bytes of the shared memory for this instance's own scratch (setScratch, assembly/scratch.ts). */
  scratch: number;
  layout: Layout;
}

/** What a worker says back once: ready, or why it could not start. */
export type WorkerReply = { ready: true } | { ready: false; message: string };

export function workerMain(
  onStart: (handler: (start: WorkerStart) => void) => void,
  reply: (message: WorkerReply) => void,
  exit: () => void,
  onEnd: (handler: () => void) => void,
): void {
  onStart(({ module, memory, table, slot, names, scratch, layout: L }) => {
    let kernels: ((...args: number[]) => unknown)[];
    try {
      const abort = (): never => {
        throw new Error('a wasm kernel aborted (this is a bug: inputs are checked before any kernel runs)');
      };
      const exports = new WebAssembly.Instance(module, { env: { memory, abort } }).exports as Record<string, (...args: number[]) => unknown>;
      exports.setScratch(scratch);
      kernels = names.map((n) => exports[n]);
    } catch (e) {
      reply({ ready: false, message: (e as Error).message });
      return;
    }
    const base = slot * L.SLOT_BYTES;
    const ctl = new Int32Array(table, base, L.ARGS_AT / 4);
    const args = new Float64Array(table, base + L.ARGS_AT, L.MAX_ARGS);
    const text = new Uint8Array(table, base + L.TEXT_AT, L.TEXT_BYTES);
    // read before saying ready: a job posted right after the reply must not be taken for the one already seen
    let seen = Atomics.load(ctl, L.SEQ);
    onEnd(() => {
      // the thread is ending (process.exit in Node) in the middle of a job: say so, or the caller would wait for its deadline
      if (Atomics.load(ctl, L.STATE) !== L.RUNNING) return;
      const bytes = new TextEncoder().encode('the thread ended during the call');
      text.set(bytes);
      ctl[L.TEXT_LEN] = bytes.length;
      Atomics.store(ctl, L.STATE, L.FAILED);
      Atomics.notify(ctl, L.STATE);
    });
    reply({ ready: true });
    for (;;) {
      Atomics.wait(ctl, L.SEQ, seen);
      const seq = Atomics.load(ctl, L.SEQ);
      if (seq === seen) continue; // a spurious wake
      seen = seq;
      const op = ctl[L.OP];
      if (op === L.QUIT) break;
      try {
        const inject = Atomics.exchange(ctl, L.INJECT, 0);
        if (inject === L.INJECT_EXIT) exit();
        if (inject === L.INJECT_THROW) throw new Error('a failure injected by a test');
        // the slot's arguments as they are: a job carries its kernel's whole signature (split.ts) and a wasm function reads only its own
        kernels[op].apply(undefined, args as unknown as number[]);
        Atomics.store(ctl, L.STATE, L.DONE);
      } catch (e) {
        const bytes = new TextEncoder().encode(String((e as Error)?.message ?? e)).subarray(0, L.TEXT_BYTES);
        text.set(bytes);
        ctl[L.TEXT_LEN] = bytes.length;
        Atomics.store(ctl, L.STATE, L.FAILED);
      }
      Atomics.notify(ctl, L.STATE);
    }
    exit();
  });
}
