// The workloads every contender runs, and the one set of weights they all
// load. Plain JS with no dependency: the cold-start children import it too,
// and must not pay for anything but their own framework.
//
// Weights are made here in PyTorch's layout (weight_ih [4H, I], weight_hh
// [4H, H], bias_ih, bias_hh [4H], gates i, f, g, o), uniform in ±1/√H as
// PyTorch initializes an LSTM; each contender converts them to its own
// layout with the functions below, so all of them compute the same function.

/** FLOPs of one LSTM forward: 2·4H·(I+H)·B·T (DESIGN.md). */
export const flops = ({ I, H, B, T }) => 2 * 4 * H * (I + H) * B * T;

/** W1 and W2 of DESIGN.md: one LSTM layer, forward, every step returned. */
export const W1 = { id: 'W1', I: 32, H: 128, B: 1, T: 100 };
export const W2 = { id: 'W2', I: 64, H: 256, B: 32, T: 50 };

/** W3 of DESIGN.md: LSTM(8→64) → Dense(1) on the last step, MSE, Adam(1e-3), one training step. */
export const W3 = { id: 'W3', I: 8, H: 64, B: 64, T: 50, lr: 1e-3 };

/**
 * The sweep: how cost grows with H (T = 100, a fixed I = 32 so the
 * recurrent matrix, 4H × H, is what grows) at batch 1 and batched, and with
 * T at W1's shape. --quick keeps a corner of it.
 */
export function sweep(quick) {
  const Hs = quick ? [64, 256] : [64, 128, 256, 512, 1024];
  const Bs = quick ? [1, 8] : [1, 8, 32];
  const rows = [];
  for (const B of Bs) for (const H of Hs) rows.push({ id: `H=${H} B=${B}`, I: 32, H, B, T: 100 });
  for (const T of quick ? [1000] : [1000, 10000]) rows.push({ id: `T=${T}`, I: 32, H: 128, B: 1, T });
  return rows;
}

/** A uniform stream in [-1, 1) from a 32-bit LCG: the same numbers in every process and framework. */
export function uniform(n, seed, scale = 1) {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return a;
}

/** One LSTM layer's weights in PyTorch's layout, as PyTorch draws them (uniform ±1/√H). */
export function lstmWeights({ I, H }, seed = 7) {
  const k = 1 / Math.sqrt(H);
  return {
    I, H,
    weight_ih: uniform(4 * H * I, seed, k),
    weight_hh: uniform(4 * H * H, seed + 1, k),
    bias_ih: uniform(4 * H, seed + 2, k),
    bias_hh: uniform(4 * H, seed + 3, k),
  };
}

/** A Dense(H → 1) head in PyTorch's layout. */
export function denseWeights(H, seed = 11) {
  const k = 1 / Math.sqrt(H);
  return { weight: uniform(H, seed, k), bias: uniform(1, seed + 1, k) };
}

/** The input [B, T, I], batch first, row-major. */
export const input = ({ I, B, T }, seed = 12345) => uniform(B * T * I, seed);

/** The W3 targets [B, 1]. */
export const targets = ({ B }) => uniform(B, 777);

/** [rows, cols] → [cols, rows]. */
export function transpose(a, rows, cols) {
  const t = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
  return t;
}

/**
 * Keras / TF.js layout: kernel [I, 4H], recurrent_kernel [H, 4H], one bias
 * [4H]; gates i, f, c, o (PyTorch's order, g called c), so only transposes
 * and the bias sum.
 */
export function toKeras(w) {
  const bias = new Float32Array(4 * w.H);
  for (let j = 0; j < bias.length; j++) bias[j] = w.bias_ih[j] + w.bias_hh[j];
  return { kernel: transpose(w.weight_ih, 4 * w.H, w.I), recurrentKernel: transpose(w.weight_hh, 4 * w.H, w.H), bias };
}

/** ONNX LSTM layout: W [1, 4H, I], R [1, 4H, H], B [1, 8H] = Wb ‖ Rb; gates i, o, f, c. */
export function toOnnx(w) {
  const H = w.H, order = [0, 3, 1, 2]; // ONNX's gate blocks as PyTorch block indices
  const blocks = (src, size) => {
    const dst = new Float32Array(src.length);
    order.forEach((t, k) => dst.set(src.subarray(t * size, (t + 1) * size), k * size));
    return dst;
  };
  const B = new Float32Array(8 * H);
  B.set(blocks(w.bias_ih, H), 0);
  B.set(blocks(w.bias_hh, H), 4 * H);
  return { W: blocks(w.weight_ih, H * w.I), R: blocks(w.weight_hh, H * H), B };
}

/** [a, b, c] → [b, a, c]: batch-first ↔ time-first. */
export function swap01(x, a, b, c) {
  const y = new Float32Array(x.length);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) y.set(x.subarray((i * b + j) * c, (i * b + j + 1) * c), (j * a + i) * c);
  return y;
}

export function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return Infinity; // a NaN is as wrong as it gets
    if (d > m) m = d;
  }
  return m;
}
