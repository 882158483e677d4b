/**
 * Every layer's backward kernels against central finite differences of an
 * independent float64 forward pass (test/reference64.ts): every parameter
 * of tiny models — stacked, bidirectional, returnSequences on and off,
 * every loss — on every backend, to 1e-4 relative to each tensor's scale.
 */
import { describe, expect, it } from 'vitest';
import { Bidirectional, Dense, GRU, LSTM, SGD, Sequential, SimpleRNN, type Layer, type LossName } from '../src/index.js';
import { forward64, loss64, toF64, type RefLayer, type Seq } from './reference64.js';
import { BUILDS, initBuild, rng } from './helpers.js';

type Kind = RefLayer['kind'];
interface Spec { kind: Kind; units: number; returnSequences?: boolean; activation?: RefLayer['activation'] }
interface Case { name: string; layers: Spec[]; shape: [number, number, number]; loss: LossName }

const CASES: Case[] = [
  { name: 'LSTM(seq) → Dense, mse', layers: [{ kind: 'lstm', units: 5, returnSequences: true }, { kind: 'dense', units: 2 }], shape: [2, 4, 3], loss: 'mse' },
  { name: 'GRU → Dense(tanh), huber', layers: [{ kind: 'gru', units: 5 }, { kind: 'dense', units: 1, activation: 'tanh' }], shape: [3, 5, 3], loss: 'huber' },
  { name: 'RNN tanh(seq) → RNN relu → Dense, mae', layers: [{ kind: 'rnn-tanh', units: 3, returnSequences: true }, { kind: 'rnn-relu', units: 4 }, { kind: 'dense', units: 1 }], shape: [2, 6, 2], loss: 'mae' },
  { name: 'Bi-LSTM(seq) → Bi-GRU → Dense(softmax), categorical crossentropy', layers: [{ kind: 'bi-lstm', units: 4, returnSequences: true }, { kind: 'bi-gru', units: 3 }, { kind: 'dense', units: 3, activation: 'softmax' }], shape: [2, 3, 3], loss: 'categoricalCrossentropy' },
  { name: 'LSTM(seq) → Dense(sigmoid) per step, binary crossentropy', layers: [{ kind: 'lstm', units: 3, returnSequences: true }, { kind: 'dense', units: 1, activation: 'sigmoid' }], shape: [2, 4, 2], loss: 'binaryCrossentropy' },
  { name: 'LSTM(seq) → LSTM → Dense, mse (the forecasting stack)', layers: [{ kind: 'lstm', units: 6, returnSequences: true }, { kind: 'lstm', units: 5 }, { kind: 'dense', units: 1 }], shape: [3, 7, 2], loss: 'mse' },
  { name: 'GRU(seq) last, mse on every step', layers: [{ kind: 'gru', units: 2, returnSequences: true }], shape: [2, 5, 3], loss: 'mse' },
];

function makeLayer(s: Spec, i: number): Layer {
  const o = { units: s.units, returnSequences: s.returnSequences, seed: 100 + i, name: `l${i}` };
  switch (s.kind) {
    case 'lstm': return new LSTM(o);
    case 'gru': return new GRU(o);
    case 'rnn-tanh': return new SimpleRNN(o);
    case 'rnn-relu': return new SimpleRNN({ ...o, activation: 'relu' });
    case 'dense': return new Dense({ units: s.units, activation: s.activation, seed: 100 + i, name: `l${i}` });
    case 'bi-lstm': return new Bidirectional(new LSTM(o), { name: `l${i}` });
    case 'bi-gru': return new Bidirectional(new GRU(o), { name: `l${i}` });
  }
}

/** Targets that suit the loss: one-hot rows, 0/1 labels, or values. */
function targets(c: Case, n: number, cols: number, r: (lo?: number, hi?: number) => number): Float32Array {
  const y = new Float32Array(n);
  for (let i = 0; i < n; i += cols) {
    if (c.loss === 'categoricalCrossentropy') y[i + Math.floor(r(0, cols - 0.001))] = 1;
    else for (let j = 0; j < cols; j++) y[i + j] = c.loss === 'binaryCrossentropy' ? (r(0, 1) < 0.5 ? 0 : 1) : r(-1, 1);
  }
  return y;
}

describe.each(BUILDS)('backward kernels vs float64 finite differences on %s', (backendName) => {
  it.each(CASES)('$name', async (c) => {
    await initBuild(backendName);
    const [B, T, F] = c.shape;
    const model = new Sequential(c.layers.map(makeLayer));
    model.layers[0].setInputSize(F);
    model.compile({ optimizer: new SGD(), loss: c.loss });
    const r = rng(99);
    const x = new Float32Array(B * T * F).map(() => r(-1, 1));
    // the output keeps the time axis when the last recurrent layer returns sequences
    const lastRecurrent = [...c.layers].reverse().find((l) => l.kind !== 'dense')!;
    const lastSeq = lastRecurrent.returnSequences ?? false;
    const cols = model.outputSize;
    const yShape = lastSeq ? [B, T, cols] : [B, cols];
    const y = targets(c, yShape.reduce((a, b) => a * b, 1), cols, r);
    const { loss, grads } = model.computeGradients({ shape: [B, T, F], data: x }, { shape: yShape, data: y });

    const ref: RefLayer[] = model.layers.map((l, i) => ({ ...c.layers[i], params: toF64(l.getWeights({ to: 'torch' })) }));
    const seq: Seq = { B, T, F, data: Float64Array.from(x) };
    const y64 = Float64Array.from(y);
    const L = () => loss64(c.loss, forward64(ref, seq).data, y64, cols);
    expect(Math.abs(loss - L())).toBeLessThan(1e-5 * Math.max(1, Math.abs(L())));

    const eps = 1e-6;
    let worst = 0;
    ref.forEach((layer, li) => {
      for (const [pname, p] of Object.entries(layer.params)) {
        const fd = new Float64Array(p.length);
        for (let i = 0; i < p.length; i++) {
          const keep = p[i];
          p[i] = keep + eps;
          const up = L();
          p[i] = keep - eps;
          const down = L();
          p[i] = keep;
          fd[i] = (up - down) / (2 * eps);
        }
        const ours = grads[`l${li}.${pname}`];
        expect(ours, `gradient l${li}.${pname}`).toBeDefined();
        let d = 0, scale = 1e-3; // tensors whose gradients are all tiny are compared in absolute terms
        for (let i = 0; i < p.length; i++) {
          d = Math.max(d, Math.abs(ours.data[i] - fd[i]));
          scale = Math.max(scale, Math.abs(fd[i]));
        }
        worst = Math.max(worst, d / scale);
        expect(d / scale, `l${li}.${pname}: max diff ${d} at scale ${scale}`).toBeLessThan(1e-4);
      }
    });
    if (process.env.SHOW_DIFFS) console.log(`${backendName} ${c.name}: worst relative error ${worst.toExponential(2)}`);
    model.dispose();
  });
});
