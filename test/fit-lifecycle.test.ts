/**
 * A model's life around fit(): while it runs, the trainer owns the
 * gradient block and the optimizer's state, so whatever would free or
 * share them (compile, a second fit, trainOnBatch, computeGradients) is
 * refused; what only reads or writes weight values (predict, evaluate,
 * save, setWeights) works between batches; dispose() frees the model and
 * the running fit() rejects instead of writing into freed memory. And a
 * layer or an optimizer serves one model: a second owner would run on
 * memory the first one moved or freed.
 */
import { describe, expect, it } from 'vitest';
import { Adam, Dense, init, LSTM, memoryInfo, Sequential, type Callback } from '../src/index.js';
import { BACKENDS, randomTensor, rejectsLW, rng, throwsLW } from './helpers.js';

function model(seed: number): Sequential {
  return new Sequential([new LSTM({ inputSize: 2, units: 6, seed }), new Dense({ units: 1, seed: seed + 1 })]);
}

const data = () => {
  const r = rng(7);
  return { x: randomTensor([24, 5, 2], r), y: randomTensor([24, 1], r, 0.5) };
};

/** A callback that runs `f` once, at the end of the first batch. */
const atFirstBatch = (f: () => void | Promise<void>): Callback => {
  let done = false;
  return { async onBatchEnd() { if (!done) { done = true; await f(); } } };
};

describe.each(BACKENDS)('fit() and what may run beside it, on %s', (backendName) => {
  it('compile during fit is refused; the fit goes on learning and other models are untouched', async () => {
    await init({ backend: backendName });
    const { x, y } = data();
    const m = model(1);
    m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
    let other: Sequential | undefined;
    let otherBefore: Float32Array | undefined;
    const h = await m.fit(x, y, {
      epochs: 8, batchSize: 8,
      callbacks: [atFirstBatch(() => {
        throwsLW(() => m.compile({ optimizer: 'sgd' }), /compile: fit\(\) is running on this model/);
        // the old recompile freed the gradient block under the running fit; a model made now took that memory
        other = model(3);
        otherBefore = other.predict(x).data;
      })],
    });
    const loss = h.history.loss;
    expect(loss).toHaveLength(8);
    expect(loss[7], 'the fit kept learning').toBeLessThan(0.8 * loss[0]);
    expect(Array.from(other!.predict(x).data)).toEqual(Array.from(otherBefore!));
    other!.dispose();
    m.dispose();
  });

  it('a second fit, trainOnBatch and computeGradients during fit are refused; the first fit completes', async () => {
    await init({ backend: backendName });
    const { x, y } = data();
    const m = model(5);
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const running = m.fit(x, y, { epochs: 3, batchSize: 4 });
    expect(m.isFitting).toBe(true);
    await rejectsLW(m.fit(x, y, { epochs: 1 }), /fit: fit\(\) is running on this model/);
    throwsLW(() => m.trainOnBatch(x, y), /trainOnBatch: fit\(\) is running/);
    throwsLW(() => m.computeGradients(x, y), /computeGradients: fit\(\) is running/);
    const h = await running;
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(m.isFitting).toBe(false);
    expect(Number.isFinite(m.trainOnBatch(x, y))).toBe(true); // and afterwards all of them work again
    m.dispose();
  });

  it('predict, evaluate, save and setWeights work from a callback during fit', async () => {
    await init({ backend: backendName });
    const { x, y } = data();
    const m = model(9);
    m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
    const start = m.layers[1].getWeights();
    const seen: number[] = [];
    await m.fit(x, y, {
      epochs: 2, batchSize: 8,
      callbacks: [{
        onEpochEnd() {
          const p = m.predict(x).data;
          let mse = 0;
          for (let i = 0; i < p.length; i++) mse += (p[i] - y.data[i]) ** 2;
          seen.push(mse / p.length, m.evaluate(x, y).loss);
          expect(m.save().weights.length).toBeGreaterThan(0);
          m.layers[1].setWeights(start); // between batches a weight write is safe: the next batch starts from it
          expect(Array.from(m.layers[1].getWeights().weight.data)).toEqual(Array.from(start.weight.data));
        },
      }],
    });
    expect(seen).toHaveLength(4);
    expect(Math.abs(seen[0] - seen[1])).toBeLessThan(1e-5 * seen[0] + 1e-7);
    m.dispose();
  });

  it('dispose during fit frees everything; the fit rejects at its next batch and touches nothing else', async () => {
    await init({ backend: backendName });
    const { x, y } = data();
    const sentinel = model(11);
    const sentinelOut = sentinel.predict(x).data;
    const blocks = memoryInfo().liveBlocks;
    const m = model(13);
    m.compile({ optimizer: 'rmsprop', loss: 'mse' });
    let batches = 0;
    const fit = m.fit(x, y, { epochs: 5, batchSize: 4, callbacks: [{ onBatchEnd() { if (++batches === 2) m.dispose(); } }] });
    await rejectsLW(fit, /was disposed while fit\(\) was running/);
    expect(batches).toBe(2);
    expect(m.isDisposed).toBe(true);
    expect(m.isFitting).toBe(false);
    expect(memoryInfo().liveBlocks).toBe(blocks);
    const fresh = model(15); // takes the memory the disposed model gave back
    const freshOut = fresh.predict(x).data;
    expect(Array.from(sentinel.predict(x).data)).toEqual(Array.from(sentinelOut));
    expect(Array.from(fresh.predict(x).data)).toEqual(Array.from(freshOut));
    fresh.dispose();
    sentinel.dispose();
  });
});

describe('one owner per layer and per optimizer', () => {
  it('a layer already in a model cannot join another (it would run on memory the first one owns)', async () => {
    await init({ backend: 'wasm-simd' });
    const lstm = new LSTM({ inputSize: 2, units: 3 });
    const a = new Sequential([lstm, new Dense({ units: 1 })]);
    throwsLW(() => new Sequential([lstm, new Dense({ units: 1 })]), /layer lstm\w* already belongs to another model/);
    const x = randomTensor([2, 4, 2], rng(1));
    const before = a.predict(x).data;
    expect(Array.from(a.predict(x).data)).toEqual(Array.from(before));
    a.dispose();
  });

  it('a failed Sequential leaves its layers free to use elsewhere', async () => {
    await init({ backend: 'wasm-simd' });
    const lstm = new LSTM({ inputSize: 2, units: 3, name: 'free_lstm' });
    throwsLW(() => new Sequential([lstm, new Dense({ inputSize: 5, units: 1 })]), /Sequential: dense\w* expects 5 input features but free_lstm before it gives 3/);
    const m = new Sequential([lstm, new Dense({ units: 1 })]);
    expect(m.predict(randomTensor([1, 3, 2], rng(2))).shape).toEqual([1, 1]);
    m.dispose();
  });

  it('two layers of one name are refused: their weights would overwrite each other when saved', () => {
    throwsLW(() => new Sequential([new Dense({ inputSize: 2, units: 2, name: 'd' }), new Dense({ units: 1, name: 'd' })]), /two layers are named "d"/);
  });

  it('an optimizer instance trains one live model at a time', async () => {
    await init({ backend: 'wasm-simd' });
    const opt = new Adam();
    const a = model(21), b = model(23);
    a.compile({ optimizer: opt, loss: 'mse' });
    throwsLW(() => b.compile({ optimizer: opt, loss: 'mse' }), /Adam: this optimizer instance already trains another model/);
    a.compile({ optimizer: opt, loss: 'mse' }); // the same model may recompile with it
    a.dispose();
    b.compile({ optimizer: opt, loss: 'mse' }); // and once that model is gone, another may use it
    b.dispose();
  });
});
