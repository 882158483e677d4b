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
  /** 'wasm-simd' runs the relaxed-SIMD build (see InitOptions.relaxedSimd). */
  readonly relaxedSimd: boolean;
  /** Threads its kernels' big calls are cut across now (the threaded backend); 1 when absent. */
  readonly threads?: () => number;
}

export interface InitOptions {
  /** Force a backend instead of picking the best supported one. */
  backend?: BackendName;
  /**
   * 'wasm-simd' only: run the relaxed-SIMD build, whose multiply-adds are
   * `f32x4.relaxed_madd` (fused where the CPU has FMA: the numbers differ
   * from the plain build's by rounding only; README, Backends). Default: where
   * the runtime supports relaxed SIMD (Node 22+, Chromium, Deno, Bun,
   * workerd; Node 20 with --experimental-wasm-relaxed-simd) and no `wasm` is
   * given. false: the plain SIMD build. true where unsupported: an error.
   */
  relaxedSimd?: boolean;
  /** The wasm build for the chosen backend (SIMD build for 'wasm-simd', its relaxed one with relaxedSimd: true, scalar for 'wasm'), if not loaded from the package. */
  wasm?: WebAssembly.Module | BufferSource | URL | string;
  /**
   * Threads for batched work (default 1: no workers): the input projection
   * and recurrences of predict and of fit's forward and backward passes are
   * cut over batch rows (each thread a range of rows for all time steps),
   * the weight gradients over output columns, with results identical to
   * one thread's.
   * 'auto': one per core the runtime reports, at most 8. Needs 'wasm-simd'
   * and workers that share memory: Node (worker_threads), Deno, Bun, and
   * browser pages that are crossOriginIsolated; elsewhere (edge runtimes,
   * pages without isolation) it stays 1, as backendInfo().threads says.
   * Workers are spawned once and ended by shutdownThreads() or an init
   * with other threads; idle ones never keep a Node process alive.
   * The threads build is the package's own
   * (build/simd-threads.wasm): `wasm` gives the one-thread build only.
   */
  threads?: number | 'auto';
}

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

const validates = (probe: BufferSource): boolean => typeof WebAssembly === 'object' && WebAssembly.validate(probe);

export function simdSupported(): boolean {
  return validates(SIMD_PROBE);
}

/**
 * A 1-function module `(a, b, c: v128) -> f32x4.relaxed_madd(a, b, c)`: it
 * validates exactly where relaxed SIMD is supported.
 */
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128, v128, v128) -> v128
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // body: local.get 0 1 2, f32x4.relaxed_madd
]);

export function relaxedSimdSupported(): boolean {
  return validates(RELAXED_PROBE);
}

function wasmSupported(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function';
}

/** A wasm build: 'wasm-simd' comes plain, relaxed (the same kernels with relaxed multiply-adds) or with threads (shared memory). */
export type WasmBuild = 'wasm-simd' | 'wasm-simd-relaxed' | 'wasm-simd-threads' | 'wasm';

/** Where a build's wasm comes from when init() is not given one: set by the runtime's entry point (src/entry/). */
export type WasmSource = (build: WasmBuild) => WebAssembly.Module | BufferSource | URL | Promise<WebAssembly.Module | BufferSource | URL>;

/** A build's file in build/, without the directory and `.wasm` (the inference builds add `inference-`). */
export function wasmFile(build: WasmBuild): string {
  return build === 'wasm-simd' ? 'simd' : build === 'wasm' ? 'scalar' : build === 'wasm-simd-threads' ? 'simd-threads' : 'simd-relaxed';
}

let defaultSource: WasmSource = (build) => {
  // the package's own files, found next to this module; entry points for runtimes without
  // import.meta.url or without compiling from bytes (workerd, Vercel Edge) set their own source
  let url: URL;
  try {
    url = new URL(`../../build/${wasmFile(build)}.wasm`, import.meta.url);
  } catch {
    fail(`init: cannot locate the package's wasm in this runtime; pass it: init({ wasm }) with a WebAssembly.Module, bytes or a URL of build/${wasmFile(build)}.wasm`);
  }
  return url;
};

/** Which builds the default source gives, once an entry point set it (until then: the package's full builds). */
let defaultBuild: 'full' | 'inference' | undefined;

/** Whether the default source has the relaxed SIMD build (Vercel Edge's entries leave it out). */
let defaultHasRelaxed = true;

/**
 * Used by the runtime entry points: 'lstm-wasm' sets the full builds,
 * 'lstm-wasm/predict' the inference-only ones (no training kernels).
 * `relaxed`: whether the source gives 'wasm-simd-relaxed' too.
 */
export function setDefaultWasmSource(source: WasmSource, build: 'full' | 'inference' = 'full', relaxed = true): void {
  // an app that imports both entries gets the full builds, in either order, so that it can train
  if (build === 'inference' && defaultBuild === 'full') return;
  defaultSource = source;
  defaultBuild = build;
  defaultHasRelaxed = relaxed;
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

const loading = new Map<BackendName | WasmBuild, Promise<Backend>>();

/**
 * Load (once) and activate a backend. Idempotent and safe to call again or
 * concurrently (a warm isolate reuses what it loaded): each backend is
 * loaded at most once per module instance.
 */
export async function init(options?: InitOptions): Promise<BackendName> {
  const o = optionsOf(options, ['backend', 'relaxedSimd', 'wasm', 'threads'], 'init');
  const name = o.backend ?? (simdSupported() ? 'wasm-simd' : wasmSupported() ? 'wasm' : 'js');
  if (name !== 'wasm-simd' && name !== 'wasm' && name !== 'js') fail(`init: unknown backend ${show(name)}; use 'wasm-simd', 'wasm' or 'js'`);
  if (name === 'wasm-simd' && !simdSupported()) fail(`init: this runtime does not support WebAssembly SIMD; use backend 'wasm' or 'js'`);
  if (name === 'wasm' && !wasmSupported()) fail(`init: this runtime has no WebAssembly; use backend 'js'`);
  const relaxed = relaxedFor(name, o.relaxedSimd, o.wasm !== undefined);
  // the last call made wins, whatever order the loads finish in: a slow load
  // started earlier must not replace the backend a later call asked for
  const call = ++initCalls;
  // threads other than 1 load the threads module, which checks the value before it starts workers
  const threaded = o.threads !== undefined && o.threads !== 1 ? await loadThreaded(o.threads, name, o.relaxedSimd) : undefined;
  const key = relaxed ? 'wasm-simd-relaxed' : name;
  let pending = loading.get(key);
  if (!threaded && !pending) {
    pending = load(name, relaxed, o.wasm);
    loading.set(key, pending);
    pending.catch(() => loading.delete(key)); // a failed load may be retried (e.g. with init({ wasm }))
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

/**
 * The threaded backend with its workers started, from a module loaded only
 * when threads are asked for; it checks `threads` first. Only 'wasm-simd'
 * runs threads: the other backends stay on one.
 */
async function loadThreaded(threads: unknown, name: BackendName, relaxedSimd: unknown): Promise<Backend | undefined> {
  const t = await import('./threads/threaded-backend.js');
  stopThreads = t.stopThreads;
  const n = t.checkThreads(threads, relaxedSimd, { fail, integerIn });
  return name === 'wasm-simd' ? t.startThreads(n, { compile: async () => compileModule(await defaultSource('wasm-simd-threads')), createWasmKernels, Arena, fail }) : undefined;
}

/**
 * End the worker threads init({ threads }) started. Models keep working,
 * on the calling thread alone; init({ threads }) starts workers again.
 */
export function shutdownThreads(): void {
  stopThreads?.();
}

/** init() calls made so far (see init: the latest call decides the active backend). */
let initCalls = 0;

/**
 * Whether 'wasm-simd' runs its relaxed build: as asked, or by default where
 * the relaxed probe validates and the entry ships the build. A module the
 * caller gives is run as it is: relaxed only if they say so, since its
 * build cannot be seen from outside.
 */
function relaxedFor(name: BackendName, asked: boolean | undefined, given: boolean): boolean {
  if (asked === undefined) return name === 'wasm-simd' && !given && defaultHasRelaxed && relaxedSimdSupported();
  if (typeof asked !== 'boolean') fail('init: relaxedSimd must be true or false');
  if (asked) {
    if (name !== 'wasm-simd') fail(`init: relaxedSimd needs the 'wasm-simd' backend`);
    if (!relaxedSimdSupported()) fail('init: no relaxed SIMD in this runtime (Node 20: --experimental-wasm-relaxed-simd)');
    if (!given && !defaultHasRelaxed) fail('init: this entry has no relaxed build; pass it as init({ wasm })');
  }
  return asked;
}

async function load(name: BackendName, relaxed: boolean, wasm: InitOptions['wasm']): Promise<Backend> {
  const build: WasmBuild = relaxed ? 'wasm-simd-relaxed' : name === 'wasm-simd' ? 'wasm-simd' : 'wasm';
  const kernels = name === 'js'
    ? await (jsKernels ?? fail('init: no js backend was set up; import init from lstm-wasm or lstm-wasm/predict'))()
    : await createWasmKernels(name, await compileModule(wasm ?? (await defaultSource(build))), wasmFile(build));
  return { kernels, arena: new Arena(kernels.heap), relaxedSimd: relaxed };
}

/** The name of the active backend. */
export function backend(): BackendName {
  return activeBackend().kernels.name;
}

/** What runs: the backend, whether its SIMD build is the relaxed one, and the threads it uses. */
export interface BackendInfo {
  name: BackendName;
  relaxedSimd: boolean;
  threads: number;
}

/** What the active backend is; throws if `init()` has not run. */
export function backendInfo(): BackendInfo {
  const b = activeBackend();
  return { name: b.kernels.name, relaxedSimd: b.relaxedSimd, threads: b.threads?.() ?? 1 };
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

/** A wasm build, compiled from what a source gives (also the int8 module's: src/quantize/int8-wasm.ts). @internal */
export async function compileModule(src: WebAssembly.Module | BufferSource | URL | string): Promise<WebAssembly.Module> {
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
    // compiled while the bytes arrive (browsers, Deno); compileStreaming refuses a response not served as
    // application/wasm, so from such a server the bytes are compiled once they are all here
    return res.headers.get('content-type') === 'application/wasm' ? WebAssembly.compileStreaming(res) : WebAssembly.compile(await res.arrayBuffer());
  }
  try {
    return await WebAssembly.compile(src as BufferSource);
  } catch (e) {
    fail(`init: the wasm bytes given do not compile: ${(e as Error).message}`);
  }
}
