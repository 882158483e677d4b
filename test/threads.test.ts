/**
 * init({ threads }): predict with its batch rows cut across worker threads
 * must give exactly (bit for bit) what one thread gives, on shapes that
 * stress the cut (B not a multiple of the threads, B below them, H not a
 * multiple of 4, project's 64-row chunks, every cell, Bidirectional,
 * masked lengths, the cells' variants), with 3 threads too on a 2-core
 * machine; PyTorch's golden cases pass threaded; a failing or dying worker
 * ends the call with an LstmWasmError and the next call works; idle
 * workers never keep a process alive.
 *
 * setMinSplitWork(0) makes the threaded kernels cut every call they can,
 * small ones included (by default calls below ~2^18 multiply-adds run
 * whole), and cutCallCount() proves that a threaded run was cut.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backendInfo, Bidirectional, Dense, GRU, init, LSTM, LstmWasmError, readSafetensors, Sequential, shutdownThreads, SimpleRNN, type Layer, type Tensor,
} from '../src/index.js';
import { cutCallCount, injectWorkerFailure, setMinSplitWork } from '../src/backend/threads/threaded-backend.js';
import { PROJECT_ROW_ALIGN, RECUR_ROW_ALIGN, rowRanges } from '../src/backend/threads/split.js';
import { expectClose, f32, golden, goldenBytes, randomTensor, rng, runBuilt, torchWeights } from './helpers.js';

beforeAll(() => setMinSplitWork(0));
afterAll(async () => {
  setMinSplitWork(undefined);
  shutdownThreads();
  await init({ backend: 'wasm-simd', relaxedSimd: false });
});

/** A model and its input, made afresh on whichever backend is active (seeded: the same weights every time). */
interface Case {
  name: string;
  layers: () => Layer[];
  shape: [number, number, number];
  lengths?: number[];
}

const CASES: Case[] = [
  { name: 'W2-like LSTM(16→37) → Dense, B=9, T=20 (project cut in 64-row chunks)', shape: [9, 20, 16], layers: () => [new LSTM({ inputSize: 16, units: 37, seed: 1 }), new Dense({ units: 3, seed: 2 })] },
  { name: 'LSTM B=1 (fewer rows than threads)', shape: [1, 7, 5], layers: () => [new LSTM({ inputSize: 5, units: 6, seed: 3, returnSequences: true })] },
  { name: 'LSTM B=3, H=5, stacked, sequences', shape: [3, 11, 4], layers: () => [new LSTM({ inputSize: 4, units: 5, seed: 4, returnSequences: true }), new LSTM({ units: 7, seed: 5 })] },
  { name: 'LSTM B=5 odd, hard_sigmoid gates (the generic kernels)', shape: [5, 9, 3], layers: () => [new LSTM({ inputSize: 3, units: 10, seed: 6, recurrentActivation: 'hard_sigmoid', returnSequences: true })] },
  { name: 'GRU B=7, H=9', shape: [7, 13, 6], layers: () => [new GRU({ inputSize: 6, units: 9, seed: 7, returnSequences: true })] },
  { name: 'GRU reset-before, B=4', shape: [4, 6, 2], layers: () => [new GRU({ inputSize: 2, units: 3, seed: 8, resetAfter: false })] },
  { name: 'SimpleRNN tanh B=6, relu B=5', shape: [6, 8, 3], layers: () => [new SimpleRNN({ inputSize: 3, units: 11, seed: 9, returnSequences: true }), new SimpleRNN({ units: 4, seed: 10, activation: 'relu' })] },
  { name: 'SimpleRNN elu-free variant: linear activation (generic kernel)', shape: [5, 4, 2], layers: () => [new SimpleRNN({ inputSize: 2, units: 6, seed: 11, activation: 'linear' })] },
  { name: 'Bidirectional LSTM concat, B=5', shape: [5, 10, 4], layers: () => [new Bidirectional(new LSTM({ inputSize: 4, units: 6, seed: 12, returnSequences: true })), new Dense({ units: 2, seed: 13 })] },
  { name: 'Bidirectional GRU sum, last step, B=3', shape: [3, 5, 3], layers: () => [new Bidirectional(new GRU({ inputSize: 3, units: 5, seed: 14 }), { mergeMode: 'sum' })] },
  { name: 'LSTM with masked lengths, B=7', shape: [7, 9, 3], lengths: [9, 1, 4, 9, 7, 2, 5], layers: () => [new LSTM({ inputSize: 3, units: 6, seed: 15, returnSequences: true }), new GRU({ units: 5, seed: 16 })] },
];

/** Predict every case on the backend init(options) makes active; the models are disposed. */
async function predictAll(options: Parameters<typeof init>[0]): Promise<Float32Array[]> {
  await init(options);
  return CASES.map((c, i) => {
    const model = new Sequential(c.layers());
    const x = randomTensor(c.shape, rng(100 + i));
    const y = model.predict(x, c.lengths ? { lengths: c.lengths } : undefined).data.slice();
    model.dispose();
    return y;
  });
}

/** Bit-for-bit equality (NaN payloads and signed zeros included), with the first difference in the message. */
function expectIdentical(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  const a = new Uint32Array(got.buffer, got.byteOffset, got.length), b = new Uint32Array(want.buffer, want.byteOffset, want.length);
  const i = a.findIndex((v, k) => v !== b[k]);
  expect(i, `${what}: first difference at ${i}: ${got[i]} vs ${want[i]}`).toBe(-1);
}

describe('rowRanges', () => {
  it('covers the rows in order, each start aligned, at most `parts` ranges, none empty', () => {
    for (const align of [RECUR_ROW_ALIGN, PROJECT_ROW_ALIGN]) {
      for (let rows = 1; rows <= 300; rows += rows < 20 ? 1 : 37) {
        for (const parts of [1, 2, 3, 4, 8]) {
          const r = rowRanges(rows, parts, align);
          expect(r.length).toBeLessThanOrEqual(parts);
          expect(r[0][0]).toBe(0);
          expect(r[r.length - 1][1]).toBe(rows);
          r.forEach(([s, e], i) => {
            expect(e).toBeGreaterThan(s);
            expect(s % align).toBe(0);
            if (i > 0) expect(s).toBe(r[i - 1][1]);
          });
        }
      }
    }
    expect(rowRanges(3, 3, 2)).toEqual([[0, 2], [2, 3]]); // the odd row stays last, as in the whole call
    expect(rowRanges(1600, 2, 64)).toEqual([[0, 832], [832, 1600]]);
  });
});

describe('predict with threads equals one thread bit for bit', () => {
  let single: Float32Array[];
  beforeAll(async () => {
    single = await predictAll({ backend: 'wasm-simd', relaxedSimd: false });
    expect(backendInfo()).toEqual({ name: 'wasm-simd', relaxedSimd: false, threads: 1 });
  });

  for (const threads of [2, 3]) {
    it(`threads: ${threads}${threads === 3 ? ' (more threads than this machine may have cores)' : ''}`, async () => {
      const before = cutCallCount();
      const got = await predictAll({ backend: 'wasm-simd', relaxedSimd: false, threads });
      expect(backendInfo()).toEqual({ name: 'wasm-simd', relaxedSimd: false, threads });
      expect(cutCallCount() - before).toBeGreaterThan(CASES.length); // the calls really were cut
      got.forEach((y, i) => expectIdentical(y, single[i], CASES[i].name));
    });
  }
});

describe('golden PyTorch cases, threaded', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm-simd', relaxedSimd: false, threads: 2 });
  });

  it('lstm_long: 1000 steps (project cut over 1000 rows) within 1e-4 of PyTorch', () => {
    const c = golden('lstm_long');
    const lstm = new LSTM({ inputSize: 16, units: 32, returnSequences: true });
    lstm.setWeights(readSafetensors(goldenBytes('lstm_long')), { from: 'torch' });
    const before = cutCallCount();
    const r = lstm.forward({ shape: [1, 1000, 16], data: f32(c.inputs.input).data });
    expect(cutCallCount()).toBeGreaterThan(before);
    for (const t of [0, 499, 999]) expectClose({ shape: [1, 32], data: r.output.data.slice(t * 32, (t + 1) * 32) }, c.expected[`output_t${t}`], 1e-4, `t=${t}`);
    lstm.dispose();
  });

  it('lstm_stack, lstm_bidir, gru_small, rnn_small within 1e-5 of PyTorch', () => {
    const stack = golden('lstm_stack');
    const model = new Sequential([new LSTM({ inputSize: 8, units: 16, returnSequences: true }), new LSTM({ units: 16, returnSequences: true })]);
    model.loadStateDict(goldenBytes('lstm_stack'));
    expectClose(model.predict(f32(stack.inputs.input)), stack.expected.output, 1e-5, 'lstm_stack');
    model.dispose();
    const bidir = golden('lstm_bidir');
    const bi = new Bidirectional(new LSTM({ inputSize: 5, units: 6, returnSequences: true }));
    bi.setWeights(torchWeights(bidir), { from: 'torch' });
    expectClose(bi.forward(f32(bidir.inputs.input)).output, bidir.expected.output, 1e-5, 'lstm_bidir');
    bi.dispose();
    const g = golden('gru_small');
    const gru = new GRU({ inputSize: 3, units: 4, returnSequences: true });
    gru.setWeights(torchWeights(g), { from: 'torch' });
    expectClose(gru.forward(f32(g.inputs.input), { h: f32(g.inputs.h0) }).output, g.expected.output, 1e-5, 'gru_small');
    gru.dispose();
    const r = golden('rnn_small');
    const rnn = new SimpleRNN({ inputSize: 3, units: 4, returnSequences: true });
    rnn.setWeights(torchWeights(r), { from: 'torch' });
    expectClose(rnn.forward(f32(r.inputs.input)).output, r.expected.output, 1e-5, 'rnn_small');
    rnn.dispose();
  });
});

describe('a failing worker', () => {
  const c = CASES[0];
  const x = randomTensor(c.shape, rng(7));
  let want: Float32Array;
  beforeAll(async () => {
    await init({ backend: 'wasm-simd', relaxedSimd: false });
    const m = new Sequential(c.layers());
    want = m.predict(x).data.slice();
    m.dispose();
  });

  for (const kind of ['throw', 'exit'] as const) {
    it(`that ${kind === 'throw' ? 'throws' : 'ends'} ends the call with an LstmWasmError; the next call runs on one thread and is right`, async () => {
      await init({ backend: 'wasm-simd', relaxedSimd: false, threads: 3 });
      const model = new Sequential(c.layers());
      expectIdentical(model.predict(x).data, want, 'before');
      injectWorkerFailure(kind, 1);
      let err: unknown;
      try {
        model.predict(x);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(LstmWasmError);
      expect((err as Error).message).toMatch(kind === 'throw' ? /worker 2: a failure injected by a test/ : /worker 2: the thread ended during the call/);
      expect((err as Error).message).toMatch(/workers were shut down; later calls run on this thread/);
      expect(backendInfo().threads).toBe(1);
      expectIdentical(model.predict(x).data, want, 'after');
      // init starts workers again, and the same model runs on them
      await init({ backend: 'wasm-simd', relaxedSimd: false, threads: 2 });
      expect(backendInfo().threads).toBe(2);
      const before = cutCallCount();
      expectIdentical(model.predict(x).data, want, 'restarted');
      expect(cutCallCount()).toBeGreaterThan(before);
      model.dispose();
    });
  }
});

describe('init({ threads })', () => {
  it('refuses what is not a whole number of threads from 1 to 64 or "auto"', async () => {
    for (const bad of [0, 1.5, 65, -1, '2', null, Number.NaN]) {
      await expect(init({ threads: bad as never })).rejects.toThrow(/init: threads \(or 'auto'\) must be a whole number from 1 to 64/);
    }
  });

  it('refuses relaxedSimd: true with threads: the threads build is the plain SIMD one', async () => {
    await expect(init({ backend: 'wasm-simd', threads: 2, relaxedSimd: true })).rejects.toThrow(/threads build is plain SIMD; relaxedSimd: true needs threads: 1/);
  });

  it("'auto' uses the cores; the scalar and js backends stay on one thread and say so; threads: 1 ends the workers", async () => {
    await init({ backend: 'wasm-simd', relaxedSimd: false, threads: 'auto' });
    const cores = (await import('node:os')).availableParallelism();
    expect(backendInfo().threads).toBe(Math.min(8, cores));
    await init({ backend: 'wasm', threads: 2 });
    expect(backendInfo()).toEqual({ name: 'wasm', relaxedSimd: false, threads: 1 });
    await init({ backend: 'js', threads: 2 });
    expect(backendInfo()).toEqual({ name: 'js', relaxedSimd: false, threads: 1 });
    await init({ backend: 'wasm-simd', relaxedSimd: false, threads: 2 });
    const threaded = new LSTM({ inputSize: 2, units: 3, seed: 1 });
    threaded.forward(randomTensor([4, 3, 2], rng(1)));
    await init({ backend: 'wasm-simd', relaxedSimd: false, threads: 1 });
    expect(backendInfo().threads).toBe(1);
    // a layer bound to the threaded backend keeps working after its workers ended
    expect(threaded.forward(randomTensor([4, 3, 2], rng(1))).output.data.every(Number.isFinite)).toBe(true);
    threaded.dispose();
  });

  it('two inits at once: the last one asked decides, and its pool works', async () => {
    await Promise.all([init({ backend: 'wasm-simd', relaxedSimd: false, threads: 2 }), init({ backend: 'wasm-simd', relaxedSimd: false, threads: 3 })]);
    expect(backendInfo().threads).toBe(3);
    const c = CASES[0], x = randomTensor(c.shape, rng(5));
    const m = new Sequential(c.layers());
    const before = cutCallCount();
    const y = m.predict(x).data.slice();
    expect(cutCallCount()).toBeGreaterThan(before);
    m.dispose();
    await init({ backend: 'wasm-simd', relaxedSimd: false });
    const one = new Sequential(c.layers());
    expectIdentical(y, one.predict(x).data, 'threads 3 after concurrent inits');
    one.dispose();
  });

  it('training on the threaded backend gives the losses of the plain build (test/threads-train.test.ts has the rest)', async () => {
    const losses: number[][] = [];
    for (const threads of [1, 2]) {
      await init({ backend: 'wasm-simd', relaxedSimd: false, threads });
      const model = new Sequential([new LSTM({ inputSize: 3, units: 5, seed: 1 }), new Dense({ units: 1, seed: 2 })]);
      model.compile({ optimizer: 'adam', loss: 'mse' });
      const x = randomTensor([12, 6, 3], rng(3)), y = randomTensor([12, 1], rng(4));
      losses.push((await model.fit(x, y, { epochs: 3, batchSize: 4 })).history.loss);
      model.dispose();
    }
    expect(losses[0]).toHaveLength(3);
    expect(losses[1]).toEqual(losses[0]);
  });
});

describe('the threads build', () => {
  it('has no data segments, so a worker instantiating it never writes over live memory', () => {
    for (const file of ['simd-threads.wasm', 'inference-simd-threads.wasm']) {
      const bytes = readFileSync(new URL(`../build/${file}`, import.meta.url));
      const sections: number[] = [];
      let p = 8;
      const leb = (): number => {
        let v = 0, shift = 0, b: number;
        do { b = bytes[p++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
        return v;
      };
      while (p < bytes.length) {
        const id = bytes[p++], size = leb();
        sections.push(id);
        p += size;
      }
      expect(sections, file).not.toContain(11); // the data section
      // the memory is imported (the shared one), and nothing else
      expect(WebAssembly.Module.imports(new WebAssembly.Module(bytes)), file).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    }
  });
});

describe('idle workers', () => {
  it('never keep a Node process alive: a script that predicts on 2 threads and never shuts them down exits by itself', () => {
    const r = runBuilt(`
      await lib.init({ threads: 2, relaxedSimd: false });
      const model = new lib.Sequential([new lib.LSTM({ inputSize: 8, units: 64, seed: 1 }), new lib.Dense({ units: 1, seed: 2 })]);
      const y = model.predict(Array.from({ length: 16 }, () => Array.from({ length: 20 }, () => Array(8).fill(0.5))));
      console.log(lib.backendInfo().threads, y.shape.join('x'));
    `);
    expect(r.signal, r.stderr).toBeNull(); // not killed by runBuilt's 60 s timeout
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('2 16x1');
  });
});

/** A child's script: one model predicted on 1 and on 2 threads through `entry`; prints both counts and whether the outputs are identical. */
const oneVsTwoThreads = (entry: string) => `
  const lib = await import(${JSON.stringify(entry)});
  const x = { shape: [33, 40, 8], data: new Float32Array(33 * 40 * 8).map((_, i) => Math.sin(i)) };
  const run = async (threads) => {
    await lib.init({ threads, relaxedSimd: false });
    const m = new lib.Sequential([new lib.LSTM({ inputSize: 8, units: 96, seed: 1 }), new lib.Dense({ units: 2, seed: 2 })]);
    return { y: m.predict(x).data, threads: lib.backendInfo().threads };
  };
  const a = await run(1), b = await run(2);
  console.log(a.threads, b.threads, a.y.every((v, i) => Object.is(v, b.y[i])));
`;

describe('threads in Deno and Bun (worker_threads there too)', () => {
  for (const [name, args] of [['deno', ['run', '--allow-read', '--no-lock']], ['bun', ['run']]] as const) {
    it(`${name}: threads 2 predicts as one thread, bit for bit, and the process exits by itself`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'lstm-wasm-threads-'));
      const file = join(dir, 'script.mjs');
      writeFileSync(file, oneVsTwoThreads(new URL('../dist/entry/node.js', import.meta.url).href));
      const bin = fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
      const r = spawnSync(bin, [...args, file], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' } });
      rmSync(dir, { recursive: true, force: true });
      expect(r.signal, r.stderr).toBeNull();
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('1 2 true');
    });
  }
});

describe("'lstm-wasm/predict' with threads", () => {
  it('loads the inference-only threads build and predicts as on one thread, bit for bit', () => {
    const entry = new URL('../dist/entry/predict-node.js', import.meta.url).href;
    const script = oneVsTwoThreads(entry);
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('1 2 true');
  });
});

export type { Tensor };
