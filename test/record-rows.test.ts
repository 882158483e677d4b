/**
 * recRows, recRow0: a recurrence (forward with a record, and its backward
 * pass) over a range of a batch's rows writes and reads exactly that
 * range's rows of the whole batch's record. The threads cut training calls
 * so (src/backend/threads/split.ts); here the threads build (its main
 * instance, the ranges one after the other) runs each cell over the batch
 * in two ranges, and the record, outputs and gradients must be those of the
 * whole-batch call bit for bit: the same code on the same rows. (The
 * one-thread backends, the js reference and the one-thread wasm builds,
 * whose calls are never cut, read recRows and recRow0 as the whole batch's:
 * assembly/state.ts, RECORD_ROWS; what a one-thread app ships stays as it was.)
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Arena } from '../src/backend/arena.js';
import { backWorkFloats, roundUp4, type Kernels, type TrainingKernels } from '../src/backend/kernels.js';
import { createWasmKernels } from '../src/backend/wasm.js';
import { rng } from './rng.js';

type AllKernels = Kernels & TrainingKernels;
interface Backend { name: string; k: AllKernels; arena: Arena }
const backends: Backend[] = [];

beforeAll(async () => {
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
  const k = await createWasmKernels('wasm-simd', await WebAssembly.compile(readFileSync('build/simd-threads.wasm')), 'simd-threads', memory);
  backends.push({ name: 'simd-threads', k: k as unknown as AllKernels, arena: new Arena(k.heap) });
});

const B = 5, T = 4, H = 6, Hp = roundUp4(H);
/** Two ranges, the first ending at an even row (as the threads cut), and the whole batch. */
const RANGES: [number, number][] = [[0, 2], [2, 5]];

/** A pointer for buffer `name` at row b0 of it: ptr + 4·b0·(floats per row). */
type At = (name: string) => number;

interface Cell {
  name: string;
  G: number;
  /** Record sections after the gates. */
  S: number;
  masked: boolean;
  forward(k: AllKernels, n: number, at: At, recRows: number, recRow0: number): void;
  backward(k: AllKernels, n: number, at: At, recRows: number, recRow0: number): void;
}

const TANH = 3, SIGMOID = 2, HARD = 5;
const CELLS: Cell[] = [
  {
    name: 'lstm', G: 4, S: 2, masked: false,
    forward: (k, n, at, rr, r0) => k.lstmRecur(at('z'), n, T, H, at('u'), at('h0'), at('c0'), at('out'), H, at('hT'), at('cT'), 0, at('work'), at('rec'), rr, r0),
    backward: (k, n, at, rr, r0) => k.lstmBackward(at('rec'), n, T, H, at('u'), at('h0'), at('c0'), at('dout'), H, at('dhT'), at('dcT'), 0,
      at('dz'), at('hprev'), at('dh0'), at('dc0'), at('bwork'), rr, r0),
  },
  {
    name: 'lstm act, masked, reverse', G: 4, S: 2, masked: true,
    forward: (k, n, at, rr, r0) => k.lstmRecurAct(at('z'), n, T, H, at('u'), at('h0'), at('c0'), at('out'), H, at('hT'), at('cT'), 1, at('work'), at('rec'),
      HARD, TANH, at('mask'), rr, r0),
    backward: (k, n, at, rr, r0) => k.lstmBackwardAct(at('rec'), n, T, H, at('u'), at('h0'), at('c0'), at('dout'), H, at('dhT'), at('dcT'), 1,
      at('dz'), at('hprev'), at('dh0'), at('dc0'), at('bwork'), HARD, TANH, at('mask'), rr, r0),
  },
  {
    name: 'gru', G: 3, S: 2, masked: false,
    forward: (k, n, at, rr, r0) => k.gruRecur(at('z'), n, T, H, at('u'), at('bh'), at('h0'), at('out'), H, at('hT'), 0, at('work'), at('rec'), rr, r0),
    backward: (k, n, at, rr, r0) => k.gruBackward(at('rec'), n, T, H, at('u'), at('h0'), at('dout'), H, at('dhT'), 0,
      at('dz'), at('dza'), at('hprev'), at('dh0'), at('bwork'), rr, r0),
  },
  {
    name: 'gru act, reset before, masked', G: 3, S: 1, masked: true,
    forward: (k, n, at, rr, r0) => k.gruRecurAct(at('z'), n, T, H, at('u'), 0, at('h0'), at('out'), H, at('hT'), 0, at('work'), at('rec'),
      SIGMOID, TANH, 0, at('mask'), rr, r0),
    backward: (k, n, at, rr, r0) => k.gruBackwardAct(at('rec'), n, T, H, at('u'), at('h0'), at('dout'), H, at('dhT'), 0,
      at('dz'), at('dza'), at('hprev'), at('dh0'), at('bwork'), SIGMOID, TANH, 0, at('dzn'), at('rhprev'), at('mask'), rr, r0),
  },
  {
    name: 'rnn', G: 1, S: 1, masked: false,
    forward: (k, n, at, rr, r0) => k.rnnRecur(at('z'), n, T, H, at('u'), at('h0'), at('out'), H, at('hT'), 0, 0, at('work'), at('rec'), rr, r0),
    backward: (k, n, at, rr, r0) => k.rnnBackward(at('rec'), n, T, H, at('u'), at('h0'), at('dout'), H, at('dhT'), 0, 0,
      at('dz'), at('hprev'), at('dh0'), at('bwork'), rr, r0),
  },
  {
    name: 'rnn act, masked', G: 1, S: 1, masked: true,
    forward: (k, n, at, rr, r0) => k.rnnRecurAct(at('z'), n, T, H, at('u'), at('h0'), at('out'), H, at('hT'), 0, TANH, at('work'), at('rec'), at('mask'), rr, r0),
    backward: (k, n, at, rr, r0) => k.rnnBackwardAct(at('rec'), n, T, H, at('u'), at('h0'), at('dout'), H, at('dhT'), 0, TANH,
      at('dz'), at('hprev'), at('dh0'), at('bwork'), at('mask'), rr, r0),
  },
];

/** Floats per batch row of each buffer (0: not cut by rows: the weights, the record, the backward's scratch). */
function rowFloats(cell: Cell): Record<string, number> {
  const zRow = T * cell.G * Hp;
  return {
    z: zRow, u: 0, bh: 0, h0: H, c0: H, out: T * H, hT: H, cT: H, work: 3 * Hp, rec: 0, mask: T,
    dout: T * H, dhT: H, dcT: H, dz: zRow, dza: zRow, dzn: zRow, hprev: T * H, rhprev: T * H, dh0: H, dc0: H, bwork: 0,
  };
}

/** Inputs (seeded) and zeroed outputs for a cell, as floats per buffer. */
function inputs(cell: Cell, seed: number): Record<string, Float32Array> {
  const r = rng(seed), G = cell.G;
  const random = (n: number, a = 0.6) => Float32Array.from({ length: n }, () => r(-a, a));
  const zeros = (n: number) => new Float32Array(n);
  const mask = Float32Array.from({ length: B * T }, (_, i) => (cell.masked && (i % T) >= T - 1 - (Math.floor(i / T) % T) ? 0 : 1));
  const z = random(B * T * G * Hp);
  // padded units (4p + lane ≥ H in a packed row [p][g][lane]) hold 0, as project leaves them
  for (let i = 0; i < z.length; i++) if (4 * Math.floor((i % (G * Hp)) / (4 * G)) + (i & 3) >= H) z[i] = 0;
  return {
    z, u: random((Hp / 4) * H * 4 * G), bh: random(Hp * 3), h0: random(B * H), c0: random(B * H), out: zeros(B * T * H), hT: zeros(B * H), cT: zeros(B * H),
    work: zeros(3 * B * Hp), rec: zeros((G + cell.S) * T * B * Hp), mask,
    dout: random(B * T * H), dhT: random(B * H), dcT: random(B * H), dz: zeros(B * T * G * Hp), dza: zeros(B * T * G * Hp), dzn: zeros(B * T * G * Hp),
    hprev: zeros(B * T * H), rhprev: zeros(B * T * H), dh0: zeros(B * H), dc0: zeros(B * H), bwork: zeros(backWorkFloats(B, H)),
  };
}

/** Run the cell forward then backward over `ranges` of the batch; every buffer afterwards. */
function runRanges(be: Backend, cell: Cell, seed: number, ranges: [number, number][], whole: boolean): Record<string, Float32Array> {
  const data = inputs(cell, seed), widths = rowFloats(cell);
  const ptr: Record<string, number> = {};
  for (const [name, d] of Object.entries(data)) {
    ptr[name] = be.arena.allocFloats(d.length);
    new Float32Array(be.k.heap.buffer, ptr[name], d.length).set(d);
  }
  try {
    for (const pass of ['forward', 'backward'] as const) {
      for (const [b0, b1] of ranges) {
        const at: At = (name) => ptr[name] + 4 * b0 * widths[name];
        if (whole) cell[pass](be.k, B, at, 0, 0); // the call as the layers make it: the record is the batch's
        else cell[pass](be.k, b1 - b0, at, B, b0);
      }
    }
    const out: Record<string, Float32Array> = {};
    for (const [name, d] of Object.entries(data)) if (!['work', 'bwork'].includes(name)) out[name] = new Float32Array(be.k.heap.buffer, ptr[name], d.length).slice();
    return out;
  } finally {
    for (const p of Object.values(ptr)) be.arena.release(p);
  }
}

describe('a recurrence over a range of rows reads and writes its rows of the batch record', () => {
  for (const cell of CELLS) {
    it(`${cell.name}: two ranges give the whole call's record, outputs and gradients, bit for bit (simd-threads)`, () => {
      for (const be of backends) {
        const whole = runRanges(be, cell, 7, [[0, B]], true);
        const cut = runRanges(be, cell, 7, RANGES, false);
        for (const name of Object.keys(whole)) expect(cut[name], `${be.name} ${name}`).toEqual(whole[name]);
        // the whole call really wrote a record and gradients (a test of nothing would pass too)
        expect(whole.rec.some((v) => v !== 0), be.name).toBe(true);
        expect(whole.dz.some((v) => v !== 0), be.name).toBe(true);
      }
    });
  }
});
