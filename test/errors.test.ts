/**
 * Bad input gets a clear LstmWasmError naming the problem, and leaves
 * nothing broken or leaked: after every failed call the object still gives
 * the result it gave before, and the heap holds no more blocks than before
 * the failed call. On every backend.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Bidirectional, Dense, GRU, init, LSTM, LstmWasmError, memoryInfo, Sequential, SimpleRNN,
  type Layer, type Tensor, type TensorLike,
} from '../src/index.js';
import { BACKENDS, randomTensor, rng, throwsLW } from './helpers.js';

/** As throwsLW, and the failed call took no heap blocks and did not grow the heap. */
function failsCleanly(fn: () => unknown, ...patterns: RegExp[]): LstmWasmError {
  const before = memoryInfo();
  const err = throwsLW(fn, ...patterns);
  const after = memoryInfo();
  expect(after.liveBlocks, `liveBlocks after a failed call (${err.message})`).toBe(before.liveBlocks);
  expect(after.heapBytes, `heapBytes after a failed call (${err.message})`).toBe(before.heapBytes);
  return err;
}

const same = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  expect(Array.from(a.data)).toEqual(Array.from(b.data));
};

/** Nested arrays [B][T][F] of a tensor. */
function nested(t: Tensor): number[][][] {
  const [B, T, F] = t.shape;
  return Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, s) => Array.from(t.data.subarray((b * T + s) * F, (b * T + s + 1) * F))));
}

/** Inputs that are wrong for something expecting [B, T, 4] (B = 2, T = 5), each with what the message must name. */
function badSequences(): [string, unknown, RegExp[]][] {
  const x = randomTensor([2, 5, 4], rng(3));
  const withValue = (i: number, v: number): Tensor => {
    const data = x.data.slice();
    data[i] = v;
    return { shape: x.shape, data };
  };
  const n = nested(x);
  return [
    ['rank 2', { shape: [10, 4], data: x.data }, [/3-D|\[batch, time, features\]/, /\[10,4\]/]],
    ['rank 4', { shape: [1, 2, 5, 4], data: x.data }, [/3-D|\[batch, time, features\]/]],
    ['nested rank 2', n[0], [/3-D|\[batch, time, features\]/]],
    ['feature size 3', randomTensor([2, 5, 3], rng(4)), [/3 features/, /expects 4/]],
    ['nested feature size 5', n.map((s) => s.map((r) => [...r, 0])), [/5 features/, /expects 4/]],
    ['ragged steps', [n[0], n[1].slice(0, 4)], [/ragged/, /\[1\]/]],
    ['ragged features', [n[0], [...n[1].slice(0, 4), [1, 2, 3]]], [/ragged/, /\[1\]\[4\]/]],
    ['a string entry', [n[0], [...n[1].slice(0, 4), [1, 2, '3', 4]]], [/expected a number/, /string "3"/, /\[1\]\[4\]\[2\]/]],
    ['a null entry', [[[1, 2, 3, null]]], [/expected a number/, /null/]],
    ['an undefined entry', [[[1, 2, 3, undefined]]], [/expected a number/, /undefined/]],
    ['a boolean entry', [[[1, true, 3, 4]]], [/expected a number/, /boolean/]],
    ['Float64Array data', { shape: [2, 5, 4], data: Float64Array.from(x.data) }, [/Float32Array/, /Float64Array/]],
    ['plain array data', { shape: [2, 5, 4], data: Array.from(x.data) }, [/Float32Array/, /Array/]],
    ['data too short', { shape: [2, 5, 4], data: x.data.subarray(0, 39) }, [/39 values/, /\[2,5,4\] needs 40/]],
    ['data too long', { shape: [2, 5, 4], data: new Float32Array(41) }, [/41 values/, /needs 40/]],
    ['a negative dimension', { shape: [2, -5, 4], data: x.data }, [/shape/, /non-negative integers/]],
    ['a fractional dimension', { shape: [2, 2.5, 4], data: x.data }, [/shape/, /non-negative integers/]],
    ['NaN', withValue(17, NaN), [/NaN/, /index 17\b/]],
    ['+Infinity', withValue(0, Infinity), [/Infinity/, /index 0\b/]],
    ['-Infinity', withValue(39, -Infinity), [/-Infinity/, /index 39\b/]],
    ['nested NaN', [n[0], [...n[1].slice(0, 4), [1, 2, NaN, 4]]], [/NaN/, /index 38\b/]],
    ['batch 0', { shape: [0, 5, 4], data: new Float32Array(0) }, [/at least one sequence/, /\[0,5,4\]/]],
    ['time 0', { shape: [2, 0, 4], data: new Float32Array(0) }, [/at least one sequence and one step/, /\[2,0,4\]/]],
    ['nested batch 0', [], [/3-D|at least one/]],
    ['nested time 0', [[]], [/3-D|at least one/]],
    ['undefined', undefined, [/input/]],
    ['a bare Float32Array', x.data, [/Float32Array/, /Tensor \{ shape, data \}/]],
    ['rows of Float32Arrays', [[x.data.subarray(0, 4)]], [/Float32Array/, /Tensor \{ shape, data \}/]],
    ['a number', 3, [/3-D|\[batch, time, features\]/]],
  ];
}

/** A layer of each kind on 4 input features, fixed seeds, and a call that runs it on [B, T, 4]. */
const layerKinds: [string, () => Layer, (l: Layer, x: TensorLike) => Tensor][] = [
  ['LSTM', () => new LSTM({ inputSize: 4, units: 6, returnSequences: true, seed: 1 }), (l, x) => (l as LSTM).forward(x).output],
  ['GRU', () => new GRU({ inputSize: 4, units: 5, returnSequences: true, seed: 2 }), (l, x) => (l as GRU).forward(x).output],
  ['SimpleRNN', () => new SimpleRNN({ inputSize: 4, units: 3, seed: 3 }), (l, x) => (l as SimpleRNN).forward(x).output],
  ['Bidirectional', () => new Bidirectional(new LSTM({ inputSize: 4, units: 3, returnSequences: true, seed: 4 })), (l, x) => (l as Bidirectional).forward(x).output],
  ['Dense', () => new Dense({ inputSize: 4, units: 3, activation: 'tanh', seed: 5 }), (l, x) => (l as Dense).forward(x)],
];

function makeModel(): Sequential {
  return new Sequential([
    new LSTM({ inputSize: 4, units: 6, returnSequences: true, seed: 11 }),
    new GRU({ units: 5, seed: 12 }),
    new Dense({ units: 2, seed: 13 }),
  ]);
}

describe.each(BACKENDS)('bad inputs on %s', (backendName) => {
  beforeEach(async () => {
    await init({ backend: backendName });
  });

  it('Sequential.predict rejects each bad input clearly and keeps working', () => {
    const model = makeModel();
    const x = randomTensor([2, 5, 4], rng(3));
    const y0 = model.predict(x);
    for (const [what, bad, patterns] of badSequences()) {
      const err = failsCleanly(() => model.predict(bad as TensorLike), ...patterns);
      expect(err.message, what).toMatch(/^lstm-wasm: /);
      same(model.predict(x), y0);
    }
    // nested arrays give the very same answer as the tensor
    same(model.predict(nested(x)), y0);
    model.dispose();
  });

  it('a failed first predict leaves the model unbuilt and leak-free', () => {
    const before = memoryInfo().liveBlocks;
    const model = makeModel();
    for (const [, bad, patterns] of badSequences()) failsCleanly(() => model.predict(bad as TensorLike), ...patterns);
    expect(memoryInfo().liveBlocks).toBe(before);
    const fresh = makeModel();
    const x = randomTensor([2, 5, 4], rng(3));
    same(model.predict(x), fresh.predict(x));
    model.dispose();
    fresh.dispose();
    expect(memoryInfo().liveBlocks).toBe(before);
  });

  it.each(layerKinds)('%s.forward rejects each bad input clearly and keeps working', (kind, make, run) => {
    const layer = make();
    const x = randomTensor([2, 5, 4], rng(3));
    const y0 = run(layer, x);
    for (const [what, bad, patterns] of badSequences()) {
      // Dense also takes [batch, features]: a rank-2 input is valid for it
      if (kind === 'Dense' && /rank 2|nested rank 2/.test(what)) continue;
      // and to Dense, [[]] is one row of 0 features
      if (kind === 'Dense' && what === 'nested time 0') {
        failsCleanly(() => run(layer, bad as TensorLike), /0 features/, /expects 4/);
        continue;
      }
      const pats = kind === 'Dense'
        ? patterns.map((p) => (/3-D/.test(p.source) ? /\[batch, features\] or \[batch, time, features\]|at least one/ : /at least one sequence/.test(p.source) ? /at least one row/ : p))
        : patterns;
      failsCleanly(() => run(layer, bad as TensorLike), ...pats);
      same(run(layer, x), y0);
    }
    layer.dispose();
  });

  it('a layer without inputSize takes it from the first data, not from bad data', () => {
    const a = new LSTM({ units: 3, seed: 21 });
    throwsLW(() => a.forward({ shape: [1, 2, 0], data: new Float32Array(0) }), /input/, /0/);
    expect(a.inputSize).toBeUndefined();
    const x = randomTensor([1, 2, 4], rng(5));
    const ref = new LSTM({ inputSize: 4, units: 3, seed: 21 });
    same(a.forward(x).output, ref.forward(x).output);
    a.dispose();
    ref.dispose();
  });

  it('initial states of the wrong shape, NaN, or a c for a GRU are rejected before anything runs', () => {
    const lstm = new LSTM({ inputSize: 4, units: 6, seed: 1 });
    const gru = new GRU({ inputSize: 4, units: 5, seed: 2 });
    const x = randomTensor([2, 5, 4], rng(3));
    const h = randomTensor([2, 6], rng(6)), c = randomTensor([2, 6], rng(7));
    const want = lstm.forward(x, { h, c });
    const gWant = gru.forward(x, { h: randomTensor([2, 5], rng(8)) });
    failsCleanly(() => lstm.forward(x, { h: randomTensor([3, 6], rng(6)), c }), /initial h/, /\[2, 6\]/, /\[3,6\]/);
    failsCleanly(() => lstm.forward(x, { h, c: randomTensor([2, 5], rng(7)) }), /initial c/, /\[2, 6\]/);
    const nanH = { shape: [2, 6], data: h.data.slice() };
    nanH.data[4] = NaN;
    failsCleanly(() => lstm.forward(x, { h: nanH, c }), /initial h/, /NaN/, /index 4\b/);
    failsCleanly(() => gru.forward(x, { h: randomTensor([2, 5], rng(8)), c: randomTensor([2, 5], rng(8)) }), /GRU has no cell state/);
    same(lstm.forward(x, { h, c }).output, want.output);
    same(gru.forward(x, { h: randomTensor([2, 5], rng(8)) }).output, gWant.output);
    // a failure on a larger batch than ever seen must not leave bigger buffers behind either
    const x3 = randomTensor([7, 5, 4], rng(9));
    failsCleanly(() => lstm.forward(x3, { h: randomTensor([2, 6], rng(6)) }), /initial h/, /\[7, 6\]/);
    lstm.dispose();
    gru.dispose();
  });
});

/** Weights of `layer` in `to` format, deep-copied. */
function weightsOf(layer: Layer, to: 'torch' | 'keras'): Record<string, Tensor> {
  const w = layer.getWeights({ to });
  return Object.fromEntries(Object.entries(w).map(([k, t]) => [k, { shape: [...t.shape], data: t.data.slice() }]));
}

const weightKinds: [string, (seed: number) => Layer][] = [
  ['LSTM', (seed) => new LSTM({ inputSize: 4, units: 6, returnSequences: true, seed })],
  ['GRU', (seed) => new GRU({ inputSize: 4, units: 5, returnSequences: true, seed })],
  ['SimpleRNN', (seed) => new SimpleRNN({ inputSize: 4, units: 3, returnSequences: true, seed })],
  ['Bidirectional', (seed) => new Bidirectional(new GRU({ inputSize: 4, units: 3, returnSequences: true, seed }))],
  ['Dense', (seed) => new Dense({ inputSize: 4, units: 3, seed })],
];

const runLayer = (l: Layer, x: Tensor): Tensor => (l instanceof Dense ? l.forward(x) : (l as LSTM).forward(x).output);

describe.each(BACKENDS)('setWeights errors on %s', (backendName) => {
  beforeEach(async () => {
    await init({ backend: backendName });
  });

  it.each(weightKinds)('%s: missing key, extra key, wrong shape, NaN, unknown format; nothing half-written', (_kind, make) => {
    const layer = make(1);
    const donor = make(2); // other weights, valid for the layer
    const x = randomTensor([2, 5, 4], rng(3));
    const y0 = runLayer(layer, x);
    const w0 = weightsOf(layer, 'torch');
    for (const to of ['torch', 'keras'] as const) {
      const good = weightsOf(donor, to);
      const keys = Object.keys(good);
      // drop a required key: every key but the bias is required
      const required = keys.find((k) => !/bias/.test(k))!;
      const { [required]: _dropped, ...missing } = good;
      failsCleanly(() => layer.setWeights(missing, { from: to }), /missing weight/, new RegExp(required.replace(/^(forward|backward)\//, '').replace(/_l0(_reverse)?$/, '')));
      failsCleanly(() => layer.setWeights({ ...good, extra_thing: good[keys[0]] }, { from: to }), /extra_thing/);
      // a wrong shape on every key in turn (the last key is a bias for every layer)
      for (const k of keys) {
        const t = good[k];
        const bad = { shape: [...t.shape.slice(0, -1), t.shape[t.shape.length - 1] + 1], data: new Float32Array(t.data.length + t.data.length / t.shape[t.shape.length - 1]) };
        failsCleanly(() => layer.setWeights({ ...good, [k]: bad }, { from: to }), /shape/, new RegExp(`\\[${bad.shape.join(',')}\\]`));
        // NaN in this weight, on the last entry (the first are valid: the check must look at them all)
        const nan = { shape: t.shape, data: t.data.slice() };
        nan.data[nan.data.length - 1] = NaN;
        failsCleanly(() => layer.setWeights({ ...good, [k]: nan }, { from: to }), /NaN/, new RegExp(`index ${nan.data.length - 1}\\b`));
        const inf = { shape: t.shape, data: t.data.slice() };
        inf.data[0] = -Infinity;
        failsCleanly(() => layer.setWeights({ ...good, [k]: inf }, { from: to }), /-Infinity/);
      }
      failsCleanly(() => layer.setWeights(good, { from: 'onnx' as 'torch' }), /unknown format/, /"onnx"/);
      failsCleanly(() => layer.setWeights(null as unknown as Record<string, Tensor>, { from: to }), /setWeights/);
      // nothing of the failed loads was written
      expect(weightsOf(layer, 'torch')).toEqual(w0);
      same(runLayer(layer, x), y0);
    }
    throwsLW(() => layer.getWeights({ to: 'onnx' as 'torch' }), /unknown format/, /"onnx"/);
    // and a valid load still works
    layer.setWeights(weightsOf(donor, 'torch'));
    same(runLayer(layer, x), runLayer(donor, x));
    layer.dispose();
    donor.dispose();
  });

  it('a failed setWeights does not fix the input size of a layer that has none', () => {
    const donor = new LSTM({ inputSize: 3, units: 4, seed: 5 });
    const w = weightsOf(donor, 'torch');
    const lstm = new LSTM({ units: 4 });
    // weight_ih [16, 7] would suggest 7 inputs, but the set is incomplete
    failsCleanly(() => lstm.setWeights({ weight_ih_l0: { shape: [16, 7], data: new Float32Array(112) } }), /missing weight/, /weight_hh/);
    expect(lstm.inputSize).toBeUndefined();
    lstm.setWeights(w);
    expect(lstm.inputSize).toBe(3);
    const x = randomTensor([2, 4, 3], rng(6));
    same(lstm.forward(x).output, donor.forward(x).output);
    const dense = new Dense({ units: 2 });
    failsCleanly(() => dense.setWeights({ weight: { shape: [2, 9], data: new Float32Array(18) }, bias: { shape: [3], data: new Float32Array(3) } }), /bias/, /\[3\]/);
    expect(dense.inputSize).toBeUndefined();
    lstm.dispose();
    donor.dispose();
    dense.dispose();
  });

  it('Bidirectional: bad reverse weights leave the forward direction untouched', () => {
    const bi = new Bidirectional(new LSTM({ inputSize: 4, units: 3, returnSequences: true, seed: 1 }));
    const donor = new Bidirectional(new LSTM({ inputSize: 4, units: 3, returnSequences: true, seed: 2 }));
    const x = randomTensor([2, 5, 4], rng(3));
    const y0 = bi.forward(x).output;
    const good = weightsOf(donor, 'torch');
    const bad = { ...good, weight_hh_l0_reverse: { shape: [12, 4], data: new Float32Array(48) } };
    failsCleanly(() => bi.setWeights(bad), /weight_hh/, /\[12,4\]/, /\[12,3\]/);
    same(bi.forward(x).output, y0);
    const kGood = weightsOf(donor, 'keras');
    const { 'backward/kernel': _k, ...kMissing } = kGood;
    failsCleanly(() => bi.setWeights(kMissing, { from: 'keras' }), /missing weight/, /kernel/);
    failsCleanly(() => bi.setWeights({ ...kGood, kernel: kGood['forward/kernel'] }, { from: 'keras' }), /"kernel"/, /forward\/ or backward\//);
    same(bi.forward(x).output, y0);
    bi.dispose();
    donor.dispose();
  });

  it('GRU: a Keras bias of shape [3H] (reset_after=False) is rejected, saying so', () => {
    const gru = new GRU({ inputSize: 4, units: 5, seed: 1 });
    const x = randomTensor([2, 5, 4], rng(3));
    const y0 = gru.forward(x).output;
    const w = weightsOf(gru, 'keras');
    expect(w.bias.shape).toEqual([2, 15]);
    failsCleanly(() => gru.setWeights({ ...w, bias: { shape: [15], data: w.bias.data.slice(0, 15) } }, { from: 'keras' }), /reset_after=False/, /\[15\]/, /reset_after=True/);
    failsCleanly(() => gru.setWeights({ ...w, bias: { data: w.bias.data } as unknown as Tensor }, { from: 'keras' }), /bias/, /shape/);
    same(gru.forward(x).output, y0);
    gru.dispose();
  });
});

describe.each(BACKENDS)('disposed objects on %s', (backendName) => {
  beforeEach(async () => {
    await init({ backend: backendName });
  });

  it.each(layerKinds)('%s: every use after dispose throws a clear error; dispose twice is fine; memory comes back', (kind, make, run) => {
    const before = memoryInfo().liveBlocks;
    const layer = make();
    const x = randomTensor([2, 5, 4], rng(3));
    run(layer, x);
    const w = layer.getWeights();
    expect(memoryInfo().liveBlocks).toBeGreaterThan(before);
    layer.dispose();
    expect(memoryInfo().liveBlocks).toBe(before);
    layer.dispose();
    expect(layer.isDisposed).toBe(true);
    const gone = new RegExp(`${layer.name} \\(${kind}\\) was disposed`);
    failsCleanly(() => run(layer, x), gone);
    failsCleanly(() => layer.setWeights(w), gone);
    failsCleanly(() => layer.getWeights(), gone);
    throwsLW(() => new Sequential([layer]), /disposed/);
    expect(memoryInfo().liveBlocks).toBe(before);
  });

  it('a model: predict, setWeights, loadStateDict, stateDict, stream and summary after dispose', () => {
    const before = memoryInfo().liveBlocks;
    const model = makeModel();
    const x = randomTensor([2, 5, 4], rng(3));
    model.predict(x);
    const sd = model.stateDict();
    const stream = model.stream();
    stream.step(new Float32Array(4));
    model.dispose();
    model.dispose();
    expect(model.isDisposed).toBe(true);
    const gone = /sequential was disposed/;
    failsCleanly(() => model.predict(x), gone);
    failsCleanly(() => model.loadStateDict(sd), gone);
    failsCleanly(() => model.stateDict(), gone);
    failsCleanly(() => model.stream(), gone);
    failsCleanly(() => model.summary(), gone);
    failsCleanly(() => stream.step(new Float32Array(4)), /disposed/);
    failsCleanly(() => model.layers[0].setWeights(sd), /was disposed/);
    stream.dispose();
    stream.dispose();
    failsCleanly(() => stream.step(new Float32Array(4)), /stream was disposed/);
    expect(memoryInfo().liveBlocks).toBe(before);
  });

  it('Symbol.dispose works with `using`, on layers, models and streams', () => {
    const before = memoryInfo().liveBlocks;
    let layer: LSTM;
    let model: Sequential;
    {
      using l = new LSTM({ inputSize: 4, units: 3 });
      using m = makeModel();
      using s = m.stream();
      layer = l;
      model = m;
      l.forward(randomTensor([1, 2, 4], rng(1)));
      m.predict(randomTensor([1, 2, 4], rng(1)));
      s.step(new Float32Array(4));
      expect(memoryInfo().liveBlocks).toBeGreaterThan(before);
    }
    expect(layer.isDisposed).toBe(true);
    expect(model.isDisposed).toBe(true);
    expect(memoryInfo().liveBlocks).toBe(before);
    const d = new Dense({ inputSize: 2, units: 2 });
    d.forward([[1, 2]]);
    d[Symbol.dispose]();
    expect(d.isDisposed).toBe(true);
    expect(memoryInfo().liveBlocks).toBe(before);
  });
});

describe('init', () => {
  it('predict, forward, setWeights and memoryInfo before init() say to call init', async () => {
    vi.resetModules();
    const lib = await import('../src/index.js');
    const model = new lib.Sequential([new lib.LSTM({ inputSize: 2, units: 3, seed: 1 }), new lib.Dense({ units: 1, seed: 2 })]);
    const lstm = new lib.LSTM({ inputSize: 2, units: 3, seed: 1 });
    const x = [[[1, 2], [3, 4]]];
    const calls: [string, () => unknown][] = [
      ['predict', () => model.predict(x)],
      ['forward', () => lstm.forward(x)],
      ['setWeights', () => lstm.setWeights({ weight_ih_l0: { shape: [12, 2], data: new Float32Array(24) }, weight_hh_l0: { shape: [12, 3], data: new Float32Array(36) } })],
      ['getWeights', () => lstm.getWeights()],
      ['stream', () => model.stream()],
      ['memoryInfo', () => lib.memoryInfo()],
      ['backend', () => lib.backend()],
    ];
    for (const [what, call] of calls) {
      let err: unknown;
      try {
        call();
      } catch (e) {
        err = e;
      }
      expect(err, what).toBeInstanceOf(lib.LstmWasmError);
      expect((err as Error).message, what).toMatch(/call `await init\(\)`/);
    }
    // and once init has run, the same objects work, with the same answers as fresh ones
    await lib.init({ backend: 'js' });
    const y = model.predict(x);
    const fresh = new lib.Sequential([new lib.LSTM({ inputSize: 2, units: 3, seed: 1 }), new lib.Dense({ units: 1, seed: 2 })]);
    expect(Array.from(y.data)).toEqual(Array.from(fresh.predict(x).data));
    expect(lstm.forward(x).output.shape).toEqual([1, 3]);
    model.dispose();
    fresh.dispose();
    lstm.dispose();
    expect(lib.memoryInfo().liveBlocks).toBe(0);
  });

  it('a model of layers that hold memory on different backends is rejected, every time, before anything is allocated', async () => {
    await init({ backend: 'js' });
    const jsBefore = memoryInfo().liveBlocks;
    const a = new LSTM({ inputSize: 3, units: 4, returnSequences: true, seed: 1 });
    a.forward([[[1, 2, 3]]]);
    const jsAfter = memoryInfo().liveBlocks;
    await init({ backend: 'wasm-simd' });
    const simdBefore = memoryInfo().liveBlocks;
    const b = new LSTM({ units: 2, seed: 2 });
    b.forward([[[1, 2, 3, 4]]]);
    const simdAfter = memoryInfo().liveBlocks;
    const model = new Sequential([a, b]);
    for (let i = 0; i < 2; i++) throwsLW(() => model.predict([[[1, 2, 3]]]), /lstm/, /'wasm-simd' backend but the model runs on 'js'|'js' backend but the model runs on 'wasm-simd'/);
    expect(memoryInfo().liveBlocks).toBe(simdAfter);
    await init({ backend: 'js' });
    expect(memoryInfo().liveBlocks).toBe(jsAfter);
    model.dispose();
    expect(memoryInfo().liveBlocks).toBe(jsBefore);
    await init({ backend: 'wasm-simd' });
    expect(memoryInfo().liveBlocks).toBe(simdBefore);
  });

  it('an unknown backend name is rejected and the active backend stays', async () => {
    await init({ backend: 'js' });
    const before = memoryInfo();
    await expect(init({ backend: 'nope' as 'js' })).rejects.toThrow(LstmWasmError);
    await expect(init({ backend: 'nope' as 'js' })).rejects.toThrow(/unknown backend "nope"/);
    expect(memoryInfo().backend).toBe('js');
    expect(memoryInfo().liveBlocks).toBe(before.liveBlocks);
  });

  it('wasm bytes that do not compile are rejected with a clear message', async () => {
    vi.resetModules(); // a fresh module: a backend loaded before would be reused as it is
    const lib = await import('../src/index.js');
    await expect(lib.init({ backend: 'wasm', wasm: new Uint8Array([0, 1, 2, 3]) })).rejects.toThrow(lib.LstmWasmError);
    await expect(lib.init({ backend: 'wasm', wasm: new Uint8Array([0, 1, 2, 3]) })).rejects.toThrow(/do not compile/);
    expect(() => lib.backend()).toThrow(/call `await init\(\)`/);
  });
});

describe.each(BACKENDS)('Sequential, loadStateDict and stream errors on %s', (backendName) => {
  beforeEach(async () => {
    await init({ backend: backendName });
  });

  it('Sequential: a non-layer, a layer used twice, an empty list', () => {
    const before = memoryInfo().liveBlocks;
    const l = new LSTM({ inputSize: 4, units: 3 });
    throwsLW(() => new Sequential([l, { units: 3 } as unknown as Layer]), /item 1 is not a layer/);
    throwsLW(() => new Sequential([l, 'dense' as unknown as Layer]), /item 1 is not a layer/);
    throwsLW(() => new Sequential([l, new LSTM({ units: 3, returnSequences: true }), l]), /same layer object appears twice/);
    throwsLW(() => new Sequential([]), /non-empty array/);
    throwsLW(() => new Sequential(undefined as unknown as Layer[]), /non-empty array/);
    expect(memoryInfo().liveBlocks).toBe(before);
    l.dispose();
  });

  it('Sequential: a recurrent layer after one without returnSequences fails at construction, saying to set it', () => {
    const before = memoryInfo().liveBlocks;
    for (const next of [() => new LSTM({ units: 2 }), () => new GRU({ units: 2 }), () => new Bidirectional(new SimpleRNN({ units: 2 }))]) {
      throwsLW(() => new Sequential([new LSTM({ inputSize: 4, units: 3 }), next()]), /returnSequences: true/, /lstm/);
      // also after a Dense that follows such a layer: the time axis is gone for good
      throwsLW(() => new Sequential([new GRU({ inputSize: 4, units: 3 }), new Dense({ units: 3 }), next()]), /returnSequences/);
    }
    expect(memoryInfo().liveBlocks).toBe(before);
  });

  it('Sequential with a Dense first: 2-D input into a later recurrent layer is rejected before anything is allocated', () => {
    const model = new Sequential([new Dense({ inputSize: 4, units: 3, seed: 1 }), new LSTM({ units: 2, seed: 2 })]);
    const x = randomTensor([2, 5, 4], rng(1));
    const before = memoryInfo().liveBlocks;
    failsCleanly(() => model.predict({ shape: [2, 4], data: new Float32Array(8) }), /3-D|time/);
    expect(memoryInfo().liveBlocks).toBe(before);
    const y0 = model.predict(x);
    failsCleanly(() => model.predict({ shape: [2, 4], data: new Float32Array(8) }), /3-D|time/);
    same(model.predict(x), y0);
    model.dispose();
  });

  it('loadStateDict: wrong number of layers, wrong layer type, bad tensors; nothing half-loaded', () => {
    const model = makeModel();
    const donor = makeModel();
    const x = randomTensor([2, 5, 4], rng(3));
    const y0 = model.predict(x);
    const sd = donor.stateDict();
    const keys = Object.keys(sd);
    const lstmKeys = keys.filter((k) => k.startsWith(donor.layers[0].name + '.'));
    const denseKeys = keys.filter((k) => k.startsWith(donor.layers[2].name + '.'));
    const pick = (ks: string[]) => Object.fromEntries(ks.map((k) => [k, sd[k]]));
    failsCleanly(() => model.loadStateDict(pick([...lstmKeys, ...denseKeys])), /holds 2 layer\(s\)/, /model has 3/);
    failsCleanly(() => model.loadStateDict({ ...sd, 'extra.weight': sd[denseKeys[0]] }), /holds 4 layer\(s\)/);
    // Linear where the model has a GRU: the Dense's weights in the GRU's place
    const swapped = { ...pick(lstmKeys), ...Object.fromEntries(denseKeys.map((k) => ['mid.' + k.split('.').pop(), sd[k]])), ...pick(denseKeys) };
    failsCleanly(() => model.loadStateDict(swapped), /layer 1 should be LSTM, GRU or SimpleRNN, not Dense|Linear/, /layer 1/);
    // a bidirectional state_dict into a unidirectional model
    const rev = { ...sd };
    for (const k of lstmKeys) rev[k.replace(/_l0$/, '_l0_reverse')] = sd[k];
    failsCleanly(() => model.loadStateDict(rev), /bidirectional/, /should be Bidirectional, not LSTM/);
    // the last layer bad: the first two must not have been loaded
    const badLast = { ...sd, [denseKeys[0]]: { shape: [2, 7], data: new Float32Array(14) } };
    failsCleanly(() => model.loadStateDict(badLast), /weight/, /\[2,7\]/, /\[2,5\]/);
    failsCleanly(() => model.loadStateDict({ ...sd, [lstmKeys[0]]: { shape: sd[lstmKeys[0]].shape, data: sd[lstmKeys[0]].data.map((v, i) => (i === 3 ? NaN : v)) } }), /NaN/, /index 3\b/);
    failsCleanly(() => model.loadStateDict({ ...sd, 'lstm.running_mean': sd[denseKeys[1]] }), /running_mean/);
    failsCleanly(() => model.loadStateDict(new Uint8Array([1, 2, 3])), /safetensors/);
    same(model.predict(x), y0);
    model.loadStateDict(sd);
    same(model.predict(x), donor.predict(x));
    model.dispose();
    donor.dispose();
  });

  it('stream: a Bidirectional layer, a bad batch, and steps of the wrong size', () => {
    const bi = new Sequential([new Bidirectional(new LSTM({ inputSize: 4, units: 3, returnSequences: true })), new Dense({ units: 1 })]);
    failsCleanly(() => bi.stream(), /Bidirectional/, /whole sequence/);
    bi.dispose();

    const model = makeModel();
    const before = memoryInfo().liveBlocks;
    throwsLW(() => model.stream({ batch: 0 }), /batch must be a whole number from 1/);
    throwsLW(() => model.stream({ batch: 1.5 }), /batch must be a whole number from 1/);
    expect(memoryInfo().liveBlocks).toBe(before);

    const x = randomTensor([2, 5, 4], rng(3));
    const stepOf = (t: number) => {
      const s = new Float32Array(8);
      for (let b = 0; b < 2; b++) s.set(x.data.subarray((b * 5 + t) * 4, (b * 5 + t + 1) * 4), b * 4);
      return s;
    };
    const ref = model.stream({ batch: 2 });
    const want = [0, 1, 2].map((t) => ref.step(stepOf(t)).slice());
    const s = model.stream({ batch: 2 });
    expect(Array.from(s.step(stepOf(0)))).toEqual(Array.from(want[0]));
    const bads: [unknown, RegExp[]][] = [
      [new Float32Array(7), [/7 values/, /multiple of batch·features = 2·4/]],
      [new Float32Array(0), [/0 values/]],
      [new Float32Array(4), [/4 values/]],
      [Float32Array.from([1, 2, 3, 4, 5, 6, NaN, 8]), [/NaN/, /index 6\b/]],
      [[[1, 2, 3, 4]], [/\[2, 4\]/, /\[1,4\]/]],
      [[[1, 2, 3], [4, 5, 6]], [/\[2, 4\]/, /\[2,3\]/]],
      [{ shape: [2, 4], data: new Float64Array(8) }, [/Float32Array/]],
      [[[1, 2, 3, 4], [1, 2, 'x', 4]], [/expected a number/]],
    ];
    for (const [bad, patterns] of bads) failsCleanly(() => s.step(bad as Float32Array), ...patterns);
    // an `out` of the wrong size: rejected before the state moves on
    failsCleanly(() => s.step(stepOf(1), new Float32Array(3)), /out must be a Float32Array of 4 values/, /Float32Array of 3/);
    failsCleanly(() => s.step(stepOf(1), [0, 0, 0, 0] as unknown as Float32Array), /out must be a Float32Array of 4 values/);
    expect(s.steps).toBe(1);
    expect(Array.from(s.step(stepOf(1)))).toEqual(Array.from(want[1]));
    expect(Array.from(s.step(stepOf(2)))).toEqual(Array.from(want[2]));
    ref.dispose();
    s.dispose();
    model.dispose();
  });

  it('layer and model options are checked', () => {
    throwsLW(() => new LSTM({ inputSize: 4, units: 0 }), /units must be a whole number from 1 to/);
    throwsLW(() => new GRU({ inputSize: 0, units: 3 }), /inputSize must be a whole number from 1 to/);
    throwsLW(() => new LSTM(undefined as unknown as { units: number }), /units/);
    throwsLW(() => new Dense(undefined as unknown as { units: number }), /options \{ units \} are required/);
    throwsLW(() => new SimpleRNN({ units: 3, activation: 'softmax' as 'tanh' }), /activation/, /"softmax"/); // sigmoid, linear, … are Keras's and accepted (cells-variants.test.ts)
    throwsLW(() => new Dense({ units: 3, activation: 'gelu' as 'relu' }), /activation must be one of 'linear'.*; got "gelu"/);
    throwsLW(() => new Bidirectional(new Dense({ units: 3 }) as unknown as LSTM), /wraps an LSTM, GRU or SimpleRNN/);
    throwsLW(() => new Bidirectional(new LSTM({ units: 3 }), { mergeMode: 'max' as 'sum' }), /mergeMode must be one of 'concat', 'sum', 'mul', 'ave'; got "max"/);
    throwsLW(() => new Bidirectional(new LSTM({ units: 3 }), { merge: 'max' as 'sum' }), /merge must be one of 'concat', 'sum', 'mul', 'ave'; got "max"/);
    throwsLW(() => new Bidirectional(new LSTM({ units: 3 }), { merge: 'sum', mergeMode: 'sum' }), /give mergeMode only/);
    throwsLW(() => new Sequential([new LSTM({ units: 3 })]).summary(), /input size unknown/);
    throwsLW(() => new LSTM({ units: 3 }).getWeights(), /input size unknown/);
  });
});
