/**
 * `forward(x, { record: true })`'s record: the training record a recurrent
 * kernel filled (backend/record-layout.ts), as [B, T, H] tensors named for
 * what they are, gates first, then the states a user may see.
 */
import { recordLayout } from '../backend/record-layout.js';
import type { Tensor } from '../tensor.js';
import type { CellSpec } from './cell.js';

/**
 * What a recorded forward pass saw, each [B, T, units], in time order:
 * LSTM input, forget, candidate, output gates and cell (c_t) and hidden
 * (h_t) states; GRU reset, update, candidate and hidden; SimpleRNN hidden.
 */
export type GateRecord = Record<string, Tensor>;

/** Decode `rec`, the whole record of B sequences of T steps of H units (a view of the heap). */
export function decodeRecord(rec: Float32Array, cell: CellSpec, B: number, T: number, H: number): GateRecord {
  const layout = recordLayout(cell.record, B, T, H);
  const section = (at: (t: number, b: number, j: number) => number): Tensor => {
    const data = new Float32Array(B * T * H);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let j = 0; j < H; j++) data[(b * T + t) * H + j] = rec[at(t, b, j)];
    return { shape: [B, T, H], data };
  };
  const out: GateRecord = {};
  cell.record.gates.forEach((name, g) => (out[name] = section((t, b, j) => layout.gate(t, b, g, j))));
  cell.record.states.forEach((name, s) => {
    if (!cell.internalStates.includes(name)) out[name] = section((t, b, j) => layout.state(s, t, b, j));
  });
  return out;
}
