/**
 * The js backend's inference kernels: the contract of ../kernels.ts over an
 * ordinary ArrayBuffer, each kernel an adapter that reads its packed
 * inputs into plain PyTorch-layout matrices, runs the reference cell
 * (lstm.ts, gru.ts, rnn.ts, gemm.ts, dense.ts) and writes the results back
 * in the kernels' layout. It is the fallback where WebAssembly is missing
 * and the baseline of the benchmarks; the wasm builds are checked against
 * it (test/kernels.test.ts), and the reference itself against PyTorch.
 */
import type { Heap, Kernels } from '../kernels.js';
import { cellFunction, DEFAULT_CELL, type CellFunctions, type Floats } from './activations.js';
import type { Sequences } from './sequence.js';
import { activationForward, activationName } from './dense.js';
import { linearForward } from './gemm.js';
import { gruForward, gruResetBeforeForward } from './gru.js';
import {
  at, readBias, readPackedRows, readPanels, readState, readStrided,
  writePackedRows, writeRecord, writeStrided,
} from './heap-layout.js';
import { transpose } from '../../weights/packing.js';
import { GRU_RECORD, GRU_RESET_BEFORE_RECORD, LSTM_RECORD, RNN_RECORD } from '../record-layout.js';
import { lstmForward } from './lstm.js';
import { forwardMasked, type AloneForward } from './masked.js';
import { mergeForward, mergeOpName, repeatForward } from './merge.js';
import { rnnForward, type RnnActivation } from './rnn.js';

/** The gates' and the state's functions of the *Act kernels' codes. */
export function functionsOf(gateAct: number, act: number): CellFunctions {
  return { gate: cellFunction(gateAct), act: cellFunction(act) };
}

/** A growable ArrayBuffer heap. Growing copies into a new buffer (no detach). */
class JsHeap implements Heap {
  buffer: ArrayBuffer;
  readonly base = 16; // offset 0 stays the null pointer

  constructor(bytes: number) {
    this.buffer = new ArrayBuffer(bytes);
  }

  grow(bytes: number): void {
    const next = new ArrayBuffer(this.buffer.byteLength + Math.ceil(bytes / 65536) * 65536);
    new Uint8Array(next).set(new Uint8Array(this.buffer));
    this.buffer = next;
  }
}

export function createJsKernels(initialBytes = 1 << 20): Kernels {
  const heap = new JsHeap(initialBytes);
  const view = (): Float32Array => new Float32Array(heap.buffer);

  /**
   * A cell's forward over the whole batch, or with a mask ([B][T] at `mask`, 0 for none) each row
   * alone over its real steps (masked.ts). `run` is the reference forward; `fields` its trace's.
   */
  function runCell(m: Float32Array, seq: Sequences, mask: number, gx: Float32Array, width: number, fields: readonly string[],
    carried: Record<string, Float32Array | undefined>,
    run: (gx: Float32Array, seq: Sequences, initial: Record<string, Float32Array | undefined>) => AloneForward,
  ): { trace: Record<string, Float32Array | Floats>; output: Floats; final: Record<string, Floats> } {
    if (!mask) {
      const r = run(gx, seq, carried);
      return { trace: r.trace, output: r.trace.h, final: r.final };
    }
    return forwardMasked(seq, at(m, mask, seq.B * seq.T), gx, width, fields, carried,
      (g, T, initial) => run(g, { B: 1, T, H: seq.H }, initial));
  }

  function lstm(z: number, B: number, T: number, H: number, u: number, h0: number, c0: number, out: number, outStride: number,
    hT: number, cT: number, reverse: number, rec: number, cell: CellFunctions, mask = 0): void {
    const m = view(), seq = { B, T, H, reverse: reverse !== 0 };
    const U = readPanels(m, u, 4, H, H);
    const r = runCell(m, seq, mask, readPackedRows(m, z, B * T, 4, H), 4 * H, ['i', 'f', 'g', 'o', 'c', 'h'],
      { h: readState(m, h0, B, H), c: readState(m, c0, B, H) },
      (gx, sq, s0) => {
        const f = lstmForward(gx, U, sq, s0.h, s0.c, cell);
        return { trace: { ...f.trace }, final: { h: f.hT, c: f.cT } };
      });
    const { i, f, g, o, c, h } = r.trace;
    if (out) writeStrided(m, out, B * T, H, outStride, r.output);
    at(m, hT, B * H).set(r.final.h);
    at(m, cT, B * H).set(r.final.c);
    if (rec) writeRecord(m, rec, LSTM_RECORD, seq, [i, f, g, o], [c, h]);
  }
  function gru(z: number, B: number, T: number, H: number, u: number, bh: number, h0: number, out: number, outStride: number,
    hT: number, reverse: number, rec: number, cell: CellFunctions, mask = 0): void {
    const m = view(), seq = { B, T, H, reverse: reverse !== 0 };
    const U = readPanels(m, u, 3, H, H), bias = bh ? readBias(m, bh, 3, H) : undefined;
    const r = runCell(m, seq, mask, readPackedRows(m, z, B * T, 3, H), 3 * H, ['r', 'z', 'n', 'ghn', 'h'], { h: readState(m, h0, B, H) },
      (gx, sq, s0) => {
        const f = gruForward(gx, U, bias, sq, s0.h, cell);
        return { trace: { ...f.trace }, final: { h: f.hT } };
      });
    const { r: reset, z: update, n, ghn, h } = r.trace;
    if (out) writeStrided(m, out, B * T, H, outStride, r.output);
    at(m, hT, B * H).set(r.final.h);
    if (rec) writeRecord(m, rec, GRU_RECORD, seq, [reset, update, n], [ghn, h]);
  }
  function gruResetBefore(z: number, B: number, T: number, H: number, u: number, h0: number, out: number, outStride: number,
    hT: number, reverse: number, rec: number, cell: CellFunctions, mask: number): void {
    const m = view(), seq = { B, T, H, reverse: reverse !== 0 };
    const U = readPanels(m, u, 3, H, H);
    const r = runCell(m, seq, mask, readPackedRows(m, z, B * T, 3, H), 3 * H, ['r', 'z', 'n', 'h'], { h: readState(m, h0, B, H) },
      (gx, sq, s0) => {
        const f = gruResetBeforeForward(gx, U, sq, s0.h, cell);
        return { trace: { ...f.trace }, final: { h: f.hT } };
      });
    const { r: reset, z: update, n, h } = r.trace;
    if (out) writeStrided(m, out, B * T, H, outStride, r.output);
    at(m, hT, B * H).set(r.final.h);
    if (rec) writeRecord(m, rec, GRU_RESET_BEFORE_RECORD, seq, [reset, update, n], [h]);
  }
  function rnn(z: number, B: number, T: number, H: number, u: number, h0: number, out: number, outStride: number,
    hT: number, reverse: number, act: RnnActivation, rec: number, mask = 0): void {
    const m = view(), seq = { B, T, H, reverse: reverse !== 0 };
    const U = readPanels(m, u, 1, H, H);
    const r = runCell(m, seq, mask, readPackedRows(m, z, B * T, 1, H), H, ['h'], { h: readState(m, h0, B, H) },
      (gx, sq, s0) => {
        const f = rnnForward(gx, U, act, sq, s0.h);
        return { trace: { h: f.h }, final: { h: f.hT } };
      });
    if (out) writeStrided(m, out, B * T, H, outStride, r.output);
    at(m, hT, B * H).set(r.final.h);
    if (rec) writeRecord(m, rec, RNN_RECORD, seq, [], [r.trace.h]);
  }
  return {
    name: 'js',
    heap,

    project(x, rows, K, w, panels, pw, bias, out) {
      const m = view(), G = pw / 4, N = 4 * panels;   // every lane of a panel is computed: N units of G gates
      const W = readPanels(m, w, G, N, K), b = bias ? readBias(m, bias, G, N) : undefined;
      writePackedRows(m, out, rows, G, N, linearForward(at(m, x, rows * K), W, b, rows, K, G * N));
    },

    lstmRecur(z, B, T, H, u, h0, c0, out, outStride, hT, cT, reverse, _work, rec) {
      lstm(z, B, T, H, u, h0, c0, out, outStride, hT, cT, reverse, rec, DEFAULT_CELL);
    },
    lstmRecurAct(z, B, T, H, u, h0, c0, out, outStride, hT, cT, reverse, _work, rec, gateAct, act, mask) {
      lstm(z, B, T, H, u, h0, c0, out, outStride, hT, cT, reverse, rec, functionsOf(gateAct, act), mask);
    },
    gruRecur(z, B, T, H, u, bh, h0, out, outStride, hT, reverse, _work, rec) {
      gru(z, B, T, H, u, bh, h0, out, outStride, hT, reverse, rec, DEFAULT_CELL);
    },
    gruRecurAct(z, B, T, H, u, bh, h0, out, outStride, hT, reverse, _work, rec, gateAct, act, resetAfter, mask) {
      if (resetAfter) gru(z, B, T, H, u, bh, h0, out, outStride, hT, reverse, rec, functionsOf(gateAct, act), mask);
      else gruResetBefore(z, B, T, H, u, h0, out, outStride, hT, reverse, rec, functionsOf(gateAct, act), mask);
    },
    rnnRecur(z, B, T, H, u, h0, out, outStride, hT, reverse, relu, _work, rec) {
      rnn(z, B, T, H, u, h0, out, outStride, hT, reverse, relu ? 'relu' : 'tanh', rec);
    },
    rnnRecurAct(z, B, T, H, u, h0, out, outStride, hT, reverse, act, _work, rec, mask) {
      rnn(z, B, T, H, u, h0, out, outStride, hT, reverse, cellFunction(act), rec, mask);
    },
    activate(x, rows, cols, stride, kind, y) {
      const m = view();
      at(m, y, rows * cols).set(activationForward(readStrided(m, x, rows, cols, stride), rows, cols, activationName(kind)));
    },

    merge(a, aStride, b, bStride, rows, cols, op, out) {
      const m = view();
      const y = mergeForward(readStrided(m, a, rows, cols, aStride), readStrided(m, b, rows, cols, bStride), mergeOpName(op));
      at(m, out, rows * cols).set(y);
    },

    repeat(x, rows, cols, n, out) {
      const m = view();
      at(m, out, rows * n * cols).set(repeatForward(at(m, x, rows * cols).slice(), rows, cols, n));
    },
    transpose(x, rows, cols, out) {
      const m = view();
      at(m, out, rows * cols).set(transpose(at(m, x, rows * cols), rows, cols));
    },
  };
}
