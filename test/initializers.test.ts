/**
 * The orthogonal initializer: the exact (Keras) algorithm up to
 * EXACT_ORTHOGONAL_MAX_COLS columns, a structured one above it that builds
 * in O(rows·cols) instead of O(rows·cols²). Both must give exactly
 * orthonormal columns, the same matrix for the same seed, and entries
 * spread the way a Haar matrix's are.
 *
 * The spread bands come from what a Haar matrix does, not from the
 * structured matrix's output. Q is n × c with orthonormal columns and
 * z = √n·q an entry scaled to variance ≈ 1 (≈ N(0, 1) for Haar):
 *   - E[z⁴] = 3n/(n+2); the sample mean over N entries has standard error
 *     √(Var z⁴ / N) with Var z⁴ = 105 − 9 = 96 (Gaussian moments): ±5 s.e.
 *   - max |z| over N entries: P(max < 4) ≈ exp(−2N·Φc(4)) ≈ e⁻²⁶ and
 *     P(max > 6.5) ≤ 2N·Φc(6.5) ≈ 3·10⁻⁵ for N = 409 600: [4, 6.5].
 *   - the fraction of |z| < 0.05 is p = 2Φ(0.05) − 1 = 0.0399, a binomial
 *     proportion: ±5 s.e. (a sparse or block matrix has far more zeros).
 *   - the mass a uniformly random unit vector of length n puts on m fixed
 *     coordinates is Beta(m/2, (n−m)/2): mean p = m/n, variance
 *     p(1−p)/(n/2 + 1). That is every column's mass on each eighth of the
 *     rows (block structure), and every row's squared norm (a row of a
 *     Haar matrix's first c columns; p = c/n): within ±6 s.d.
 * The last test checks that these bands reject the structures they are
 * meant to catch.
 */
import { describe, expect, it } from 'vitest';
import { init, LSTM } from '../src/index.js';
import { EXACT_ORTHOGONAL_MAX_COLS, haarOrthogonal, orthogonal, structuredOrthogonal } from '../src/init/initializers.js';
import { Random } from '../src/init/random.js';

/** max |QᵀQ − I| over the given columns (all by default), in float64 from the float32 entries. */
function orthonormalityError(q: Float32Array, rows: number, cols: number, columns: number[] = [...Array(cols).keys()]): number {
  let worst = 0;
  const col = columns.map((j) => Float64Array.from({ length: rows }, (_, i) => q[i * cols + j]));
  for (let a = 0; a < columns.length; a++) {
    for (let b = a; b < columns.length; b++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += col[a][i] * col[b][i];
      worst = Math.max(worst, Math.abs(dot - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

/** Index of the first entry where a and b differ (bit for bit, as float32), −1 if none: vitest's deep toEqual is slow on 10⁵ entries. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length), y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return k;
  return -1;
}

interface Spread {
  fourthMoment: number;
  maxAbs: number;
  nearZero: number;
  /** Extremes over columns and eighths of the rows of the column's mass there. */
  blockMass: [number, number];
  /** Extremes of the rows' squared norms. */
  rowNorm2: [number, number];
}

function spread(q: Float32Array, rows: number, cols: number): Spread {
  const scale = Math.sqrt(rows);
  let m4 = 0, maxAbs = 0, nearZero = 0;
  for (let k = 0; k < q.length; k++) {
    const z = Math.abs(q[k] * scale);
    m4 += z ** 4;
    maxAbs = Math.max(maxAbs, z);
    if (z < 0.05) nearZero++;
  }
  const blockMass: [number, number] = [Infinity, -Infinity];
  for (let j = 0; j < cols; j++) {
    for (let b = 0; b < 8; b++) {
      let mass = 0;
      for (let i = (b * rows) / 8; i < ((b + 1) * rows) / 8; i++) mass += q[i * cols + j] ** 2;
      blockMass[0] = Math.min(blockMass[0], mass);
      blockMass[1] = Math.max(blockMass[1], mass);
    }
  }
  const rowNorm2: [number, number] = [Infinity, -Infinity];
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += q[i * cols + j] ** 2;
    rowNorm2[0] = Math.min(rowNorm2[0], s);
    rowNorm2[1] = Math.max(rowNorm2[1], s);
  }
  return { fourthMoment: m4 / q.length, maxAbs, nearZero: nearZero / q.length, blockMass, rowNorm2 };
}

/** Bands a Haar [rows, cols] matrix stays in (derivations at the top of the file). rows must be a multiple of 8. */
function haarBands(rows: number, cols: number) {
  const N = rows * cols;
  const m4 = (3 * rows) / (rows + 2), m4se = Math.sqrt(96 / N);
  const p0 = 0.03988, p0se = Math.sqrt((p0 * (1 - p0)) / N);
  const beta = (p: number) => {
    const sd = Math.sqrt((p * (1 - p)) / (rows / 2 + 1));
    return [p - 6 * sd, p + 6 * sd] as const;
  };
  return { fourthMoment: [m4 - 5 * m4se, m4 + 5 * m4se], maxAbs: [4, 6.5], nearZero: [p0 - 5 * p0se, p0 + 5 * p0se], blockMass: beta(1 / 8), rowNorm2: beta(cols / rows) };
}

/** Which of the spread statistics leave the Haar bands (none for a Haar-like matrix). */
function outOfBands(s: Spread, rows: number, cols: number): string[] {
  const b = haarBands(rows, cols);
  const inside = (v: number, [lo, hi]: readonly number[]) => v >= lo && v <= hi;
  const bad: string[] = [];
  if (!inside(s.fourthMoment, b.fourthMoment)) bad.push(`fourth moment ${s.fourthMoment.toFixed(3)} outside [${b.fourthMoment.map((v) => v.toFixed(3))}]`);
  if (!inside(s.maxAbs, b.maxAbs)) bad.push(`max |z| ${s.maxAbs.toFixed(2)} outside [${b.maxAbs}]`);
  if (!inside(s.nearZero, b.nearZero)) bad.push(`near-zero fraction ${s.nearZero.toFixed(4)} outside [${b.nearZero.map((v) => v.toFixed(4))}]`);
  if (!(s.blockMass[0] >= b.blockMass[0] && s.blockMass[1] <= b.blockMass[1])) bad.push(`block mass [${s.blockMass.map((v) => v.toFixed(3))}] outside [${b.blockMass.map((v) => v.toFixed(3))}]`);
  if (!(s.rowNorm2[0] >= b.rowNorm2[0] && s.rowNorm2[1] <= b.rowNorm2[1])) bad.push(`row norms² [${s.rowNorm2.map((v) => v.toFixed(3))}] outside [${b.rowNorm2.map((v) => v.toFixed(3))}]`);
  return bad;
}

// An LSTM(320)'s recurrent kernel: [4H, H]. Small enough for the exact path to run in a test, large enough for tight bands.
const ROWS = 1280, COLS = 320;

describe('orthogonal initializer', () => {
  it('uses the exact (Keras) algorithm up to 256 columns and the structured one above', () => {
    expect(EXACT_ORTHOGONAL_MAX_COLS).toBe(256);
    expect(firstDifference(orthogonal(new Random(3), 1024, 256), haarOrthogonal(new Random(3), 1024, 256))).toBe(-1);
    expect(firstDifference(orthogonal(new Random(3), 1028, 257), structuredOrthogonal(new Random(3), 1028, 257))).toBe(-1);
  });

  it.each([
    ['exact', haarOrthogonal, ROWS, COLS],
    ['structured, LSTM [4H, H]', structuredOrthogonal, ROWS, COLS],
    ['structured, GRU [3H, H] with an odd number of rows', structuredOrthogonal, 3 * 259, 259],
    ['structured, SimpleRNN [H, H]', structuredOrthogonal, 300, 300],
  ] as const)('%s: columns orthonormal to 1e-5 after rounding to float32', (_, make, rows, cols) => {
    const q = make(new Random(11), rows, cols);
    expect(q).toHaveLength(rows * cols);
    expect(orthonormalityError(q, rows, cols)).toBeLessThanOrEqual(1e-5);
  });

  it('structured: the same seed gives the same matrix, another seed another', () => {
    const a = structuredOrthogonal(new Random(5), 1200, 300);
    expect(firstDifference(structuredOrthogonal(new Random(5), 1200, 300), a)).toBe(-1);
    const b = structuredOrthogonal(new Random(6), 1200, 300);
    let same = 0;
    for (let k = 0; k < a.length; k++) if (a[k] === b[k]) same++;
    expect(same / a.length).toBeLessThan(0.01);
  });

  it('structured: entries spread like the exact (Haar) matrix of the same size', () => {
    const exact = spread(haarOrthogonal(new Random(21), ROWS, COLS), ROWS, COLS);
    const structured = spread(structuredOrthogonal(new Random(21), ROWS, COLS), ROWS, COLS);
    if (process.env.SHOW_SPREAD) console.log({ bands: haarBands(ROWS, COLS), exact, structured });
    expect(outOfBands(exact, ROWS, COLS), 'the exact matrix (checks the bands themselves)').toEqual([]);
    expect(outOfBands(structured, ROWS, COLS), 'the structured matrix').toEqual([]);
    // and the two land close together: fourth moments within 5 standard errors of each other's
    expect(Math.abs(structured.fourthMoment - exact.fourthMoment)).toBeLessThan(5 * Math.sqrt(2 * 96 / (ROWS * COLS)));
  });

  it('the spread bands reject near-identity, block-diagonal, Kronecker and unrotated DCT columns', () => {
    const rng = new Random(8);
    const pick = (full: Float32Array, n: number, columns: number) => {
      const out = new Float32Array(n * columns);
      for (let i = 0; i < n; i++) for (let j = 0; j < columns; j++) out[i * columns + j] = full[i * n + j];
      return out;
    };
    // identity columns: all mass on one entry per column
    const identity = new Float32Array(ROWS * COLS);
    for (let j = 0; j < COLS; j++) identity[j * COLS + j] = 1;
    // four Haar blocks [320, 80] on the diagonal: Haar entries, but each column lives in a quarter of the rows
    const blocks = new Float32Array(ROWS * COLS);
    for (let b = 0; b < 4; b++) {
      const h = haarOrthogonal(rng, 320, 80);
      for (let i = 0; i < 320; i++) for (let j = 0; j < 80; j++) blocks[(b * 320 + i) * COLS + b * 80 + j] = h[i * 80 + j];
    }
    // A ⊗ B of Haar 32 × 32 and 40 × 40: entries are products of two Gaussians (fourth moment ≈ 9)
    const A = haarOrthogonal(rng, 32, 32), B = haarOrthogonal(rng, 40, 40);
    const kron = new Float32Array(ROWS * ROWS);
    for (let i = 0; i < 32; i++) for (let j = 0; j < 32; j++) for (let k = 0; k < 40; k++) for (let l = 0; l < 40; l++) kron[(i * 40 + k) * ROWS + j * 40 + l] = A[i * 32 + j] * B[k * 40 + l];
    // DCT-II columns, the structured matrix before its rotations: spread, but too evenly (fourth moment 1.5)
    const dct = new Float32Array(ROWS * COLS);
    for (let i = 0; i < ROWS; i++) for (let j = 0; j < COLS; j++) dct[i * COLS + j] = Math.sqrt(2 / ROWS) * Math.cos((Math.PI * (2 * i + 1) * (3 * j + 1)) / (2 * ROWS));
    const impostors = [['identity columns', identity], ['block-diagonal', blocks], ['Kronecker', pick(kron, ROWS, COLS)], ['unrotated DCT columns', dct]] as const;
    for (const [what, q] of impostors) {
      expect(orthonormalityError(q, ROWS, COLS, [0, 1, 2, 100, 319]), `${what} is orthonormal`).toBeLessThan(1e-5);
      expect(outOfBands(spread(q, ROWS, COLS), ROWS, COLS), what).not.toEqual([]);
    }
  });

  it('an LSTM(2048) builds and predicts (the exact algorithm took 62 s)', { timeout: 30_000 }, async () => {
    await init();
    const lstm = new LSTM({ inputSize: 1, units: 2048, seed: 1 });
    const y = lstm.forward({ shape: [1, 5, 1], data: Float32Array.from([0.1, -0.2, 0.3, 0.5, -0.1]) });
    expect(y.output.shape).toEqual([1, 2048]);
    expect(y.output.data.every(Number.isFinite)).toBe(true);
    const w = lstm.getWeights().weight_hh_l0;
    expect(w.shape).toEqual([8192, 2048]);
    const sample = Array.from({ length: 24 }, (_, k) => (k * 89) % 2048);
    expect(orthonormalityError(w.data, 8192, 2048, sample)).toBeLessThanOrEqual(1e-5);
    lstm.dispose();
  });
});
