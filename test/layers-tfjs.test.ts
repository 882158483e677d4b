/**
 * Bidirectional's merge modes, RepeatVector, Dropout and Dense without a
 * bias against TensorFlow.js: the models of test/fixtures/layers/make_layers.mjs
 * built with our API, given TF.js's weights (Keras layout), must give
 * TF.js's predictions, mse loss and weight gradients, on every backend.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import {
  Bidirectional, Dense, Dropout, init, LSTM, RepeatVector, Sequential, type Layer, type MergeMode, type Tensor,
} from '../src/index.js';
import { BACKENDS, expectClose } from './helpers.js';

interface Plain { shape: number[]; data: number[] }
interface Case {
  name: string;
  weights: { className: string; weights: Record<string, Plain> }[];
  input: Plain;
  output: Plain;
  target: Plain;
  loss: number;
  gradients: Record<string, Plain>[];
}

const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/layers/layers.json', import.meta.url), 'utf8')) as { cases: Case[] };
const TOL = 1e-5;

const tensor = (p: Plain): Tensor => ({ shape: p.shape, data: Float32Array.from(p.data) });

/**
 * Our model for each case (fixture names are make_layers.mjs's). `dropoutRate`
 * replaces the Dropout rates: the gradients were taken by TF.js with
 * Dropout off, which for a training step of ours is rate 0.
 */
function build(name: string, dropoutRate?: number): Sequential {
  const m = /^bidirectional_(\w+)_(sequences|last)$/.exec(name);
  if (m) {
    const lstm = new LSTM({ inputSize: 2, units: 3, returnSequences: m[2] === 'sequences', seed: 1 });
    return new Sequential([new Bidirectional(lstm, { mergeMode: m[1] as MergeMode }), new Dense({ units: 2, seed: 2 })]);
  }
  if (name === 'autoencoder') {
    return new Sequential([
      new LSTM({ inputSize: 2, units: 4, seed: 1 }),
      new RepeatVector({ n: 3 }),
      new LSTM({ units: 4, returnSequences: true, seed: 2 }),
      new Dense({ units: 2, seed: 3 }), // TimeDistributed(Dense): Dense already acts on every step
    ]);
  }
  if (name === 'dropout_dense_no_bias') {
    return new Sequential([
      new LSTM({ inputSize: 2, units: 4, returnSequences: true, seed: 1 }),
      new Dropout({ rate: dropoutRate ?? 0.3, seed: 7 }),
      new Dense({ units: 3, useBias: false, activation: 'tanh', seed: 2 }),
      new Dropout({ rate: dropoutRate ?? 0.5, seed: 8 }),
      new Dense({ units: 1, useBias: false, seed: 3 }),
    ]);
  }
  throw new Error(`no model for fixture ${name}`);
}

/** TF.js's weights into our model's layers that have weights, in order. */
function setKerasWeights(model: Sequential, c: Case): void {
  const weighted = model.layers.filter((l: Layer) => l.hasWeights);
  if (weighted.length !== c.weights.length) throw new Error(`${c.name}: ${weighted.length} layers with weights, fixture has ${c.weights.length}`);
  weighted.forEach((l, i) => l.setWeights(Object.fromEntries(Object.entries(c.weights[i].weights).map(([k, v]) => [k, tensor(v)])), { from: 'keras' }));
}

function transpose(p: Plain): Tensor {
  const [r, k] = p.shape, data = new Float32Array(r * k);
  for (let i = 0; i < r; i++) for (let j = 0; j < k; j++) data[j * r + i] = p.data[i * k + j];
  return { shape: [k, r], data };
}

/**
 * TF.js's gradients (Keras names and layout) under PyTorch's names and layout,
 * as computeGradients gives them: kernels transposed (the gate order i, f, g, o
 * is the same), and the one Keras bias's gradient for both PyTorch biases.
 */
function torchGradients(model: Sequential, c: Case): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  const weighted = model.layers.filter((l: Layer) => l.hasWeights);
  weighted.forEach((layer, i) => {
    for (const [k, g] of Object.entries(c.gradients[i])) {
      const [dir, param] = k.includes('/') ? k.split('/') : ['', k];
      const suffix = layer.className === 'Dense' ? '' : dir === 'backward' ? '_l0_reverse' : '_l0';
      const at = (n: string) => `${layer.name}.${n}${suffix}`;
      if (layer.className === 'Dense') out[at(param === 'kernel' ? 'weight' : 'bias')] = param === 'kernel' ? transpose(g) : tensor(g);
      else if (param === 'kernel') out[at('weight_ih')] = transpose(g);
      else if (param === 'recurrent_kernel') out[at('weight_hh')] = transpose(g);
      else out[at('bias_ih')] = out[at('bias_hh')] = tensor(g);
    }
  });
  return out;
}

describe.each(BACKENDS)('layers against TensorFlow.js on %s', (backend) => {
  it.each(FIXTURE.cases.map((c) => [c.name, c] as const))('%s: predict', async (_name, c) => {
    await init({ backend });
    using model = build(c.name);
    setKerasWeights(model, c);
    expectClose(model.predict(tensor(c.input)), c.output, TOL, `${c.name} predict`);
  });

  it.each(FIXTURE.cases.map((c) => [c.name, c] as const))('%s: loss and gradients', async (_name, c) => {
    await init({ backend });
    using model = build(c.name, 0);
    setKerasWeights(model, c);
    model.compile({ loss: 'mse' });
    const { loss, grads } = model.computeGradients(tensor(c.input), tensor(c.target));
    expectClose({ shape: [], data: Float32Array.of(loss) }, { shape: [], data: [c.loss] }, TOL, `${c.name} loss`);
    const want = torchGradients(model, c);
    const names = Object.keys(grads).sort();
    if (JSON.stringify(names) !== JSON.stringify(Object.keys(want).sort())) throw new Error(`${c.name}: gradients ${names} but TF.js gives ${Object.keys(want).sort()}`);
    for (const k of names) expectClose(grads[k], want[k], TOL, `${c.name} ∂loss/∂${k}`);
  });
});
