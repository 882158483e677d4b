/**
 * Guard zones: with them on, every heap block is followed by a red zone
 * of NaN words. A write past a block's end is caught (checkGuards, and
 * release), and every kernel — forward, training, optimizers, every layer
 * type, odd sizes that leave padded lanes — runs through a model's life
 * without touching one. The fuzzer (npm run fuzz) runs with them on too.
 */
import { describe, expect, it } from 'vitest';
import { activeBackend } from '../src/backend/registry.js';
import { checkGuards, enableGuards } from '../src/backend/arena-guards.js';
import { Bidirectional, Dense, GRU, init, LSTM, memoryInfo, Sequential, SimpleRNN } from '../src/index.js';
import { BACKENDS, randomTensor, rng } from './helpers.js';

describe.each(BACKENDS)('guard zones on %s', (backendName) => {
  it('a write one float past a block is caught, by checkGuards and by release', async () => {
    await init({ backend: backendName });
    const { arena } = activeBackend();
    enableGuards(arena);
    const ptr = arena.allocFloats(5);
    checkGuards(arena);
    arena.f32()[(ptr >> 2) + 4] = 1; // the last float of the block: allowed
    checkGuards(arena);
    arena.f32()[(ptr >> 2) + 5] = 1; // one past it
    expect(() => checkGuards(arena)).toThrow(/heap corruption: the 20-byte block at \d+ was overrun \(byte 0 past its end/);
    expect(() => arena.release(ptr)).toThrow(/heap corruption/);
    arena.f32()[(ptr >> 2) + 5] = Number.NaN; // (any NaN other than the guard's own pattern is still a write)
    expect(() => checkGuards(arena)).toThrow(/heap corruption/);
    new Uint32Array(arena.heap.buffer)[(ptr >> 2) + 5] = 0x7fc0dead; // put the pattern back to free it cleanly
    arena.release(ptr);
  });

  it('a model of every layer type predicts, trains and streams without writing past any block', async () => {
    await init({ backend: backendName });
    const { arena } = activeBackend();
    enableGuards(arena);
    const blocks = memoryInfo().liveBlocks;
    // odd unit counts: the panels are padded to multiples of 4, the blocks are not
    const m = new Sequential([
      new LSTM({ inputSize: 3, units: 5, returnSequences: true, seed: 1 }),
      new Bidirectional(new GRU({ units: 3, returnSequences: true, seed: 2 })),
      new SimpleRNN({ units: 7, activation: 'relu', returnSequences: true, seed: 3 }),
      new Bidirectional(new LSTM({ units: 2, seed: 4 })),
      new Dense({ units: 3, activation: 'softmax', seed: 5 }),
    ]);
    const r = rng(6);
    for (const [B, T] of [[1, 1], [3, 7], [2, 13]]) m.predict(randomTensor([B, T, 3], r));
    checkGuards(arena);
    for (const optimizer of ['sgd', 'rmsprop', 'adam', 'adamw'] as const) {
      m.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const y = { shape: [5, 3], data: new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1]) };
      await m.fit(randomTensor([5, 6, 3], r), y, { epochs: 2, batchSize: 2 });
      m.computeGradients(randomTensor([2, 4, 3], r), { shape: [2, 3], data: new Float32Array([0, 1, 0, 1, 0, 0]) });
      checkGuards(arena);
    }
    const seqModel = new Sequential([new LSTM({ inputSize: 2, units: 5, returnSequences: true, seed: 7 }), new GRU({ units: 3, seed: 8 }), new Dense({ units: 1, seed: 9 })]);
    const s = seqModel.stream({ batch: 3 });
    for (let t = 0; t < 5; t++) s.step(randomTensor([3, 2], r).data);
    s.step(randomTensor([3, 4, 2], r).data);
    checkGuards(arena);
    seqModel.dispose();
    m.dispose();
    expect(memoryInfo().liveBlocks).toBe(blocks);
  });
});
