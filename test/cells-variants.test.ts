/**
 * The recurrent cells' Keras variants — activation, recurrentActivation,
 * useBias, goBackwards, unitForgetBias, GRU resetAfter: false — forward and
 * training on every backend.
 *
 * - Against TensorFlow.js (test/fixtures/cells/cells.json, made by
 *   make_cells.mjs there): outputs to 1e-5; the MSE loss and every weight's
 *   gradient (tf.variableGrads) to 1e-4 relative.
 * - What TF.js cannot express (Keras 3's relu6 hard sigmoid, the reset-after
 *   GRU with other activations) against test/reference64.ts, an
 *   independent float64 forward: outputs, and gradients by central
 *   finite differences of its loss.
 * - Bad options are clear errors.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRU, init, LSTM, SGD, Sequential, SimpleRNN, loadModel, type Layer } from '../src/index.js';
import { BACKENDS, maxAbsDiff, relErr, rng, throwsLW } from './helpers.js';
import { act64, forward64, loss64, toF64, type CellOptions64, type RefLayer } from './reference64.js';

interface T { shape: number[]; data: number[] }
interface FixtureLayer { className: 'LSTM' | 'GRU' | 'SimpleRNN'; options: Record<string, unknown>; weights: Record<string, T>; grads: Record<string, T> }
interface FixtureCase { name: string; layers: FixtureLayer[]; input: T; output: T; target: T; loss: number }
const fixture: { F: number; cases: FixtureCase[] } = JSON.parse(readFileSync(new URL('./fixtures/cells/cells.json', import.meta.url), 'utf8'));

const CLASSES = { LSTM, GRU, SimpleRNN };
const tensor = (t: T) => ({ shape: t.shape, data: Float32Array.from(t.data) });


function layerOf(l: FixtureLayer, i: number, inputSize?: number): Layer {
  return new CLASSES[l.className]({ ...l.options, inputSize, name: `l${i}` } as never);
}

/** Our model of a fixture case, its weights set from TF.js's (Keras layout). */
function modelOf(c: FixtureCase): Sequential {
  const m = new Sequential(c.layers.map((l, i) => layerOf(l, i, i === 0 ? fixture.F : undefined)));
  c.layers.forEach((l, i) => m.layers[i].setWeights(Object.fromEntries(Object.entries(l.weights).map(([k, t]) => [k, tensor(t)])), { from: 'keras' }));
  return m;
}

/**
 * TF.js's gradient of a layer (Keras layout) in PyTorch's names: through a scratch layer of the
 * same options, whose Keras → PyTorch conversion the forward cases check (with one bias, it all
 * lands in bias_ih).
 */
function torchGrads(l: FixtureLayer, I: number): Record<string, Float32Array> {
  const scratch = layerOf(l, 0, I);
  scratch.setWeights(Object.fromEntries(Object.entries(l.grads).map(([k, t]) => [k, tensor(t)])), { from: 'keras' });
  const w = scratch.getWeights({ to: 'torch' });
  scratch.dispose();
  return Object.fromEntries(Object.entries(w).map(([k, t]) => [k, t.data]));
}

describe.each(BACKENDS)('cell variants vs TensorFlow.js on %s', (backend) => {
  for (const c of fixture.cases) {
    it(`${c.name}: outputs to 1e-5, loss and gradients to 1e-4`, async () => {
      await init({ backend });
      const m = modelOf(c);
      const y = m.predict(tensor(c.input));
      expect(y.shape).toEqual(c.output.shape);
      expect(maxAbsDiff(y.data, c.output.data)).toBeLessThan(1e-5);

      m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
      const { loss, grads } = m.computeGradients(tensor(c.input), tensor(c.target));
      expect(Math.abs(loss - c.loss) / c.loss).toBeLessThan(1e-5);
      c.layers.forEach((l, i) => {
        const want = torchGrads(l, i === 0 ? fixture.F : (c.layers[i - 1].options.units as number));
        for (const [name, data] of Object.entries(want)) {
          if (name.startsWith('bias_hh') && !(l.className === 'GRU' && l.options.resetAfter !== false)) continue; // one bias: bias_ih holds it
          const got = grads[`l${i}.${name}`];
          expect(got, `l${i}.${name}`).toBeDefined();
          expect(relErr(got.data, data), `${c.name}: l${i}.${name}`).toBeLessThan(1e-4);
        }
        // no bias parameters, so no bias gradients
        if (l.options.useBias === false) expect(Object.keys(grads).filter((k) => k.startsWith(`l${i}.bias`))).toEqual([]);
      });
      m.dispose();
    });
  }
});

/** The reference64 layer of one of ours (its weights as PyTorch gives them). */
function ref(layer: LSTM | GRU | SimpleRNN, kind: RefLayer['kind'], cell: CellOptions64, returnSequences: boolean): RefLayer {
  return { kind, units: layer.units, returnSequences, cell, params: toF64(layer.getWeights({ to: 'torch' })) };
}

/** Cases TF.js cannot run: float64 reference forward, finite-difference gradients. */
const REFERENCE_CASES: { name: string; make: () => LSTM | GRU | SimpleRNN; kind: RefLayer['kind']; cell: CellOptions64 }[] = [
  {
    name: 'lstm with Keras 3 hard sigmoid gates (relu6), goBackwards',
    make: () => new LSTM({ inputSize: 3, units: 3, recurrentActivation: 'hard_sigmoid_relu6', goBackwards: true, returnSequences: true, seed: 3 }),
    kind: 'lstm', cell: { recurrentActivation: 'hard_sigmoid_relu6', goBackwards: true },
  },
  {
    name: 'gru reset after (PyTorch\'s) with hard_sigmoid gates and relu',
    make: () => new GRU({ inputSize: 3, units: 5, recurrentActivation: 'hard_sigmoid', activation: 'relu', returnSequences: true, seed: 4 }),
    kind: 'gru', cell: { recurrentActivation: 'hard_sigmoid', activation: 'relu' },
  },
  {
    name: 'gru reset after, relu6 hard sigmoid gates, no bias',
    make: () => new GRU({ inputSize: 3, units: 3, recurrentActivation: 'hard_sigmoid_relu6', useBias: false, returnSequences: true, seed: 5 }),
    kind: 'gru', cell: { recurrentActivation: 'hard_sigmoid_relu6' },
  },
  {
    name: 'gru reset before, relu6 hard sigmoid gates, linear',
    make: () => new GRU({ inputSize: 3, units: 3, resetAfter: false, recurrentActivation: 'hard_sigmoid_relu6', activation: 'linear', returnSequences: true, seed: 6 }),
    kind: 'gru', cell: { resetAfter: false, recurrentActivation: 'hard_sigmoid_relu6', activation: 'linear' },
  },
  {
    name: 'simple rnn hard_sigmoid_relu6, goBackwards',
    make: () => new SimpleRNN({ inputSize: 3, units: 4, activation: 'hard_sigmoid_relu6', goBackwards: true, returnSequences: true, seed: 7 }),
    kind: 'rnn-tanh', cell: { activation: 'hard_sigmoid_relu6', goBackwards: true },
  },
];

describe.each(BACKENDS)('cell variants vs the float64 reference on %s', (backend) => {
  for (const rc of REFERENCE_CASES) {
    it(`${rc.name}: outputs to 1e-5, gradients to finite differences`, async () => {
      await init({ backend });
      const r = rng(17);
      const B = 2, T = 4, F = 3;
      const x = Float32Array.from({ length: B * T * F }, () => r() * 2 - 1);
      const layer = rc.make();
      const m = new Sequential([layer]);
      const y = m.predict({ shape: [B, T, F], data: x });
      const refLayer = ref(layer, rc.kind, rc.cell, true);
      const seq = { B, T, F, data: Float64Array.from(x) };
      expect(maxAbsDiff(y.data, forward64([refLayer], seq).data)).toBeLessThan(1e-5);

      const target = Float32Array.from({ length: y.data.length }, () => r() * 0.5);
      m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
      const { grads } = m.computeGradients({ shape: [B, T, F], data: x }, { shape: y.shape, data: target });
      const loss = () => loss64('mse', forward64([refLayer], seq).data, Float64Array.from(target), layer.units);
      const eps = 1e-6;
      for (const [name, p] of Object.entries(refLayer.params)) {
        if (name.startsWith('bias_hh') && !(rc.kind === 'gru' && rc.cell.resetAfter !== false)) continue;
        const fd = p.map((_, i) => {
          const v = p[i];
          p[i] = v + eps; const up = loss();
          p[i] = v - eps; const down = loss();
          p[i] = v;
          return (up - down) / (2 * eps);
        });
        expect(relErr(grads[`${layer.name}.${name}`].data, fd), `${rc.name}: ${name}`).toBeLessThan(1e-3);
      }
      m.dispose();
    });
  }
});

describe('the two hard sigmoids', () => {
  it('differ where their slopes differ, agree at 0 and where both saturate', () => {
    expect(act64('hard_sigmoid', 0)).toBe(0.5);
    expect(act64('hard_sigmoid_relu6', 0)).toBe(0.5);
    expect(act64('hard_sigmoid', 1)).toBeCloseTo(0.7, 12);          // 0.2 slope
    expect(act64('hard_sigmoid_relu6', 1)).toBeCloseTo(4 / 6, 12);  // 1/6 slope
    expect(act64('hard_sigmoid', 2.6)).toBe(1);                      // saturated at 2.5
    expect(act64('hard_sigmoid_relu6', 2.6)).toBeCloseTo(5.6 / 6, 12); // not until 3
    expect(act64('hard_sigmoid', -4)).toBe(0);
    expect(act64('hard_sigmoid_relu6', -4)).toBe(0);
  });

  it.each(BACKENDS)('an LSTM with one differs from the same LSTM with the other (%s)', async (backend) => {
    await init({ backend });
    const x = { shape: [1, 3, 2], data: Float32Array.from([0.9, -1.3, 2.1, 0.4, -0.7, 1.8]) };
    const a = new LSTM({ inputSize: 2, units: 3, recurrentActivation: 'hard_sigmoid', seed: 9 });
    const b = new LSTM({ inputSize: 2, units: 3, recurrentActivation: 'hard_sigmoid_relu6', seed: 9 });
    expect(maxAbsDiff(a.forward(x).output.data, b.forward(x).output.data)).toBeGreaterThan(1e-3);
    a.dispose(); b.dispose();
  });
});

describe('options', () => {
  beforeAll(() => init({ backend: 'js' }));

  it('unitForgetBias: the forget gate bias starts at 1 (default) or 0; the others at 0', () => {
    const bias = (o: { unitForgetBias?: boolean }) => {
      const l = new LSTM({ inputSize: 2, units: 3, seed: 1, ...o });
      const b = Array.from(l.getWeights({ to: 'keras' }).bias.data); // Keras order i, f, c, o
      l.dispose();
      return b;
    };
    expect(bias({})).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(bias({ unitForgetBias: false })).toEqual(new Array(12).fill(0));
  });

  it('useBias: false has no bias tensors, parameters or summary count', () => {
    const l = new GRU({ inputSize: 2, units: 3, resetAfter: false, useBias: false });
    expect(Object.keys(l.getWeights({ to: 'keras' }))).toEqual(['kernel', 'recurrentKernel']);
    expect(Object.keys(l.getWeights({ to: 'torch' }))).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    expect(l.countParams()).toBe(3 * 3 * (2 + 3));
    throwsLW(() => l.setWeights({ ...l.getWeights({ to: 'keras' }), bias: { shape: [9], data: new Float32Array(9) } }, { from: 'keras' }), /bias/);
    l.dispose();
  });

  it('the reset-before GRU has Keras\'s one bias [3H] and PyTorch\'s bias_hh zeros; counts like Keras', () => {
    const l = new GRU({ inputSize: 2, units: 3, resetAfter: false, seed: 2 });
    expect(l.getWeights({ to: 'keras' }).bias.shape).toEqual([9]);
    expect(Array.from(l.getWeights({ to: 'torch' }).bias_hh_l0.data)).toEqual(new Array(9).fill(0));
    expect(l.countParams()).toBe(3 * 3 * (2 + 3 + 1)); // Keras: 3·(H·(I + H) + H)
    expect(new GRU({ inputSize: 2, units: 3 }).countParams()).toBe(3 * 3 * (2 + 3 + 2));
    l.dispose();
  });

  it('model.json keeps every option that differs from the default', async () => {
    const m = new Sequential([
      new LSTM({ inputSize: 2, units: 3, activation: 'relu', recurrentActivation: 'hard_sigmoid', goBackwards: true, useBias: false, returnSequences: true }),
      new GRU({ units: 2, resetAfter: false, recurrentActivation: 'hard_sigmoid_relu6', returnSequences: true }),
      new SimpleRNN({ units: 2, activation: 'linear' }),
    ]);
    const saved = m.save();
    const back = loadModel(JSON.stringify(saved.json), saved.weights);
    const x = { shape: [2, 3, 2], data: Float32Array.from({ length: 12 }, (_, i) => Math.sin(i)) };
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(m.predict(x).data));
    expect(back.layers.map((l) => l.config())).toEqual(m.layers.map((l) => l.config()));
    expect(m.layers[0].config()).toMatchObject({ activation: 'relu', recurrentActivation: 'hard_sigmoid', goBackwards: true, useBias: false });
    expect(m.layers[1].config()).toMatchObject({ resetAfter: false, recurrentActivation: 'hard_sigmoid_relu6' });
    m.dispose(); back.dispose();
  });

  it('bad options are clear errors', () => {
    throwsLW(() => new LSTM({ units: 2, activation: 'softmax' as never }), /activation must be one of 'tanh', 'relu', 'linear'/);
    throwsLW(() => new LSTM({ units: 2, activation: 'toString' as never }), /activation/);
    throwsLW(() => new GRU({ units: 2, recurrentActivation: 'tanh' as never }), /recurrentActivation must be one of 'sigmoid', 'hard_sigmoid', 'hard_sigmoid_relu6'/);
    throwsLW(() => new LSTM({ units: 2, resetAfter: false } as never), /unknown option "resetAfter"/);
    throwsLW(() => new SimpleRNN({ units: 2, recurrentActivation: 'sigmoid' } as never), /unknown option "recurrentActivation"/);
    throwsLW(() => new GRU({ units: 2, resetAfter: 'no' as never }), /resetAfter must be true or false/);
    throwsLW(() => new LSTM({ units: 2, useBias: 1 as never }), /useBias must be true or false/);
    throwsLW(() => new SimpleRNN({ units: 2, goBackwards: 'yes' as never }), /goBackwards must be true or false/);
    // a reset-after GRU given reset_after=False's weights says which option it needs
    const g = new GRU({ inputSize: 2, units: 3 });
    throwsLW(() => g.setWeights({ kernel: { shape: [2, 9], data: new Float32Array(18) }, recurrentKernel: { shape: [3, 9], data: new Float32Array(27) }, bias: { shape: [9], data: new Float32Array(9) } }, { from: 'keras' }), /resetAfter: false/);
    g.dispose();
  });
});
