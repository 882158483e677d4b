/**
 * Where the js backend meets the kernels' contract (../kernels.ts): heap
 * pointers and the packed panel layout on one side, the reference's plain
 * PyTorch-layout matrices on the other. Reading copies out of the heap into
 * plain [rows, cols] arrays (or views where the layout already is plain);
 * writing copies back. Nothing here computes.
 */
import { unpackBias, unpackPanels } from '../../weights/packing.js';
import { roundUp4 } from '../kernels.js';
import { recordLayout, type RecordSections } from '../record-layout.js';
import type { Floats } from './activations.js';
import type { Sequences } from './sequence.js';

/** The float32 view of n floats at byte offset ptr (a view, not a copy: writes go to the heap). */
export function at(m: Float32Array, ptr: number, n: number): Float32Array {
  return m.subarray(ptr >> 2, (ptr >> 2) + n);
}

/** Panels [Hp/4][K][G][4] at ptr → W [G·H, K] (PyTorch's gate-major layout). */
export function readPanels(m: Float32Array, ptr: number, G: number, H: number, K: number): Float32Array {
  return unpackPanels(at(m, ptr, roundUp4(H) * G * K), G, H, K);
}

/** A packed bias [Hp/4][G][4] at ptr → [G·H]. */
export function readBias(m: Float32Array, ptr: number, G: number, H: number): Float32Array {
  return unpackBias(at(m, ptr, roundUp4(H) * G), G, H);
}

/** Packed rows [rows][Hp/4][G][4] at ptr → [rows, G·H] (the padded lanes are not read). */
export function readPackedRows(m: Float32Array, ptr: number, rows: number, G: number, H: number, stride = G * roundUp4(H)): Float32Array {
  const from = ptr >> 2;
  const out = new Float32Array(rows * G * H);
  for (let r = 0; r < rows; r++)
    for (let g = 0; g < G; g++)
      for (let j = 0; j < H; j++) out[(r * G + g) * H + j] = m[from + r * stride + (j >> 2) * 4 * G + g * 4 + (j & 3)];
  return out;
}

/** [rows, G·H] → packed rows [rows][Hp/4][G][4] at ptr, 0 in the padded lanes. */
export function writePackedRows(m: Float32Array, ptr: number, rows: number, G: number, H: number, src: Floats): void {
  const Hp = roundUp4(H), to = ptr >> 2;
  for (let r = 0; r < rows; r++)
    for (let g = 0; g < G; g++)
      for (let j = 0; j < Hp; j++) m[to + r * G * Hp + (j >> 2) * 4 * G + g * 4 + (j & 3)] = j < H ? src[(r * G + g) * H + j] : 0;
}

/** Rows of `cols` values, row r at ptr + 4·r·stride → [rows, cols]. */
export function readStrided(m: Float32Array, ptr: number, rows: number, cols: number, stride: number): Float32Array {
  if (stride === cols) return at(m, ptr, rows * cols).slice();
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) out.set(at(m, ptr + 4 * r * stride, cols), r * cols);
  return out;
}

/** [rows, cols] → rows at ptr + 4·r·stride; the floats between rows are left as they are. */
export function writeStrided(m: Float32Array, ptr: number, rows: number, cols: number, stride: number, src: Floats): void {
  for (let r = 0; r < rows; r++) m.set(src.subarray(r * cols, (r + 1) * cols), (ptr >> 2) + r * stride);
}

/** The optional [B, H] state at ptr (0: none), as a copy: a kernel may write its result over it. */
export function readState(m: Float32Array, ptr: number, B: number, H: number): Float32Array | undefined {
  return ptr ? at(m, ptr, B * H).slice() : undefined;
}

/**
 * Where a kernel call's B rows sit in a record: at `ptr`, a record of
 * `rows` rows (0: the call's B), from row `row0` (the kernels' recRows and
 * recRow0: src/backend/kernels.ts).
 */
export interface RecordRows {
  readonly ptr: number;
  readonly rows?: number;
  readonly row0?: number;
}

/** The reference's [B, T, H] gates and states (in `cell`'s order) → the record; 0 in the padded lanes. */
export function writeRecord(m: Float32Array, rec: RecordRows, cell: RecordSections, seq: Sequences, gates: Floats[], states: Floats[]): void {
  const { B, T, H } = seq, Hp = roundUp4(H), layout = recordLayout(cell, rec.rows || B, T, H), R = rec.ptr >> 2, b0 = rec.row0 ?? 0;
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++)
      for (let j = 0; j < Hp; j++) {
        const k = (b * T + t) * H + j;
        gates.forEach((v, g) => { m[R + layout.gate(t, b0 + b, g, j)] = j < H ? v[k] : 0; });
        states.forEach((v, s) => { m[R + layout.state(s, t, b0 + b, j)] = j < H ? v[k] : 0; });
      }
}

/** The record → the call's gates and states as [B, T, H] each, in `cell`'s order. */
export function readRecord(m: Float32Array, rec: RecordRows, cell: RecordSections, seq: Sequences): { gates: Float32Array[]; states: Float32Array[] } {
  const { B, T, H } = seq, layout = recordLayout(cell, rec.rows || B, T, H), R = rec.ptr >> 2, b0 = rec.row0 ?? 0;
  const gates = cell.gates.map(() => new Float32Array(B * T * H)), states = cell.states.map(() => new Float32Array(B * T * H));
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++)
      for (let j = 0; j < H; j++) {
        const k = (b * T + t) * H + j;
        gates.forEach((v, g) => { v[k] = m[R + layout.gate(t, b0 + b, g, j)]; });
        states.forEach((v, s) => { v[k] = m[R + layout.state(s, t, b0 + b, j)]; });
      }
  return { gates, states };
}

/** Panels [Hp/4][K][G][4] at ptr += W [G·H, K] (gradients accumulate; the padded lanes are left as they are). */
export function addToPanels(m: Float32Array, ptr: number, G: number, H: number, K: number, W: Floats): void {
  const to = ptr >> 2;
  for (let g = 0; g < G; g++)
    for (let j = 0; j < H; j++)
      for (let k = 0; k < K; k++) m[to + (((j >> 2) * K + k) * G + g) * 4 + (j & 3)] += W[(g * H + j) * K + k];
}
