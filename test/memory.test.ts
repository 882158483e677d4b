/**
 * Memory: a steady predict or stream loop takes nothing from the heap;
 * dispose() gives back everything; changing shapes reuses or regrows the
 * workspaces with right answers; and when linear memory has to grow (which
 * detaches every view of the old buffer) results stay right.
 *
 * Order matters on the wasm-simd backend: the loops run first, on a heap
 * that has never grown, and the test that forces memory.grow runs last.
 */
import { describe, expect, it } from 'vitest';
import {
  Bidirectional, Dense, GRU, init, LSTM, memoryInfo, Sequential, SimpleRNN, type BackendName, type Layer, type Tensor,
} from '../src/index.js';
import { BACKENDS, maxAbsDiff, randomTensor, rng } from './helpers.js';

const TOL = 1e-5; // DESIGN: the backends agree to 1e-5

function tinyModel(): Sequential {
  return new Sequential([new LSTM({ inputSize: 4, units: 8, seed: 1 }), new Dense({ units: 1, seed: 2 })]);
}

/**
 * The same model (same weights) on the js backend, to compare against.
 * Call with `model`'s backend active (its weights are read, so it binds to
 * it); leaves that backend active again.
 */
async function jsTwin(model: Sequential, make: () => Sequential, back: BackendName): Promise<Sequential> {
  const weights = model.layers.map((l) => l.getWeights({ to: 'torch' }));
  expect(model.backend.kernels.name).toBe(back);
  await init({ backend: 'js' });
  const twin = make();
  twin.layers.forEach((l, i) => l.setWeights(weights[i]));
  await init({ backend: back });
  return twin;
}

function expectNear(got: Tensor, want: Tensor, tol: number, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  const d = maxAbsDiff(got.data, want.data);
  if (!(d <= tol)) throw new Error(`${what}: max abs diff ${d} > ${tol}`);
}

describe('steady loops on wasm-simd take nothing from the heap', () => {
  it('100,000 predict calls: heapBytes and liveBlocks unchanged after the first', async () => {
    await init({ backend: 'wasm-simd' });
    const model = tinyModel();
    const x = randomTensor([1, 5, 4], rng(1));
    const y0 = model.predict(x);
    const after1 = memoryInfo();
    expect(after1.backend).toBe('wasm-simd');
    const t0 = performance.now();
    let last = y0;
    for (let i = 0; i < 100_000; i++) last = model.predict(x);
    const ms = performance.now() - t0;
    console.log(`100,000 predict calls of LSTM(4→8)→Dense(1) on [1,5,4]: ${ms.toFixed(0)} ms (${((ms * 1000) / 100_000).toFixed(2)} µs each)`);
    expect(memoryInfo()).toEqual(after1);
    expect(Array.from(last.data)).toEqual(Array.from(y0.data)); // and the answer did not drift
    model.dispose();
  });

  it('10,000 stream steps into an `out` array: heapBytes and liveBlocks unchanged after the first', async () => {
    await init({ backend: 'wasm-simd' });
    const model = tinyModel();
    const stream = model.stream();
    const step = new Float32Array(4), out = new Float32Array(1);
    const r = rng(2);
    step.forEach((_, j) => (step[j] = r()));
    stream.step(step, out);
    const after1 = memoryInfo();
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) {
      step[i & 3] = r();
      const ret = stream.step(step, out);
      if (ret !== out) throw new Error('step must return the `out` it was given');
    }
    console.log(`10,000 stream steps: ${(performance.now() - t0).toFixed(0)} ms`);
    expect(memoryInfo()).toEqual(after1);
    expect(stream.steps).toBe(10_001);
    expect(Number.isFinite(out[0])).toBe(true);
    stream.dispose();
    model.dispose();
  });
});

/** Each layer type run standalone a few ways: params, workspaces, weights in and out. */
const layerCases: [string, () => Layer, (l: Layer, B: number) => void][] = [
  ['LSTM', () => new LSTM({ inputSize: 3, units: 5, returnSequences: true }), (l, B) => (l as LSTM).forward(randomTensor([B, 4, 3], rng(B)), { h: randomTensor([B, 5], rng(1)), c: randomTensor([B, 5], rng(2)) })],
  ['GRU', () => new GRU({ inputSize: 3, units: 6 }), (l, B) => (l as GRU).forward(randomTensor([B, 4, 3], rng(B)), { h: randomTensor([B, 6], rng(1)) })],
  ['SimpleRNN', () => new SimpleRNN({ inputSize: 3, units: 7, activation: 'relu' }), (l, B) => (l as SimpleRNN).forward(randomTensor([B, 4, 3], rng(B)))],
  ['Dense', () => new Dense({ inputSize: 3, units: 5, activation: 'softmax' }), (l, B) => { (l as Dense).forward(randomTensor([B, 3], rng(B))); (l as Dense).forward(randomTensor([B, 2, 3], rng(B))); }],
  ['Bidirectional', () => new Bidirectional(new GRU({ inputSize: 3, units: 5 })), (l, B) => (l as Bidirectional).forward(randomTensor([B, 4, 3], rng(B)))],
];

describe.each(BACKENDS)('dispose gives back every block on %s', (backendName) => {
  it.each(layerCases)('%s', async (_kind, make, run) => {
    await init({ backend: backendName });
    const before = memoryInfo().liveBlocks;
    const layer = make();
    for (const B of [1, 6, 2]) run(layer, B);
    layer.setWeights(layer.getWeights({ to: 'keras' }), { from: 'keras' });
    expect(memoryInfo().liveBlocks).toBeGreaterThan(before);
    layer.dispose();
    expect(memoryInfo().liveBlocks).toBe(before);
  });

  it('Sequential of every layer type, with layers that ran standalone first, and its streams', async () => {
    await init({ backend: backendName });
    const before = memoryInfo().liveBlocks;
    const first = new LSTM({ inputSize: 3, units: 5, returnSequences: true });
    first.forward(randomTensor([2, 3, 3], rng(1))); // owns its own params until the model adopts them
    const model = new Sequential([
      first,
      new GRU({ units: 4, returnSequences: true }),
      new SimpleRNN({ units: 6, returnSequences: true }),
      new Dense({ units: 3 }),
      new LSTM({ units: 2 }),
      new Dense({ units: 1 }),
    ]);
    for (const B of [1, 5, 2]) model.predict(randomTensor([B, 7, 3], rng(B)));
    const s1 = model.stream({ batch: 3 });
    s1.step(new Float32Array(9));
    s1.step(new Float32Array(18)); // a chunk of 2 steps
    const withStream = memoryInfo().liveBlocks;
    s1.dispose();
    expect(memoryInfo().liveBlocks).toBeLessThan(withStream);
    const s2 = model.stream();
    s2.step(new Float32Array(3));
    model.loadStateDict(model.stateDict());
    model.dispose(); // also frees the stream left open
    expect(memoryInfo().liveBlocks).toBe(before);
    expect(() => s2.step(new Float32Array(3))).toThrow(/disposed/);
    s2.dispose();
    expect(memoryInfo().liveBlocks).toBe(before);

    const bi = new Sequential([new Bidirectional(new LSTM({ inputSize: 3, units: 4, returnSequences: true })), new Dense({ units: 2 })]);
    bi.predict(randomTensor([2, 5, 3], rng(3)));
    bi.dispose();
    expect(memoryInfo().liveBlocks).toBe(before);
  });

  it('a model disposed before it ever ran holds nothing', async () => {
    await init({ backend: backendName });
    const before = memoryInfo().liveBlocks;
    const m = tinyModel();
    m.dispose();
    expect(memoryInfo().liveBlocks).toBe(before);
  });
});

describe.each(['wasm-simd', 'wasm', 'js'] as const)('changing shapes between predicts on %s', (backendName) => {
  it('batch and length change every call: right answers, and the block count stays put', async () => {
    await init({ backend: backendName });
    const make = () => new Sequential([
      new LSTM({ inputSize: 4, units: 9, returnSequences: true, seed: 3 }),
      new GRU({ units: 6, seed: 4 }),
      new Dense({ units: 3, activation: 'tanh', seed: 5 }),
    ]);
    const model = make();
    const twin = await jsTwin(model, make, backendName);
    let blocks: number | undefined;
    const shapes: [number, number][] = [[1, 5], [7, 5], [3, 11], [16, 2], [2, 30], [7, 5], [1, 1], [33, 9], [1, 5]];
    shapes.forEach(([B, T], i) => {
      const x = randomTensor([B, T, 4], rng(100 + i));
      const got = model.predict(x);
      const want = twin.predict(x);
      if (backendName === 'js') expect(Array.from(got.data)).toEqual(Array.from(want.data));
      else expectNear(got, want, TOL, `B=${B} T=${T}`);
      const now = memoryInfo().liveBlocks;
      if (blocks === undefined) blocks = now;
      expect(now, `liveBlocks after B=${B} T=${T}`).toBe(blocks);
    });
    model.dispose();
    twin.dispose();
  });
});

describe.each(['wasm-simd', 'wasm'] as const)('running out of memory on %s', (backendName) => {
  // wasm32 memory ends at 4 GiB: a Dense(1→4096) on 300,000 rows needs a 4.9 GB output
  it('is a clear error; the model, other layers and the heap stay intact', async () => {
    await init({ backend: backendName });
    const before = memoryInfo().liveBlocks;
    const model = new Sequential([new Dense({ inputSize: 1, units: 4096, seed: 1 })]);
    const small = randomTensor([3, 1], rng(1));
    const y0 = model.predict(small);
    const huge = randomTensor([300_000, 1], rng(2));
    let err: unknown;
    try {
      model.predict(huge);
    } catch (e) {
      err = e;
    }
    expect(String(err)).toMatch(/LstmWasmError: lstm-wasm: out of memory/);
    expect((err as Error).message).toMatch(/smaller batches/);
    // a layer made now may take blocks freed during the failed call; nothing may still point at them
    const other = new Dense({ inputSize: 2, units: 3, seed: 2 });
    const x2 = randomTensor([4, 2], rng(3));
    const o0 = other.forward(x2);
    expect(Array.from(model.predict(small).data)).toEqual(Array.from(y0.data));
    expect(Array.from(other.forward(x2).data)).toEqual(Array.from(o0.data));
    other.dispose();
    model.dispose();
    expect(memoryInfo().liveBlocks).toBe(before);
  });
});

describe('memory.grow on wasm-simd (last: it detaches the heap views)', () => {
  it('a large input grows the heap; results match js before, during and after', async () => {
    await init({ backend: 'wasm-simd' });
    const make = () => new Sequential([new LSTM({ inputSize: 4, units: 8, returnSequences: true, seed: 7 }), new Dense({ units: 1, seed: 8 })]);
    const model = make();
    const twin = await jsTwin(model, make, 'wasm-simd');
    const small = randomTensor([3, 5, 4], rng(1));
    expectNear(model.predict(small), twin.predict(small), TOL, 'before growing');
    const heap0 = memoryInfo().heapBytes;
    // the workspaces of one predict take about 48·B·T floats: make that half again the whole heap
    const B = 64, T = Math.max(500, Math.ceil((1.5 * heap0) / (4 * 48 * B)));
    const big = randomTensor([B, T, 4], rng(2));
    const got = model.predict(big);
    const heap1 = memoryInfo().heapBytes;
    console.log(`predict on [${B}, ${T}, 4]: heap ${heap0 / 2 ** 20} MiB → ${heap1 / 2 ** 20} MiB`);
    expect(heap1).toBeGreaterThan(heap0);
    expectNear(got, twin.predict(big), TOL, `after growing, [${B}, ${T}, 4]`);
    // back to the small shape: the views made before the grow must not be used
    expectNear(model.predict(small), twin.predict(small), TOL, 'small after growing');
    // a stream and a fresh layer on the grown heap
    const stream = model.stream({ batch: 3 });
    const streamed = new Float32Array(3 * 5);
    for (let t = 0; t < 5; t++) {
      const step = new Float32Array(12);
      for (let b = 0; b < 3; b++) step.set(small.data.subarray((b * 5 + t) * 4, (b * 5 + t + 1) * 4), b * 4);
      const o = stream.step(step);
      for (let b = 0; b < 3; b++) streamed[b * 5 + t] = o[b];
    }
    expectNear({ shape: [3, 5, 1], data: streamed }, twin.predict(small), TOL, 'streamed after growing');
    stream.dispose();
    // the big shape again: no further growth
    model.predict(big);
    expect(memoryInfo().heapBytes).toBe(heap1);
    const live = memoryInfo().liveBlocks;
    model.dispose();
    expect(memoryInfo().liveBlocks).toBeLessThan(live);
    twin.dispose();
  });
});
