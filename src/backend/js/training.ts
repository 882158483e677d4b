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
import { DEFAULT_CELL, cellFunction, type CellFunctions } from './activations.js';
import { gruBackward, gruResetBeforeBackward } from './gru.js';
import { functionsOf } from './kernels.js';
import {
  addToPanels, at, readPackedRows, readPanels, readRecord, readState, readStrided,
  writePackedRows, writeStrided,
} from './heap-layout.js';
import { GRU_RECORD, GRU_RESET_BEFORE_RECORD, LSTM_RECORD, RNN_RECORD } from '../record-layout.js';
import { lstmBackward } from './lstm.js';
import { mergeBackward, mergeOpName, repeatBackward } from './merge.js';
import { adamUpdate, rmspropUpdate, scaleClip, sgdUpdate, sumSquares } from './optimizers.js';
import { rnnBackward, type RnnActivation } from './rnn.js';
import { previousStates } from './sequence.js';

export function createJsTrainingKernels(heap: Heap): TrainingKernels {
  const view = (): Float32Array => new Float32Array(heap.buffer);
  /** ∂L/∂h_t of every step, [B, T, H], from rows doutStride floats apart (or none). */
  const stepGradients = (m: Float32Array, dout: number, B: number, T: number, H: number, doutStride: number) =>
    dout ? readStrided(m, dout, B * T, H, doutStride) : undefined;

  function lstm(rec: number, B: number, T: number, H: number, u: number, h0: number, c0: number, dout: number, doutStride: number,
    dhT: number, dcT: number, reverse: number, dz: number, hprev: number, dh0: number, dc0: number, cell: CellFunctions): void {
    const m = view(), seq = { B, T, H, reverse: reverse !== 0 };
    const { gates: [i, f, g, o], states: [c, h] } = readRecord(m, rec, LSTM_RECORD, seq);
    const h0s = readState(m, h0, B, H);
    const r = lstmBackward({ i, f, g, o, c, h }, readPanels(m, u, 4, H, H), seq, readState(m, c0, B, H),
      stepGradients(m, dout, B, T, H, doutStride), readState(m, dhT, B, H), readState(m, dcT, B, H), cell);
    writePackedRows(m, dz, B * T, 4, H, r.dgx);
    at(m, hprev, B * T * H).set(previousStates(h, h0s, seq));
    if (dh0) at(m, dh0, B * H).set(r.dh0);
    if (dc0) at(m, dc0, B * H).set(r.dc0);
  }
  function gru(rec: number, B: number, T: number, H: number, u: number, h0: number, dout: number, doutStride: number,
    dhT: number, reverse: number, dzx: number, dza: number, hprev: number, dh0: number, cell: CellFunctions): void {
    const m = view(), seq = { B, T, H, reverse: reverse !== 0 };
    const { gates: [r, z, n], states: [ghn, h] } = readRecord(m, rec, GRU_RECORD, seq);
    const h0s = readState(m, h0, B, H);
    const d = gruBackward({ r, z, n, ghn, h }, readPanels(m, u, 3, H, H), seq, h0s,
      stepGradients(m, dout, B, T, H, doutStride), readState(m, dhT, B, H), cell);
    writePackedRows(m, dzx, B * T, 3, H, d.dgx);
    writePackedRows(m, dza, B * T, 3, H, d.dgh);
    at(m, hprev, B * T * H).set(previousStates(h, h0s, seq));
    if (dh0) at(m, dh0, B * H).set(d.dh0);
  }
  function gruResetBefore(rec: number, B: number, T: number, H: number, u: number, h0: number, dout: number, doutStride: number,
    dhT: number, reverse: number, dzx: number, dza: number, hprev: number, dh0: number, cell: CellFunctions, dzn: number, rhprev: number): void {
    const m = view(), seq = { B, T, H, reverse: reverse !== 0 };
    const { gates: [r, z, n], states: [h] } = readRecord(m, rec, GRU_RESET_BEFORE_RECORD, seq);
    const h0s = readState(m, h0, B, H);
    const d = gruResetBeforeBackward({ r, z, n, h }, readPanels(m, u, 3, H, H), seq, h0s,
      stepGradients(m, dout, B, T, H, doutStride), readState(m, dhT, B, H), cell);
    writePackedRows(m, dzx, B * T, 3, H, d.dgx);
    writePackedRows(m, dza, B * T, 3, H, d.dgh);
    writePackedRows(m, dzn, B * T, 3, H, d.dgn);
    at(m, rhprev, B * T * H).set(d.rh);
    at(m, hprev, B * T * H).set(previousStates(h, h0s, seq));
    if (dh0) at(m, dh0, B * H).set(d.dh0);
  }
  function rnn(rec: number, B: number, T: number, H: number, u: number, h0: number, dout: number, doutStride: number,
    dhT: number, reverse: number, act: RnnActivation, dz: number, hprev: number, dh0: number): void {
    const m = view(), seq = { B, T, H, reverse: reverse !== 0 };
    const { states: [h] } = readRecord(m, rec, RNN_RECORD, seq);
    const h0s = readState(m, h0, B, H);
    const d = rnnBackward(h, readPanels(m, u, 1, H, H), act, seq, stepGradients(m, dout, B, T, H, doutStride), readState(m, dhT, B, H));
    writePackedRows(m, dz, B * T, 1, H, d.dgx);
    at(m, hprev, B * T * H).set(previousStates(h, h0s, seq));
    if (dh0) at(m, dh0, B * H).set(d.dh0);
  }
  return {
    lstmBackward(rec, B, T, H, u, h0, c0, dout, doutStride, dhT, dcT, reverse, dz, hprev, dh0, dc0) {
      lstm(rec, B, T, H, u, h0, c0, dout, doutStride, dhT, dcT, reverse, dz, hprev, dh0, dc0, DEFAULT_CELL);
    },
    lstmBackwardAct(rec, B, T, H, u, h0, c0, dout, doutStride, dhT, dcT, reverse, dz, hprev, dh0, dc0, _work, gateAct, act) {
      lstm(rec, B, T, H, u, h0, c0, dout, doutStride, dhT, dcT, reverse, dz, hprev, dh0, dc0, functionsOf(gateAct, act));
    },
    gruBackward(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, dzx, dza, hprev, dh0) {
      gru(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, dzx, dza, hprev, dh0, DEFAULT_CELL);
    },
    gruBackwardAct(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, dzx, dza, hprev, dh0, _work, gateAct, act, resetAfter, dzn, rhprev) {
      if (resetAfter) gru(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, dzx, dza, hprev, dh0, functionsOf(gateAct, act));
      else gruResetBefore(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, dzx, dza, hprev, dh0, functionsOf(gateAct, act), dzn, rhprev);
    },
    rnnBackward(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, relu, dz, hprev, dh0) {
      rnn(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, relu ? 'relu' : 'tanh', dz, hprev, dh0);
    },
    rnnBackwardAct(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, act, dz, hprev, dh0) {
      rnn(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, cellFunction(act), dz, hprev, dh0);
    },
    gradWeights(x, rows, K, dz, panels, pw, dw, db) {
      const m = view(), G = pw / 4, N = 4 * panels;
      const g = linearGradWeights(at(m, x, rows * K), readPackedRows(m, dz, rows, G, N), rows, K, G * N);
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
