/**
 * The cell table and the pieces the recurrent layers are built from: a
 * cell variant is one more CellSpec entry (the layer runs whatever entry it
 * is given), the packed parameter blocks give back what they were given,
 * and checkBatch says what is wrong with an input's shape.
 */
import { describe, expect, it } from 'vitest';
import { init, LSTM, SimpleRNN } from '../src/index.js';
import { checkBatch, requireTimeAxis } from '../src/check-batch.js';
import type { CellSpec } from '../src/layers/cell.js';
import { LSTM_CELL } from '../src/layers/lstm.js';
import { RecurrentLayer, type RecurrentOptions } from '../src/layers/recurrent.js';
import { RNN_RELU_CELL, RNN_TANH_CELL } from '../src/layers/simple-rnn.js';
import { GRU_CELL } from '../src/layers/gru.js';
import { recurrentBlock } from '../src/weights/blocks.js';
import { activeBackend } from '../src/backend/registry.js';
import { BACKENDS, randomTensor, throwsLW } from './helpers.js';
import { rng } from './rng.js';

describe('checkBatch', () => {
  it('returns the dimensions of a good batch, with T = 1 for rows without a time axis', () => {
    expect(checkBatch([2, 5, 3], { owner: 'lstm', features: 3 })).toEqual({ B: 2, T: 5, F: 3, seq: true });
    expect(checkBatch([4, 3], { owner: 'dense', timeOptional: true })).toEqual({ B: 4, T: 1, F: 3, seq: false });
  });

  it('names the rank, the empty dimension or the feature count that is wrong, with the shape', () => {
    throwsLW(() => checkBatch([5, 3], { owner: 'lstm' }), /^lstm-wasm: lstm: input must be 3-D \[batch, time, features\], got shape \[5,3\]$/);
    throwsLW(() => checkBatch([5, 3], { owner: 'm.predict', wrapHint: true }), /got shape \[5,3\] \(for one sequence, wrap it: \[x\]\)$/);
    throwsLW(() => checkBatch([1, 2, 3, 4], { owner: 'dense', timeOptional: true }), /dense: input must be \[batch, features\] or \[batch, time, features\], got \[1,2,3,4\]/);
    throwsLW(() => checkBatch([2, 0, 3], { owner: 'gru' }), /gru: input needs at least one sequence and one step, got shape \[2,0,3\]/);
    throwsLW(() => checkBatch([0, 3], { owner: 'dense', timeOptional: true }), /dense: input needs at least one row, got shape \[0,3\]/);
    throwsLW(() => checkBatch([0, 2, 3], { owner: 'dense', timeOptional: true }), /at least one row and one step/);
    throwsLW(() => checkBatch([2, 5, 4], { owner: 'lstm', features: 3 }), /lstm: input has 4 features but the layer expects 3/);
    throwsLW(() => checkBatch([2, 5, 4], { owner: 'm.predict', features: 3, expectedBy: 'model' }), /4 features but the model expects 3/);
    throwsLW(() => requireTimeAxis(false, 'gru_1'), /gru_1: needs 3-D input .*returns 2-D \(set returnSequences: true on it\)/);
  });
});

describe('parameter blocks', () => {
  it.each(BACKENDS)('pack (on the %s heap) then unpack gives the PyTorch-form weights back, for H not a multiple of 4', async (name) => {
    // setWeights packs on the heap: the panels move through the backend's transpose kernel
    await init({ backend: name });
    const backend = activeBackend();
    const G = 3, H = 5, I = 2, r = rng(7);
    const values = (n: number) => Float32Array.from({ length: n }, () => r() * 2 - 1);
    const w = { wx: values(G * H * I), wh: values(G * H * H), b: values(G * H), bh: values(G * H) };
    const block = recurrentBlock({ gates: G, units: H, inputs: I, recurrentBias: true });
    const base = backend.arena.allocFloats(block.floats);
    backend.arena.f32().fill(NaN, base >> 2, (base >> 2) + block.floats);
    block.pack(backend, base, w);
    const view = backend.arena.f32().slice(base >> 2, (base >> 2) + block.floats);
    backend.arena.release(base);
    expect(view.every(Number.isFinite)).toBe(true); // every float of the block is written, padded lanes with 0
    expect(block.unpack(view)).toEqual(w);
    expect(view.subarray(4 * G * I, 8 * G * I)).toEqual(new Float32Array([ // the last panel (unit 4 alone) of wx: [I][G][4]
      w.wx[4 * I], 0, 0, 0, w.wx[(H + 4) * I], 0, 0, 0, w.wx[(2 * H + 4) * I], 0, 0, 0,
      w.wx[4 * I + 1], 0, 0, 0, w.wx[(H + 4) * I + 1], 0, 0, 0, w.wx[(2 * H + 4) * I + 1], 0, 0, 0,
    ]));
    // without a recurrent bias the block ends after b, and bh is absent (pointer 0)
    const single = recurrentBlock({ gates: G, units: H, inputs: I, recurrentBias: false });
    expect(single.floats).toBe(block.floats - 8 * G);
    expect(single.pointers(64).bh).toBe(0);
    expect(block.pointers(64).bh).toBe(64 + 4 * single.floats);
  });
});

describe('the cell table', () => {
  it('each entry records what its layer shows', () => {
    // LSTM and GRU record their gates; SimpleRNN only h; GRU's a_n is for backward only
    expect(LSTM_CELL.record.gates).toEqual(LSTM_CELL.gates);
    expect(GRU_CELL.record.states.filter((s) => !GRU_CELL.internalStates.includes(s))).toEqual(['hidden']);
    expect(RNN_TANH_CELL.record).toEqual(RNN_RELU_CELL.record);
  });

  describe.each(BACKENDS)('on %s', (backendName) => {
    it('a variant is one more entry: a layer runs the recurrence its entry calls', async () => {
      await init({ backend: backendName });
      const calls: string[] = [];
      // a stand-in variant: SimpleRNN's relu cell under another entry, counting its calls
      const spyCell: CellSpec = { ...RNN_RELU_CELL, recur: (k, c) => { calls.push('recur'); RNN_RELU_CELL.recur(k, c); } };
      class SpyRNN extends RecurrentLayer {
        readonly className = 'SpyRNN';
        protected readonly cell = spyCell;
        constructor(o: RecurrentOptions) {
          super(o, 'spy_rnn');
        }
      }
      const spy = new SpyRNN({ inputSize: 3, units: 5, returnSequences: true, seed: 9 });
      const relu = new SimpleRNN({ inputSize: 3, units: 5, returnSequences: true, seed: 9, activation: 'relu' });
      const tanh = new SimpleRNN({ inputSize: 3, units: 5, returnSequences: true, seed: 9 });
      const x = randomTensor([2, 4, 3], rng(1));
      const y = spy.forward(x).output;
      expect(calls).toEqual(['recur']);
      expect(y).toEqual(relu.forward(x).output); // the same kernel on the same weights: bit for bit
      expect(y.data.some((v) => v < 0)).toBe(false); // relu's, not tanh's
      expect(tanh.forward(x).output.data.some((v) => v < 0)).toBe(true);
      for (const l of [spy, relu, tanh]) l.dispose();
    });

    it('the forget gate named in the entry starts with bias 1 (unitForgetBias), no other gate does', async () => {
      await init({ backend: backendName });
      const lstm = new LSTM({ inputSize: 2, units: 3, seed: 4 });
      const b = lstm.getWeights().bias_ih_l0.data;
      expect(Array.from(b)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
      lstm.dispose();
    });
  });
});
