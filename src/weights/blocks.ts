/**
 * The layers' packed parameter blocks: where each matrix starts, and
 * packing the canonical (PyTorch, gate-major) form in and out. A gradient
 * block has the same layout as its parameter block.
 *
 * Recurrent (G gates, H units, I inputs, Hp = roundUp4(H)):
 *   wx  [Hp/4][I][4G]   input weights
 *   wh  [Hp/4][H][4G]   recurrent weights
 *   b   [Hp/4][G][4]    bias (one, or the input bias of a cell that keeps a recurrent bias)
 *   bh  [Hp/4][G][4]    the recurrent bias, only in a cell that keeps one (GRU)
 * (neither bias in a layer with useBias: false)
 * Dense (N outputs, K inputs, Np = roundUp4(N)):
 *   w   [Np/4][K][4]
 *   b   [Np]        only with a bias (useBias)
 */
import { roundUp4 } from '../backend/kernels.js';
import type { Backend } from '../backend/registry.js';
import { packPanelsOnHeap } from './heap-packing.js';
import { unpackBias, unpackPanels } from './packing.js';

/** A recurrent layer's weights in PyTorch's gate-major layout: wx [G·H, I], wh [G·H, H], b and bh [G·H]. */
export interface RecurrentWeights {
  wx: Float32Array;
  wh: Float32Array;
  b: Float32Array;
  /** The recurrent bias (zeros for a cell that keeps none). */
  bh: Float32Array;
}

/** The sizes that fix a recurrent block. */
export interface RecurrentDims {
  gates: number;
  units: number;
  inputs: number;
  recurrentBias: boolean;
  /** Whether the layer has biases at all (useBias; default true). */
  bias?: boolean;
}

/** Byte pointers of a recurrent block's parts; b and bh are 0 where the layer has none (the kernels' "absent"). */
export interface RecurrentPointers {
  wx: number;
  wh: number;
  b: number;
  bh: number;
}

export interface RecurrentBlock {
  /** Floats of the whole block (with padding). */
  readonly floats: number;
  /** Panels of 4 units, and floats per panel row (4·G): the kernels' `panels`, `pw`. */
  readonly panels: number;
  readonly panelWidth: number;
  /** Where the parts of the block at byte pointer `base` are. */
  pointers(base: number): RecurrentPointers;
  /** Pack `w` into the block at byte pointer `base` of `backend`'s heap (all of it: padded lanes get 0). */
  pack(backend: Backend, base: number, w: RecurrentWeights): void;
  /** The block `view` in PyTorch form. */
  unpack(view: Float32Array): RecurrentWeights;
}

export function recurrentBlock({ gates: G, units: H, inputs: I, recurrentBias: hasBh, bias }: RecurrentDims): RecurrentBlock {
  const Hp = roundUp4(H), hasB = bias !== false, recurrentBias = hasB && hasBh;
  const wx = 0, wh = wx + Hp * G * I, b = wh + Hp * G * H, bh = hasB ? b + Hp * G : b, end = recurrentBias ? bh + Hp * G : bh;
  return {
    floats: end,
    panels: Hp / 4,
    panelWidth: 4 * G,
    pointers: (base) => ({ wx: base + 4 * wx, wh: base + 4 * wh, b: hasB ? base + 4 * b : 0, bh: recurrentBias ? base + 4 * bh : 0 }),
    pack(backend, base, w) {
      packPanelsOnHeap(backend, w.wx, G, H, I, base + 4 * wx);
      packPanelsOnHeap(backend, w.wh, G, H, H, base + 4 * wh);
      // a bias [G·H] is a gate-major matrix with K = 1: its panels are [Hp/4][1][G][4]
      if (hasB) packPanelsOnHeap(backend, w.b, G, H, 1, base + 4 * b);
      if (recurrentBias) packPanelsOnHeap(backend, w.bh, G, H, 1, base + 4 * bh);
    },
    unpack: (view) => ({
      wx: unpackPanels(view.subarray(wx, wh), G, H, I),
      wh: unpackPanels(view.subarray(wh, b), G, H, H),
      b: hasB ? unpackBias(view.subarray(b, bh), G, H) : new Float32Array(G * H),
      bh: recurrentBias ? unpackBias(view.subarray(bh, end), G, H) : new Float32Array(G * H),
    }),
  };
}

/** Dense weights in PyTorch's layout: w [N, K], b [N]. */
export interface DenseWeights {
  w: Float32Array;
  b: Float32Array;
}

export interface DenseBlock {
  readonly floats: number;
  /** Panels of 4 outputs (pw is 4). */
  readonly panels: number;
  /** Floats of one output row as the kernels write it: Np, whole panels. */
  readonly paddedUnits: number;
  /** b is 0 without a bias (the kernels' "absent"). */
  pointers(base: number): { w: number; b: number };
  /** Pack `w` into the block at byte pointer `base` of `backend`'s heap (all of it: padded lanes get 0). */
  pack(backend: Backend, base: number, w: DenseWeights): void;
  unpack(view: Float32Array): DenseWeights;
}

/** A Dense block; without a bias (useBias false) it holds w only, and unpack gives b as zeros. */
export function denseBlock(N: number, K: number, useBias = true): DenseBlock {
  const Np = roundUp4(N), b = Np * K;
  return {
    floats: useBias ? Np * (K + 1) : Np * K,
    panels: Np / 4,
    paddedUnits: Np,
    pointers: (base) => ({ w: base, b: useBias ? base + 4 * b : 0 }),
    pack(backend, base, w) {
      packPanelsOnHeap(backend, w.w, 1, N, K, base);
      if (useBias) packPanelsOnHeap(backend, w.b, 1, N, 1, base + 4 * b);
    },
    unpack: (view) => ({ w: unpackPanels(view.subarray(0, b), 1, N, K), b: useBias ? unpackBias(view.subarray(b, b + Np), 1, N) : new Float32Array(N) }),
  };
}
