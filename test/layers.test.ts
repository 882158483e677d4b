/**
 * Dropout, RepeatVector, Bidirectional's merge modes and Dense useBias as
 * parts of a model: Dropout's statistics and seeding in training, its
 * identity in predict; shapes, summaries, model files, state_dicts, strict
 * options, streams and memory. (Their numbers against TensorFlow.js are in
 * layers-tfjs.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import {
  Bidirectional, Dense, Dropout, init, LSTM, memoryInfo, RepeatVector, Sequential, type MergeMode, type Tensor,
} from '../src/index.js';
import { BACKENDS, randomTensor, rng, throwsLW } from './helpers.js';

const ones = (shape: number[]): Tensor => ({ shape, data: new Float32Array(shape.reduce((a, d) => a * d, 1)).fill(1) });
const zeros = (shape: number[]): Tensor => ({ shape, data: new Float32Array(shape.reduce((a, d) => a * d, 1)) });

describe.each(BACKENDS)('Dropout in training on %s', (backend) => {
  it('zeroes a fraction rate of the values and keeps the mean, with a fresh mask per batch', async () => {
    await init({ backend });
    const n = 20_000, rate = 0.3, keep = Math.fround(1 / (1 - rate));
    using model = new Sequential([new Dropout({ rate, seed: 9, inputSize: 4 })]);
    model.compile({ loss: 'mse' });
    // with x = 1 and y = 0 the loss is the mean of y², (n − zeroed)/n · keep²: it tells how many were zeroed
    const zeroedOf = (loss: number) => Math.round(n - (loss * n) / (keep * keep));
    const sigma = Math.sqrt(n * rate * (1 - rate));
    const counts: number[] = [];
    for (let batch = 0; batch < 3; batch++) {
      const { loss } = model.computeGradients(ones([n / 4, 4]), zeros([n / 4, 4]));
      const zeroed = zeroedOf(loss);
      expect(Math.abs(zeroed - n * rate)).toBeLessThan(5 * sigma); // a binomial count within 5 standard deviations
      // the mean of the output is (n − zeroed)·keep/n: 1 within the same bound, scaled
      const mean = ((n - zeroed) * keep) / n;
      expect(Math.abs(mean - 1)).toBeLessThan((5 * sigma * keep) / n);
      counts.push(zeroed);
    }
    expect(new Set(counts).size).toBeGreaterThan(1); // not the same mask every batch
    // predict: the identity
    const x = randomTensor([3, 4], rng(1));
    expect(Array.from(model.predict(x).data)).toEqual(Array.from(x.data));
  });

  it('backward uses the forward mask: the gradient is the exact central difference of the loss', async () => {
    await init({ backend });
    // Dense (linear, no bias) then Dropout, mse: the loss is quadratic in each weight, so a central
    // difference is exact up to float rounding, provided both evaluations draw the first mask of seed 5
    const x = randomTensor([6, 5], rng(2)), y = randomTensor([6, 3], rng(3));
    const make = () => new Sequential([new Dense({ inputSize: 5, units: 3, useBias: false, seed: 4 }), new Dropout({ rate: 0.4, seed: 5 })]);
    using model = make();
    model.compile({ loss: 'mse' });
    const w = model.layers[0].getWeights().weight;
    const grad = model.computeGradients(x, y).grads[`${model.layers[0].name}.weight`];
    const lossAt = (i: number, d: number) => {
      using m = make();
      const data = w.data.slice();
      data[i] += d;
      m.layers[0].setWeights({ weight: { shape: w.shape, data } });
      m.compile({ loss: 'mse' });
      return m.computeGradients(x, y).loss;
    };
    const eps = 0.25;
    let zeroGrads = 0;
    for (let i = 0; i < w.data.length; i++) {
      const fd = (lossAt(i, eps) - lossAt(i, -eps)) / (2 * eps);
      expect(Math.abs(fd - grad.data[i])).toBeLessThan(1e-5);
      if (grad.data[i] === 0) zeroGrads++;
    }
    expect(zeroGrads).toBeLessThan(w.data.length); // the mask did not zero everything
  });

  it('the same seed trains to the same weights, another seed to others; predict ignores the layer', async () => {
    await init({ backend });
    const x = randomTensor([16, 4, 2], rng(4)), y = randomTensor([16, 1], rng(5));
    const make = (dropoutSeed: number) => new Sequential([
      new LSTM({ inputSize: 2, units: 6, seed: 1, name: 'lstm' }), new Dropout({ rate: 0.5, seed: dropoutSeed }), new Dense({ units: 1, seed: 2, name: 'dense' }),
    ]);
    const trained = async (dropoutSeed: number) => {
      const m = make(dropoutSeed);
      m.compile({ optimizer: 'adam', loss: 'mse' });
      await m.fit(x, y, { epochs: 2, batchSize: 4, seed: 3 });
      const sd = m.stateDict();
      m.dispose();
      return sd;
    };
    const [a, b, c] = [await trained(7), await trained(7), await trained(8)];
    for (const k of Object.keys(a)) expect(Array.from(b[k].data), k).toEqual(Array.from(a[k].data));
    expect(Object.keys(a).some((k) => a[k].data.some((v, i) => v !== c[k].data[i]))).toBe(true);
    // predict with the Dropout is predict without it
    using withIt = make(7), without = new Sequential([new LSTM({ inputSize: 2, units: 6, seed: 1 }), new Dense({ units: 1, seed: 2 })]);
    expect(Array.from(withIt.predict(x).data)).toEqual(Array.from(without.predict(x).data));
  });

  it('a rate of 0 trains exactly as without the layer', async () => {
    await init({ backend });
    const x = randomTensor([12, 3, 2], rng(6)), y = randomTensor([12, 3, 1], rng(7));
    const train = async (layers: () => (LSTM | Dense | Dropout)[]) => {
      using m = new Sequential(layers());
      m.compile({ optimizer: 'adam', loss: 'mse' });
      const h = await m.fit(x, y, { epochs: 2, batchSize: 5, seed: 1 });
      return { sd: m.stateDict(), loss: h.history.loss };
    };
    const lstm = () => new LSTM({ inputSize: 2, units: 5, returnSequences: true, seed: 1, name: 'lstm' });
    const a = await train(() => [lstm(), new Dropout({ rate: 0 }), new Dense({ units: 1, seed: 2, name: 'dense' })]);
    const b = await train(() => [lstm(), new Dense({ units: 1, seed: 2, name: 'dense' })]);
    expect(a.loss).toEqual(b.loss);
    expect(Object.keys(a.sd)).toEqual(Object.keys(b.sd));
    for (const k of Object.keys(a.sd)) expect(Array.from(a.sd[k].data), k).toEqual(Array.from(b.sd[k].data));
  });
});

describe('shapes, summaries and files', () => {
  it('summary rows with Keras counts and RepeatVector\'s steps', async () => {
    await init({ backend: 'js' });
    using m = new Sequential([
      new Bidirectional(new LSTM({ inputSize: 3, units: 4, name: 'enc' }), { mergeMode: 'sum', name: 'bi' }),
      new Dropout({ rate: 0.2, name: 'drop' }),
      new RepeatVector({ n: 7, name: 'rep' }),
      new LSTM({ units: 5, returnSequences: true, name: 'dec' }),
      new Dense({ units: 2, useBias: false, name: 'out' }),
    ]);
    const s = m.summary();
    // Keras: Bidirectional(LSTM(4)) on 3 features 2·(4·4·(3 + 4 + 1)) = 256, LSTM(5) on 4: 4·5·(4 + 5 + 1) = 200, Dense no bias 5·2 = 10
    expect(s).toMatch(/bi \(Bidirectional\)\s+\[batch, 4\]\s+256/);
    expect(s).toMatch(/drop \(Dropout\)\s+\[batch, 4\]\s+0/);
    expect(s).toMatch(/rep \(RepeatVector\)\s+\[batch, 7, 4\]\s+0/);
    expect(s).toMatch(/dec \(LSTM\)\s+\[batch, 7, 5\]\s+200/);
    expect(s).toMatch(/out \(Dense\)\s+\[batch, 7, 2\]\s+10/);
    expect(m.countParams()).toBe(466);
    expect(m.predict(randomTensor([2, 9, 3], rng(1))).shape).toEqual([2, 7, 2]);
  });

  it.each(['concat', 'sum', 'mul', 'ave'] as MergeMode[])('model files and state_dicts round-trip (mergeMode %s)', async (mergeMode) => {
    await init({ backend: 'js' });
    using m = new Sequential([
      new Bidirectional(new LSTM({ inputSize: 2, units: 3, returnSequences: true, seed: 1 }), { mergeMode }),
      new Dropout({ rate: 0.25, seed: 11 }),
      new Dense({ units: 2, useBias: false, seed: 2 }),
      new LSTM({ units: 3, seed: 3 }),
      new RepeatVector({ n: 2 }),
      new Dense({ units: 1, seed: 4 }),
    ]);
    const x = randomTensor([2, 4, 2], rng(2));
    const y = m.predict(x);
    const { json, weights } = m.save();
    expect(json.layers.map((l) => l.className)).toEqual(['Bidirectional', 'Dropout', 'Dense', 'LSTM', 'RepeatVector', 'Dense']);
    using back = Sequential.load(JSON.parse(JSON.stringify(json)), weights);
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(y.data));
    expect(back.layers.map((l) => l.config())).toEqual(m.layers.map((l) => l.config()));
    // the state_dict has no group for the weightless layers and no bias for the Dense without one
    const sd = m.stateDict();
    expect(Object.keys(sd).filter((k) => k.startsWith(m.layers[2].name + '.'))).toEqual([`${m.layers[2].name}.weight`]);
    using twin = new Sequential([
      new Bidirectional(new LSTM({ inputSize: 2, units: 3, returnSequences: true }), { mergeMode }),
      new Dropout({ rate: 0.25 }), new Dense({ units: 2, useBias: false }), new LSTM({ units: 3 }), new RepeatVector({ n: 2 }), new Dense({ units: 1 }),
    ]);
    twin.loadStateDict(sd);
    expect(Array.from(twin.predict(x).data)).toEqual(Array.from(y.data));
  });

  it('Dense useBias false: no bias in either format, and a bias given is refused', async () => {
    await init({ backend: 'js' });
    using d = new Dense({ inputSize: 3, units: 2, useBias: false, seed: 1 });
    expect(Object.keys(d.getWeights())).toEqual(['weight']);
    expect(Object.keys(d.getWeights({ to: 'keras' }))).toEqual(['kernel']);
    expect(d.countParams()).toBe(6);
    throwsLW(() => d.setWeights({ weight: zeros([2, 3]), bias: zeros([2]) }), /no bias \(useBias: false\)/);
    d.setWeights({ kernel: { shape: [3, 2], data: [1, 2, 3, 4, 5, 6] } }, { from: 'keras' });
    expect(Array.from(d.forward({ shape: [1, 3], data: Float32Array.of(1, 1, 1) }).data)).toEqual([9, 12]);
  });

  it('options and shapes are checked with clear errors', async () => {
    await init({ backend: 'js' });
    throwsLW(() => new Dropout({ rate: 1 }), /Dropout: rate must be a number in \[0, 1\), got 1/);
    throwsLW(() => new Dropout({ rate: -0.1 }), /rate must be a number in \[0, 1\)/);
    throwsLW(() => new Dropout({ rate: '0.5' as unknown as number }), /rate must be a number/);
    throwsLW(() => new Dropout({} as { rate: number }), /Dropout: rate is required/);
    throwsLW(() => new Dropout(undefined as unknown as { rate: number }), /options \{ rate \} are required/);
    throwsLW(() => new Dropout({ rate: 0.1, noiseShape: [1] } as unknown as { rate: number }), /unknown option "noiseShape"/);
    throwsLW(() => new RepeatVector({ n: 0 }), /RepeatVector: n must be a whole number from 1/);
    throwsLW(() => new RepeatVector({ n: 2.5 }), /n must be a whole number/);
    throwsLW(() => new RepeatVector({} as { n: number }), /RepeatVector: n is required/);
    throwsLW(() => new Dense({ units: 2, useBias: 'no' as unknown as boolean }), /Dense: useBias must be true or false/);
    // RepeatVector needs 2-D input: after a layer that returns every step, or as the first layer of 3-D data
    throwsLW(() => new Sequential([new LSTM({ inputSize: 2, units: 3, returnSequences: true }), new RepeatVector({ n: 2 })]),
      /RepeatVector\) takes 2-D input \[batch, features\], but lstm\S* \(LSTM\) before it returns every step; set returnSequences: false/);
    using first = new Sequential([new RepeatVector({ n: 3, inputSize: 2 }), new LSTM({ units: 4 })]);
    expect(first.predict(randomTensor([2, 2], rng(1))).shape).toEqual([2, 4]);
    throwsLW(() => first.predict(randomTensor([2, 5, 2], rng(1))), /takes 2-D input \[batch, features\]; give input of shape \[batch, features\]/);
    // a weightless first layer needs inputSize for the ones after it
    throwsLW(() => new Sequential([new Dropout({ rate: 0.1 }), new Dense({ units: 1 })]), /give dropout\S* inputSize/);
    // weightless layers take no weights
    throwsLW(() => new Dropout({ rate: 0.1, inputSize: 2 }).setWeights({ bias: zeros([2]) }), /has no weights, got "bias"/);
    // streams: Dropout passes, RepeatVector is refused
    using s = new Sequential([new LSTM({ inputSize: 2, units: 3, returnSequences: true }), new Dropout({ rate: 0.5 }), new Dense({ units: 1 })]);
    expect(s.stream().step(Float32Array.of(0.5, -0.5)).length).toBe(1);
    using ae = new Sequential([new LSTM({ inputSize: 2, units: 3 }), new RepeatVector({ n: 2 }), new LSTM({ units: 3, returnSequences: true })]);
    throwsLW(() => ae.stream(), /RepeatVector layer makes a whole sequence from one row/);
    // training targets take RepeatVector's steps
    ae.compile({ loss: 'mse' });
    throwsLW(() => ae.trainOnBatch(randomTensor([2, 5, 2], rng(2)), zeros([2, 5, 3])), /y has shape \[2,5,3\] but the model gives \[2,2,3\]/);
    expect(Number.isFinite(ae.trainOnBatch(randomTensor([2, 5, 2], rng(2)), zeros([2, 2, 3])))).toBe(true);
  });
});

describe('steady loops take nothing from the heap', () => {
  it.each(['concat', 'sum', 'mul', 'ave'] as MergeMode[])('predict with Bidirectional %s, Dropout and RepeatVector', async (mergeMode) => {
    await init({ backend: 'wasm-simd' });
    using m = new Sequential([
      new Bidirectional(new LSTM({ inputSize: 3, units: 5, seed: 1 }), { mergeMode }),
      new Dropout({ rate: 0.5 }), new RepeatVector({ n: 4 }), new LSTM({ units: 3, returnSequences: true, seed: 2 }),
      new Dense({ units: 1, useBias: false, seed: 3 }),
    ]);
    const x = randomTensor([2, 6, 3], rng(3));
    const y0 = m.predict(x);
    const after1 = memoryInfo();
    let last = y0;
    for (let i = 0; i < 200; i++) last = m.predict(x);
    expect(memoryInfo()).toEqual(after1);
    expect(Array.from(last.data)).toEqual(Array.from(y0.data));
  });

  it('training steps with them', async () => {
    await init({ backend: 'wasm-simd' });
    using m = new Sequential([
      new Bidirectional(new LSTM({ inputSize: 3, units: 5, returnSequences: true, seed: 1 }), { mergeMode: 'mul' }),
      new Dropout({ rate: 0.3, seed: 1 }), new Dense({ units: 1, useBias: false, seed: 3 }),
    ]);
    m.compile({ loss: 'mse' });
    const x = randomTensor([4, 6, 3], rng(4)), y = randomTensor([4, 6, 1], rng(5));
    m.trainOnBatch(x, y);
    const after1 = memoryInfo();
    for (let i = 0; i < 20; i++) m.trainOnBatch(x, y);
    expect(memoryInfo()).toEqual(after1);
  });
});
