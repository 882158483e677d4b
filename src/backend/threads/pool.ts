/**
 * The worker threads: spawned with worker_threads in Node (and Deno and
 * Bun, which have it), with Web Workers in a browser page that is
 * crossOriginIsolated (shared memory needs it); elsewhere (Cloudflare
 * Workers, Vercel Edge, a page without isolation) there are none, and
 * init() stays on one thread.
 *
 * A worker runs workerMain (worker-main.ts) from source text, so that no
 * file has to be found next to this module: it works from dist/, from a
 * bundle and from a CDN alike. Node's workers are unref()'d: idle ones
 * never keep a process alive.
 */
import { LAYOUT, JobSlot } from './job-table.js';
import { workerMain, type WorkerReply, type WorkerStart } from './worker-main.js';

/** One worker as the calling thread sees it. */
export interface PoolWorker {
  readonly slot: JobSlot;
  /** False once the worker is known to have ended (checked while a call waits for it). */
  alive(): boolean;
  terminate(): void;
}

/** What the calling thread knows of its workers' runtime. */
export interface Spawner {
  spawn(start: WorkerStart): Promise<PoolWorker>;
}

/** Node's worker_threads, or undefined where there is none. */
async function nodeSpawner(): Promise<Spawner | undefined> {
  if (typeof process !== 'object' || !process.versions?.node) return undefined;
  const name = 'node:worker_threads'; // a variable, so browser bundlers leave it alone
  const wt = (await import(/* @vite-ignore */ name).catch(() => undefined)) as typeof import('node:worker_threads') | undefined;
  if (!wt?.Worker) return undefined;
  // import(), not require(): an eval worker runs as CommonJS, or as ESM when the process was started with --input-type=module
  const source = `import('node:worker_threads').then(({ parentPort }) =>
  (${String(workerMain)})((h) => parentPort.once('message', h), (m) => parentPort.postMessage(m), () => process.exit(0), (h) => process.on('exit', h)));`;
  return {
    spawn: (start) => new Promise((resolve, reject) => {
      const worker = new wt.Worker(source, { eval: true });
      worker.unref();
      let ended = false;
      // kept for the worker's whole life: an 'error' without a listener would be thrown in this thread
      worker.on('error', (e) => { ended = true; reject(e); });
      worker.on('exit', (code) => { ended = true; reject(new Error(`the worker ended (exit code ${code}) before it was ready`)); });
      worker.once('message', (m: WorkerReply) => {
        if (!m.ready) { void worker.terminate(); reject(new Error(m.message)); return; }
        resolve({
          slot: new JobSlot(start.table, start.slot),
          // threadId turns -1 as soon as the thread is gone, before the 'exit' event can run
          alive: () => !ended && worker.threadId !== -1,
          terminate: () => { ended = true; void worker.terminate(); },
        });
      });
      worker.postMessage(start);
    }),
  };
}

/** Web Workers in a crossOriginIsolated page (or a worker of one), or undefined. */
function webSpawner(): Spawner | undefined {
  const g = globalThis as { Worker?: typeof Worker; crossOriginIsolated?: boolean; Blob?: typeof Blob; URL?: typeof URL };
  if (!g.Worker || g.crossOriginIsolated !== true || !g.Blob) return undefined;
  const source = `(${String(workerMain)})((h) => self.addEventListener('message', (e) => h(e.data), { once: true }), (m) => self.postMessage(m), () => self.close(), () => {});`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  return {
    spawn: (start) => new Promise((resolve, reject) => {
      const worker = new Worker(url);
      let ended = false;
      worker.addEventListener('error', (e) => { ended = true; reject(new Error(e.message || 'the worker failed to start')); });
      worker.addEventListener('message', (e: MessageEvent<WorkerReply>) => {
        if (!e.data.ready) { worker.terminate(); reject(new Error(e.data.message)); return; }
        resolve({ slot: new JobSlot(start.table, start.slot), alive: () => !ended, terminate: () => { ended = true; worker.terminate(); } });
      }, { once: true });
      worker.postMessage(start);
    }),
  };
}

/** How this runtime spawns workers that share memory, or undefined for none. */
export async function findSpawner(): Promise<Spawner | undefined> {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return undefined;
  return (await nodeSpawner()) ?? webSpawner();
}

/** The threads 'auto' asks for: the cores the runtime reports, capped (past 8, a batch's rows run out first). */
export async function autoThreads(): Promise<number> {
  const hc = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  if (typeof hc === 'number' && hc >= 1) return Math.min(8, hc);
  if (typeof process === 'object' && process.versions?.node) {
    const name = 'node:os';
    const os = (await import(/* @vite-ignore */ name).catch(() => undefined)) as typeof import('node:os') | undefined;
    if (os) return Math.min(8, os.availableParallelism?.() ?? os.cpus().length);
  }
  return 1;
}

/** A fresh job table for `workers` slots. */
export function jobTable(workers: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(1, workers) * LAYOUT.SLOT_BYTES);
}
