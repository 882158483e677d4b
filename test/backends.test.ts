/**
 * The three backends agree (DESIGN: to 1e-5) on whole models through the
 * public API, over many random shapes per run: sizes that are not
 * multiples of 4, B=1, T=1, H=1, H=512, long sequences, every layer type,
 * stacked, bidirectional, with and without returnSequences. The js backend
 * is the reference; weights are set through getWeights/setWeights so all
 * three run the very same numbers.
 */
import { describe, expect, it } from 'vitest';
import { Bidirectional, Dense, GRU, init, LSTM, Sequential, SimpleRNN, type Layer, type Tensor } from '../src/index.js';
import { maxAbsDiff, randomTensor, rng } from './helpers.js';

const TOL = 1e-5;

type Spec = { kind: 'lstm' | 'gru' | 'rnn' | 'rnn-relu' | 'dense' | 'bi-lstm' | 'bi-gru'; units: number; seq: boolean };

function makeLayer(s: Spec, inputSize: number | undefined, seed: number): Layer {
  const o = { inputSize, units: s.units, returnSequences: s.seq, seed };
  switch (s.kind) {
    case 'lstm': return new LSTM(o);
    case 'gru': return new GRU(o);
    case 'rnn': return new SimpleRNN(o);
    case 'rnn-relu': return new SimpleRNN({ ...o, activation: 'relu' });
    case 'dense': return new Dense({ inputSize, units: s.units, activation: 'tanh', seed });
    case 'bi-lstm': return new Bidirectional(new LSTM(o));
    case 'bi-gru': return new Bidirectional(new GRU(o));
  }
}

/** Build the same model on one backend, copying weights from the reference model. */
async function buildOn(backendName: 'wasm-simd' | 'wasm' | 'js', specs: Spec[], inputSize: number, weightsFrom?: Sequential): Promise<Sequential> {
  await init({ backend: backendName });
  const model = new Sequential(specs.map((s, i) => makeLayer(s, i === 0 ? inputSize : undefined, 1000 + i)));
  model.build(inputSize);
  if (weightsFrom) model.layers.forEach((l, i) => l.setWeights(weightsFrom.layers[i].getWeights({ to: 'torch' }), { from: 'torch' }));
  return model;
}

/** A random stack: recurrent layers (all but the last with returnSequences), maybe a Dense head. */
function randomModel(r: (lo?: number, hi?: number) => number, maxUnits: number): Spec[] {
  const kinds: Spec['kind'][] = ['lstm', 'gru', 'rnn', 'rnn-relu', 'bi-lstm', 'bi-gru'];
  const depth = 1 + Math.floor(r(0, 2.99));
  const specs: Spec[] = [];
  for (let d = 0; d < depth; d++) {
    const kind = kinds[Math.floor(r(0, kinds.length - 0.01))];
    specs.push({ kind, units: 1 + Math.floor(r(0, maxUnits)), seq: d < depth - 1 || r(0, 1) < 0.5 });
  }
  if (r(0, 1) < 0.6) specs.push({ kind: 'dense', units: 1 + Math.floor(r(0, 6)), seq: false });
  return specs;
}

async function compare(specs: Spec[], shape: [number, number, number], seed: number): Promise<number> {
  const r = rng(seed);
  const x: Tensor = randomTensor(shape, r);
  const ref = await buildOn('js', specs, shape[2]);
  const want = ref.predict(x);
  let worst = 0;
  for (const b of ['wasm-simd', 'wasm'] as const) {
    const m = await buildOn(b, specs, shape[2], ref);
    const got = m.predict(x);
    expect(got.shape).toEqual(want.shape);
    const d = maxAbsDiff(got.data, want.data);
    if (!(d <= TOL)) throw new Error(`${b} vs js: max abs diff ${d} on ${JSON.stringify(specs)} x[${shape}]`);
    worst = Math.max(worst, d);
    m.dispose();
  }
  ref.dispose();
  return worst;
}

describe('wasm-simd and wasm agree with js', () => {
  it('on 40 random models and shapes', async () => {
    const r = rng(20261123);
    let worst = 0;
    for (let i = 0; i < 40; i++) {
      const specs = randomModel(r, 13);
      const B = 1 + Math.floor(r(0, 5)), T = 1 + Math.floor(r(0, 12)), F = 1 + Math.floor(r(0, 9));
      worst = Math.max(worst, await compare(specs, [B, T, F], 7 + i));
    }
    console.log(`random models: max abs diff vs js ${worst.toExponential(2)}`);
  });

  it('on the edges: B=1, T=1, H=1', async () => {
    await compare([{ kind: 'lstm', units: 1, seq: true }, { kind: 'gru', units: 1, seq: false }], [1, 1, 1], 1);
    await compare([{ kind: 'rnn', units: 1, seq: false }], [1, 1, 1], 2);
    await compare([{ kind: 'bi-lstm', units: 1, seq: false }, { kind: 'dense', units: 1, seq: false }], [1, 1, 3], 3);
  });

  it('with H = 512', async () => {
    await compare([{ kind: 'lstm', units: 512, seq: false }], [2, 3, 7], 4);
    await compare([{ kind: 'gru', units: 512, seq: true }], [1, 2, 5], 5);
  });

  it('over a long sequence (T = 400, batch 3)', async () => {
    await compare([{ kind: 'lstm', units: 24, seq: true }, { kind: 'lstm', units: 10, seq: false }, { kind: 'dense', units: 1, seq: false }], [3, 400, 4], 6);
  });
});
