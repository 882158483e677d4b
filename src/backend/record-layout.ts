/**
 * The training record: what a recurrent forward pass with `rec` set leaves
 * for the backward pass (and for `forward(x, { record: true })`).
 *
 * For B sequences of T steps and H units (Hp = roundUp4(H)), in time order
 * t (also when the layer runs in reverse), the record holds
 *
 *     gates     [T][B][Hp/4][G][4]   the G activated gates, in panel order
 *     states    [T][B][Hp]           one section per name in `states`, in order
 *
 * so section s starts (G + s)·T·B·Hp floats after the record's start, and
 * the whole record is (G + S)·T·B·Hp floats. A cell whose only recorded
 * value is its hidden state (SimpleRNN) records no gates.
 *
 * Every reader and writer of a record (the wasm kernels in assembly/, the
 * js backend, the layers, the tests) uses this one layout.
 */
import { roundUp4 } from './kernels.js';

/** What a cell records: its gates (user-facing names, panel order) and its state sections. */
export interface RecordSections {
  readonly gates: readonly string[];
  readonly states: readonly string[];
}

/**
 * What each recurrence kernel records (kernels.ts has the details), named as
 * `forward(x, { record: true })` shows them. GRU's `an` is U_n·h + b_hn,
 * before the reset gate: backward needs it, users do not.
 */
export const LSTM_RECORD: RecordSections = { gates: ['input', 'forget', 'candidate', 'output'], states: ['cell', 'hidden'] };
export const GRU_RECORD: RecordSections = { gates: ['reset', 'update', 'candidate'], states: ['an', 'hidden'] };
/** The reset-before GRU (Keras reset_after=False) needs no a_n: backward recomputes U_n's input r⊙h from h. */
export const GRU_RESET_BEFORE_RECORD: RecordSections = { gates: ['reset', 'update', 'candidate'], states: ['hidden'] };
export const RNN_RECORD: RecordSections = { gates: [], states: ['hidden'] }; // h alone is enough for backward

export interface RecordLayout {
  /** Floats of the whole record. */
  readonly floats: number;
  /** Float index (from the record's start) of gate g of unit j, step t, sequence b. */
  gate(t: number, b: number, g: number, j: number): number;
  /** Float index of state section `s` (its position in `states`) for unit j, step t, sequence b. */
  state(s: number, t: number, b: number, j: number): number;
}

export function recordLayout(cell: RecordSections, B: number, T: number, H: number): RecordLayout {
  const Hp = roundUp4(H), G = cell.gates.length, S = cell.states.length;
  const section = T * B * Hp; // floats of one [T][B][Hp] section
  return {
    floats: (G + S) * section,
    gate: (t, b, g, j) => (t * B + b) * G * Hp + (j >> 2) * 4 * G + g * 4 + (j & 3),
    state: (s, t, b, j) => (G + s) * section + (t * B + b) * Hp + j,
  };
}
