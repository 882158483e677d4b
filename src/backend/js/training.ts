/**
 * The js backend's training kernels: the contract of ../kernels.ts
 * (TrainingKernels) over the same heap as createJsKernels, each kernel an
 * adapter around the reference: the cells' backward (lstm.ts, gru.ts,
 * rnn.ts) from the record their forward left, the gradients of the
 * projection (gemm.ts) and of Dense's activation (dense.ts), and the
 * optimizers (optimizers.ts).
 */
import type { Heap, TrainingKernels } from '../kernels.js';
import { activationBackward, activationName } from './dense.js';
import { linearGradInput, linearGradWeights } from './gemm.js';
import { DEFAULT_CELL, cellFunction, type CellFunctions, type Floats } from './activations.js';
import { gruBackward, gruResetBeforeBackward } from './gru.js';
import { functionsOf } from './kernels.js';
import {
  addToPanels, at, readPackedRows, readPanels, readRecord, readState, readStrided, type RecordRows,
  writePackedRows, writeStrided,
} from './heap-layout.js';
import { GRU_RECORD, GRU_RESET_BEFORE_RECORD, LSTM_RECORD, RNN_RECORD } from '../record-layout.js';
import { lstmBackward } from './lstm.js';
import { mergeBackward, mergeOpName, repeatBackward } from './merge.js';
import { adamUpdate, rmspropUpdate, scaleClip, sgdUpdate, sumSquares } from './optimizers.js';
import { rnnBackward, type RnnActivation } from './rnn.js';
import { previousStates, type Sequences } from './sequence.js';
import { backwardMasked, type AloneBackward } from './masked.js';

export function createJsTrainingKernels(heap: Heap): TrainingKernels {
  const view = (): Float32Array => new Float32Array(heap.buffer);
  /** ∂L/∂h_t of every step, [B, T, H], from rows doutStride floats apart (or none). */
  const stepGradients = (m: Float32Array, dout: number, B: number, T: number, H: number, doutStride: number) =>
    dout ? readStrided(m, dout, B * T, H, doutStride) : undefined;

  /**
   * A cell's backward over the whole batch, or with a mask ([B][T] at `mask`, 0 for none) each row
   * alone over its real steps (masked.ts). `run` is the reference backward on a trace, for
   * `rowOf` (b, or -1 for the whole batch: the row of the initial states to read).
   */
  function backCell(m: Float32Array, seq: Sequences, mask: number, trace: Record<string, Float32Array>, dout: Float32Array | undefined,
    finals: Record<string, Float32Array | undefined>, widths: Record<string, number>,
    run: (trace: Record<string, Float32Array>, seq: Sequences, dout: Float32Array | undefined, finals: Record<string, Float32Array | undefined>, b: number) => AloneBackward,
  ): { grads: Record<string, Floats>; initial: Record<string, Floats> } {
    if (!mask) return run(trace, seq, dout, finals, -1);
    return backwardMasked(seq, at(m, mask, seq.B * seq.T), trace, dout, finals, widths,
      (tr, T, d, f, b) => run(tr, { B: 1, T, H: seq.H }, d, f, b));
  }
  /** Row b of a [B, H] state (all of it for b = -1), or undefined. */
  const row = (s: Float32Array | undefined, b: number, H: number) => (s && b >= 0 ? s.subarray(b * H, (b + 1) * H) : s);

  function lstm(rec: RecordRows, B: number, T: number, H: number, u: number, h0: number, c0: number, dout: number, doutStride: number,
    dhT: number, dcT: number, reverse: number, dz: number, hprev: number, dh0: number, dc0: number, cell: CellFunctions, mask = 0): void {
    const m = view(), seq = { B, T, H, reverse: reverse !== 0 };
    const { gates: [i, f, g, o], states: [c, h] } = readRecord(m, rec, LSTM_RECORD, seq);
    const h0s = readState(m, h0, B, H), c0s = readState(m, c0, B, H), U = readPanels(m, u, 4, H, H);
    const r = backCell(m, seq, mask, { i, f, g, o, c, h }, stepGradients(m, dout, B, T, H, doutStride),
      { h: readState(m, dhT, B, H), c: readState(m, dcT, B, H) }, { dgx: 4 * H },
      (tr, sq, d, fin, b) => {
        const k = lstmBackward(tr as never, U, sq, row(c0s, b, H), d, fin.h, fin.c, cell);
        return { grads: { dgx: k.dgx }, initial: { h: k.dh0, c: k.dc0 } };
      });
    writePackedRows(m, dz, B * T, 4, H, r.grads.dgx);
    at(m, hprev, B * T * H).set(previousStates(h, h0s, seq));
    if (dh0) at(m, dh0, B * H).set(r.initial.h);
    if (dc0) at(m, dc0, B * H).set(r.initial.c);
  }
  function gru(rec: RecordRows, B: number, T: number, H: number, u: number, h0: number, dout: number, doutStride: number,
    dhT: number, reverse: number, dzx: number, dza: number, hprev: number, dh0: number, cell: CellFunctions, mask = 0): void {
    const m = view(), seq = { B, T, H, reverse: reverse !== 0 };
    const { gates: [r, z, n], states: [ghn, h] } = readRecord(m, rec, GRU_RECORD, seq);
    const h0s = readState(m, h0, B, H), U = readPanels(m, u, 3, H, H);
    const d = backCell(m, seq, mask, { r, z, n, ghn, h }, stepGradients(m, dout, B, T, H, doutStride),
      { h: readState(m, dhT, B, H) }, { dgx: 3 * H, dgh: 3 * H },
      (tr, sq, dh, fin, b) => {
        const k = gruBackward(tr as never, U, sq, row(h0s, b, H), dh, fin.h, cell);
        return { grads: { dgx: k.dgx, dgh: k.dgh }, initial: { h: k.dh0 } };
      });
    writePackedRows(m, dzx, B * T, 3, H, d.grads.dgx);
    writePackedRows(m, dza, B * T, 3, H, d.grads.dgh);
    at(m, hprev, B * T * H).set(previousStates(h, h0s, seq));
    if (dh0) at(m, dh0, B * H).set(d.initial.h);
  }
  function gruResetBefore(rec: RecordRows, B: number, T: number, H: number, u: number, h0: number, dout: number, doutStride: number,
    dhT: number, reverse: number, dzx: number, dza: number, hprev: number, dh0: number, cell: CellFunctions, dzn: number, rhprev: number, mask: number): void {
    const m = view(), seq = { B, T, H, reverse: reverse !== 0 };
    const { gates: [r, z, n], states: [h] } = readRecord(m, rec, GRU_RESET_BEFORE_RECORD, seq);
    const h0s = readState(m, h0, B, H), U = readPanels(m, u, 3, H, H);
    const d = backCell(m, seq, mask, { r, z, n, h }, stepGradients(m, dout, B, T, H, doutStride),
      { h: readState(m, dhT, B, H) }, { dgx: 3 * H, dgh: 3 * H, dgn: 3 * H, rh: H },
      (tr, sq, dh, fin, b) => {
        const k = gruResetBeforeBackward(tr as never, U, sq, row(h0s, b, H), dh, fin.h, cell);
        return { grads: { dgx: k.dgx, dgh: k.dgh, dgn: k.dgn, rh: k.rh }, initial: { h: k.dh0 } };
      });
    writePackedRows(m, dzx, B * T, 3, H, d.grads.dgx);
    writePackedRows(m, dza, B * T, 3, H, d.grads.dgh);
    writePackedRows(m, dzn, B * T, 3, H, d.grads.dgn);
    at(m, rhprev, B * T * H).set(d.grads.rh);
    at(m, hprev, B * T * H).set(previousStates(h, h0s, seq));
    if (dh0) at(m, dh0, B * H).set(d.initial.h);
  }
  function rnn(rec: RecordRows, B: number, T: number, H: number, u: number, h0: number, dout: number, doutStride: number,
    dhT: number, reverse: number, act: RnnActivation, dz: number, hprev: number, dh0: number, mask = 0): void {
    const m = view(), seq = { B, T, H, reverse: reverse !== 0 };
    const { states: [h] } = readRecord(m, rec, RNN_RECORD, seq);
    const h0s = readState(m, h0, B, H), U = readPanels(m, u, 1, H, H);
    const d = backCell(m, seq, mask, { h }, stepGradients(m, dout, B, T, H, doutStride), { h: readState(m, dhT, B, H) }, { dgx: H },
      (tr, sq, dh, fin) => {
        const k = rnnBackward(tr.h, U, act, sq, dh, fin.h);
        return { grads: { dgx: k.dgx }, initial: { h: k.dh0 } };
      });
    writePackedRows(m, dz, B * T, 1, H, d.grads.dgx);
    at(m, hprev, B * T * H).set(previousStates(h, h0s, seq));
    if (dh0) at(m, dh0, B * H).set(d.initial.h);
  }
  return {
    lstmBackward(rec, B, T, H, u, h0, c0, dout, doutStride, dhT, dcT, reverse, dz, hprev, dh0, dc0, _work, rows, row0) {
      lstm({ ptr: rec, rows, row0 }, B, T, H, u, h0, c0, dout, doutStride, dhT, dcT, reverse, dz, hprev, dh0, dc0, DEFAULT_CELL);
    },
    lstmBackwardAct(rec, B, T, H, u, h0, c0, dout, doutStride, dhT, dcT, reverse, dz, hprev, dh0, dc0, _work, gateAct, act, mask, rows, row0) {
      lstm({ ptr: rec, rows, row0 }, B, T, H, u, h0, c0, dout, doutStride, dhT, dcT, reverse, dz, hprev, dh0, dc0, functionsOf(gateAct, act), mask);
    },
    gruBackward(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, dzx, dza, hprev, dh0, _work, rows, row0) {
      gru({ ptr: rec, rows, row0 }, B, T, H, u, h0, dout, doutStride, dhT, reverse, dzx, dza, hprev, dh0, DEFAULT_CELL);
    },
    gruBackwardAct(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, dzx, dza, hprev, dh0, _work, gateAct, act, resetAfter, dzn, rhprev, mask, rows, row0) {
      const r = { ptr: rec, rows, row0 };
      if (resetAfter) gru(r, B, T, H, u, h0, dout, doutStride, dhT, reverse, dzx, dza, hprev, dh0, functionsOf(gateAct, act), mask);
      else gruResetBefore(r, B, T, H, u, h0, dout, doutStride, dhT, reverse, dzx, dza, hprev, dh0, functionsOf(gateAct, act), dzn, rhprev, mask);
    },
    rnnBackward(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, relu, dz, hprev, dh0, _work, rows, row0) {
      rnn({ ptr: rec, rows, row0 }, B, T, H, u, h0, dout, doutStride, dhT, reverse, relu ? 'relu' : 'tanh', dz, hprev, dh0);
    },
    rnnBackwardAct(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, act, dz, hprev, dh0, _work, mask, rows, row0) {
      rnn({ ptr: rec, rows, row0 }, B, T, H, u, h0, dout, doutStride, dhT, reverse, cellFunction(act), dz, hprev, dh0, mask);
    },
    gradWeights(x, rows, K, dz, panels, pw, dw, db, dzStride) {
      const m = view(), G = pw / 4, N = 4 * panels;
      const g = linearGradWeights(at(m, x, rows * K), readPackedRows(m, dz, rows, G, N, dzStride || panels * pw), rows, K, G * N);
      addToPanels(m, dw, G, N, K, g.dW);
      if (db) addToPanels(m, db, G, N, 1, g.db);
    },

    gradInput(dz, rows, K, w, panels, pw, dx) {
      const m = view(), G = pw / 4, N = 4 * panels;
      const d = linearGradInput(readPackedRows(m, dz, rows, G, N), readPanels(m, w, G, N, K), rows, K, G * N);
      const to = at(m, dx, rows * K);
      for (let i = 0; i < rows * K; i++) to[i] += d[i];
    },

    activateBackward(y, dy, rows, cols, dz, dzStride, kind) {
      const m = view();
      const da = activationBackward(at(m, y, rows * cols), at(m, dy, rows * cols), rows, cols, activationName(kind));
      writeStrided(m, dz, rows, cols, dzStride, da);
    },

    sumSquares: (p, n) => sumSquares(at(view(), p, n)),
    scaleClip: (p, n, scale, clip) => scaleClip(at(view(), p, n), scale, clip),
    sgdUpdate(p, g, v, n, lr, momentum, nesterov) {
      const m = view();
      sgdUpdate(at(m, p, n), at(m, g, n), at(m, v, n), lr, momentum, nesterov !== 0);
    },
    rmspropUpdate(p, g, ms, n, lr, rho, eps) {
      const m = view();
      rmspropUpdate(at(m, p, n), at(m, g, n), at(m, ms, n), lr, rho, eps);
    },
    adamUpdate(p, g, mo, v, n, lrT, beta1, beta2, eps, decay) {
      const m = view();
      adamUpdate(at(m, p, n), at(m, g, n), at(m, mo, n), at(m, v, n), lrT, beta1, beta2, eps, decay);
    },

    mergeBackward(dy, a, aStride, b, bStride, rows, cols, op, da, daStride, db, dbStride) {
      const m = view();
      const g = mergeBackward(at(m, dy, rows * cols).slice(), readStrided(m, a, rows, cols, aStride), readStrided(m, b, rows, cols, bStride), mergeOpName(op));
      writeStrided(m, da, rows, cols, daStride, g.da);
      writeStrided(m, db, rows, cols, dbStride, g.db);
    },

    repeatBackward(dy, rows, cols, n, dx) {
      const m = view();
      at(m, dx, rows * cols).set(repeatBackward(at(m, dy, rows * n * cols), rows, cols, n));
    },
  };
}
