/**
 * fit() with threads: the training kernels are cut across worker threads
 * (src/backend/threads/split.ts: the recurrences forward and backward by
 * batch rows, gradInput by rows, gradWeights by output panels), and every
 * loss and every final weight is the one-thread run's, bit for bit (both
 * on the plain SIMD build, relaxedSimd: false; the threads build is the
 * same kernels over shared memory). setMinSplitWork(0) cuts every call
 * that can be cut, however small; cutCallCount() proves the run was cut.
 * The gradients also match PyTorch's (test/golden/lstm_grad.json) on two
 * threads. And a steady threaded loop cuts its calls with one table: the
 * same argument lists every call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Bidirectional, Dense, GRU, LSTM, SGD, Sequential, SimpleRNN, init, shutdownThreads, type Layer,
} from '../src/index.js';
import { cutCallCount, setMinSplitWork } from '../src/backend/threads/threaded-backend.js';
import { CUT_ARGS } from '../src/backend/threads/split.js';
import { f32, golden, goldenBytes, randomTensor, relErr, rng } from './helpers.js';

beforeAll(() => setMinSplitWork(0));
afterAll(async () => {
  setMinSplitWork(undefined);
  shutdownThreads();
  await init({ backend: 'wasm-simd', relaxedSimd: false });
});

/** A model to fit, made afresh (seeded: the same weights every time), its data and how it is fitted. */
interface Case {
  name: string;
  layers: () => Layer[];
  x: [number, number, number];
  y: number[];
  batchSize: number;
  epochs?: number;
  optimizer?: 'adam' | 'sgd' | 'rmsprop';
  lengths?: number[];
}

const CASES: Case[] = [
  { name: 'LSTM(3→5) → Dense, H not a multiple of 4, batches of 4', x: [12, 6, 3], y: [12, 1], batchSize: 4, layers: () => [new LSTM({ inputSize: 3, units: 5, seed: 1 }), new Dense({ units: 1, seed: 2 })] },
  { name: 'GRU(4→9), batches of 5 and 2 (odd B, B < threads)', x: [7, 8, 4], y: [7, 2], batchSize: 5, layers: () => [new GRU({ inputSize: 4, units: 9, seed: 3 }), new Dense({ units: 2, seed: 4 })] },
  { name: 'SimpleRNN tanh → SimpleRNN relu, stacked with returnSequences, B=1 last batch', x: [7, 5, 3], y: [7, 1], batchSize: 3, optimizer: 'sgd', layers: () => [new SimpleRNN({ inputSize: 3, units: 11, seed: 5, returnSequences: true }), new SimpleRNN({ units: 6, seed: 6, activation: 'relu' }), new Dense({ units: 1, seed: 7 })] },
  { name: 'LSTM → GRU stacked, sequences into a time-distributed Dense', x: [9, 7, 4], y: [9, 7, 2], batchSize: 9, optimizer: 'rmsprop', layers: () => [new LSTM({ inputSize: 4, units: 6, seed: 8, returnSequences: true }), new GRU({ units: 7, seed: 9, returnSequences: true }), new Dense({ units: 2, seed: 10 })] },
  { name: 'Bidirectional LSTM concat (sequences) → Bidirectional GRU sum', x: [6, 6, 3], y: [6, 1], batchSize: 6, layers: () => [new Bidirectional(new LSTM({ inputSize: 3, units: 5, seed: 11, returnSequences: true })), new Bidirectional(new GRU({ units: 4, seed: 12 }), { mergeMode: 'sum' }), new Dense({ units: 1, seed: 13 })] },
  { name: 'the generic kernels: hard_sigmoid LSTM, reset-before GRU, linear SimpleRNN', x: [8, 5, 2], y: [8, 1], batchSize: 8, layers: () => [new LSTM({ inputSize: 2, units: 6, seed: 14, recurrentActivation: 'hard_sigmoid', returnSequences: true }), new GRU({ units: 5, seed: 15, resetAfter: false, returnSequences: true }), new SimpleRNN({ units: 3, seed: 16, activation: 'linear' }), new Dense({ units: 1, seed: 17 })] },
  { name: 'masked lengths (LSTM sequences → GRU), batches of 7', x: [7, 9, 3], y: [7, 1], batchSize: 7, lengths: [9, 1, 4, 9, 7, 2, 5], layers: () => [new LSTM({ inputSize: 3, units: 6, seed: 18, returnSequences: true }), new GRU({ units: 5, seed: 19 }), new Dense({ units: 1, seed: 20 })] },
  { name: 'W3: LSTM(8→64) → Dense(1), B=64, T=50, Adam', x: [128, 50, 8], y: [128, 1], batchSize: 64, epochs: 2, layers: () => [new LSTM({ inputSize: 8, units: 64, seed: 21 }), new Dense({ units: 1, seed: 22 })] },
];

/** Fit a case on init({ threads }): its losses and final weights; whether any call was cut. */
async function fitCase(c: Case, i: number, threads: number): Promise<{ losses: number[]; weights: Float32Array[]; cut: boolean }> {
  await init({ backend: 'wasm-simd', relaxedSimd: false, threads });
  const model = new Sequential(c.layers());
  model.compile({ optimizer: c.optimizer ?? 'adam', loss: 'mse' });
  const x = randomTensor(c.x, rng(100 + i)), y = randomTensor(c.y, rng(200 + i));
  const before = cutCallCount();
  const history = await model.fit(x, y, { epochs: c.epochs ?? 3, batchSize: c.batchSize, ...(c.lengths ? { lengths: c.lengths } : {}) });
  const cut = cutCallCount() > before;
  const weights = Object.values(model.stateDict()).map((t) => t.data.slice()); // in layer order (the names count up from model to model)
  model.dispose();
  return { losses: history.history.loss, weights, cut };
}

describe('fit with threads equals one thread bit for bit', () => {
  CASES.forEach((c, i) => {
    it(c.name, async () => {
      const one = await fitCase(c, i, 1);
      expect(one.cut).toBe(false);
      expect(one.losses.every(Number.isFinite)).toBe(true);
      for (const threads of [2, 3]) {
        const many = await fitCase(c, i, threads);
        expect(many.cut, `threads ${threads}: the calls really were cut`).toBe(true);
        expect(many.losses, `threads ${threads}: losses`).toEqual(one.losses);
        expect(many.weights).toHaveLength(one.weights.length);
        one.weights.forEach((w, k) => expect(many.weights[k], `threads ${threads}: weight ${k}`).toEqual(w));
      }
    }, 120_000);
  });
});

describe('gradients vs PyTorch on two threads', () => {
  it('lstm_grad, its batch given twice (B = 4, cut into two ranges of rows): the same loss and gradients', async () => {
    await init({ backend: 'wasm-simd', relaxedSimd: false, threads: 2 });
    const c = golden('lstm_grad');
    const m = new Sequential([new LSTM({ inputSize: 3, units: 4, name: 'lstm' }), new Dense({ units: 1, name: 'linear' })]);
    m.loadStateDict(goldenBytes('lstm_grad'));
    m.compile({ optimizer: new SGD({ learningRate: 1 }), loss: 'mse' });
    // the mean loss over a batch and its copy is the batch's, and so is every gradient of it
    const x = f32(c.inputs.input), t = f32(c.inputs.target);
    const twice = (a: { shape: number[]; data: Float32Array }) => ({ shape: [2 * a.shape[0], ...a.shape.slice(1)], data: Float32Array.from([...a.data, ...a.data]) });
    const before = cutCallCount();
    const { loss, grads } = m.computeGradients(twice(x), twice(t));
    expect(cutCallCount()).toBeGreaterThan(before);
    expect(Math.abs(loss - c.expected.loss.data[0]) / Math.abs(c.expected.loss.data[0])).toBeLessThan(1e-4);
    const names = Object.keys(c.expected).filter((k) => k.startsWith('grad.')).map((k) => k.slice(5));
    expect(names.sort()).toEqual(Object.keys(grads).sort());
    for (const n of names) expect(relErr(grads[n].data, c.expected[`grad.${n}`].data), n).toBeLessThan(1e-4);
    m.dispose();
  });
});

describe('a steady threaded loop', () => {
  it('cuts its calls with one table: the same argument lists, predict and fit alike', async () => {
    await init({ backend: 'wasm-simd', relaxedSimd: false, threads: 2 });
    const model = new Sequential([new LSTM({ inputSize: 3, units: 5, seed: 1 }), new Dense({ units: 1, seed: 2 })]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = randomTensor([6, 4, 3], rng(1)), y = randomTensor([6, 1], rng(2));
    model.predict(x);
    const held = [...CUT_ARGS];
    expect(held.length).toBeGreaterThanOrEqual(2);
    const before = cutCallCount();
    for (let i = 0; i < 3; i++) model.predict(x);
    await model.fit(x, y, { epochs: 2, batchSize: 6 });
    expect(cutCallCount()).toBeGreaterThan(before);
    expect(CUT_ARGS).toHaveLength(held.length); // no list was added, none replaced
    CUT_ARGS.forEach((list, i) => expect(list).toBe(held[i]));
    model.dispose();
  });
});
