// brain.js 2 (beta), its LSTMTimeStep, on W1 only (it runs one sequence at a
// time, on plain JS arrays). It is NOT the same model, so it is checked
// against its own equations and never ranked: brain.js's LSTM keeps no
// separate cell state. With the same four gate pre-activations i, f, g, o
// (sigmoid, sigmoid, tanh, sigmoid) it computes
//   c_t = f ⊙ h_{t−1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)
// (the forget gate scales the previous OUTPUT, not a carried cell), where an
// LSTM has c_t = f ⊙ c_{t−1} + i ⊙ g. The shared weights are loaded into its
// per-gate matrices, and its output layer is set to the identity so run()
// returns h_T, the last step's hidden state.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../package.json', import.meta.url));
let brain;

/** brain.js's recurrence in plain JS, on PyTorch-layout weights: h_T for one sequence [T, I]. */
export function brainReference(w, weights, x) {
  const { I, H, T } = w;
  let h = new Float64Array(H);
  const z = new Float64Array(4 * H);
  const sig = (v) => 1 / (1 + Math.exp(-v));
  for (let t = 0; t < T; t++) {
    for (let r = 0; r < 4 * H; r++) {
      let s = weights.bias_ih[r] + weights.bias_hh[r];
      for (let k = 0; k < I; k++) s += weights.weight_ih[r * I + k] * x[t * I + k];
      for (let k = 0; k < H; k++) s += weights.weight_hh[r * H + k] * h[k];
      z[r] = s;
    }
    const next = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const c = sig(z[H + j]) * h[j] + sig(z[j]) * Math.tanh(z[2 * H + j]);
      next[j] = sig(z[3 * H + j]) * Math.tanh(c);
    }
    h = next;
  }
  return Float32Array.from(h);
}

export const contender = {
  name: 'brain.js LSTMTimeStep',
  family: 'brain.js',
  phase: 'js',
  sameModel: false,
  async load() {
    brain ??= require('brain.js');
    return { version: JSON.parse(readFileSync(new URL('../node_modules/brain.js/package.json', import.meta.url), 'utf8')).version };
  },
  async forward(w, weights, x) {
    if (w.B !== 1) throw new Error('brain.js runs one sequence at a time (B = 1 only)');
    const { I, H, T } = w;
    const net = new brain.recurrent.LSTMTimeStep({ inputSize: I, hiddenLayers: [H], outputSize: H });
    net.initialize();
    net.bindEquation(); // what train() would do first: run() refuses a net with no step bound
    const layer = net.model.hiddenLayers[0];
    // PyTorch's gate blocks i, f, g, o → brain.js's matrices (rows = units, as weight_ih's rows)
    const gates = { input: 0, forget: 1, cellActivation: 2, output: 3 };
    for (const [gate, k] of Object.entries(gates)) {
      layer[`${gate}Matrix`].weights.set(weights.weight_ih.subarray(k * H * I, (k + 1) * H * I));
      layer[`${gate}Hidden`].weights.set(weights.weight_hh.subarray(k * H * H, (k + 1) * H * H));
      for (let j = 0; j < H; j++) layer[`${gate}Bias`].weights[j] = weights.bias_ih[k * H + j] + weights.bias_hh[k * H + j];
    }
    const eye = net.model.outputConnector.weights;
    eye.fill(0);
    for (let j = 0; j < H; j++) eye[j * H + j] = 1;
    net.model.output.weights.fill(0);
    // run() ends by feeding a zero vector of outputSize through one more step (its forecasting mode feeds outputs
    // back as inputs), which needs outputSize = inputSize; that step does not change the returned h_T, so it is skipped
    net.end = () => {};
    const steps = Array.from({ length: T }, (_, t) => Array.from(x.subarray(t * I, (t + 1) * I)));
    let y;
    return {
      run: () => { y = Float32Array.from(net.run(steps)); },
      output: () => y,
      reference: () => brainReference(w, weights, x),
      dispose: () => {},
    };
  },
};
