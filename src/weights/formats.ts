/**
 * The user-facing weight formats and the canonical form the parameter
 * blocks pack (weights/blocks.ts): PyTorch's layout, gate-major, gates in
 * PyTorch's order. Keras stores the transposes, gates in its own order, and
 * one bias ([2, G·H] for a cell that keeps a recurrent bias). PyTorch keeps
 * two biases; a cell that adds them is given their sum.
 *
 * Reading checks every tensor (names, shapes, finite values) and throws
 * before anything is written; none of these functions touches a layer.
 */
import { fail } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { WeightFormat, Weights } from '../layers/layer.js';
import type { DenseWeights, RecurrentWeights } from './blocks.js';
import { add, reorderGates, transpose } from './packing.js';
import { rejectUnknown, takeWeight } from './take.js';

/** A format option of getWeights or setWeights: 'torch' when not given, else 'torch' or 'keras'. */
export function weightFormat(f: unknown, owner: string): WeightFormat {
  const format = f ?? 'torch';
  if (format !== 'torch' && format !== 'keras') fail(`${owner}: unknown format ${JSON.stringify(f)}; use 'torch' or 'keras'`);
  return format;
}

/** What conversion needs to know of a recurrent cell. */
export interface RecurrentFormat {
  gates: number;
  units: number;
  /** Keras's gate blocks as indices into PyTorch's order. */
  kerasOrder: readonly number[];
  /** GRU: its recurrent bias stays apart (PyTorch's bias_hh, Keras's bias[1]). */
  recurrentBias: boolean;
  /** Whether the layer has biases at all (useBias: false has no bias tensors in either format; default true). */
  bias?: boolean;
}

/** The input size a recurrent weight record implies (from weight_ih or kernel), if it has one of a usable shape. */
export function recurrentInputSize(weights: Weights, from: WeightFormat, suffix = '_l0'): number | undefined {
  if (from === 'torch') {
    const ih = weights[`weight_ih${suffix}`] ?? weights.weight_ih;
    return ih?.shape?.length === 2 ? ih.shape[1] : undefined;
  }
  const k = weights.kernel;
  return k?.shape?.length === 2 ? k.shape[0] : undefined;
}

/** nn.LSTM/GRU/RNN state_dict names (weight_ih{suffix}, …; the bare names are taken too) → canonical. */
export function recurrentFromTorch(weights: Weights, f: RecurrentFormat, I: number, owner: string, suffix = '_l0'): RecurrentWeights {
  const GH = f.gates * f.units, H = f.units;
  const names = (base: string) => (suffix ? [`${base}${suffix}`, base] : [base]);
  rejectUnknown(weights, (f.bias !== false ? ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'] : ['weight_ih', 'weight_hh']).flatMap(names), owner);
  const bih = (f.bias !== false && takeWeight(weights, names('bias_ih'), [GH], owner, true)) || new Float32Array(GH);
  const bhh = (f.bias !== false && takeWeight(weights, names('bias_hh'), [GH], owner, true)) || new Float32Array(GH);
  return {
    wx: takeWeight(weights, names('weight_ih'), [GH, I], owner)!,
    wh: takeWeight(weights, names('weight_hh'), [GH, H], owner)!,
    b: f.recurrentBias ? bih : add(bih, bhh),
    bh: bhh,
  };
}

/** Keras's kernel [I, G·H], recurrentKernel (or recurrent_kernel) [H, G·H] and bias → canonical. */
export function recurrentFromKeras(weights: Weights, f: RecurrentFormat, I: number, owner: string): RecurrentWeights {
  const GH = f.gates * f.units, H = f.units;
  rejectUnknown(weights, f.bias !== false ? ['kernel', 'recurrentKernel', 'recurrent_kernel', 'bias'] : ['kernel', 'recurrentKernel', 'recurrent_kernel'], owner);
  const back = inverse(f.kerasOrder);
  const kernel = takeWeight(weights, ['kernel'], [I, GH], owner)!;
  const recurrent = takeWeight(weights, ['recurrentKernel', 'recurrent_kernel'], [H, GH], owner)!;
  let b: Float32Array = new Float32Array(GH), bh: Float32Array = new Float32Array(GH);
  if (f.bias === false) {
    // no bias tensors (rejectUnknown refused any)
  } else if (f.recurrentBias) {
    if (weights.bias?.shape?.length === 1) fail(`${owner}: GRU bias of shape [${weights.bias.shape}] is Keras reset_after=False; make the layer with resetAfter: false (this one has reset_after=True's bias [2, ${GH}])`);
    const both = takeWeight(weights, ['bias'], [2, GH], owner, true);
    if (both) { b = both.slice(0, GH); bh = both.slice(GH); }
  } else {
    b = takeWeight(weights, ['bias'], [GH], owner, true) ?? b;
  }
  return {
    wx: reorderGates(transpose(kernel, I, GH), back, H, I),
    wh: reorderGates(transpose(recurrent, H, GH), back, H, H),
    b: reorderGates(b, back, H, 1),
    bh: reorderGates(bh, back, H, 1),
  };
}

/**
 * Canonical → PyTorch's names. A cell with one bias exports it all as
 * bias_ih and zeros as bias_hh (their sum is what counts).
 */
export function recurrentToTorch(w: RecurrentWeights, f: RecurrentFormat, I: number, suffix = '_l0'): Record<string, Tensor> {
  const GH = f.gates * f.units;
  const weights: Record<string, Tensor> = {
    [`weight_ih${suffix}`]: { shape: [GH, I], data: w.wx },
    [`weight_hh${suffix}`]: { shape: [GH, f.units], data: w.wh },
  };
  if (f.bias === false) return weights;
  weights[`bias_ih${suffix}`] = { shape: [GH], data: w.b };
  weights[`bias_hh${suffix}`] = { shape: [GH], data: w.bh };
  return weights;
}

/** Canonical → Keras's kernel, recurrentKernel and bias. */
export function recurrentToKeras(w: RecurrentWeights, f: RecurrentFormat, I: number): Record<string, Tensor> {
  const GH = f.gates * f.units, H = f.units, order = f.kerasOrder;
  const kernel = { shape: [I, GH], data: transpose(reorderGates(w.wx, order, H, I), GH, I) };
  const recurrentKernel = { shape: [H, GH], data: transpose(reorderGates(w.wh, order, H, H), GH, H) };
  if (f.bias === false) return { kernel, recurrentKernel };
  const b = reorderGates(w.b, order, H, 1);
  if (!f.recurrentBias) return { kernel, recurrentKernel, bias: { shape: [GH], data: b } };
  const bias = new Float32Array(2 * GH);
  bias.set(b);
  bias.set(reorderGates(w.bh, order, H, 1), GH);
  return { kernel, recurrentKernel, bias: { shape: [2, GH], data: bias } };
}

/** The input size a Dense weight record implies (from weight [N, K] or kernel [K, N]). */
export function denseInputSize(weights: Weights, from: WeightFormat): number | undefined {
  const shape = weights[from === 'torch' ? 'weight' : 'kernel']?.shape;
  return shape?.length === 2 ? (from === 'torch' ? shape[1] : shape[0]) : undefined;
}

/** nn.Linear's weight [N, K] and bias, or Keras's kernel [K, N] and bias → canonical (without a bias: no bias allowed, b zeros). */
export function denseFrom(weights: Weights, from: WeightFormat, N: number, K: number, owner: string, useBias = true): DenseWeights {
  if (!useBias && Object.hasOwn(weights, 'bias')) fail(`${owner}: this layer has no bias (useBias: false), but a "bias" was given`);
  rejectUnknown(weights, [from === 'torch' ? 'weight' : 'kernel', ...(useBias ? ['bias'] : [])], owner);
  const w = from === 'torch'
    ? takeWeight(weights, ['weight'], [N, K], owner)!
    : transpose(takeWeight(weights, ['kernel'], [K, N], owner)!, K, N);
  return { w, b: takeWeight(weights, ['bias'], [N], owner, true) ?? new Float32Array(N) };
}

/** Canonical → nn.Linear's names or Keras's (without a bias: no bias tensor). */
export function denseTo(w: DenseWeights, to: WeightFormat, N: number, K: number, useBias = true): Record<string, Tensor> {
  const out: Record<string, Tensor> = to === 'torch' ? { weight: { shape: [N, K], data: w.w } } : { kernel: { shape: [K, N], data: transpose(w.w, N, K) } };
  if (useBias) out.bias = { shape: [N], data: w.b };
  return out;
}

function inverse(order: readonly number[]): number[] {
  const inv: number[] = [];
  order.forEach((src, g) => (inv[src] = g));
  return inv;
}
