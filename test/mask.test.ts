/**
 * Masking and variable-length sequences: predict(x, { lengths }), the
 * Masking layer, and training with lengths, on every backend.
 *
 * - Equal to each sequence alone: random stacks (LSTM, GRU, SimpleRNN, their
 *   variants, Bidirectional, goBackwards, returnSequences on and off) run on
 *   a padded batch with lengths give, at every real step, the outputs of
 *   the trimmed sequence run alone (to 1e-6), and training gradients equal
 *   those of the trimmed sequences (summed over the batch, to 1e-5).
 * - Bad lengths are clear errors.
 */
import { describe, expect, it } from 'vitest';
import { Bidirectional, Dense, GRU, init, LSTM, Masking, memoryInfo, SGD, Sequential, SimpleRNN, type Layer } from '../src/index.js';
import { BACKENDS, maxAbsDiff, throwsLW } from './helpers.js';
import { rng } from './rng.js';

const F = 3, T = 6;

interface Stack { name: string; make: () => Layer[]; lastReturnsSequences: boolean; lastGoesBackwards?: boolean }

/** The stacks: each a function making fresh layers with fixed seeds (so two models share weights). */
const STACKS: Stack[] = [
  { name: 'LSTM (last step)', make: () => [new LSTM({ units: 5, inputSize: F, seed: 1 })], lastReturnsSequences: false },
  { name: 'LSTM (all steps) → Dense', make: () => [new LSTM({ units: 5, inputSize: F, returnSequences: true, seed: 2 }), new Dense({ units: 2, seed: 3 })], lastReturnsSequences: true },
  { name: 'GRU (all steps) → GRU reset-before, hard sigmoid (last)', make: () => [new GRU({ units: 4, inputSize: F, returnSequences: true, seed: 4 }), new GRU({ units: 3, resetAfter: false, recurrentActivation: 'hard_sigmoid', seed: 5 })], lastReturnsSequences: false },
  { name: 'SimpleRNN relu (all steps) → SimpleRNN (last)', make: () => [new SimpleRNN({ units: 4, inputSize: F, activation: 'relu', returnSequences: true, seed: 6 }), new SimpleRNN({ units: 3, seed: 7 })], lastReturnsSequences: false },
  { name: 'Bidirectional LSTM (all steps, sum) → Bidirectional GRU (last)', make: () => [new Bidirectional(new LSTM({ units: 3, inputSize: F, returnSequences: true, seed: 8 }), { mergeMode: 'sum' }), new Bidirectional(new GRU({ units: 2, seed: 9 }))], lastReturnsSequences: false },
  { name: 'Bidirectional SimpleRNN linear (all steps, concat)', make: () => [new Bidirectional(new SimpleRNN({ units: 3, inputSize: F, activation: 'linear', returnSequences: true, seed: 10 }))], lastReturnsSequences: true },
  { name: 'LSTM hard_sigmoid_relu6 (all steps) → LSTM goBackwards (last)', make: () => [new LSTM({ units: 4, inputSize: F, recurrentActivation: 'hard_sigmoid_relu6', returnSequences: true, seed: 11 }), new LSTM({ units: 3, goBackwards: true, seed: 12 })], lastReturnsSequences: false },
  { name: 'LSTM zeroOutputForMask (all steps) → GRU (last)', make: () => [new LSTM({ units: 4, inputSize: F, returnSequences: true, zeroOutputForMask: true, seed: 14 }), new GRU({ units: 3, seed: 15 })], lastReturnsSequences: false },
  { name: 'Bidirectional GRU zeroOutputForMask (all steps, ave) → Dense', make: () => [new Bidirectional(new GRU({ units: 3, inputSize: F, returnSequences: true, zeroOutputForMask: true, seed: 16 }), { mergeMode: 'ave' }), new Dense({ units: 2, seed: 17 })], lastReturnsSequences: true },
  { name: 'GRU goBackwards (all steps)', make: () => [new GRU({ units: 4, inputSize: F, goBackwards: true, returnSequences: true, seed: 13 })], lastReturnsSequences: true, lastGoesBackwards: true },
];

const LENGTHS = [6, 1, 4, 3];

/** A padded batch: random values everywhere, also past each length (the padding must not matter). */
function batch(seed: number): Float32Array {
  const r = rng(seed), x = new Float32Array(LENGTHS.length * T * F);
  for (let i = 0; i < x.length; i++) x[i] = r() * 2 - 1;
  return x;
}

/** Row b of x trimmed to its length: [1, len, F]. */
function trimmed(x: Float32Array, b: number): { shape: number[]; data: Float32Array } {
  const len = LENGTHS[b];
  return { shape: [1, len, F], data: x.slice(b * T * F, (b * T + len) * F) };
}

describe.each(BACKENDS)('lengths on %s', (backend) => {
  for (const stack of STACKS) {
    it(`${stack.name}: each sequence's outputs equal it run alone`, async () => {
      await init({ backend });
      const m = new Sequential(stack.make());
      const x = batch(1), B = LENGTHS.length;
      const y = m.predict({ shape: [B, T, F], data: x }, { lengths: LENGTHS });
      const O = m.outputSize;
      for (let b = 0; b < B; b++) {
        const len = LENGTHS[b], alone = m.predict(trimmed(x, b));
        if (!stack.lastReturnsSequences) {
          expect(maxAbsDiff(y.data.subarray(b * O, (b + 1) * O), alone.data), `row ${b}`).toBeLessThan(1e-6);
          continue;
        }
        // goBackwards returns outputs in reading order: the padding (read first) comes first
        const from = stack.lastGoesBackwards ? T - len : 0;
        const got = y.data.subarray((b * T + from) * O, (b * T + from + len) * O);
        expect(maxAbsDiff(got, alone.data), `row ${b}`).toBeLessThan(1e-6);
      }
      m.dispose();
    });

    // after goBackwards with all steps, Keras hands the input's mask on unreversed while the outputs come
    // reversed, so a masked loss there does not cover the trimmed sequence's outputs: nothing to compare
    if (stack.lastGoesBackwards) continue;
    it(`${stack.name}: training gradients equal those of the trimmed sequences`, async () => {
      await init({ backend });
      const m = new Sequential(stack.make());
      const x = batch(2), B = LENGTHS.length, O = m.layers.at(-1)!.outputSize;
      m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
      const r = rng(3);
      const yShape = stack.lastReturnsSequences ? [B, T, O] : [B, O];
      const target = Float32Array.from({ length: yShape.reduce((a, n) => a * n, 1) }, () => r());
      const got = m.computeGradients({ shape: [B, T, F], data: x }, { shape: yShape, data: target }, { lengths: LENGTHS });
      // the masked mean over a batch: Σ_b (sum of b's squared errors) / (Σ_b real steps · O) — so
      // each row's gradient alone, weighted by its share of the real steps, sums to the batch's
      const steps = stack.lastReturnsSequences ? LENGTHS.reduce((a, n) => a + n, 0) : B;
      const want: Record<string, Float64Array> = {};
      for (let b = 0; b < B; b++) {
        const len = LENGTHS[b];
        let t: { shape: number[]; data: Float32Array };
        if (stack.lastReturnsSequences) {
          t = { shape: [1, len, O], data: target.slice(b * T * O, (b * T + len) * O) };
        } else t = { shape: [1, O], data: target.slice(b * O, (b + 1) * O) };
        const alone = m.computeGradients(trimmed(x, b), t);
        const weight = (stack.lastReturnsSequences ? len : 1) / steps;
        for (const [k, g] of Object.entries(alone.grads)) {
          want[k] ??= new Float64Array(g.data.length);
          for (let i = 0; i < g.data.length; i++) want[k][i] += weight * g.data[i];
        }
      }
      for (const [k, w] of Object.entries(want)) expect(maxAbsDiff(got.grads[k].data, w), k).toBeLessThan(1e-5);
      m.dispose();
    });
  }

  it('zeroOutputForMask: zeros at the padded steps, the carried outputs without it', async () => {
    await init({ backend });
    const make = (zero: boolean) => new Sequential([new LSTM({ units: 3, inputSize: F, returnSequences: true, zeroOutputForMask: zero, seed: 30 })]);
    const zeroed = make(true), carried = make(false), x = batch(5), B = LENGTHS.length, H = 3;
    const z = zeroed.predict({ shape: [B, T, F], data: x }, { lengths: LENGTHS }).data;
    const c = carried.predict({ shape: [B, T, F], data: x }, { lengths: LENGTHS }).data;
    for (let b = 0; b < B; b++) {
      const len = LENGTHS[b], last = c.subarray((b * T + len - 1) * H, (b * T + len) * H);
      for (let t = 0; t < T; t++) {
        const at = (b * T + t) * H;
        if (t < len) expect(maxAbsDiff(z.subarray(at, at + H), c.subarray(at, at + H))).toBe(0);
        else {
          expect(maxAbsDiff(z.subarray(at, at + H), new Float32Array(H))).toBe(0);
          expect(maxAbsDiff(c.subarray(at, at + H), last), `row ${b} step ${t} carries its last real output`).toBe(0);
        }
      }
    }
    zeroed.dispose();
    carried.dispose();
  });

  it('a steady predict loop with lengths takes no more memory', async () => {
    await init({ backend });
    const m = new Sequential([new Bidirectional(new GRU({ units: 3, inputSize: F, returnSequences: true, goBackwards: false, seed: 40 })), new LSTM({ units: 2, goBackwards: true, seed: 41 })]);
    const x = { shape: [LENGTHS.length, T, F], data: batch(6) };
    m.predict(x, { lengths: LENGTHS });
    const before = memoryInfo();
    for (let i = 0; i < 3; i++) m.predict(x, { lengths: LENGTHS });
    expect(memoryInfo()).toEqual(before);
    m.dispose();
  });

  it('fit with lengths: a full-batch SGD step moves every weight by −lr × the masked gradient; evaluate gives the masked loss', async () => {
    await init({ backend });
    const m = new Sequential([new GRU({ units: 3, inputSize: F, returnSequences: true, seed: 50 }), new Dense({ units: 2, seed: 51 })]);
    m.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'mse' });
    const B = LENGTHS.length, r = rng(52);
    const x = { shape: [B, T, F], data: batch(7) }, y = { shape: [B, T, 2], data: Float32Array.from({ length: B * T * 2 }, () => r()) };
    const { loss, grads } = m.computeGradients(x, y, { lengths: LENGTHS });
    expect(m.evaluate(x, y, { lengths: LENGTHS }).loss).toBeCloseTo(loss, 6);
    expect(Math.abs(m.evaluate(x, y).loss - loss)).toBeGreaterThan(1e-3); // the padding counts without lengths
    const before = m.stateDict();
    const history = await m.fit(x, y, { lengths: LENGTHS, epochs: 1, batchSize: B, shuffle: false });
    expect(history.history.loss[0]).toBeCloseTo(loss, 6);
    const after = m.stateDict();
    for (const [k, g] of Object.entries(grads)) {
      const want = before[k].data.map((v, i) => v - 0.5 * g.data[i]);
      expect(maxAbsDiff(after[k].data, want), k).toBeLessThan(1e-6);
    }
    m.dispose();
  });

  it('a Masking layer gives the same outputs as lengths', async () => {
    await init({ backend });
    const make = () => [new LSTM({ units: 4, inputSize: F, returnSequences: true, seed: 20 }), new GRU({ units: 3, seed: 21 })];
    const withMask = new Sequential([new Masking({ inputSize: F }), ...make()]), plain = new Sequential(make());
    const x = batch(4), B = LENGTHS.length;
    for (let b = 0; b < B; b++) x.fill(0, (b * T + LENGTHS[b]) * F, (b + 1) * T * F);
    const a = withMask.predict({ shape: [B, T, F], data: x }), c = plain.predict({ shape: [B, T, F], data: x }, { lengths: LENGTHS });
    expect(maxAbsDiff(a.data, c.data)).toBeLessThan(1e-6);
    withMask.dispose();
    plain.dispose();
  });
});

describe('bad lengths', () => {
  it('wrong count, 0, > T, non-integers, NaN, no time axis: clear errors', async () => {
    await init({ backend: 'js' });
    const m = new Sequential([new LSTM({ units: 2, inputSize: F })]);
    const x = { shape: [2, T, F], data: new Float32Array(2 * T * F) };
    throwsLW(() => m.predict(x, { lengths: [3] }), /lengths has 1 entries but the batch has 2/);
    throwsLW(() => m.predict(x, { lengths: [3, 0] }), /lengths\[1\] must be a whole number from 1 to 6.*got 0/);
    throwsLW(() => m.predict(x, { lengths: [7, 3] }), /lengths\[0\] must be a whole number from 1 to 6.*got 7/);
    throwsLW(() => m.predict(x, { lengths: [2.5, 3] }), /lengths\[0\].*got 2.5/);
    throwsLW(() => m.predict(x, { lengths: [NaN, 3] }), /lengths\[0\].*got NaN/);
    throwsLW(() => m.predict(x, { lengths: 3 as never }), /lengths must be an array/);
    const masked = new Sequential([new Masking({ inputSize: F }), new LSTM({ units: 2 })]);
    throwsLW(() => masked.predict(x, { lengths: [3, 3] }), /lengths and the Masking layer masking\S* would both mask the input/);
    masked.compile({ optimizer: 'sgd', loss: 'mse' });
    throwsLW(() => masked.computeGradients(x, { shape: [2, 2], data: new Float32Array(4) }, { lengths: [3, 3] }), /computeGradients: lengths and the Masking layer/);
    throwsLW(() => masked.stream(), /a Masking layer masks whole sequences/);
    masked.dispose();
    const d = new Sequential([new Dense({ units: 2, inputSize: F })]);
    throwsLW(() => d.predict({ shape: [2, F], data: new Float32Array(2 * F) }, { lengths: [1, 1] }), /lengths needs sequences/);
    m.dispose();
    d.dispose();
  });
});
