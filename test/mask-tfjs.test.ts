/**
 * Masking against TensorFlow.js (test/fixtures/mask/mask.json, made by
 * make_mask.mjs there): Masking → LSTM / GRU (reset before) / SimpleRNN /
 * Bidirectional, returning all steps or the last, → Dense on every step,
 * on inputs padded in the middle of the sequences, at their starts and at
 * their ends. Outputs to 1e-5, and the masked MSE loss and every weight's
 * gradient (tf.variableGrads) to 1e-5 relative, on every backend.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Bidirectional, Dense, GRU, init, LSTM, Masking, SGD, Sequential, SimpleRNN, type Layer } from '../src/index.js';
import { BACKENDS, maxAbsDiff, relErr } from './helpers.js';

interface T { shape: number[]; data: number[] }
interface FixtureLayer { className: 'LSTM' | 'GRU' | 'SimpleRNN' | 'Dense'; units: number; bidirectional?: 'concat' | 'sum'; [option: string]: unknown }
interface FixtureWeight { name: string; value: T; grad: T }
interface FixtureCase { name: string; maskValue: number; layers: FixtureLayer[]; weights: FixtureWeight[]; input: T; output: T; target: T; loss: number }
const fixture: { F: number; cases: FixtureCase[] } = JSON.parse(readFileSync(new URL('./fixtures/mask/mask.json', import.meta.url), 'utf8'));

const tensor = (t: T) => ({ shape: t.shape, data: Float32Array.from(t.data) });

function layerOf({ className, bidirectional, ...options }: FixtureLayer, name: string): Layer {
  if (className === 'Dense') return new Dense({ units: options.units, name });
  const Ctor = { LSTM, GRU, SimpleRNN }[className];
  const inner = new Ctor({ ...options, name, unitForgetBias: false } as never);
  return bidirectional ? new Bidirectional(inner, { mergeMode: bidirectional, name: `${name}_bi` }) : inner;
}

/** A layer's weights in TF.js's list (in model order) under our Keras names, by `pick` (value or grad). */
function kerasWeights(l: FixtureLayer, list: FixtureWeight[], pick: 'value' | 'grad') {
  const own = list.splice(0, l.className === 'Dense' ? 2 : l.bidirectional ? 6 : 3);
  return Object.fromEntries(own.map((w) => {
    const leaf = w.name.split('/').at(-1)!;
    const side = !l.bidirectional ? '' : w.name.includes('/forward_') ? 'forward/' : 'backward/';
    return [side + leaf, tensor(w[pick])];
  }));
}

/** Our model of a case: Masking, then the layers with TF.js's weights. */
function modelOf(c: FixtureCase): Sequential {
  const m = new Sequential([new Masking({ maskValue: c.maskValue, inputSize: fixture.F }), ...c.layers.map((l, i) => layerOf(l, `l${i}`))]);
  const list = [...c.weights];
  c.layers.forEach((l, i) => m.layers[i + 1].setWeights(kerasWeights(l, list, 'value'), { from: 'keras' }));
  return m;
}

/** TF.js's gradients of a case in our names (model.layer.torchName), through a scratch model of the same layers. */
function torchGrads(c: FixtureCase): Record<string, Float32Array> {
  const scratch = modelOf(c), list = [...c.weights], out: Record<string, Float32Array> = {};
  c.layers.forEach((l, i) => {
    const layer = scratch.layers[i + 1];
    layer.setWeights(kerasWeights(l, list, 'grad'), { from: 'keras' });
    for (const [k, t] of Object.entries(layer.getWeights({ to: 'torch' }))) out[`${layer.name}.${k}`] = t.data;
  });
  scratch.dispose();
  return out;
}


describe.each(BACKENDS)('Masking vs TensorFlow.js on %s', (backend) => {
  for (const c of fixture.cases) {
    it(`${c.name}: outputs to 1e-5, masked loss and gradients to 1e-5`, async () => {
      await init({ backend });
      const m = modelOf(c);
      const y = m.predict(tensor(c.input));
      expect(y.shape).toEqual(c.output.shape);
      expect(maxAbsDiff(y.data, c.output.data)).toBeLessThan(1e-5);

      m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
      const { loss, grads } = m.computeGradients(tensor(c.input), tensor(c.target));
      expect(Math.abs(loss - c.loss) / c.loss).toBeLessThan(1e-5);
      for (const [name, want] of Object.entries(torchGrads(c))) {
        // one bias kept (LSTM, SimpleRNN, the reset-before GRU): bias_ih holds it all, bias_hh is its copy
        if (name.includes('bias_hh')) continue;
        expect(grads[name], name).toBeDefined();
        expect(relErr(grads[name].data, want), name).toBeLessThan(1e-5);
      }
      m.dispose();
    });
  }
});
