/**
 * Keras's default initializers, producing PyTorch-layout (gate-major)
 * matrices: glorot-uniform input kernels, orthogonal recurrent kernels,
 * zero biases (with the forget gate's set to 1 for LSTM: keep the
 * conveyor belt open at the start of training).
 */
import { fail } from '../errors.js';
import type { Random } from './random.js';

/** [rows, cols] with U(−l, l), l = √(6 / (fanIn + fanOut)). */
export function glorotUniform(rng: Random, rows: number, cols: number, fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const w = new Float32Array(rows * cols);
  for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-limit, limit);
  return w;
}

/**
 * Up to this many columns `orthogonal` runs the exact algorithm (Keras's
 * distribution, O(rows·cols²)): every layer of up to 256 units keeps the
 * weights it always had. Above it the cubic cost dominates building the
 * layer (an LSTM(1024) took 7.6 s), so the structured matrix takes over.
 */
export const EXACT_ORTHOGONAL_MAX_COLS = 256;

/**
 * A [rows, cols] matrix with orthonormal columns (rows ≥ cols), as Keras's
 * Orthogonal gives for a recurrent kernel [H, G·H] (here transposed to the
 * gate-major [G·H, H]): the exact Haar-distributed one up to
 * EXACT_ORTHOGONAL_MAX_COLS columns, a structured random one (same spread
 * of entries, built in O(rows·cols)) above.
 */
export function orthogonal(rng: Random, rows: number, cols: number): Float32Array {
  if (!(rows >= cols)) fail(`orthogonal: a [${rows}, ${cols}] matrix cannot have orthonormal columns (needs rows ≥ cols)`);
  return cols <= EXACT_ORTHOGONAL_MAX_COLS ? haarOrthogonal(rng, rows, cols) : structuredOrthogonal(rng, rows, cols);
}

/**
 * The exact algorithm, Keras's: QR of a Gaussian matrix by modified
 * Gram–Schmidt, signs fixed so that diag(R) > 0. Its columns are
 * Haar-distributed; it costs O(rows·cols²).
 */
export function haarOrthogonal(rng: Random, rows: number, cols: number): Float32Array {
  // columns stored contiguously (col[j] = a[j*rows .. j*rows+rows)) so each dot product streams memory
  const a = new Float64Array(rows * cols);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  for (let j = 0; j < cols; j++) {
    const cj = j * rows;
    for (let k = 0; k < j; k++) {
      const ck = k * rows;
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += a[cj + i] * a[ck + i];
      for (let i = 0; i < rows; i++) a[cj + i] -= dot * a[ck + i];
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += a[cj + i] * a[cj + i];
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < rows; i++) a[cj + i] /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = a[j * rows + i];
  return out;
}

/**
 * Rounds of random rotations the structured matrix gets (see
 * structuredOrthogonal for why 10 is enough at every size).
 */
const ROTATION_STAGES = 10;

/** Columns carried through all the rotations together: rows × 64 float64 stays in cache, and the rows are long enough to stream. */
const COLUMN_BLOCK = 64;

/**
 * A random [rows, cols] matrix with exactly orthonormal columns whose
 * entries are spread like a Haar matrix's, in O(rows·cols) time:
 * `cols` randomly chosen columns of the orthonormal DCT-II basis, then
 * ROTATION_STAGES stages, each pairing all rows at random and rotating
 * every pair by a random angle (a Givens rotation: orthogonal, so the
 * columns stay orthonormal to rounding).
 *
 * Why this construction (of the cheap structured ones):
 * - Random Givens stages started from identity columns need ~log(n)
 *   stages just to spread each column over the n rows, then more to make
 *   the entries Gaussian-like: ~22 stages at n = 2048 (measured), more
 *   as n grows, 2–3× the work of this one. A DCT column is spread from the start (every
 *   |entry| ≤ √(2/n)), so the stages only have to reshape the entries'
 *   distribution, and that takes a number of stages independent of n.
 * - Kronecker products of small Haar blocks need rows to factor well
 *   (rows = 4H with H prime does not), and their entries are products of
 *   Gaussians (4th moment 9 instead of 3); block-diagonal Haar blocks cost
 *   rows·cols·block per stage and leave the columns confined to blocks
 *   until several permuted stages have passed.
 *
 * How many stages: a Haar column of length n has Σ qᵢ⁴ = 3/(n+2) on
 * average; a DCT column has 1.5/n (the constant one 1/n), at most 2/3
 * below. Rotating a pair (a, b) by ±θ (random sign) turns a⁴ + b⁴ into
 * (cos⁴θ + sin⁴θ)(a⁴ + b⁴) + 3·sin²2θ·a²b² on average; summed over a
 * random pairing this shrinks the gap between Σ qᵢ⁴ and the Haar value
 * by ρ = E[cos⁴θ + sin⁴θ] per stage, from above or below. With θ =
 * ±(π/4 + u), u uniform in (−π/8, π/8), ρ = 3/4 − 1/(2π) ≈ 0.591
 * (uniform angles would give 3/4; exactly π/4 gives 1/2 but entries on a
 * lattice of ±2^(−k/2) sums, with exact zeros): after 10 stages the gap is
 * at most (2/3)·0.591¹⁰ ≈ 0.35% of the Haar fourth moment, below what a
 * 1024 × 256 sample can even resolve (~0.6%).
 *
 * Cost: 10 stages × rows·cols rotations of two numbers, plus forming the
 * DCT columns from a table of 4·rows cosines.
 */
export function structuredOrthogonal(rng: Random, rows: number, cols: number): Float32Array {
  const order = identityOrder(rows);
  shufflePrefix(order, cols, rng);
  const frequencies = order.slice(0, cols);
  const rotations = randomRotations(rng, rows, ROTATION_STAGES, COLUMN_BLOCK);
  const cosines = dctCosines(rows);
  const out = new Float32Array(rows * cols);
  const block = new Float64Array(rows * COLUMN_BLOCK);
  for (let j0 = 0; j0 < cols; j0 += COLUMN_BLOCK) {
    const width = Math.min(COLUMN_BLOCK, cols - j0);
    writeDctColumns(block, COLUMN_BLOCK, frequencies.subarray(j0, j0 + width), rows, cosines);
    applyRotations(block, rotations, COLUMN_BLOCK);
    for (let i = 0; i < rows; i++) {
      const o = i * cols + j0, b = i * COLUMN_BLOCK;
      for (let q = 0; q < width; q++) out[o + q] = block[b + q];
    }
  }
  return out;
}

/** Pairs of row offsets (row · stride) and the cos/sin of the angle each pair turns by, stage after stage. */
interface Rotations {
  first: Uint32Array;
  second: Uint32Array;
  cos: Float64Array;
  sin: Float64Array;
}

/** `stages` random perfect pairings of the rows (one row sits out when rows is odd), each pair with an angle ±(π/4 + U(−π/8, π/8)). */
function randomRotations(rng: Random, rows: number, stages: number, stride: number): Rotations {
  const pairs = rows >> 1;
  const r: Rotations = { first: new Uint32Array(stages * pairs), second: new Uint32Array(stages * pairs), cos: new Float64Array(stages * pairs), sin: new Float64Array(stages * pairs) };
  const order = identityOrder(rows);
  for (let s = 0; s < stages; s++) {
    shufflePrefix(order, rows, rng);
    for (let p = 0; p < pairs; p++) {
      const k = s * pairs + p;
      const sign = rng.next() < 0.5 ? -1 : 1;
      const theta = sign * (Math.PI / 4 + (rng.next() - 0.5) * (Math.PI / 4));
      r.first[k] = order[2 * p] * stride;
      r.second[k] = order[2 * p + 1] * stride;
      r.cos[k] = Math.cos(theta);
      r.sin[k] = Math.sin(theta);
    }
  }
  return r;
}

/** Rotate the row pairs of `block` (rows of `width` numbers) in order: (x, y) → (c·x − s·y, s·x + c·y). */
function applyRotations(block: Float64Array, r: Rotations, width: number): void {
  for (let k = 0; k < r.first.length; k++) {
    const a = r.first[k], b = r.second[k], c = r.cos[k], s = r.sin[k];
    for (let q = 0; q < width; q++) {
      const x = block[a + q], y = block[b + q];
      block[a + q] = c * x - s * y;
      block[b + q] = s * x + c * y;
    }
  }
}

/** cos(π·m / (2n)) for m = 0 … 4n − 1: every value a DCT-II basis vector of length n takes. */
function dctCosines(n: number): Float64Array {
  const t = new Float64Array(4 * n);
  for (let m = 0; m < t.length; m++) t[m] = Math.cos((Math.PI * m) / (2 * n));
  return t;
}

/**
 * DCT-II basis vectors of length n, unit norm, into the columns of `block`
 * (rows of `stride` numbers; columns past frequencies.length are zeroed):
 * column q, entry i = s·cos(π·(2i+1)·f / (2n)), f = frequencies[q],
 * s = √(2/n) (√(1/n) for f = 0). Row by row, so the writes stream; the
 * angle index (2i+1)·f mod 4n steps by 2f, so no product can overflow.
 */
function writeDctColumns(block: Float64Array, stride: number, frequencies: Uint32Array, n: number, cosines: Float64Array): void {
  const width = frequencies.length, period = 4 * n;
  const scale = Float64Array.from(frequencies, (f) => Math.sqrt((f === 0 ? 1 : 2) / n));
  const step = Uint32Array.from(frequencies, (f) => (2 * f) % period);
  const m = Uint32Array.from(frequencies);
  block.fill(0);
  for (let i = 0; i < n; i++) {
    const row = i * stride;
    for (let q = 0; q < width; q++) {
      block[row + q] = scale[q] * cosines[m[q]];
      const next = m[q] + step[q];
      m[q] = next >= period ? next - period : next;
    }
  }
}

function identityOrder(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** Fisher–Yates on the first `count` places: order[0 … count) becomes a uniformly random selection, in random order. */
function shufflePrefix(order: Uint32Array, count: number, rng: Random): void {
  const n = order.length;
  for (let i = 0; i < Math.min(count, n - 1); i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}
