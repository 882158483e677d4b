/**
 * Masks in the reference: a padded step is as if it were not there. Each
 * row is run alone over its real steps only (in the order the steps run),
 * by the cell's own forward and backward, and the results are laid back
 * out on the full time axis the way the kernels' contract says
 * (src/backend/kernels.ts, the *Act kernels' `mask`):
 *
 *   - a padded step's output is the row's previous output: the carried h,
 *     or zeros before the row's first real step (Keras 3's rnn());
 *   - its record holds zero gates and the carried states (h, and c for
 *     LSTM; from the initial state before the first real step);
 *   - backward, its output's gradient goes to the real step whose h it
 *     carried (dropped before the first real step), and its pre-activation
 *     gradients are zero.
 *
 * So the reference is "every sequence alone" by construction, and the wasm
 * kernels (assembly/variants.ts), which skip padded steps in place, are
 * checked against it.
 */
import type { Floats } from './activations.js';
import { stepAt, type Sequences } from './sequence.js';

/** The time indices of row b's real steps (mask[b][t] ≠ 0), in the order the steps run. */
export function realSteps(mask: Floats, b: number, seq: Sequences): number[] {
  const steps: number[] = [];
  for (let s = 0; s < seq.T; s++) {
    const t = stepAt(s, seq);
    if (mask[b * seq.T + t] !== 0) steps.push(t);
  }
  return steps;
}

/** Rows `steps` of row b of a [B, T, width] sequence, as one [L, width] sequence. */
function gather(src: Floats, b: number, T: number, steps: readonly number[], width: number): Float32Array {
  const out = new Float32Array(steps.length * width);
  steps.forEach((t, k) => out.set(src.subarray((b * T + t) * width, (b * T + t + 1) * width), k * width));
  return out;
}

/** Row b of a [B, H] state, or undefined. */
function stateRow(s: Floats | undefined, b: number, H: number): Float32Array | undefined {
  return s ? Float32Array.from(s.subarray(b * H, (b + 1) * H)) : undefined;
}

/** What a cell's forward gives for one row run alone: its trace ([L, H] per field) and final states ([H] per carried field). */
export interface AloneForward {
  trace: Record<string, Floats>;
  final: Record<string, Floats>;
}

/**
 * A masked forward. `fields`: the trace's fields; `carried`: the initial
 * states by field name (h, and c for LSTM; [B, H] or undefined for zeros),
 * which a padded step carries; every other field is zero there. `alone`
 * runs the cell on one row's real steps (gx [L, width], h0 and c0 rows).
 * Returns the full trace [B, T, H] per field, the output sequence, and the
 * final states [B, H] by field name.
 */
export function forwardMasked(seq: Sequences, mask: Floats, gx: Floats, width: number, fields: readonly string[],
  carried: Record<string, Floats | undefined>,
  alone: (gx: Float32Array, T: number, initial: Record<string, Float32Array | undefined>) => AloneForward,
): { trace: Record<string, Float32Array>; output: Float32Array; final: Record<string, Float32Array> } {
  const { B, T, H } = seq;
  const trace: Record<string, Float32Array> = {};
  for (const f of fields) trace[f] = new Float32Array(B * T * H);
  const output = new Float32Array(B * T * H);
  const final: Record<string, Float32Array> = {};
  for (const f of Object.keys(carried)) final[f] = new Float32Array(B * H);
  for (let b = 0; b < B; b++) {
    const steps = realSteps(mask, b, seq);
    const initial: Record<string, Float32Array | undefined> = {};
    for (const [f, s] of Object.entries(carried)) initial[f] = stateRow(s, b, H);
    const run = alone(gather(gx, b, T, steps, width), steps.length, initial);
    // the carried values, starting from the initial state
    const now: Record<string, Float32Array> = {};
    for (const f of Object.keys(carried)) now[f] = initial[f] ?? new Float32Array(H);
    let k = 0;
    for (let s = 0; s < T; s++) {
      const t = stepAt(s, seq), at = (b * T + t) * H;
      if (k < steps.length && steps[k] === t) {
        for (const f of fields) trace[f].set(run.trace[f].subarray(k * H, (k + 1) * H), at);
        for (const f of Object.keys(carried)) now[f] = trace[f].slice(at, at + H);
        output.set(trace.h.subarray(at, at + H), at);
        k++;
      } else {
        for (const f of Object.keys(carried)) trace[f].set(now[f], at);
        if (k > 0) output.set(now.h, at); // zeros before the row's first real step
      }
    }
    for (const f of Object.keys(carried)) final[f].set(steps.length > 0 ? run.final[f] : now[f], b * H);
  }
  return { trace, output, final };
}

/** What a cell's backward gives for one row alone: gradients [L, width] by name, and the initial states' [H] by carried field. */
export interface AloneBackward {
  grads: Record<string, Floats>;
  initial: Record<string, Floats>;
}

/**
 * A masked backward. `trace`: the masked forward's record, full [B, T, H]
 * per field; `dout`: ∂L/∂output [B, T, H] or none; `finals`: ∂L/∂ of the
 * final states by carried field ([B, H] or none); `widths`: the gradients
 * `alone` returns, by name, and their widths per step. `alone` runs the
 * cell's backward on one row's real steps (trace [L, H] per field, dout
 * [L, H], final-state gradients [H], and b for the row's initial state).
 * Returns the gradients [B, T, width] (zero at padded steps) and ∂L/∂ of
 * the initial states [B, H] by carried field.
 */
export function backwardMasked(seq: Sequences, mask: Floats, trace: Record<string, Floats>, dout: Floats | undefined,
  finals: Record<string, Floats | undefined>, widths: Record<string, number>,
  alone: (trace: Record<string, Float32Array>, T: number, dout: Float32Array | undefined, finals: Record<string, Float32Array | undefined>, b: number) => AloneBackward,
): { grads: Record<string, Float64Array>; initial: Record<string, Float64Array> } {
  const { B, T, H } = seq;
  const grads: Record<string, Float64Array> = {};
  for (const [g, w] of Object.entries(widths)) grads[g] = new Float64Array(B * T * w);
  const initial: Record<string, Float64Array> = {};
  for (const f of Object.keys(finals)) initial[f] = new Float64Array(B * H);
  for (let b = 0; b < B; b++) {
    const steps = realSteps(mask, b, seq), L = steps.length;
    const rowFinals: Record<string, Float32Array | undefined> = {};
    for (const [f, s] of Object.entries(finals)) rowFinals[f] = stateRow(s, b, H);
    let douts: Float32Array | undefined;
    if (dout) {
      // a padded step's output was the h of the real step before it: its gradient goes there
      douts = new Float32Array(L * H);
      let k = -1;
      for (let s = 0; s < T; s++) {
        const t = stepAt(s, seq);
        if (k + 1 < L && steps[k + 1] === t) k++;
        if (k < 0) continue; // before the first real step the output was a constant zero
        for (let j = 0; j < H; j++) douts[k * H + j] += dout[(b * T + t) * H + j];
      }
    }
    if (L === 0) {
      // nothing ran: the final state is the initial one
      for (const f of Object.keys(finals)) if (rowFinals[f]) initial[f].set(rowFinals[f]!, b * H);
      continue;
    }
    const rowTrace: Record<string, Float32Array> = {};
    for (const [f, v] of Object.entries(trace)) rowTrace[f] = gather(v, b, T, steps, H);
    const run = alone(rowTrace, L, douts, rowFinals, b);
    for (const [g, w] of Object.entries(widths)) {
      steps.forEach((t, k) => grads[g].set(run.grads[g].subarray(k * w, (k + 1) * w), (b * T + t) * w));
    }
    for (const f of Object.keys(finals)) initial[f].set(run.initial[f], b * H);
  }
  return { grads, initial };
}
