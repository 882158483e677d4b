/**
 * Every golden case of test/golden (PyTorch 1.13, float32) through the
 * public API, on every backend: forward outputs to 1e-5 absolute (1e-4 on
 * the 1000-step case), loaded through PyTorch's layout, Keras's layout
 * (converted here by hand, independently of the library), and safetensors.
 */
import { describe, expect, it } from 'vitest';
import { Bidirectional, Dense, GRU, LSTM, readSafetensors, Sequential, SimpleRNN, type Tensor } from '../src/index.js';
import { BUILDS, initBuild, expectClose, f32, golden, goldenBytes, torchWeights, type GoldenCase } from './helpers.js';

const TOL = 1e-5;
const TOL_LONG = 1e-4;

/** PyTorch [G·H, K] → Keras [K, G·H] with Keras's gate order (given as PyTorch gate indices). */
function toKerasKernel(w: Tensor, G: number, order: number[]): Tensor {
  const [rows, K] = w.shape, H = rows / G;
  const data = new Float32Array(rows * K);
  order.forEach((src, g) => {
    for (let u = 0; u < H; u++) for (let k = 0; k < K; k++) data[k * rows + g * H + u] = w.data[(src * H + u) * K + k];
  });
  return { shape: [K, rows], data };
}

function reorder(b: Float32Array, G: number, order: number[]): Float32Array {
  const H = b.length / G, out = new Float32Array(b.length);
  order.forEach((src, g) => out.set(b.subarray(src * H, (src + 1) * H), g * H));
  return out;
}

/** A PyTorch RNN layer's weights (names ending in `suffix`) in Keras's names and layout. */
function kerasFromTorch(w: Record<string, Tensor>, G: number, order: number[], suffix = '_l0', gru = false): Record<string, Tensor> {
  const bih = w[`bias_ih${suffix}`].data, bhh = w[`bias_hh${suffix}`].data;
  const bias = gru
    ? { shape: [2, bih.length], data: Float32Array.from([...reorder(bih, G, order), ...reorder(bhh, G, order)]) }
    : { shape: [bih.length], data: reorder(bih.map((v, i) => v + bhh[i]), G, order) };
  return {
    kernel: toKerasKernel(w[`weight_ih${suffix}`], G, order),
    recurrentKernel: toKerasKernel(w[`weight_hh${suffix}`], G, order),
    bias,
  };
}

/** [1, B, H] → [B, H] */
const layer0 = (t: Tensor): Tensor => ({ shape: t.shape.slice(1), data: t.data });

function sliceLayer(t: GoldenCase['expected'][string], k: number): Tensor {
  const [, B, H] = t.shape;
  return { shape: [B, H], data: Float32Array.from(t.data.slice(k * B * H, (k + 1) * B * H)) };
}

describe.each(BUILDS)('golden cases on %s', (name) => {
  it('lstm_small: LSTM(3→4) with initial state, PyTorch layout', async () => {
    await initBuild(name);
    const c = golden('lstm_small');
    const lstm = new LSTM({ inputSize: 3, units: 4, returnSequences: true });
    lstm.setWeights(torchWeights(c), { from: 'torch' });
    const r = lstm.forward(f32(c.inputs.input), { h: f32(c.inputs.h0), c: f32(c.inputs.c0) });
    expectClose(r.output, c.expected.output, TOL, 'output');
    expectClose(r.h, layer0(f32(c.expected.h_n)), TOL, 'h_n');
    expectClose(r.c!, layer0(f32(c.expected.c_n)), TOL, 'c_n');
    lstm.dispose();
  });

  it('lstm_small: the same weights through the Keras layout', async () => {
    await initBuild(name);
    const c = golden('lstm_small');
    const w = torchWeights(c);
    const lstm = new LSTM({ inputSize: 3, units: 4, returnSequences: true });
    lstm.setWeights(kerasFromTorch(w, 4, [0, 1, 2, 3]), { from: 'keras' });
    const r = lstm.forward(f32(c.inputs.input), { h: f32(c.inputs.h0), c: f32(c.inputs.c0) });
    expectClose(r.output, c.expected.output, TOL, 'output');
    lstm.dispose();
  });

  it('lstm_small: weights from the safetensors file equal the JSON ones bit for bit', async () => {
    const c = golden('lstm_small');
    const st = readSafetensors(goldenBytes('lstm_small'));
    expect(Object.keys(st).sort()).toEqual(Object.keys(c.state_dict).sort());
    for (const [k, v] of Object.entries(c.state_dict)) {
      expect(st[k].shape).toEqual(v.shape);
      expect(Array.from(st[k].data)).toEqual(Array.from(Float32Array.from(v.data)));
    }
  });

  it('lstm_stack: 2-layer PyTorch LSTM loaded as a Sequential from safetensors', async () => {
    await initBuild(name);
    const c = golden('lstm_stack');
    const model = new Sequential([new LSTM({ inputSize: 8, units: 16, returnSequences: true }), new LSTM({ units: 16, returnSequences: true })]);
    model.loadStateDict(goldenBytes('lstm_stack'));
    expectClose(model.predict(f32(c.inputs.input)), c.expected.output, TOL, 'output');
    // final states layer by layer
    const [l0, l1] = model.layers as LSTM[];
    const r0 = l0.forward(f32(c.inputs.input));
    const r1 = l1.forward(r0.output);
    expectClose(r0.h, sliceLayer(c.expected.h_n, 0), TOL, 'h_n[0]');
    expectClose(r0.c!, sliceLayer(c.expected.c_n, 0), TOL, 'c_n[0]');
    expectClose(r1.h, sliceLayer(c.expected.h_n, 1), TOL, 'h_n[1]');
    expectClose(r1.c!, sliceLayer(c.expected.c_n, 1), TOL, 'c_n[1]');
    model.dispose();
  });

  it('lstm_bidir: bidirectional LSTM(5→6)', async () => {
    await initBuild(name);
    const c = golden('lstm_bidir');
    const bi = new Bidirectional(new LSTM({ inputSize: 5, units: 6, returnSequences: true }));
    bi.setWeights(torchWeights(c), { from: 'torch' });
    const r = bi.forward(f32(c.inputs.input));
    expectClose(r.output, c.expected.output, TOL, 'output');
    expectClose(r.h, c.expected.h_n, TOL, 'h_n');
    expectClose(r.c!, c.expected.c_n, TOL, 'c_n');
    // the same through Keras's layout (forward/… and backward/… of a Keras Bidirectional)
    const keras = new Bidirectional(new LSTM({ inputSize: 5, units: 6, returnSequences: true }));
    const w = torchWeights(c);
    const prefix = (p: string, o: Record<string, Tensor>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [p + k, v]));
    keras.setWeights({ ...prefix('forward/', kerasFromTorch(w, 4, [0, 1, 2, 3])), ...prefix('backward/', kerasFromTorch(w, 4, [0, 1, 2, 3], '_l0_reverse')) }, { from: 'keras' });
    expectClose(keras.forward(f32(c.inputs.input)).output, c.expected.output, TOL, 'keras output');
    keras.dispose();
    // and as a model from the state_dict, last step only: forward final ‖ backward final
    const model = new Sequential([new Bidirectional(new LSTM({ inputSize: 5, units: 6 }))]);
    model.loadStateDict(torchWeights(c));
    const y = model.predict(f32(c.inputs.input));
    const [hf, hb] = [sliceLayer(c.expected.h_n, 0), sliceLayer(c.expected.h_n, 1)];
    const want = new Float32Array(2 * 12);
    for (let b = 0; b < 2; b++) {
      want.set(hf.data.subarray(b * 6, b * 6 + 6), b * 12);
      want.set(hb.data.subarray(b * 6, b * 6 + 6), b * 12 + 6);
    }
    expectClose(y, { shape: [2, 12], data: want }, TOL, 'last-step output');
    bi.dispose();
    model.dispose();
  });

  it('gru_small: GRU(3→4) with h0, PyTorch and Keras (reset_after) layouts', async () => {
    await initBuild(name);
    const c = golden('gru_small');
    const w = torchWeights(c);
    const gru = new GRU({ inputSize: 3, units: 4, returnSequences: true });
    gru.setWeights(w, { from: 'torch' });
    const r = gru.forward(f32(c.inputs.input), { h: f32(c.inputs.h0) });
    expectClose(r.output, c.expected.output, TOL, 'output');
    expectClose(r.h, layer0(f32(c.expected.h_n)), TOL, 'h_n');

    const k = new GRU({ inputSize: 3, units: 4, returnSequences: true });
    k.setWeights(kerasFromTorch(w, 3, [1, 0, 2], '_l0', true), { from: 'keras' }); // Keras z, r, h ← PyTorch r, z, n
    expectClose(k.forward(f32(c.inputs.input), { h: f32(c.inputs.h0) }).output, c.expected.output, TOL, 'keras output');
    gru.dispose();
    k.dispose();
  });

  it('rnn_small: SimpleRNN(3→4), tanh', async () => {
    await initBuild(name);
    const c = golden('rnn_small');
    const rnn = new SimpleRNN({ inputSize: 3, units: 4, returnSequences: true });
    rnn.setWeights(torchWeights(c), { from: 'torch' });
    const r = rnn.forward(f32(c.inputs.input));
    expectClose(r.output, c.expected.output, TOL, 'output');
    expectClose(r.h, layer0(f32(c.expected.h_n)), TOL, 'h_n');
    const keras = new SimpleRNN({ inputSize: 3, units: 4, returnSequences: true });
    keras.setWeights(kerasFromTorch(torchWeights(c), 1, [0]), { from: 'keras' });
    expectClose(keras.forward(f32(c.inputs.input)).output, c.expected.output, TOL, 'keras output');
    rnn.dispose();
    keras.dispose();
  });

  it('lstm_long: 1000 steps of LSTM(16→32) stay within 1e-4', async () => {
    await initBuild(name);
    const c = golden('lstm_long');
    const lstm = new LSTM({ inputSize: 16, units: 32, returnSequences: true });
    lstm.setWeights(readSafetensors(goldenBytes('lstm_long')), { from: 'torch' });
    // PyTorch's input is [seq=1000, batch=1, 16]: with batch 1 the same floats are our [1, 1000, 16]
    const x = f32(c.inputs.input);
    const r = lstm.forward({ shape: [1, 1000, 16], data: x.data });
    for (const t of [0, 499, 999]) {
      const got = { shape: [1, 32], data: r.output.data.slice(t * 32, (t + 1) * 32) };
      expectClose(got, c.expected[`output_t${t}`], TOL_LONG, `output at t=${t}`);
    }
    expectClose(r.h, layer0(f32(c.expected.h_n)), TOL_LONG, 'h_n');
    expectClose(r.c!, layer0(f32(c.expected.c_n)), TOL_LONG, 'c_n');
    const keras = new LSTM({ inputSize: 16, units: 32 });
    keras.setWeights(kerasFromTorch(torchWeights(c), 4, [0, 1, 2, 3]), { from: 'keras' });
    expectClose(keras.forward({ shape: [1, 1000, 16], data: x.data }).output, layer0(f32(c.expected.h_n)), TOL_LONG, 'keras h_n');
    lstm.dispose();
    keras.dispose();
  });

  it('lstm_grad: LSTM(3→4) → Dense(1) on the last step predicts as PyTorch', async () => {
    await initBuild(name);
    const c = golden('lstm_grad');
    const model = new Sequential([new LSTM({ inputSize: 3, units: 4 }), new Dense({ units: 1 })]);
    model.loadStateDict(goldenBytes('lstm_grad'));
    expectClose(model.predict(f32(c.inputs.input)), c.expected.prediction, TOL, 'prediction');
    model.dispose();
  });
});
