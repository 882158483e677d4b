/**
 * How int8 loads (issue 12): model.quantize('int8') imports the int8 code
 * (src/quantize/quantize.ts, a chunk of its own) and instantiates its
 * kernels from a wasm module of their own (build/int8-*.wasm) over the
 * backend's memory, so an app that never quantizes loads neither; hence
 * quantize is async. Here: the int8 modules have no data, globals or start
 * function (instantiating one writes nothing into the heap it shares) and
 * the full builds no longer carry the kernels; a model that never
 * quantizes never loads the code nor the wasm; quantize before init(),
 * after dispose() and on the inference-only builds fails clearly; while
 * its kernels load the model refuses to run, train and quantize again; a
 * failed load leaves it f32 and usable, and may be retried; with threads
 * the int8 kernels run on the calling thread over the shared memory and
 * give the one-thread bits.
 *
 * That an app never loads what it does not use is checked on the built
 * package in a child process (and `npm run size` fails if an int8 module
 * is in the whole library's bundle rather than its chunk).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { backendInfo, Dense, init, LSTM, memoryInfo, Sequential, shutdownThreads, type Tensor } from '../src/index.js';
import { Arena } from '../src/backend/arena.js';
import { createWasmKernels } from '../src/backend/wasm.js';
import { quantizedKernels } from '../src/quantize/kernels.js';
import { randomTensor, rejectsLW, rng, throwsLW } from './helpers.js';

const INT8_BUILDS = ['int8-simd', 'int8-simd-relaxed', 'int8-scalar', 'int8-simd-threads'];
const INT8_KERNELS = ['quantizeRows', 'projectInt8', 'lstmRecurInt8'];
const wasmBytes = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(new URL(`../build/${name}.wasm`, import.meta.url)));

/** The ids of a wasm module's sections, in order (custom sections, id 0, included). */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8; // magic and version
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0, shift = 0, b: number;
    do {
      b = bytes[at++];
      size |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    ids.push(id);
    at += size;
  }
  expect(at, 'the sections end where the module does').toBe(bytes.length);
  return ids;
}

/** Is `module` one of the int8 builds (by its exports)? */
const isInt8 = (module: WebAssembly.Module): boolean => WebAssembly.Module.exports(module).some((e) => e.name === 'lstmRecurInt8');

/** WebAssembly.instantiate, watched: the int8 modules instantiated so far, each with the memory it was given. */
function watchInstantiate(): { int8: { memory: WebAssembly.Memory }[] } {
  const original = WebAssembly.instantiate.bind(WebAssembly) as (m: WebAssembly.Module, i?: WebAssembly.Imports) => Promise<WebAssembly.Instance>;
  const int8: { memory: WebAssembly.Memory }[] = [];
  vi.spyOn(WebAssembly, 'instantiate').mockImplementation(((m: WebAssembly.Module, imports?: WebAssembly.Imports) => {
    if (m instanceof WebAssembly.Module && isInt8(m)) int8.push({ memory: (imports!.env as { memory: WebAssembly.Memory }).memory });
    return original(m, imports);
  }) as typeof WebAssembly.instantiate);
  return { int8 };
}

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  shutdownThreads();
  await init({ backend: 'wasm-simd', relaxedSimd: false });
});

const lstmModel = (seed = 1) => new Sequential([new LSTM({ inputSize: 5, units: 7, returnSequences: true, seed }), new LSTM({ units: 6, seed: seed + 1 }), new Dense({ units: 2, seed: seed + 2 })]);

describe('the int8 wasm modules', () => {
  it.each(INT8_BUILDS)('%s imports its memory and keeps nothing in it: no data, no globals, no start function', (name) => {
    const bytes = wasmBytes(name);
    const module = new WebAssembly.Module(bytes);
    const shared = name.endsWith('-threads');
    // type, import, function, export, code: nothing that writes memory or holds state at instantiation
    expect(sectionIds(bytes).filter((id) => id !== 0)).toEqual([1, 2, 3, 7, 10]);
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name).sort()).toEqual([...INT8_KERNELS].sort());
    // it instantiates over a memory of the main builds' kind (shared for the threads build) and leaves it untouched
    const memory = new WebAssembly.Memory({ initial: 1, maximum: shared ? 65536 : undefined, shared });
    new Uint8Array(memory.buffer).fill(0xa5);
    new WebAssembly.Instance(module, { env: { memory } });
    expect(new Uint8Array(memory.buffer).every((b) => b === 0xa5)).toBe(true);
  });

  it('the full and inference-only builds carry no int8 kernels any more', () => {
    for (const name of ['simd', 'simd-relaxed', 'scalar', 'simd-threads', 'inference-simd', 'inference-scalar']) {
      expect(isInt8(new WebAssembly.Module(wasmBytes(name))), name).toBe(false);
    }
  });
});

describe('loading on demand', () => {
  it('before init(), quantize fails clearly', async () => {
    await rejectsLW(new LSTM({ inputSize: 3, units: 4 }).quantize('int8'), /init\(\)/);
    const model = new Sequential([new LSTM({ inputSize: 3, units: 4 })]);
    await rejectsLW(model.quantize('int8'), /init\(\)/);
  });

  it('an app on the built package that never quantizes loads neither the int8 code nor its wasm; its first quantize loads both', () => {
    // in a child process on dist/entry/node.js, the bundled Node entry with its chunks (dist/chunks/): a module
    // loader hook notes every file imported (in a file: the hooks run on a thread of their own), and the
    // int8 wasm is seen instantiated
    const dir = mkdtempSync(join(tmpdir(), 'lstm-wasm-int8-'));
    const seen = join(dir, 'imported.txt');
    const hooks = `import { appendFileSync } from 'node:fs';
      export async function load(url, context, next) { appendFileSync(${JSON.stringify(seen)}, url + '\\n'); return next(url, context); }`;
    const entry = new URL('../dist/entry/node.js', import.meta.url).href;
    const script = `
      import { register } from 'node:module';
      import { readFileSync } from 'node:fs';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
      const int8 = [];
      const instantiate = WebAssembly.instantiate;
      WebAssembly.instantiate = function (m, imports) {
        if (m instanceof WebAssembly.Module && WebAssembly.Module.exports(m).some((e) => e.name === 'lstmRecurInt8')) int8.push(m);
        return instantiate.call(this, m, imports);
      };
      const lib = await import(${JSON.stringify(entry)});
      const state = () => ({ code: readFileSync(${JSON.stringify(seen)}, 'utf8').split('\\n').some((u) => /dist\\/chunks\\/quantize-/.test(u)), wasm: int8.length });
      await lib.init();
      const model = new lib.Sequential([new lib.LSTM({ inputSize: 3, units: 4, returnSequences: true, seed: 1 }), new lib.LSTM({ units: 4, seed: 2 }), new lib.Dense({ units: 1, seed: 3 })]);
      const x = { shape: [2, 5, 3], data: Float32Array.from({ length: 30 }, (_, i) => Math.sin(i)) };
      const y = { shape: [2, 1], data: Float32Array.from([0.5, -0.5]) };
      const f32 = model.predict(x);
      model.compile({ optimizer: 'adam', loss: 'mse' });
      await model.fit(x, y, { epochs: 2 });
      const saved = model.save();
      const stream = model.stream({ batch: 2 });
      stream.step(new Float32Array(6));
      stream.dispose();
      const never = state();
      const fresh = lib.Sequential.load(saved.json, saved.weights);
      const trained = fresh.predict(x);
      const same = (await fresh.quantize('int8')) === fresh;
      const q = fresh.predict(x);
      const other = lib.Sequential.load(saved.json, saved.weights);
      await other.quantize('int8');
      console.log(JSON.stringify({ never, after: state(), same, quantization: fresh.quantization, changed: q.data.some((v, i) => v !== trained.data[i]), f32: f32.shape }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      never: { code: false, wasm: 0 },
      after: { code: true, wasm: 1 }, // one int8 instance for the backend, shared by both models
      same: true, quantization: 'int8', changed: true, f32: [2, 1],
    });
  });

  it('the first quantize on a backend instantiates its int8 module; the next ones reuse it', async () => {
    const watch = watchInstantiate();
    await init({ backend: 'wasm-simd', relaxedSimd: false });
    const model = lstmModel(), other = lstmModel(9);
    const x = randomTensor([3, 4, 5], rng(1));
    const f32 = model.predict(x);
    expect(await model.quantize('int8')).toBe(model);
    expect(model.quantization).toBe('int8');
    expect(watch.int8).toHaveLength(1); // the plain SIMD build's int8 module, over the backend's memory
    expect(Array.from(model.predict(x).data)).not.toEqual(Array.from(f32.data)); // it runs int8 now
    await other.quantize('int8');
    expect(watch.int8).toHaveLength(1);
    model.dispose();
    other.dispose();
  });

  it('the int8 instance runs over the backend\'s one memory: when the heap grows, both see it', async () => {
    await init({ backend: 'wasm-simd', relaxedSimd: false });
    const model = lstmModel(5);
    await model.quantize('int8');
    const x = randomTensor([2, 3, 5], rng(11));
    const y = model.predict(x);
    const heap = memoryInfo().heapBytes;
    const big = model.predict(randomTensor([64, 1024, 5], rng(12))); // past the heap's size: memory.grow
    expect(memoryInfo().heapBytes).toBeGreaterThan(heap);
    expect(big.data.every(Number.isFinite)).toBe(true);
    expect(Array.from(model.predict(x).data)).toEqual(Array.from(y.data));
    model.dispose();
  });

  it('quantize after dispose fails clearly, for a model and for a layer', async () => {
    await init({ backend: 'wasm-simd', relaxedSimd: false });
    const model = lstmModel();
    model.dispose();
    await rejectsLW(model.quantize('int8'), /disposed/);
    const lstm = new LSTM({ inputSize: 2, units: 3 });
    lstm.dispose();
    await rejectsLW(lstm.quantize('int8'), /disposed/);
  });
});

describe('while the int8 kernels load', () => {
  /** Quantize `model` with the int8 module's instantiation held until release() (the relaxed build: not loaded yet in this file). */
  async function heldQuantize(model: Sequential, fail?: Error) {
    const original = WebAssembly.instantiate.bind(WebAssembly) as (m: WebAssembly.Module, i?: WebAssembly.Imports) => Promise<WebAssembly.Instance>;
    let reached!: () => void, release!: () => void;
    const atInstantiate = new Promise<void>((r) => (reached = r)), released = new Promise<void>((r) => (release = r));
    vi.spyOn(WebAssembly, 'instantiate').mockImplementation((async (m: WebAssembly.Module, imports?: WebAssembly.Imports) => {
      if (!isInt8(m)) return original(m, imports);
      reached();
      await released;
      if (fail) throw fail;
      return original(m, imports);
    }) as typeof WebAssembly.instantiate);
    const done = model.quantize('int8');
    await atInstantiate;
    return { done, release };
  }

  it('the model refuses to predict, train and quantize again; then it runs int8', async () => {
    await init({ backend: 'wasm-simd', relaxedSimd: true });
    const model = lstmModel(4);
    const x = randomTensor([2, 3, 5], rng(5)), y = randomTensor([2, 2], rng(6));
    model.compile({ loss: 'mse' });
    const f32 = model.predict(x);
    const { done, release } = await heldQuantize(model);
    throwsLW(() => model.predict(x), /under way/, /await it first/);
    await rejectsLW(model.fit(x, y), /under way/);
    throwsLW(() => model.trainOnBatch(x, y), /under way/);
    await rejectsLW(model.quantize('int8'), /under way/);
    await rejectsLW((model.layers[0] as LSTM).quantize('int8'), /under way/);
    expect(model.quantization).toBeUndefined();
    release();
    expect(await done).toBe(model);
    expect(model.quantization).toBe('int8');
    expect(backendInfo().relaxedSimd).toBe(true);
    const q = model.predict(x);
    expect(Array.from(q.data)).not.toEqual(Array.from(f32.data));
    model.dispose();
  });

  it('a failed load leaves the model f32 and usable, and may be retried', async () => {
    await init({ backend: 'wasm' });
    const model = lstmModel(7);
    const x = randomTensor([2, 3, 5], rng(8));
    const f32 = model.predict(x);
    const { done, release } = await heldQuantize(model, new Error('network down'));
    release();
    await rejectsLW(done, /could not load the int8 kernels/, /int8-scalar\.wasm/, /network down/);
    vi.restoreAllMocks();
    expect(model.quantization).toBeUndefined();
    expect(Array.from(model.predict(x).data)).toEqual(Array.from(f32.data));
    await model.quantize('int8');
    expect(model.quantization).toBe('int8');
    model.dispose();
  });

  it('dispose() meanwhile: the quantize fails, nothing is left in the heap', async () => {
    await init({ backend: 'wasm' });
    const start = memoryInfo().liveBlocks;
    const model = lstmModel(2);
    model.predict(randomTensor([1, 2, 5], rng(9)));
    // the scalar build is loaded now: hold nothing, dispose before the chunk's checks run
    const done = model.quantize('int8');
    model.dispose();
    await rejectsLW(done, /disposed/);
    expect(memoryInfo().liveBlocks).toBe(start);
  });
});

describe('with threads', () => {
  it('the int8 kernels run on the calling thread over the shared memory and give the one-thread bits', async () => {
    const run = async (threads: number): Promise<Tensor> => {
      await init({ backend: 'wasm-simd', relaxedSimd: false, threads });
      const model = new Sequential([new LSTM({ inputSize: 6, units: 10, returnSequences: true, seed: 3 }), new LSTM({ units: 5, seed: 4 })]);
      await model.quantize('int8');
      const y = model.predict(randomTensor([9, 7, 6], rng(10)));
      model.dispose();
      return y;
    };
    const one = await run(1);
    const watch = watchInstantiate();
    const two = await run(2);
    expect(backendInfo().threads).toBe(2);
    expect(watch.int8).toHaveLength(1);
    expect(watch.int8[0].memory.buffer).toBeInstanceOf(SharedArrayBuffer); // the threads build, over the workers' memory
    expect(Array.from(two.data)).toEqual(Array.from(one.data));
    shutdownThreads();
  });
});

describe('the inference-only builds', () => {
  // init() keeps one backend per build (this file loaded them all above), so this one is made by hand;
  // the int8 code is loaded by now (the tests above quantized)
  it('a backend loaded from one (lstm-wasm/predict) is refused, by name', async () => {
    const kernels = await createWasmKernels('wasm', new WebAssembly.Module(wasmBytes('inference-scalar')), 'inference-scalar');
    throwsLW(() => quantizedKernels({ kernels, arena: new Arena(kernels.heap), relaxedSimd: false }, 'lstm.quantize'), /inference-only/, /import from 'lstm-wasm' before calling init\(\)/);
  });
});
