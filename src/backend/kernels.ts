/**
 * The one interface every backend implements: wasm-simd, wasm (scalar) and js.
 *
 * Layers never see which backend runs. They hold byte offsets ("pointers")
 * into the backend's heap and call these kernels with them, once per
 * sequence batch: no call crosses into wasm per time step.
 *
 * Conventions shared by all kernels
 * - Every pointer is a byte offset into `Heap.buffer`, 16-byte aligned
 *   unless a comment says otherwise. `0` means "absent" where allowed.
 * - All data is float32, row-major.
 * - H is the number of units, Hp = roundUp4(H) its padded width.
 *
 * Packed ("panel") weight layout — the kernels' own layout, not the user's.
 * A layer with G gates per unit (LSTM 4: i,f,g,o; GRU 3: r,z,n; RNN 1;
 * Dense 1) and H units over K inputs stores its weights as Hp/4 panels,
 * panel p holding units 4p..4p+3, K rows each, every row the G gates of
 * those 4 units side by side:
 *
 *     w[p][k][g][lane]  =  W_torch[g*H + 4p + lane][k]     (0 where 4p+lane ≥ H)
 *
 * so a panel is a contiguous K × (4G) matrix and one pass over k yields
 * every gate of 4 units in G f32x4 accumulators. Biases use the same
 * column order: b[p][g][lane]. A row of pre-activations z produced by
 * `project` is likewise [p][g][lane] (4·G·Hp/4 = G·Hp floats).
 */

export type BackendName = 'wasm-simd' | 'wasm' | 'js';

/** Activation codes for `activate` (Dense). */
export const Act = { linear: 0, relu: 1, sigmoid: 2, tanh: 3, softmax: 4 } as const;
/** Dense's activations. @useDeclaredType */
export type ActivationName = keyof typeof Act;

/** Operation codes for `merge` / `mergeBackward`: Bidirectional's merge modes (concat needs no kernel) and Dropout's mask (mul). */
export const Merge = { sum: 0, mul: 1, ave: 2 } as const;
/** The merge modes computed by `merge`. */
export type MergeOp = keyof typeof Merge;

/**
 * Activation codes of the recurrent cells' variants (the *Act kernels): the
 * same numbers as Act where they share a name. 'hard_sigmoid' is
 * clip(0.2·x + 0.5, 0, 1) (Keras 2, TF.js, ONNX HardSigmoid's defaults);
 * 'hard_sigmoid_relu6' is relu6(x + 3)/6 (Keras 3's hard_sigmoid).
 */
export const CellAct = { linear: 0, relu: 1, sigmoid: 2, tanh: 3, hard_sigmoid: 5, hard_sigmoid_relu6: 6 } as const;
/** A recurrent cell's activation (LSTM/GRU/SimpleRNN `activation`). @useDeclaredType */
export type CellActivation = keyof typeof CellAct;
/** A recurrent cell's gate activation (LSTM/GRU `recurrentActivation`). */
export type GateActivation = 'sigmoid' | 'hard_sigmoid' | 'hard_sigmoid_relu6';

/** The inference kernels' names: what every wasm build must export (checked when it is loaded). */
export const KERNEL_NAMES = [
  'project', 'lstmRecur', 'gruRecur', 'rnnRecur', 'lstmRecurAct', 'gruRecurAct', 'rnnRecurAct', 'activate', 'merge', 'repeat',
  'transpose',
] as const satisfies readonly (keyof Omit<Kernels, 'name' | 'heap'>)[];

/**
 * The training kernels' names: what a wasm build must also export to train
 * (the full builds do; the inference-only builds of 'lstm-wasm/predict' do not).
 */
export const TRAINING_KERNEL_NAMES = [
  'lstmBackward', 'gruBackward', 'rnnBackward', 'lstmBackwardAct', 'gruBackwardAct', 'rnnBackwardAct', 'gradWeights', 'gradInput', 'activateBackward',
  'sumSquares', 'scaleClip', 'sgdUpdate', 'rmspropUpdate', 'adamUpdate', 'mergeBackward', 'repeatBackward',
] as const satisfies readonly (keyof TrainingKernels)[];

/** Where the kernels' data lives: wasm linear memory, or an ArrayBuffer for js. */
export interface Heap {
  /** The current buffer. A new object after `grow` (wasm memory.grow detaches the old one). */
  readonly buffer: ArrayBuffer;
  /** First byte the allocator may hand out (past the module's static data). */
  readonly base: number;
  /** Grow by at least `bytes`. */
  grow(bytes: number): void;
}

/**
 * Inference: the projection, the recurrences and the activations; all a
 * predict or a stream runs. Training kernels are a separate interface
 * (below), reached only from training code (src/train/training-kernels.ts).
 */
export interface Kernels {
  readonly name: BackendName;
  readonly heap: Heap;

  /**
   * Input projection for all rows at once (a GEMM):
   *   out[r][p][c] = bias[p][c] + Σ_k x[r*K + k] · w[p][k][c]
   * x: [rows, K] (any alignment, row stride K); w: panels [panels][K][pw];
   * bias: [panels][pw] or 0; out: [rows][panels*pw]. pw is 4·G (4, 12 or 16).
   */
  project(x: number, rows: number, K: number, w: number, panels: number, pw: number, bias: number, out: number): void;

  /**
   * LSTM recurrence over T steps for B sequences, given the projected inputs.
   *   z: [B][T][4Hp] packed pre-activations (x_t·W_xᵀ + b), from `project` over x [B,T,I]
   *   u: recurrent panels [Hp/4][H][16]
   *   per step t (t = 0..T-1, or T-1..0 when reverse = 1):
   *     [i f g o] = z_t + h·Uᵀ ; i,f,o = σ(.), g = tanh(.)
   *     c = f⊙c + i⊙g ;  h = o⊙tanh(c)
   *   h0, c0: [B][H] initial state, or 0 for zeros.
   *   out: if not 0, h_t is written to out + 4*((b*T + t)*outStride) for j < H
   *        (outStride ≥ H lets Bidirectional interleave both directions; any alignment).
   *   hT, cT: [B][H] final state (after the last processed step); always written.
   *        hT may be the same buffer as h0 and cT as c0 (streaming carries state in place),
   *        so read all of h0/c0 before writing any of hT/cT.
   *   work: 3·B·Hp floats of scratch.
   *   rec: 0, or T·B·6·Hp floats that receive, in time order t (also when reverse):
   *        gates  rec            [T][B][Hp/4][4][4]  activated i,f,g,o (packed order)
   *        cells  rec + 4·T·B·4Hp   [T][B][Hp]          c_t
   *        hidden rec + 4·T·B·5Hp   [T][B][Hp]          h_t
   *   recRows, recRow0: where this call's B rows sit in the record, for a call over a range
   *        of a batch (threads, src/backend/threads/split.ts): the record has recRows rows
   *        (its T·B above is T·recRows) and the call's rows are recRow0 … recRow0 + B − 1.
   *        Absent or 0: recRows = B, recRow0 = 0, the whole batch. Every kernel that
   *        writes or reads a record takes them, last (record-layout.ts). Honoured by the
   *        threads builds only: the one-thread backends (the js reference and the one-thread
   *        wasm builds), whose calls are never cut, take every call as the whole batch's
   *        (assembly/state.ts, RECORD_ROWS), so that what a one-thread app ships does not grow.
   */
  lstmRecur(z: number, B: number, T: number, H: number, u: number, h0: number, c0: number,
    out: number, outStride: number, hT: number, cT: number, reverse: number, work: number, rec: number,
    recRows?: number, recRow0?: number): void;

  /**
   * GRU recurrence (PyTorch semantics = Keras reset_after=True).
   *   z: [B][T][3Hp] packed x_t·W_xᵀ + b_x (gates r, z, n); u: panels [Hp/4][H][12];
   *   bh: recurrent bias [Hp/4][3][4];
   *     a = h·Uᵀ + b_h
   *     r = σ(z_r + a_r), u = σ(z_z + a_z), n = tanh(z_n + r⊙a_n), h = (1−u)⊙n + u⊙h
   *   h0, out, outStride, hT, reverse, work as for LSTM (work: 3·B·Hp floats).
   *   rec: 0, or T·B·5·Hp floats:
   *        gates rec [T][B][Hp/4][3][4] activated r, z, n;
   *        an    rec + 4·T·B·3Hp  [T][B][Hp]  a_n (= U_n·h + b_hn, before the reset gate)
   *        hidden rec + 4·T·B·4Hp [T][B][Hp]  h_t
   */
  gruRecur(z: number, B: number, T: number, H: number, u: number, bh: number, h0: number,
    out: number, outStride: number, hT: number, reverse: number, work: number, rec: number,
    recRows?: number, recRow0?: number): void;

  /**
   * Simple RNN recurrence: h = act(z_t + h·Uᵀ), act = tanh (relu = 0) or relu (relu = 1).
   *   z: [B][T][Hp]; u: panels [Hp/4][H][4]; others as for LSTM (work: 3·B·Hp floats).
   *   rec: 0, or T·B·Hp floats: hidden [T][B][Hp] h_t.
   */
  rnnRecur(z: number, B: number, T: number, H: number, u: number, h0: number,
    out: number, outStride: number, hT: number, reverse: number, relu: number, work: number, rec: number,
    recRows?: number, recRow0?: number): void;

  /**
   * The variants' recurrences (assembly/variants.ts): the three kernels
   * above with CellAct codes for the gates (`gateAct`: LSTM i, f, o; GRU
   * r, z) and the candidate and state (`act`: LSTM g and h = o⊙act(c); GRU
   * n; SimpleRNN h). Same arguments, work and record, except:
   *   gruRecurAct resetAfter = 0: the reset gate before the recurrent
   *     product, n = act(z_n + U_n·(r⊙h)) (Keras reset_after=False; bh is
   *     0), recording gates r, z, n ‖ hidden (GRU_RESET_BEFORE_RECORD);
   *   bh may be 0 (no recurrent bias).
   * The default cells (σ, tanh) keep lstmRecur/gruRecur/rnnRecur, the fused fast loops.
   *
   * mask: 0, or [B][T] floats in time order, 1 for a real step and 0 for a
   *   padded one (Keras's masking; `lengths` is mask[b][t] = t < len_b). A
   *   padded step leaves the state as it was and outputs the row's previous
   *   output: the carried h, or zeros before the row's first real step (in
   *   the order the steps run). Its record holds zero gates and the carried
   *   states. A masked call of a default cell runs these kernels with its codes.
   */
  lstmRecurAct(z: number, B: number, T: number, H: number, u: number, h0: number, c0: number,
    out: number, outStride: number, hT: number, cT: number, reverse: number, work: number, rec: number,
    gateAct: number, act: number, mask: number, recRows?: number, recRow0?: number): void;
  gruRecurAct(z: number, B: number, T: number, H: number, u: number, bh: number, h0: number,
    out: number, outStride: number, hT: number, reverse: number, work: number, rec: number,
    gateAct: number, act: number, resetAfter: number, mask: number, recRows?: number, recRow0?: number): void;
  rnnRecurAct(z: number, B: number, T: number, H: number, u: number, h0: number,
    out: number, outStride: number, hT: number, reverse: number, act: number, work: number, rec: number, mask: number,
    recRows?: number, recRow0?: number): void;

  /**
   * Dense's activation (Act code `kind`; softmax per row), compacting as it goes:
   *   y[r*cols + j] = act(x[r*stride + j])   for j < cols   (stride ≥ cols: project's whole panels)
   * y may be x (rows are written in order, each no further along than its source). Any alignment.
   */
  activate(x: number, rows: number, cols: number, stride: number, kind: number, y: number): void;

  /**
   * Element-wise merge of two row sets (Merge code `op`: sum, mul, ave = (a + b)/2):
   *   out[r*cols + j] = a[r*aStride + j] ∘ b[r*bStride + j]
   * Bidirectional merges the halves of its [rows][2H] output (strides 2H, b = a + H) or its two
   * final states (strides H); Dropout multiplies by its mask. out may be a or b when its stride is
   * cols. Any alignment.
   */
  merge(a: number, aStride: number, b: number, bStride: number, rows: number, cols: number, op: number, out: number): void;

  /** RepeatVector: out[(r*n + t)*cols + j] = x[r*cols + j] for t < n, i.e. [rows][cols] → [rows][n][cols]. Any alignment. */
  repeat(x: number, rows: number, cols: number, n: number, out: number): void;
  /** out [cols][rows] = the transpose of x [rows][cols] (setWeights packs each weight panel with it: weights/blocks.ts). */
  transpose(x: number, rows: number, cols: number, out: number): void;
}

/**
 * Training: backpropagation through time and the optimizer updates. On a
 * wasm backend they are exports of the same instance as the Kernels (one
 * heap); on the js backend they are made on first use.
 *
 * A training step runs the forward kernels with `rec` set, then, layer by
 * layer in reverse: the cell's backward recurrence (reverse time) turns
 * ∂L/∂outputs into ∂L/∂pre-activations `dz` for every step; the weight
 * gradients over all steps are then GEMMs (`gradWeights`), hoisted out of
 * the recurrence like the forward projection, and ∂L/∂inputs is one more
 * (`gradInput`). All gradients accumulate (+=): callers zero them first.
 */
export interface TrainingKernels {
  /**
   * LSTM backward through time, from a forward run that filled `rec`.
   *   h0, c0: the initial state of that run ([B][H], or 0 for zeros)
   *   dout: 0, or ∂L/∂h_t for every step, at dout + 4*((b*T + t)*doutStride) (returnSequences)
   *   dhT, dcT: 0, or ∂L/∂ of the final h and c, [B][H]
   *   reverse: as in the forward run
   *   dz: out, [B][T][4Hp] ∂L/∂(pre-activations i,f,g,o) packed, row b*T+t, 0 in padded lanes
   *   hprev: out, [B][T][H] the h_{t−1} each step started from, row b*T+t (for ∂L/∂U)
   *   dh0, dc0: 0, or out [B][H] ∂L/∂ of the initial state
   *   work: backWorkFloats(B, H, threads) = 5·B·Hp + threads·4·Hp² floats of scratch (the *Act kernels use the fifth
   *        block with a mask; `threads`: the backend's, which may cut the call into as many row ranges)
   *   recRows, recRow0: this call's rows in the record, as for lstmRecur (absent: the whole batch)
   */
  lstmBackward(rec: number, B: number, T: number, H: number, u: number, h0: number, c0: number,
    dout: number, doutStride: number, dhT: number, dcT: number, reverse: number,
    dz: number, hprev: number, dh0: number, dc0: number, work: number, recRows?: number, recRow0?: number): void;

  /**
   * GRU backward through time. Outputs two pre-activation gradients, since
   * the reset gate sits between the recurrent product and n:
   *   dzx: [B][T][3Hp] ∂L/∂(x_t·W_xᵀ + b_x) for r, z, n   (→ W_x, b_x, inputs)
   *   dza: [B][T][3Hp] ∂L/∂(a = h·Uᵀ + b_h) for r, z, n   (→ U, b_h, h_{t−1})
   * (0 in padded lanes). Other arguments as lstmBackward (no cell state).
   */
  gruBackward(rec: number, B: number, T: number, H: number, u: number, h0: number,
    dout: number, doutStride: number, dhT: number, reverse: number,
    dzx: number, dza: number, hprev: number, dh0: number, work: number, recRows?: number, recRow0?: number): void;

  /** Simple RNN backward: dz [B][T][Hp] = ∂L/∂(pre-activation); relu as in the forward run. */
  rnnBackward(rec: number, B: number, T: number, H: number, u: number, h0: number,
    dout: number, doutStride: number, dhT: number, reverse: number, relu: number,
    dz: number, hprev: number, dh0: number, work: number, recRows?: number, recRow0?: number): void;

  /**
   * The variants' backward passes (from the *Act recurrences' records),
   * with the same codes; arguments as the three kernels above, and for
   * gruBackwardAct with resetAfter = 0 (U_n multiplies r⊙h_{t−1}, not h_{t−1}):
   *   dza: [dr, dz, 0] (→ U_r, U_z with hprev);
   *   dzn: out [B][T][3Hp] [0, 0, dn] and rhprev: out [B][T][H] r⊙h_{t−1} (→ U_n);
   * (with resetAfter = 1, dzn and rhprev are 0 and unused).
   * mask: as in the forward run. A padded step gets zero pre-activation
   * gradients and passes ∂L/∂h (∂L/∂c) on, plus its dout once the row has
   * begun (before, its output was a constant zero).
   */
  lstmBackwardAct(rec: number, B: number, T: number, H: number, u: number, h0: number, c0: number,
    dout: number, doutStride: number, dhT: number, dcT: number, reverse: number,
    dz: number, hprev: number, dh0: number, dc0: number, work: number, gateAct: number, act: number, mask: number,
    recRows?: number, recRow0?: number): void;
  gruBackwardAct(rec: number, B: number, T: number, H: number, u: number, h0: number,
    dout: number, doutStride: number, dhT: number, reverse: number,
    dzx: number, dza: number, hprev: number, dh0: number, work: number,
    gateAct: number, act: number, resetAfter: number, dzn: number, rhprev: number, mask: number,
    recRows?: number, recRow0?: number): void;
  rnnBackwardAct(rec: number, B: number, T: number, H: number, u: number, h0: number,
    dout: number, doutStride: number, dhT: number, reverse: number, act: number,
    dz: number, hprev: number, dh0: number, work: number, mask: number, recRows?: number, recRow0?: number): void;

  /**
   * Weight gradient of `project`, over all rows at once:
   *   dw[p][k][c] += Σ_r x[r*K + k] · dz[r][p][c];  db[p][c] += Σ_r dz[r][p][c] (db may be 0)
   * x: [rows, K] (any alignment); dz: [rows][panels*pw]; dw: panels [panels][K][pw].
   * dzStride: floats from one row of dz to the next (absent or 0: panels·pw), so that a call
   *   over some of the panels (threads cut it by panels: each sum keeps its order) reads
   *   its columns of a wider dz. Honoured by the wasm builds; the js reference is never cut.
   */
  gradWeights(x: number, rows: number, K: number, dz: number, panels: number, pw: number, dw: number, db: number, dzStride?: number): void;

  /** Input gradient of `project`: dx[r*K + k] += Σ_{p,c} dz[r][p][c] · w[p][k][c]. dx any alignment. */
  gradInput(dz: number, rows: number, K: number, w: number, panels: number, pw: number, dx: number): void;

  /**
   * Dense activation derivative from the activated output y:
   *   dz[r*dzStride + j] = dy[r*cols + j] · act'(y)   (softmax: y ⊙ (dy − Σ dy⊙y))
   * y, dy: [rows, cols] (any alignment). dz's lanes past cols are left as they are.
   */
  activateBackward(y: number, dy: number, rows: number, cols: number, dz: number, dzStride: number, kind: number): void;

  /** Σ p[i]² for i < n (the global gradient norm, squared). */
  sumSquares(p: number, n: number): number;
  /** p[i] = clamp(p[i]·scale, −clip, clip) (clip may be Infinity). */
  scaleClip(p: number, n: number, scale: number, clip: number): void;

  /** Keras SGD: v = momentum·v − lr·g;  p += v, or with nesterov p += momentum·v − lr·g. */
  sgdUpdate(p: number, g: number, v: number, n: number, lr: number, momentum: number, nesterov: number): void;
  /** Keras RMSprop: ms = ρ·ms + (1−ρ)·g²;  p −= lr·g / √(ms + ε)  (ε inside the root, as Keras and TF.js; PyTorch puts it outside). */
  rmspropUpdate(p: number, g: number, ms: number, n: number, lr: number, rho: number, eps: number): void;
  /**
   * Keras Adam/AdamW: p −= decay·p (decay = lr·weightDecay, 0 for Adam);
   * m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  p −= lrT·m / (√v + ε),
   * lrT = lr·√(1−β2ᵗ)/(1−β1ᵗ) computed by the caller.
   */
  adamUpdate(p: number, g: number, m: number, v: number, n: number, lrT: number, beta1: number, beta2: number, eps: number, decay: number): void;

  /**
   * The gradients of `merge`, from dy [rows][cols], written (not added):
   *   sum: da = db = dy;  mul: da = dy ⊙ b, db = dy ⊙ a;  ave: da = db = dy/2
   * at da + 4*r*daStride and db + 4*r*dbStride; a, b as in the forward (read for mul only). Any alignment.
   */
  mergeBackward(dy: number, a: number, aStride: number, b: number, bStride: number, rows: number, cols: number, op: number,
    da: number, daStride: number, db: number, dbStride: number): void;

  /** The gradient of `repeat`: dx[r*cols + j] = Σ_{t<n} dy[(r*n + t)*cols + j] (written, not added). Any alignment. */
  repeatBackward(dy: number, rows: number, cols: number, n: number, dx: number): void;
}

/** Padded width: the next multiple of 4. */
export function roundUp4(n: number): number {
  return (n + 3) & ~3;
}

/** Scratch floats the recurrent kernels need for B sequences of H units. */
export function recurWorkFloats(B: number, H: number): number {
  return 3 * B * roundUp4(H);
}

/**
 * Scratch floats of the backward recurrences: five [B][Hp] blocks (the
 * fifth: a masked run's first real steps), then the transposed copy of U
 * that dh_{t−1} = dz·U is a GEMM with (assembly/backward.ts): up to 4·Hp²
 * floats (an LSTM's; a GRU uses 3·Hp², a simple RNN Hp²).
 * On a backend of `threads` threads a call may be cut into that many row
 * ranges, each with its own scratch and copy of U (src/backend/threads/
 * split.ts): give the backward kernels backWorkFloats(B, H, threads).
 */
export function backWorkFloats(B: number, H: number, threads = 1): number {
  const Hp = roundUp4(H);
  return 5 * B * Hp + threads * 4 * Hp * Hp;
}
