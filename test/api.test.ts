/**
 * The public API does what it says: Keras's parameter counts in summary(),
 * nested arrays ≡ Tensors, weight export/import round trips in both
 * layouts, seeded initialization identical across backends, streaming ≡
 * predict on the prefix, state carried across forward calls, and input
 * sizes inferred inside a Sequential.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  Bidirectional, Dense, GRU, init, LSTM, Sequential, SimpleRNN, type Layer, type Tensor,
} from '../src/index.js';
import { BACKENDS, randomTensor, rng } from './helpers.js';

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

function sameTensor(a: Tensor, b: Tensor, what = ''): void {
  expect(a.shape, what).toEqual(b.shape);
  expect(bits(a.data), what).toEqual(bits(b.data));
}

/** Nested arrays of a tensor of any rank. */
function nested(t: Tensor): unknown {
  const build = (dim: number, offset: number): unknown => {
    if (dim === t.shape.length) return t.data[offset];
    const stride = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: t.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
  };
  return build(0, 0);
}

/** x[:, from:to, :] of a [B, T, F] tensor. */
function steps(x: Tensor, from: number, to: number): Tensor {
  const [B, T, F] = x.shape;
  const data = new Float32Array(B * (to - from) * F);
  for (let b = 0; b < B; b++) data.set(x.data.subarray((b * T + from) * F, (b * T + to) * F), b * (to - from) * F);
  return { shape: [B, to - from, F], data };
}

// Keras's formulas, written out independently of the library
const kerasLSTM = (i: number, u: number) => 4 * u * (i + u + 1);
const kerasGRU = (i: number, u: number) => 3 * u * (i + u + 2); // reset_after=True: two biases
const kerasRNN = (i: number, u: number) => u * (i + u + 1);
const kerasDense = (i: number, u: number) => u * (i + 1);

describe('summary() and countParams()', () => {
  beforeEach(async () => {
    await init({ backend: 'js' });
  });

  it('Keras\'s parameter counts (values Keras prints for these layers)', () => {
    expect(kerasLSTM(1, 50)).toBe(10400); // Keras: LSTM(50, input_shape=(10, 1)) → 10,400
    expect(kerasGRU(16, 32)).toBe(4800); // Keras 2.x GRU(32) on 16 features (reset_after=True) → 4,800
    const cases: [Layer, number][] = [
      [new LSTM({ inputSize: 1, units: 50 }), 10400],
      [new GRU({ inputSize: 16, units: 32 }), 4800],
      [new SimpleRNN({ inputSize: 3, units: 7 }), kerasRNN(3, 7)],
      [new Dense({ inputSize: 9, units: 3 }), kerasDense(9, 3)],
      [new Bidirectional(new LSTM({ inputSize: 5, units: 6 })), 2 * kerasLSTM(5, 6)],
      [new Bidirectional(new GRU({ inputSize: 5, units: 6 })), 2 * kerasGRU(5, 6)],
    ];
    for (const [l, n] of cases) {
      expect(l.countParams(), l.className).toBe(n);
      l.dispose();
    }
  });

  it('a stacked model: rows of name (type), output shape, params, and the total', () => {
    const model = new Sequential([
      new LSTM({ inputSize: 3, units: 5, returnSequences: true, name: 'enc' }),
      new GRU({ units: 4, name: 'mid' }),
      new Dense({ units: 2, activation: 'softmax', name: 'head' }),
    ], { name: 'm1' });
    const s = model.summary();
    const total = kerasLSTM(3, 5) + kerasGRU(5, 4) + kerasDense(4, 2);
    expect(total).toBe(180 + 132 + 10);
    expect(model.countParams()).toBe(total);
    const lines = s.split('\n');
    expect(lines[0]).toBe('Model: m1');
    const row = (name: string) => lines.find((l) => l.startsWith(name + ' '))!;
    expect(row('enc (LSTM)')).toMatch(/\[batch, time, 5\]\s+180$/);
    expect(row('mid (GRU)')).toMatch(/\[batch, 4\]\s+132$/);
    expect(row('head (Dense)')).toMatch(/\[batch, 2\]\s+10$/);
    expect(lines[lines.length - 1]).toBe(`Total params: ${total}`);
    model.dispose();
  });

  it('Bidirectional and SimpleRNN, with a Dense on every step', () => {
    const model = new Sequential([
      new Bidirectional(new LSTM({ inputSize: 3, units: 6, returnSequences: true }), { name: 'bi' }),
      new SimpleRNN({ units: 7, returnSequences: true, name: 'rnn' }),
      new Dense({ units: 1, name: 'out' }),
    ]);
    const s = model.summary();
    expect(s).toMatch(/bi \(Bidirectional\)\s+\[batch, time, 12\]\s+480\n/);
    expect(2 * kerasLSTM(3, 6)).toBe(480);
    expect(s).toMatch(new RegExp(`rnn \\(SimpleRNN\\)\\s+\\[batch, time, 7\\]\\s+${kerasRNN(12, 7)}\\n`));
    expect(s).toMatch(new RegExp(`out \\(Dense\\)\\s+\\[batch, time, 1\\]\\s+${kerasDense(7, 1)}\\n`));
    expect(s).toMatch(new RegExp(`Total params: ${480 + kerasRNN(12, 7) + kerasDense(7, 1)}$`));
    // the shapes it prints are the shapes predict returns
    expect(model.predict(randomTensor([2, 4, 3], rng(1))).shape).toEqual([2, 4, 1]);
    model.dispose();
  });
});

describe('input sizes inferred inside a Sequential', () => {
  beforeEach(async () => {
    await init({ backend: 'js' });
  });

  it('each layer takes the size of the one before; the first takes it from data', () => {
    const layers = [
      new LSTM({ units: 5, returnSequences: true }),
      new Bidirectional(new GRU({ units: 3, returnSequences: true })),
      new SimpleRNN({ units: 4 }),
      new Dense({ units: 2 }),
    ];
    const model = new Sequential(layers);
    expect(layers.map((l) => l.inputSize)).toEqual([undefined, 5, 6, 4]);
    const y = model.predict(randomTensor([3, 2, 7], rng(1)));
    expect(y.shape).toEqual([3, 2]);
    expect(layers[0].inputSize).toBe(7);
    expect(model.inputSize).toBe(7);
    expect(model.countParams()).toBe(kerasLSTM(7, 5) + 2 * kerasGRU(5, 3) + kerasRNN(6, 4) + kerasDense(4, 2));
    expect(() => model.predict(randomTensor([3, 2, 6], rng(1)))).toThrow(/6 features but the model expects 7/);
    model.dispose();
  });

  it('an explicit inputSize that disagrees with the layer before is an error', () => {
    expect(() => new Sequential([new LSTM({ inputSize: 3, units: 5 }), new Dense({ inputSize: 4, units: 1 })])).toThrow(/expects 4 input features but lstm\w* before it gives 5/);
  });

  it('a layer that inferred its size works standalone like one that was given it', () => {
    const model = new Sequential([new GRU({ inputSize: 3, units: 4, returnSequences: true, seed: 1 }), new LSTM({ units: 2, seed: 2 })]);
    const x = randomTensor([2, 5, 3], rng(4));
    const y = model.predict(x);
    const [g, l] = model.layers as [GRU, LSTM];
    sameTensor(l.forward(g.forward(x).output).output, y);
    model.dispose();
  });
});

/** Layers of every kind, seeded, on 4 input features. */
const kinds: [string, (seed: number) => Layer][] = [
  ['LSTM', (seed) => new LSTM({ inputSize: 4, units: 6, returnSequences: true, seed })],
  ['GRU', (seed) => new GRU({ inputSize: 4, units: 5, returnSequences: true, seed })],
  ['SimpleRNN', (seed) => new SimpleRNN({ inputSize: 4, units: 7, returnSequences: true, seed })],
  ['SimpleRNN relu', (seed) => new SimpleRNN({ inputSize: 4, units: 3, activation: 'relu', seed })],
  ['Dense', (seed) => new Dense({ inputSize: 4, units: 3, activation: 'sigmoid', seed })],
  ['Bidirectional LSTM', (seed) => new Bidirectional(new LSTM({ inputSize: 4, units: 3, returnSequences: true, seed }))],
  ['Bidirectional GRU', (seed) => new Bidirectional(new GRU({ inputSize: 4, units: 2, seed }))],
];

const run = (l: Layer, x: Tensor): Tensor => (l instanceof Dense ? l.forward(x) : (l as LSTM).forward(x).output);

describe.each(BACKENDS)('weights and inputs on %s', (backendName) => {
  beforeEach(async () => {
    await init({ backend: backendName });
  });

  it.each(kinds)('%s: getWeights → setWeights round trips in the torch and the keras layout', (_kind, make) => {
    const x = randomTensor([2, 5, 4], rng(9));
    const src = make(1);
    const want = run(src, x);
    for (const to of ['torch', 'keras'] as const) {
      const w = src.getWeights({ to });
      const dst = make(2);
      expect(bits(run(dst, x).data)).not.toEqual(bits(want.data)); // other seed, other output: the load matters
      dst.setWeights(w, { from: to });
      sameTensor(run(dst, x), want, `${to} round trip`);
      // what comes out is what went in, bit for bit, in both layouts
      for (const f of ['torch', 'keras'] as const) {
        const a = src.getWeights({ to: f }), b = dst.getWeights({ to: f });
        expect(Object.keys(b)).toEqual(Object.keys(a));
        for (const k of Object.keys(a)) sameTensor(b[k], a[k], `${to} → ${f} ${k}`);
      }
      dst.dispose();
    }
    src.dispose();
  });

  it('torch export of LSTM and SimpleRNN folds bias_hh into bias_ih (their sum is what counts)', () => {
    const r = rng(5);
    const w = { weight_ih_l0: randomTensor([16, 4], r), weight_hh_l0: randomTensor([16, 4], r), bias_ih_l0: randomTensor([16], r), bias_hh_l0: randomTensor([16], r) };
    const lstm = new LSTM({ inputSize: 4, units: 4 });
    lstm.setWeights(w);
    const out = lstm.getWeights();
    expect(Array.from(out.bias_ih_l0.data)).toEqual(Array.from(w.bias_ih_l0.data.map((v, i) => v + w.bias_hh_l0.data[i])));
    expect(Array.from(out.bias_hh_l0.data)).toEqual(new Array(16).fill(0));
    // GRU keeps them apart: b_hn sits inside the reset gate
    const g = { weight_ih_l0: randomTensor([12, 4], r), weight_hh_l0: randomTensor([12, 4], r), bias_ih_l0: randomTensor([12], r), bias_hh_l0: randomTensor([12], r) };
    const gru = new GRU({ inputSize: 4, units: 4 });
    gru.setWeights(g);
    const gOut = gru.getWeights();
    for (const k of Object.keys(g) as (keyof typeof g)[]) sameTensor(gOut[k], g[k], k);
    // biases are optional (nn.LSTM(bias=False)): zeros
    const noBias = new LSTM({ inputSize: 4, units: 4 });
    noBias.setWeights({ weight_ih_l0: w.weight_ih_l0, weight_hh_l0: w.weight_hh_l0 });
    expect(Array.from(noBias.getWeights().bias_ih_l0.data)).toEqual(new Array(16).fill(0));
    lstm.dispose();
    gru.dispose();
    noBias.dispose();
  });

  it('nested arrays and Tensors give the same results everywhere', () => {
    const x = randomTensor([3, 4, 2], rng(7));
    const h = randomTensor([3, 5], rng(8)), c = randomTensor([3, 5], rng(9));
    const lstm = new LSTM({ inputSize: 2, units: 5, returnSequences: true, seed: 3 });
    const a = lstm.forward(x, { h, c });
    const b = lstm.forward(nested(x) as number[][][], { h: nested(h) as number[][], c: nested(c) as number[][] });
    sameTensor(b.output, a.output);
    sameTensor(b.h, a.h);
    sameTensor(b.c!, a.c!);
    // PyTorch's [1, B, H] state shape too
    sameTensor(lstm.forward(x, { h: { shape: [1, 3, 5], data: h.data }, c: { shape: [1, 3, 5], data: c.data } }).output, a.output);
    const model = new Sequential([new GRU({ inputSize: 2, units: 3, seed: 4 }), new Dense({ units: 2, seed: 5 })]);
    sameTensor(model.predict(nested(x) as number[][][]), model.predict(x));
    const dense = new Dense({ inputSize: 2, units: 3, seed: 6 });
    const x2 = randomTensor([5, 2], rng(10));
    sameTensor(dense.forward(nested(x2) as number[][]), dense.forward(x2));
    // a Dense on [B, T, F] acts on every step: same as on the [B·T, F] rows
    sameTensor(dense.forward(x), { shape: [3, 4, 3], data: dense.forward({ shape: [12, 2], data: x.data }).data });
    lstm.dispose();
    model.dispose();
    dense.dispose();
  });

  it('state carries across forward calls: two halves with (h, c) handed over equal the whole', () => {
    const x = randomTensor([2, 9, 3], rng(11));
    for (const make of [
      () => new LSTM({ inputSize: 3, units: 5, returnSequences: true, seed: 1 }),
      () => new GRU({ inputSize: 3, units: 5, returnSequences: true, seed: 2 }),
      () => new SimpleRNN({ inputSize: 3, units: 5, returnSequences: true, seed: 3 }),
    ]) {
      const l = make();
      const whole = l.forward(x);
      const first = l.forward(steps(x, 0, 4));
      const second = l.forward(steps(x, 4, 9), { h: first.h, c: first.c });
      sameTensor(first.output, steps(whole.output, 0, 4), `${l.className} first half`);
      sameTensor(second.output, steps(whole.output, 4, 9), `${l.className} second half`);
      sameTensor(second.h, whole.h, `${l.className} h`);
      if (whole.c) sameTensor(second.c!, whole.c, 'c');
      l.dispose();
    }
  });
});

describe('seeded initialization', () => {
  it.each(kinds)('%s: the same seed gives identical weights on every backend; another seed differs', async (_kind, make) => {
    const per: Record<string, Record<string, Tensor>> = {};
    for (const b of BACKENDS) {
      await init({ backend: b });
      // layers made before on this backend must not change what a seed gives
      new LSTM({ inputSize: 2, units: 2 }).dispose();
      const l = make(1234);
      per[b] = l.getWeights();
      l.dispose();
    }
    const ref = per.js;
    for (const b of BACKENDS) for (const k of Object.keys(ref)) sameTensor(per[b][k], ref[k], `${b} ${k}`);
    await init({ backend: 'js' });
    const other = make(1235);
    const ow = other.getWeights();
    const kernel = Object.keys(ref).find((k) => /weight|kernel/.test(k))!;
    expect(bits(ow[kernel].data)).not.toEqual(bits(ref[kernel].data));
    other.dispose();
  });

  it('initial values follow Keras: glorot-uniform bounds, orthogonal recurrent kernel, LSTM forget bias 1', async () => {
    await init({ backend: 'js' });
    const H = 6, I = 4;
    const lstm = new LSTM({ inputSize: I, units: H, seed: 7 });
    const w = lstm.getWeights();
    const limit = Math.sqrt(6 / (I + 4 * H));
    expect(Math.max(...w.weight_ih_l0.data.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...w.weight_ih_l0.data.map(Math.abs))).toBeGreaterThan(limit / 2);
    expect(Array.from(w.bias_ih_l0.data)).toEqual([...new Array(H).fill(0), ...new Array(H).fill(1), ...new Array(2 * H).fill(0)]);
    // Keras's recurrent kernel [H, 4H] has orthonormal rows: here weight_hh [4H, H] has orthonormal columns
    const U = w.weight_hh_l0.data;
    for (let a = 0; a < H; a++) {
      for (let b = 0; b < H; b++) {
        let dot = 0;
        for (let r = 0; r < 4 * H; r++) dot += U[r * H + a] * U[r * H + b];
        expect(Math.abs(dot - (a === b ? 1 : 0)), `column ${a}·${b}`).toBeLessThan(1e-5);
      }
    }
    lstm.dispose();
  });
});

describe.each(BACKENDS)('streaming on %s', (backendName) => {
  beforeEach(async () => {
    await init({ backend: backendName });
  });

  const models: [string, () => Sequential][] = [
    ['LSTM(seq) → Dense: an output per step', () => new Sequential([new LSTM({ inputSize: 3, units: 5, returnSequences: true, seed: 1 }), new Dense({ units: 2, seed: 2 })])],
    ['GRU(seq) → SimpleRNN → Dense: the last step', () => new Sequential([new GRU({ inputSize: 3, units: 6, returnSequences: true, seed: 3 }), new SimpleRNN({ units: 4, seed: 4 }), new Dense({ units: 2, activation: 'tanh', seed: 5 })])],
    ['LSTM → LSTM, last step', () => new Sequential([new LSTM({ inputSize: 3, units: 4, returnSequences: true, seed: 6 }), new LSTM({ units: 3, seed: 7 })])],
  ];

  it.each(models)('%s: step by step and in chunks of 3 equals predict on each prefix; reset() restarts', (_name, make) => {
    const model = make();
    const B = 2, T = 10, F = 3;
    const x = randomTensor([B, T, F], rng(12));
    const full = model.predict(x);
    const perStep = full.shape.length === 3;
    const U = full.shape[full.shape.length - 1];
    /** What the stream must give after steps [from, to): predict on the prefix, restricted to those steps. */
    const expected = (from: number, to: number): Tensor => {
      const p = model.predict(steps(x, 0, to));
      return perStep ? steps(p, from, to) : p;
    };
    const stream = model.stream({ batch: B });
    for (let pass = 0; pass < 2; pass++) {
      for (let t = 0; t < T; t++) {
        const step = steps(x, t, t + 1);
        // one step as [B, F] nested arrays on the first pass, as a flat Float32Array on the second
        const y = pass === 0 ? stream.step(nested({ shape: [B, F], data: step.data }) as number[][]) : stream.step(step.data);
        const want = expected(t, t + 1);
        expect(bits(y), `pass ${pass} step ${t}`).toEqual(bits(want.data));
      }
      expect(stream.steps).toBe(T);
      stream.reset(); // the second pass must give the same as the first
      expect(stream.steps).toBe(0);
    }
    // chunks of 3 steps (the last chunk 1), as [B, steps, F] tensors
    for (let t = 0; t < T; t += 3) {
      const to = Math.min(T, t + 3);
      const y = stream.step(steps(x, t, to));
      expect(bits(y), `chunk ${t}..${to}`).toEqual(bits(expected(t, to).data));
      expect(y.length).toBe(B * (perStep ? to - t : 1) * U);
    }
    // the output array is reused when no `out` is given; `out` is filled and returned
    const out = new Float32Array(B * U);
    stream.reset();
    const r = stream.step(steps(x, 0, 1).data, out);
    expect(r).toBe(out);
    expect(bits(out)).toEqual(bits(expected(0, 1).data));
    stream.dispose();
    model.dispose();
  });

  it('two streams of one model keep separate states', () => {
    const model = models[0][1]();
    const x = randomTensor([1, 6, 3], rng(13)), z = randomTensor([1, 6, 3], rng(14));
    const a = model.stream(), b = model.stream();
    let ya = new Float32Array(0), yb = new Float32Array(0);
    for (let t = 0; t < 6; t++) {
      ya = a.step(steps(x, t, t + 1).data).slice();
      yb = b.step(steps(z, t, t + 1).data).slice();
    }
    expect(bits(ya)).toEqual(bits(steps(model.predict(x), 5, 6).data));
    expect(bits(yb)).toEqual(bits(steps(model.predict(z), 5, 6).data));
    model.dispose();
  });
});
