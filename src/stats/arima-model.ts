/**
 * The pieces an ARMA(p, q) model of a stationary series w is computed from,
 * as R's stats::arima computes them (its C code: ARIMA_CSS, ARIMA_Like,
 * partrans, invpartrans, and forecast's maInvert):
 *
 *   w_t = φ_1 w_{t−1} + … + φ_p w_{t−p} + e_t + θ_1 e_{t−1} + … + θ_q e_{t−q}
 *
 *   cssResiduals   the conditional sum of squares: e_t for t ≥ p with the
 *                  earlier e taken as 0
 *   exactLikelihood the exact Gaussian likelihood through a Kalman filter on
 *                  the state space form of Harvey (1989) that R uses, its
 *                  first state covariance the stationary one (the solution
 *                  of P = T P Tᵀ + R Rᵀ)
 *   arFromPacf     the AR coefficients of partial autocorrelations
 *                  tanh(u): every u gives a stationary AR part, so the
 *                  optimiser can search without bounds (R's transform.pars)
 *   invertMa       the MA part with every root inside the unit circle
 *                  moved outside (same autocorrelations, invertible)
 */

/** The sum of squared one-step errors conditioned on the first p points, and how many terms it has. */
export function cssSumOfSquares(w: ArrayLike<number>, phi: ArrayLike<number>, theta: ArrayLike<number>, residuals?: Float64Array): { ssq: number; count: number } {
  const n = w.length, p = phi.length, q = theta.length;
  const e = residuals ?? new Float64Array(n);
  e.fill(0, 0, Math.min(p, n));
  let ssq = 0;
  for (let t = p; t < n; t++) {
    let v = w[t];
    for (let j = 0; j < p; j++) v -= phi[j] * w[t - j - 1];
    // as R: only the errors from the first conditioned point on enter the MA part
    const lags = Math.min(t - p, q);
    for (let j = 0; j < lags; j++) v -= theta[j] * e[t - j - 1];
    e[t] = v;
    ssq += v * v;
  }
  return { ssq, count: Math.max(0, n - p) };
}

/** The Kalman filter's outcome: Σ v_t²/F_t, Σ log F_t (F_t in units of σ²), the points used, and the last filtered state for forecasting. */
export interface KalmanResult {
  ssq: number;
  sumLog: number;
  count: number;
  /** a_{n|n}: the state after the last point (for h-step forecasts: a_{n+k} = T^k a_{n|n}). */
  state: Float64Array;
}

/**
 * The exact likelihood's parts for ARMA(φ, θ) on w (zero mean). The
 * profile log-likelihood is −½(n log(2π σ̂²) + n + sumLog) with
 * σ̂² = ssq/n. Once the state covariance stops changing (it converges for
 * an invertible MA part) the filter keeps its last gain: Gardner et al.'s
 * "fast recursions" (AS 154), which R's filter does not take but which
 * change nothing beyond rounding and make a long series cheap.
 */
export function exactLikelihood(w: ArrayLike<number>, phi: ArrayLike<number>, theta: ArrayLike<number>): KalmanResult {
  const n = w.length, p = phi.length, q = theta.length;
  const r = Math.max(p, q + 1);
  const T = new Float64Array(r); // the first column of the transition matrix (the rest shifts the state up)
  for (let i = 0; i < p; i++) T[i] = phi[i];
  const R = new Float64Array(r);
  R[0] = 1;
  for (let i = 0; i < q; i++) R[i + 1] = theta[i];
  let P: Float64Array = stationaryCovariance(T, R);
  const a = new Float64Array(r);
  const aNext = new Float64Array(r);
  const M = new Float64Array(r); // P Zᵀ = P's first column
  let Pnext: Float64Array = new Float64Array(r * r);
  const TU = new Float64Array(r * r); // scratch
  let ssq = 0, sumLog = 0, steady = false, F = 0;
  for (let t = 0; t < n; t++) {
    // predicted state a (from the previous step) and covariance P: the error and its variance
    F = P[0];
    const v = w[t] - a[0];
    ssq += (v * v) / F;
    sumLog += Math.log(F);
    for (let i = 0; i < r; i++) M[i] = P[i * r];
    // update: a += M v / F; P −= M Mᵀ / F
    for (let i = 0; i < r; i++) a[i] += (M[i] * v) / F;
    // predict the next: a' = T a (first column times a_0, plus the shifted rest)
    for (let i = 0; i < r; i++) aNext[i] = T[i] * a[0] + (i + 1 < r ? a[i + 1] : 0);
    if (t === n - 1) break; // keep the filtered state a_{n|n} for the forecasts
    a.set(aNext);
    if (steady) continue;
    // P' = T (P − M Mᵀ/F) Tᵀ + R Rᵀ
    const U = P;
    for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) U[i * r + j] -= (M[i] * M[j]) / F;
    transitionSandwich(U, T, R, r, TU, Pnext);
    // steady when the error variance has settled (the rest of P settles with it)
    const change = Math.abs(Pnext[0] - F);
    const swap = P;
    P = Pnext;
    Pnext = swap;
    if (change < 1e-9 * F && t > r) steady = true;
  }
  return { ssq, sumLog, count: n, state: a };
}

/** out = T U Tᵀ + R Rᵀ for T with first column T and ones on the superdiagonal. */
function transitionSandwich(U: Float64Array, T: Float64Array, R: Float64Array, r: number, TU: Float64Array, out: Float64Array): void {
  // (T U)_{ij} = T_i U_{0j} + U_{i+1,j}
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) TU[i * r + j] = T[i] * U[j] + (i + 1 < r ? U[(i + 1) * r + j] : 0);
  // (TU Tᵀ)_{ij} = TU_{i0} T_j + TU_{i,j+1}
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) out[i * r + j] = TU[i * r] * T[j] + (j + 1 < r ? TU[i * r + j + 1] : 0) + R[i] * R[j];
}

/**
 * The stationary state covariance P = T P Tᵀ + R Rᵀ, solved as the linear
 * system (I − T⊗T) vec P = vec(R Rᵀ) (r ≤ 6 here: a 36×36 system). R's
 * default (Gardner 1980) reaches the same matrix another way.
 */
function stationaryCovariance(T: Float64Array, R: Float64Array): Float64Array {
  const r = T.length, k = r * r;
  const A = new Float64Array(k * k);
  const b = new Float64Array(k);
  // T as a full matrix
  const Tm = (i: number, j: number) => (j === 0 ? T[i] : j === i + 1 ? 1 : 0);
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) {
    const row = i * r + j;
    b[row] = R[i] * R[j];
    A[row * k + row] += 1;
    for (let l = 0; l < r; l++) {
      const til = Tm(i, l);
      if (til === 0) continue;
      for (let m = 0; m < r; m++) {
        const tjm = Tm(j, m);
        if (tjm !== 0) A[row * k + l * r + m] -= til * tjm;
      }
    }
  }
  return solve(A, b, k);
}

/** Gaussian elimination with partial pivoting (A is k×k, row-major; A and b are overwritten). */
function solve(A: Float64Array, b: Float64Array, k: number): Float64Array {
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let i = c + 1; i < k; i++) if (Math.abs(A[i * k + c]) > Math.abs(A[piv * k + c])) piv = i;
    if (piv !== c) {
      for (let j = 0; j < k; j++) { const s = A[c * k + j]; A[c * k + j] = A[piv * k + j]; A[piv * k + j] = s; }
      const s = b[c]; b[c] = b[piv]; b[piv] = s;
    }
    const d = A[c * k + c];
    for (let i = c + 1; i < k; i++) {
      const f = A[i * k + c] / d;
      if (f === 0) continue;
      for (let j = c; j < k; j++) A[i * k + j] -= f * A[c * k + j];
      b[i] -= f * b[c];
    }
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < k; j++) s -= A[i * k + j] * x[j];
    x[i] = s / A[i * k + i];
  }
  return x;
}

/** h forecasts of w from the filtered last state: the state's first element, moved on by T each step. */
export function forecastArma(state: Float64Array, phi: ArrayLike<number>, h: number): number[] {
  const r = state.length;
  const a = Float64Array.from(state);
  const out: number[] = [];
  for (let k = 0; k < h; k++) {
    const a0 = a[0];
    for (let i = 0; i < r; i++) a[i] = (i < phi.length ? phi[i] * a0 : 0) + (i + 1 < r ? a[i + 1] : 0);
    out.push(a[0]);
  }
  return out;
}

/** AR coefficients from unbounded values: partial autocorrelations tanh(u), then Durbin–Levinson (R's partrans). */
export function arFromPacf(u: ArrayLike<number>): number[] {
  const p = u.length;
  const phi = Array.from(u, Math.tanh);
  const work = phi.slice();
  for (let j = 1; j < p; j++) {
    const a = phi[j];
    for (let k = 0; k < j; k++) work[k] -= a * phi[j - k - 1];
    for (let k = 0; k < j; k++) phi[k] = work[k];
  }
  return phi;
}

/** The unbounded values whose arFromPacf is phi (R's invpartrans); phi must be stationary. */
export function pacfFromAr(phi: ArrayLike<number>): number[] {
  const p = phi.length;
  const new_ = Array.from(phi);
  const work = new_.slice();
  for (let j = p - 1; j > 0; j--) {
    const a = new_[j];
    for (let k = 0; k < j; k++) work[k] = (new_[k] + a * new_[j - k - 1]) / (1 - a * a);
    for (let k = 0; k < j; k++) new_[k] = work[k];
  }
  return new_.map((v) => Math.atanh(Math.max(-0.999999, Math.min(0.999999, v))));
}

/**
 * The smallest modulus of the roots of 1 − c_1 z − … − c_k z^k (sign −1, AR)
 * or 1 + c_1 z + … (sign +1, MA), trailing zero coefficients dropped: the
 * AR part is stationary and the MA part invertible when it exceeds 1.
 * Infinity when there is no root (every coefficient 0).
 */
export function minRootModulus(c: ArrayLike<number>, sign: 1 | -1): number {
  let k = c.length;
  while (k > 0 && Math.abs(c[k - 1]) <= 1e-8) k--; // as myarima: coefficients ≤ 1e-8 count as zero
  if (k === 0) return Infinity;
  const coef = [1, ...Array.from({ length: k }, (_, i) => sign * c[i])];
  return Math.min(...polyRoots(coef).map(([re, im]) => Math.hypot(re, im)));
}

/** MA coefficients with the roots inside the unit circle reflected outside (forecast's and stats' maInvert). */
export function invertMa(theta: ArrayLike<number>): number[] {
  let q = theta.length;
  while (q > 0 && theta[q - 1] === 0) q--;
  const out = Array.from(theta);
  if (q === 0) return out;
  const roots = polyRoots([1, ...out.slice(0, q)]);
  if (roots.every(([re, im]) => Math.hypot(re, im) >= 1)) return out;
  // rebuild the polynomial from the roots, each inside one replaced by its reciprocal: Π (1 − z/ρ)
  let poly: [number, number][] = [[1, 0]];
  for (const [re0, im0] of roots) {
    let re = re0, im = im0;
    const m2 = re * re + im * im;
    if (m2 < 1) { re = re / m2; im = im / m2; }
    // 1/ρ
    const d = re * re + im * im;
    const ir = re / d, ii = -im / d;
    const next: [number, number][] = poly.map(([a, b]) => [a, b]);
    next.push([0, 0]);
    for (let i = 0; i < poly.length; i++) {
      // next[i+1] −= poly[i]·(1/ρ)
      const [a, b] = poly[i];
      next[i + 1][0] -= a * ir - b * ii;
      next[i + 1][1] -= a * ii + b * ir;
    }
    poly = next;
  }
  for (let i = 0; i < q; i++) out[i] = poly[i + 1][0];
  return out;
}

/** The complex roots of c_0 + c_1 z + … + c_k z^k (c_k ≠ 0) by Durand–Kerner, polished; k ≤ 10 here. */
export function polyRoots(c: ArrayLike<number>): [number, number][] {
  const k = c.length - 1;
  const lead = c[k];
  const a = Array.from(c, (v) => v / lead);
  // starting points spread on a circle of the roots' size (Cauchy's bound), not symmetric about the real axis
  let bound = 0;
  for (let i = 0; i < k; i++) bound = Math.max(bound, Math.abs(a[i]));
  const radius = 1 + bound;
  const z: [number, number][] = Array.from({ length: k }, (_, i) => {
    const ang = (2 * Math.PI * i) / k + 0.4;
    return [radius * Math.cos(ang), radius * Math.sin(ang)];
  });
  for (let iter = 0; iter < 500; iter++) {
    let moved = 0;
    for (let i = 0; i < k; i++) {
      // p(z_i) by Horner
      let pr = 1, pi = 0;
      const [zr, zi] = z[i];
      for (let j = k - 1; j >= 0; j--) {
        const nr = pr * zr - pi * zi + a[j];
        pi = pr * zi + pi * zr;
        pr = nr;
      }
      // Π (z_i − z_j)
      let dr = 1, di = 0;
      for (let j = 0; j < k; j++) {
        if (j === i) continue;
        const xr = zr - z[j][0], xi = zi - z[j][1];
        const nr = dr * xr - di * xi;
        di = dr * xi + di * xr;
        dr = nr;
      }
      const den = dr * dr + di * di;
      if (den === 0) continue;
      const qr = (pr * dr + pi * di) / den, qi = (pi * dr - pr * di) / den;
      z[i] = [zr - qr, zi - qi];
      moved = Math.max(moved, Math.hypot(qr, qi));
    }
    if (moved < 1e-14 * radius) break;
  }
  return z;
}
