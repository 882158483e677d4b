/**
 * The job table: one slot per worker in a SharedArrayBuffer, through which
 * the calling thread hands a worker one kernel call and learns how it
 * ended. No messages: a posted call is a few stores and one notify, and the
 * caller waits for the answer synchronously, so predict stays synchronous.
 *
 * A slot (SLOT_BYTES):
 *   int32 [SEQ]     bumped by the caller for every job; the worker sleeps on it
 *   int32 [STATE]   RUNNING while a job runs, then DONE or FAILED (the worker writes it)
 *   int32 [OP]      the kernel's index in the names the worker was given, or QUIT
 *   int32 [NARGS]   how many arguments follow
 *   int32 [INJECT]  test hook: INJECT_THROW or INJECT_EXIT makes the next job fail
 *   int32 [TEXT_LEN] bytes of the failure's message
 *   f64 at ARGS_AT  the arguments (pointers and sizes are exact in f64)
 *   u8 at TEXT_AT   a failed job's message, UTF-8, cut to TEXT_BYTES
 */
export const LAYOUT = {
  SLOT_BYTES: 512,
  SEQ: 0, STATE: 1, OP: 2, NARGS: 3, INJECT: 4, TEXT_LEN: 5,
  ARGS_AT: 64, MAX_ARGS: 24,
  TEXT_AT: 256, TEXT_BYTES: 256,
  RUNNING: 1, DONE: 2, FAILED: 3,
  QUIT: -1,
  INJECT_THROW: 1, INJECT_EXIT: 2,
} as const;

export type Layout = typeof LAYOUT;

/** How a slot's job ended, once it has. */
export type JobEnd = { ok: true } | { ok: false; message: string };

/** One worker's slot, as the calling thread sees it. */
export class JobSlot {
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly text: Uint8Array;

  constructor(table: SharedArrayBuffer, index: number) {
    const base = index * LAYOUT.SLOT_BYTES;
    this.ctl = new Int32Array(table, base, LAYOUT.ARGS_AT / 4);
    this.args = new Float64Array(table, base + LAYOUT.ARGS_AT, LAYOUT.MAX_ARGS);
    this.text = new Uint8Array(table, base + LAYOUT.TEXT_AT, LAYOUT.TEXT_BYTES);
  }

  /** Hand the worker kernel `op` with `args`, and wake it. */
  post(op: number, args: readonly number[]): void {
    if (args.length > LAYOUT.MAX_ARGS) throw new Error(`lstm-wasm: internal error: ${args.length} kernel arguments do not fit a job slot`);
    this.args.set(args);
    this.ctl[LAYOUT.OP] = op;
    this.ctl[LAYOUT.NARGS] = args.length;
    Atomics.store(this.ctl, LAYOUT.STATE, LAYOUT.RUNNING);
    Atomics.add(this.ctl, LAYOUT.SEQ, 1); // the seq-cst store publishes the plain stores above
    Atomics.notify(this.ctl, LAYOUT.SEQ);
  }

  /** The job's end, or undefined while it runs. */
  end(): JobEnd | undefined {
    const state = Atomics.load(this.ctl, LAYOUT.STATE);
    if (state === LAYOUT.DONE) return { ok: true };
    if (state !== LAYOUT.FAILED) return undefined;
    const n = Math.min(this.ctl[LAYOUT.TEXT_LEN], LAYOUT.TEXT_BYTES);
    return { ok: false, message: new TextDecoder().decode(this.text.slice(0, n)) };
  }

  /**
   * Sleep until the job's state changes or `ms` pass (Atomics.wait:
   * allowed in Node's main thread and in workers, not on a browser's main
   * thread; see canBlock).
   */
  sleep(ms: number): void {
    Atomics.wait(this.ctl, LAYOUT.STATE, LAYOUT.RUNNING, ms);
  }

  /** Tell the worker to leave its loop (it then ends). */
  quit(): void {
    this.post(LAYOUT.QUIT, []);
  }

  /** Test hook: make the worker's next job throw (INJECT_THROW) or end the worker (INJECT_EXIT). */
  inject(kind: number): void {
    Atomics.store(this.ctl, LAYOUT.INJECT, kind);
  }
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
export function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0); // returns 'not-equal' at once where allowed
    return true;
  } catch {
    return false;
  }
}
