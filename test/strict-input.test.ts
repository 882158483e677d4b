/**
 * Values are taken as they are, never coerced, and names are looked up
 * as own properties: each case below was once accepted and silently did
 * something else (null weights loaded as 0, 'toString' ran as a linear
 * activation, "false" read as true, batchSize 0 spun forever, …). Every
 * one must now be an LstmWasmError that names the problem, leaving the
 * object as it was.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  Adam, Dense, EarlyStopping, GRU, init, LSTM, memoryInfo, RMSprop, SGD, Sequential, SimpleRNN, exponentialDecay,
  type Tensor,
} from '../src/index.js';
import { randomTensor, rejectsLW, rng, throwsLW } from './helpers.js';

const PROTOTYPE_NAMES = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];

describe('weights are numbers', () => {
  it('JSON null (how JSON stores NaN), [], true and numeric strings in weight data are errors, never 0 or 1', async () => {
    await init({ backend: 'js' });
    const d = new Dense({ inputSize: 2, units: 1, seed: 1 });
    const before = d.getWeights();
    for (const [bad, pattern] of [[null, /data\[1\] is null, not a number \(JSON writes NaN and Infinity as null\)/], [[], /data\[1\] is \[\]/], [true, /data\[1\] is true/], ['0.5', /data\[1\] is "0.5"/]] as const) {
      throwsLW(() => d.setWeights({ weight: { shape: [1, 2], data: [0.25, bad as unknown as number] }, bias: { shape: [1], data: [0] } }), /weight "weight"/, pattern);
    }
    // a NaN weight saved through JSON comes back as null, and is refused rather than loaded as 0
    const viaJson = JSON.parse(JSON.stringify({ weight: { shape: [1, 2], data: [0.5, Number.NaN] }, bias: { shape: [1], data: [0] } }));
    throwsLW(() => d.setWeights(viaJson), /data\[1\] is null/);
    throwsLW(() => d.setWeights({ weight: { shape: [1, 2], data: 'ab' as unknown as number[] } }), /data must be a Float32Array or an array of numbers/);
    throwsLW(() => d.setWeights({ weight: { shape: ['1', 2] as unknown as number[], data: [1, 2] } }), /shape an array of whole numbers/);
    expect(d.getWeights()).toEqual(before);
    d.dispose();
  });
});

describe('names are own properties, never inherited ones', () => {
  it('prototype names are not activations, losses, metrics, optimizers or layer classes', async () => {
    await init({ backend: 'js' });
    for (const name of PROTOTYPE_NAMES) {
      throwsLW(() => new Dense({ units: 1, activation: name as 'relu' }), /activation must be one of/);
      throwsLW(() => new SimpleRNN({ units: 1, activation: name as 'relu' }), /activation must be one of/);
      const m = new Sequential([new Dense({ inputSize: 1, units: 1 })]);
      throwsLW(() => m.compile({ loss: name as 'mse' }), /unknown loss/);
      throwsLW(() => m.compile({ metrics: [name as 'mae'] }), /metric must be one of/);
      throwsLW(() => m.compile({ optimizer: name as 'adam' }), /unknown optimizer/);
      throwsLW(() => Sequential.load({ format: 'lstm-wasm', version: 1, name: 'm', layers: [{ className: name, config: {} }] }, m.save().weights), /unknown layer class/);
      m.dispose();
    }
  });
});

describe('options are checked for type and range, and unknown ones are refused', () => {
  it('layer options', () => {
    throwsLW(() => new LSTM({ units: 3, returnSequences: 'false' as unknown as boolean }), /returnSequences must be true or false, got "false"/);
    throwsLW(() => new GRU({ units: '4' as unknown as number }), /units must be a whole number/, /"4"/);
    throwsLW(() => new LSTM({ units: 3, unitForgetBias: 1 as unknown as boolean }), /unitForgetBias must be true or false/);
    throwsLW(() => new Dense({ units: 3, name: '' }), /name must be a non-empty string/);
    throwsLW(() => new Dense({ units: 3, seed: -1 }), /seed must be a whole number from 0/);
    throwsLW(() => new Dense({ units: 3, seed: 1.5 }), /seed must be a whole number/);
    throwsLW(() => new LSTM({ units: 3, dropout: 0.2 } as unknown as { units: number }), /unknown option "dropout"/);
    throwsLW(() => new Dense({ units: 2 ** 31 }), /units must be a whole number from 1 to 16,777,216/);
    throwsLW(() => new Sequential([new Dense({ inputSize: 1, units: 1 })], { name: 5 as unknown as string }), /name must be a non-empty string/);
  });

  it('optimizer options', () => {
    throwsLW(() => new Adam({ epsilon: 'abc' as unknown as number }), /Adam: epsilon must be a positive finite number, got "abc"/);
    throwsLW(() => new RMSprop({ epsilon: Number.NaN }), /epsilon must be a positive finite number/);
    throwsLW(() => new RMSprop({ rho: 1 }), /rho must be a number in \[0, 1\)/);
    throwsLW(() => new Adam({ beta1: '0.9' as unknown as number }), /beta1 must be a number/);
    throwsLW(() => new SGD({ nesterov: 'true' as unknown as boolean }), /nesterov must be true or false/);
    throwsLW(() => new SGD({ lr: 0.1 } as unknown as { learningRate: number }), /unknown option "lr"/);
    throwsLW(() => new Adam({ learningRate: '0.01' as unknown as number }), /learningRate must be a positive finite number/);
    throwsLW(() => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: 'yes' as unknown as boolean }), /staircase must be true or false/);
    throwsLW(() => new EarlyStopping({ patience: '3' as unknown as number }), /patience must be a whole number/);
  });

  it('a learning-rate schedule that returns a bad value stops training with a message naming it', async () => {
    await init({ backend: 'js' });
    const m = new Sequential([new Dense({ inputSize: 1, units: 1, seed: 2 })]);
    m.compile({ optimizer: new SGD({ learningRate: (step) => (step < 1 ? 0.1 : Number.NaN) }), loss: 'mse' });
    const x = [[1], [2]], y = [[1], [2]];
    m.trainOnBatch(x, y);
    const w = m.layers[0].getWeights();
    throwsLW(() => m.trainOnBatch(x, y), /schedule gave NaN at update 1/);
    expect(m.layers[0].getWeights()).toEqual(w);
    m.dispose();
  });

  describe('fit and evaluate options', () => {
    const setup = async () => {
      await init({ backend: 'wasm-simd' });
      const m = new Sequential([new LSTM({ inputSize: 2, units: 3, seed: 3 }), new Dense({ units: 1, seed: 4 })]);
      m.compile({ optimizer: 'adam', loss: 'mse' });
      const r = rng(9);
      return { m, x: randomTensor([6, 4, 2], r), y: randomTensor([6, 1], r) };
    };

    it('batchSize 0, -1, NaN, 1.5 and "8" are errors (0 used to spin forever in evaluate)', async () => {
      const { m, x, y } = await setup();
      const blocks = memoryInfo().liveBlocks;
      for (const batchSize of [0, -1, Number.NaN, 1.5, '8']) {
        throwsLW(() => m.evaluate(x, y, { batchSize: batchSize as number }), /evaluate: batchSize must be a whole number from 1/);
        await rejectsLW(m.fit(x, y, { batchSize: batchSize as number }), /fit: batchSize must be a whole number from 1/);
      }
      expect(memoryInfo().liveBlocks).toBe(blocks);
      expect(m.evaluate(x, y, { batchSize: 4 }).loss).toBeCloseTo(m.evaluate(x, y, { batchSize: 6 }).loss, 6);
      m.dispose();
    });

    it('each fit option with a wrong type is named', async () => {
      const { m, x, y } = await setup();
      const bad: [Record<string, unknown>, RegExp][] = [
        [{ validationSplit: '0.5' }, /validationSplit must be a number in \(0, 1\), got "0.5"/],
        [{ validationSplit: 1 }, /validationSplit must be a number in \(0, 1\)/],
        [{ callbacks: 5 }, /callbacks must be callback objects .* item 0 is 5/],
        [{ callbacks: [{ onEpochEnd: 'x' }] }, /callback 0's onEpochEnd must be a function/],
        [{ epochs: '3' }, /epochs must be a whole number/],
        [{ epoch: 3 }, /unknown option "epoch"/],
        [{ shuffle: 'yes' }, /shuffle must be true or false/],
        [{ seed: -1 }, /seed must be a whole number from 0/],
        [{ signal: {} }, /signal must be an AbortSignal/],
        [{ onWarning: 'console' }, /onWarning must be a function/],
        [{ validationData: [x] }, /validationData must be \[x, y\]/],
        [{ validationData: [x, y], validationSplit: 0.5 }, /validationData or validationSplit, not both/],
      ];
      const before = m.snapshotParams();
      for (const [options, pattern] of bad) await rejectsLW(m.fit(x, y, options as never), pattern);
      expect(Array.from(m.snapshotParams())).toEqual(Array.from(before));
      throwsLW(() => m.compile({ metrics: 'mae' as unknown as ['mae'] }), /metrics must be an array of names/);
      throwsLW(() => m.compile({ metrics: ['mae', 'rmse', 'mae'] }), /metric 'mae' is listed twice/);
      throwsLW(() => m.evaluate(x, y, { batch: 2 } as never), /unknown option "batch"/);
      m.dispose();
    });
  });
});

describe('training that blows up says so', () => {
  it.each([['Adam', () => new Adam({ learningRate: 1e10 })], ['RMSprop', () => new RMSprop({ learningRate: 1e10 })]])(
    '%s at lr 1e10: the exploding loss is a warning, passed to onWarning and kept in history.warnings', async (_name, make) => {
      await init({ backend: 'wasm-simd' });
      const m = new Sequential([new LSTM({ inputSize: 1, units: 8, seed: 1 }), new Dense({ units: 1, seed: 2 })]);
      m.compile({ optimizer: make(), loss: 'mse' });
      const x: Tensor = { shape: [64, 5, 1], data: Float32Array.from({ length: 320 }, (_, i) => Math.sin(i)) };
      const y: Tensor = { shape: [64, 1], data: Float32Array.from({ length: 64 }, (_, i) => Math.cos(i)) };
      const heard: string[] = [];
      let h;
      try {
        h = await m.fit(x, y, { epochs: 3, onWarning: (w) => heard.push(w) });
      } catch (e) {
        // the loss may also overflow to Infinity: then fit fails with "diverged", which is just as loud
        expect(String(e)).toMatch(/training diverged/);
        m.dispose();
        return;
      }
      expect(h.warnings).toHaveLength(1);
      expect(h.warnings[0]).toMatch(/the training loss exploded: .* at epoch 1, .*× the untrained model's .*; lower the learning rate \(now 10000000000\)/);
      expect(heard).toEqual([`lstm-wasm: ${h.warnings[0]}`]);
      m.dispose();
    });

  it('an ordinary fit warns of nothing', async () => {
    await init({ backend: 'wasm-simd' });
    const m = new Sequential([new Dense({ inputSize: 1, units: 1, seed: 5 })]);
    m.compile({ optimizer: new SGD({ learningRate: 0.05 }), loss: 'mse' });
    const spy = vi.spyOn(console, 'warn');
    const h = await m.fit([[1], [2], [3]], [[2], [4], [6]], { epochs: 20 });
    expect(h.warnings).toEqual([]);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    m.dispose();
  });
});

describe('inputs that would exhaust something', () => {
  it('nested arrays deeper than 8 levels are an error (a very deep one used to overflow the stack)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    throwsLW(() => new Dense({ inputSize: 1, units: 1 }).forward(deep as number[][]), /nested arrays deeper than 8 levels/);
  });

  it('a layer too large for any heap is an out-of-memory error before anything is taken', async () => {
    await init({ backend: 'wasm-simd' });
    const before = memoryInfo();
    const big = new LSTM({ inputSize: 1, units: 1 << 20 });
    throwsLW(() => big.forward([[[1]]]), /out of memory: .* were asked for, but a heap holds at most 4096.0 MiB/);
    expect(memoryInfo()).toEqual(before);
    big.dispose();
  });

  it('restoreParams takes only a finite snapshot of the right size', async () => {
    await init({ backend: 'js' });
    const m = new Sequential([new Dense({ inputSize: 2, units: 1, seed: 6 })]);
    const good = m.snapshotParams();
    const bad = good.slice();
    bad[0] = Number.NaN;
    throwsLW(() => m.restoreParams(bad), /snapshot contains NaN/);
    throwsLW(() => m.restoreParams(Array.from(good) as unknown as Float32Array), /needs a Float32Array of \d+ values/);
    expect(Array.from(m.snapshotParams())).toEqual(Array.from(good));
    m.dispose();
  });
});

describe('init', () => {
  it('the last of several concurrent calls decides the backend, whatever order the loads finish in', async () => {
    vi.resetModules(); // a fresh module: nothing loaded yet, so the SIMD build is slower to load than js
    const lib = await import('../src/index.js');
    const calls = [lib.init({ backend: 'wasm-simd' }), lib.init({ backend: 'wasm' }), lib.init({ backend: 'js' })];
    expect(await Promise.all(calls)).toEqual(['wasm-simd', 'wasm', 'js']);
    expect(lib.backend()).toBe('js');
  });

  it('a wasm module that is not an lstm-wasm build is refused by its exports', async () => {
    vi.resetModules();
    const lib = await import('../src/index.js');
    const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    // a fresh module has its own LstmWasmError class
    const refused = async (p: Promise<unknown>, pattern: RegExp) => {
      await expect(p).rejects.toThrow(lib.LstmWasmError);
      await expect(p).rejects.toThrow(pattern);
    };
    await refused(lib.init({ backend: 'wasm', wasm: empty }), /not an lstm-wasm build of this version: it lacks memory, heapBase, project, lstmRecur and \d+ more/);
    await refused(lib.init({ backend: 'turbo' as 'js' }), /unknown backend "turbo"/);
    await refused(lib.init({ backend: 'js', workers: 2 } as never), /init: unknown option "workers"/);
  });
});
