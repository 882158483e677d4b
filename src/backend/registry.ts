/**
 * Choosing and loading a backend: `init()` picks the best one the runtime
 * supports (SIMD wasm, then scalar wasm, then js) or the one the user
 * names. Layers bind to the backend that is active when they first
 * allocate memory.
 */
import { fail, show } from '../errors.js';
import { integerIn, optionsOf } from '../options.js';
import { Arena } from './arena.js';
import type { BackendName, Kernels } from './kernels.js';
import { createWasmKernels } from './wasm.js';

/** A backend with the allocator over its heap. */
export interface Backend {
  readonly kernels: Kernels;
  readonly arena: Arena;
  /** Threads its kernels' big calls are cut across now (the threaded backend); 1 when absent. */
  readonly threads?: () => number;
}

export interface InitOptions {
  /** Force a backend instead of picking the best supported one. */
  backend?: BackendName;
  /** The wasm build for the chosen backend (SIMD build for 'wasm-simd', scalar for 'wasm'), if not loaded from the package. */
  wasm?: WebAssembly.Module | BufferSource | URL | string;
  /**
   * Threads for batched work (default 1: no workers): predict's input
   * projection and recurrences are cut over batch rows, each thread a range
   * of rows for all time steps, with results identical to one thread's.
   * 'auto': one per core the runtime reports, at most 8. Needs 'wasm-simd'
   * and workers that share memory: Node (worker_threads), Deno, Bun, and
   * browser pages that are crossOriginIsolated; elsewhere (edge runtimes,
   * pages without isolation) it stays 1, as backendInfo().threads says.
   * Workers are spawned once and ended by shutdownThreads() or an init
   * with other threads; idle ones never keep a Node process alive.
   * Training runs on one thread. The threads build is the package's own
   * (build/simd-threads.wasm): `wasm` gives the one-thread build only.
   */
  threads?: number | 'auto';
}

/** The most threads init() takes. */
export const MAX_THREADS = 64;

let active: Backend | undefined;

/**
 * A 1-function module whose body is `v128.const 0`: it validates exactly
 * where SIMD128 is supported.
 */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, ...new Array(16).fill(0), 0x0b, // body: v128.const 0
]);

export function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

function wasmSupported(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function';
}

/** Where a build's wasm comes from when init() is not given one: set by the runtime's entry point (src/entry/). */
export type WasmSource = (name: 'wasm-simd' | 'wasm' | 'wasm-simd-threads') => WebAssembly.Module | BufferSource | URL | Promise<WebAssembly.Module | BufferSource | URL>;

let defaultSource: WasmSource = (name) => {
  // the package's own files, found next to this module; entry points for runtimes without
  // import.meta.url or without compiling from bytes (workerd, Vercel Edge) set their own source
  let url: URL;
  try {
    url = new URL(name === 'wasm-simd' ? '../../build/simd.wasm' : name === 'wasm' ? '../../build/scalar.wasm' : '../../build/simd-threads.wasm', import.meta.url);
  } catch {
    fail(`init: cannot locate the package's wasm in this runtime; pass it: init({ wasm }) with a WebAssembly.Module, bytes or a URL of build/${name === 'wasm-simd' ? 'simd' : 'scalar'}.wasm`);
  }
  return url;
};

/** Which builds the default source gives, once an entry point set it (until then: the package's full builds). */
let defaultBuild: 'full' | 'inference' | undefined;

/**
 * Used by the runtime entry points: 'lstm-wasm' sets the full builds,
 * 'lstm-wasm/predict' the inference-only ones (no training kernels).
 */
export function setDefaultWasmSource(source: WasmSource, build: 'full' | 'inference' = 'full'): void {
  // an app that imports both entries gets the full builds, in either order, so that it can train
  if (build === 'inference' && defaultBuild === 'full') return;
  defaultSource = source;
  defaultBuild = build;
}

/**
 * How the js backend's kernels are had, set by the module that exports init(): 'lstm-wasm'
 * (index.ts) imports them statically, since its trainer ships the js reference anyway;
 * 'lstm-wasm/predict' (predict.ts) imports them with import(), so that a bundler splits them into a
 * chunk only a runtime without WebAssembly (or an app asking for 'js') downloads. The first set wins:
 * either gives the same kernels.
 */
let jsKernels: (() => Kernels | Promise<Kernels>) | undefined;

/** @internal */
export function setJsKernels(make: () => Kernels | Promise<Kernels>): void {
  jsKernels ??= make;
}

const loading = new Map<BackendName, Promise<Backend>>();

/**
 * Load (once) and activate a backend. Idempotent and safe to call again or
 * concurrently (a warm isolate reuses what it loaded): each backend is
 * loaded at most once per module instance.
 */
export async function init(options?: InitOptions): Promise<BackendName> {
  const o = optionsOf(options, ['backend', 'wasm', 'threads'], 'init');
  const threads = o.threads === undefined || o.threads === 'auto' ? o.threads ?? 1 : integerIn(o.threads, 1, MAX_THREADS, "init: threads (or 'auto')");
  const name = o.backend ?? (simdSupported() ? 'wasm-simd' : wasmSupported() ? 'wasm' : 'js');
  if (name !== 'wasm-simd' && name !== 'wasm' && name !== 'js') fail(`init: unknown backend ${show(name)}; use 'wasm-simd', 'wasm' or 'js'`);
  if (name === 'wasm-simd' && !simdSupported()) fail(`init: this runtime does not support WebAssembly SIMD; use backend 'wasm' or 'js'`);
  if (name === 'wasm' && !wasmSupported()) fail(`init: this runtime has no WebAssembly; use backend 'js'`);
  // the last call made wins, whatever order the loads finish in: a slow load
  // started earlier must not replace the backend a later call asked for
  const call = ++initCalls;
  const threaded = threads !== 1 && name === 'wasm-simd' ? await loadThreaded(threads) : undefined;
  let pending = loading.get(name);
  if (!threaded && !pending) {
    pending = load(name, o.wasm);
    loading.set(name, pending);
    pending.catch(() => loading.delete(name)); // a failed load may be retried (e.g. with init({ wasm }))
  }
  const loaded = threaded ?? (await pending!);
  if (call === initCalls) {
    if (!threaded) stopThreads?.(); // a new init ends the old workers
    active = loaded;
  }
  return name;
}

/** Ends the threaded backend's workers; set once the threads module is loaded. */
let stopThreads: (() => void) | undefined;

/** The threaded backend with its workers started, from a module loaded only when threads are asked for. */
async function loadThreaded(threads: number | 'auto'): Promise<Backend | undefined> {
  const t = await import('./threads/threaded-backend.js');
  stopThreads = t.stopThreads;
  return t.startThreads(threads, { compile: async () => compileModule(await defaultSource('wasm-simd-threads')), createWasmKernels, Arena, fail });
}

/**
 * End the worker threads init({ threads }) started. Models keep working,
 * on the calling thread alone; init({ threads }) starts workers again.
 */
export function shutdownThreads(): void {
  stopThreads?.();
}

/** What runs: the backend, whether it is the relaxed-SIMD build, and how many threads its batched calls use. */
export function backendInfo(): { name: BackendName; relaxedSimd: boolean; threads: number } {
  const b = activeBackend();
  return { name: b.kernels.name, relaxedSimd: false, threads: b.threads?.() ?? 1 };
}

/** init() calls made so far (see init: the latest call decides the active backend). */
let initCalls = 0;

async function load(name: BackendName, wasm: InitOptions['wasm']): Promise<Backend> {
  const kernels = name === 'js'
    ? await (jsKernels ?? fail('init: no js backend was set up; import init from lstm-wasm or lstm-wasm/predict'))()
    : await createWasmKernels(name, await compileModule(wasm ?? (await defaultSource(name))));
  return { kernels, arena: new Arena(kernels.heap) };
}

/** The name of the active backend. */
export function backend(): BackendName {
  return activeBackend().kernels.name;
}

/** The active backend; throws if `init()` has not run. */
export function activeBackend(): Backend {
  if (!active) fail('no backend: call `await init()` before predict, forward, setWeights or fit');
  return active;
}

/** Memory of the active backend: heap bytes and live allocations (for leak checks and reports). */
export function memoryInfo(): { backend: BackendName; heapBytes: number; liveBlocks: number } {
  const b = activeBackend();
  return { backend: b.kernels.name, heapBytes: b.arena.byteLength, liveBlocks: b.arena.liveBlocks };
}

/** A URL string, or (in Node, Deno, Bun) a file path relative to the working directory. */
function urlOf(s: string): URL {
  const base = typeof location === 'object' && location?.href ? location.href
    : typeof process === 'object' && typeof process.cwd === 'function' ? `file://${process.cwd()}/` : undefined;
  try {
    return new URL(s, base);
  } catch {
    fail(`init: ${JSON.stringify(s)} is not a URL or path of a wasm file`);
  }
}

/**
 * A compiled module, also one from another realm: hosts such as Next.js's
 * edge sandbox (Vercel's edge-runtime) compile `.wasm?module` imports in
 * Node and inject them into the function's vm context, where `instanceof`
 * sees a foreign WebAssembly.Module.
 */
function isWasmModule(x: unknown): boolean {
  return x instanceof WebAssembly.Module || Object.prototype.toString.call(x) === '[object WebAssembly.Module]';
}

async function compileModule(src: WebAssembly.Module | BufferSource | URL | string): Promise<WebAssembly.Module> {
  if (isWasmModule(src)) return src as WebAssembly.Module;
  if (typeof src === 'string' || src instanceof URL) {
    const url = typeof src === 'string' ? urlOf(src) : src;
    if (url.protocol === 'file:') {
      const fsModule = 'node:fs/promises'; // a variable, so browser bundlers leave it alone
      const { readFile } = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
      const bytes = await readFile(url).catch((e: Error) => fail(`init: could not read the wasm build ${url.pathname}: ${e.message} (build it with \`npm run build\`)`));
      return WebAssembly.compile(bytes);
    }
    const res = await fetch(url);
    if (!res.ok) fail(`init: could not fetch ${url}: HTTP ${res.status}`);
    return WebAssembly.compile(await res.arrayBuffer());
  }
  try {
    return await WebAssembly.compile(src as BufferSource);
  } catch (e) {
    fail(`init: the wasm bytes given do not compile: ${(e as Error).message}`);
  }
}
