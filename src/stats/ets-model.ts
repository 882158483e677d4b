/**
 * The exponential smoothing state-space models (Hyndman, Koehler, Ord &
 * Snyder, "Forecasting with Exponential Smoothing", 2008): one run of a
 * model through a series with given parameters and starting states, its
 * likelihood, its point forecasts, and which parameters are allowed. No
 * fitting here (ets-fit.ts does that).
 *
 * Models: error A/M, trend N/A (optionally damped), season N/A/M. The state
 * updates are written in the form that is the same for additive and
 * multiplicative errors (the error type only changes how the error, and so
 * the likelihood, is measured), as the forecast package does.
 */

export interface EtsSpec {
  error: 'A' | 'M';
  trend: 'N' | 'A';
  damped: boolean;
  season: 'N' | 'A' | 'M';
  /** The season length; 1 when season is 'N'. */
  period: number;
}

export interface EtsParams {
  alpha: number;
  /** 0 without a trend. */
  beta: number;
  /** 0 without a season. */
  gamma: number;
  /** 1 without damping. */
  phi: number;
}

/**
 * A model's states at one time. `season` is a ring: the seasonal state
 * used for the observation at time t is season[t mod period], and the
 * update writes its new value back to the same slot.
 */
export interface EtsState {
  level: number;
  trend: number;
  season: Float64Array;
}

export interface EtsRun {
  /** −2·log-likelihood up to a constant: n·log Σe² (+ 2·Σ log|ŷ| for multiplicative errors). */
  lik: number;
  /** Mean squared one-step error in the series' units (thetaf's SES is fitted on this). */
  mse: number;
  /** Σ e² of the model's own errors (relative errors for multiplicative error). */
  sse: number;
  /** States after the last observation, ready to forecast from. */
  final: EtsState;
}

/** "ETS(A,Ad,N)" as R names models. */
export function modelName(spec: EtsSpec): string {
  return `ETS(${spec.error},${spec.trend}${spec.damped ? 'd' : ''},${spec.season})`;
}

/** A divisor this close to zero is treated as zero (the forecast package's tolerance). */
const TOLERANCE = 1e-10;
/** What a ratio with a zero divisor becomes: huge, so the likelihood rejects the parameters, but finite. */
const HUGE = 1e10;
/** Keep the running product of |ŷ| within this range (then take its log), so there is one log per many steps, not one per step. */
const PRODUCT_LIMIT = 1e200;

/**
 * Run the model through `y` from `start` (which is not modified). A bad
 * parameter set gives a non-finite lik; it is for the caller to reject it.
 */
export function runEts(y: ArrayLike<number>, spec: EtsSpec, p: EtsParams, start: EtsState): EtsRun {
  const n = y.length;
  const season = Float64Array.from(start.season);
  const sums = runSums;
  // without a trend, β = 0 and a zero starting trend keep the trend at 0 (so one loop serves both)
  const trended = spec.trend === 'A';
  const loop = LOOPS[`${spec.error}${spec.season}`];
  loop(y, spec.period, p.alpha, trended ? p.beta / p.alpha : 0, p.gamma, trended ? p.phi : 1, start.level, trended ? start.trend : 0, season, sums);
  const [level, trend, sse, squared, logSum] = sums;
  let lik = n * Math.log(sse);
  if (spec.error === 'M') lik += 2 * logSum;
  // the ring is rotated so that the returned state's slot 0 is the next observation's (time n)
  const rotated = new Float64Array(season.length);
  for (let j = 0; j < season.length; j++) rotated[j] = season[(n + j) % season.length];
  return { lik, mse: squared / n, sse, final: { level, trend, season: rotated } };
}

/** A loop's results: final level, final trend, Σe², Σ(y − ŷ)², Σ log|ŷ|. */
const runSums = new Float64Array(5);

type Loop = (
  y: ArrayLike<number>, m: number, alpha: number, betaOverAlpha: number, gamma: number, phi: number,
  level: number, trend: number, season: Float64Array, out: Float64Array,
) => void;

/*
 * The recursion, one loop per error × season type. One loop with flags for
 * the types ran 3–6× slower per step in V8 (even a branch on a constant
 * flag around a division cost that much), and this loop is where all of
 * ets()'s time goes: 15 models × up to 2,000 evaluations × n steps. Each
 * loop: one-step forecast ŷ = (ℓ + φb) combined with the season s; error
 * e = y − ŷ (additive) or (y − ŷ)/ŷ (multiplicative); level
 * ℓ' = q + α(y deseasonalised − q) with q = ℓ + φb; trend
 * b' = φb + (β/α)(ℓ' − ℓ − φb); season s' = s + γ(y detrended − s).
 */

function loopAN(y: ArrayLike<number>, _m: number, alpha: number, boa: number, _gamma: number, phi: number, level: number, trend: number, _season: Float64Array, out: Float64Array): void {
  const n = y.length;
  let sse = 0;
  for (let t = 0; t < n; t++) {
    const yt = y[t];
    const phib = phi * trend;
    const q = level + phib;
    const e = yt - q;
    sse += e * e;
    const next = q + alpha * (yt - q);
    trend = phib + boa * (next - level - phib);
    level = next;
  }
  finish(out, level, trend, sse, sse, 0);
}

function loopMN(y: ArrayLike<number>, _m: number, alpha: number, boa: number, _gamma: number, phi: number, level: number, trend: number, _season: Float64Array, out: Float64Array): void {
  const n = y.length;
  let sse = 0; let squared = 0; let logSum = 0; let product = 1;
  for (let t = 0; t < n; t++) {
    const yt = y[t];
    const phib = phi * trend;
    const q = level + phib;
    const diff = yt - q;
    const e = diff / q;
    sse += e * e;
    squared += diff * diff;
    product *= Math.abs(q);
    if (product > PRODUCT_LIMIT || product < 1 / PRODUCT_LIMIT) { logSum += Math.log(product); product = 1; }
    const next = q + alpha * (yt - q);
    trend = phib + boa * (next - level - phib);
    level = next;
  }
  finish(out, level, trend, sse, squared, logSum + Math.log(product));
}

function loopAA(y: ArrayLike<number>, m: number, alpha: number, boa: number, gamma: number, phi: number, level: number, trend: number, season: Float64Array, out: Float64Array): void {
  const n = y.length;
  let sse = 0; let slot = 0;
  for (let t = 0; t < n; t++) {
    const yt = y[t];
    const phib = phi * trend;
    const q = level + phib;
    const s = season[slot];
    const e = yt - (q + s);
    sse += e * e;
    const next = q + alpha * (yt - s - q);
    trend = phib + boa * (next - level - phib);
    season[slot] = s + gamma * (yt - q - s);
    level = next;
    if (++slot === m) slot = 0;
  }
  finish(out, level, trend, sse, sse, 0);
}

function loopMA(y: ArrayLike<number>, m: number, alpha: number, boa: number, gamma: number, phi: number, level: number, trend: number, season: Float64Array, out: Float64Array): void {
  const n = y.length;
  let sse = 0; let squared = 0; let logSum = 0; let product = 1; let slot = 0;
  for (let t = 0; t < n; t++) {
    const yt = y[t];
    const phib = phi * trend;
    const q = level + phib;
    const s = season[slot];
    const forecast = q + s;
    const diff = yt - forecast;
    const e = diff / forecast;
    sse += e * e;
    squared += diff * diff;
    product *= Math.abs(forecast);
    if (product > PRODUCT_LIMIT || product < 1 / PRODUCT_LIMIT) { logSum += Math.log(product); product = 1; }
    const next = q + alpha * (yt - s - q);
    trend = phib + boa * (next - level - phib);
    season[slot] = s + gamma * (yt - q - s);
    level = next;
    if (++slot === m) slot = 0;
  }
  finish(out, level, trend, sse, squared, logSum + Math.log(product));
}

/** Multiplicative season: the divisions by s and q are guarded (a near-zero divisor gives a huge, finite ratio that the likelihood rejects). */
function loopMM(y: ArrayLike<number>, m: number, alpha: number, boa: number, gamma: number, phi: number, level: number, trend: number, season: Float64Array, out: Float64Array): void {
  seasonalMultiplicative(y, m, alpha, boa, gamma, phi, level, trend, season, out, true);
}

/** Additive error with a multiplicative season: ets() never fits it (unstable), but the recursion is defined. */
function loopAM(y: ArrayLike<number>, m: number, alpha: number, boa: number, gamma: number, phi: number, level: number, trend: number, season: Float64Array, out: Float64Array): void {
  seasonalMultiplicative(y, m, alpha, boa, gamma, phi, level, trend, season, out, false);
}

function seasonalMultiplicative(
  y: ArrayLike<number>, m: number, alpha: number, boa: number, gamma: number, phi: number,
  level: number, trend: number, season: Float64Array, out: Float64Array, relative: boolean,
): void {
  const n = y.length;
  let sse = 0; let squared = 0; let logSum = 0; let product = 1; let slot = 0;
  for (let t = 0; t < n; t++) {
    const yt = y[t];
    const phib = phi * trend;
    const q = level + phib;
    const s = season[slot];
    const forecast = q * s;
    const diff = yt - forecast;
    const e = relative ? diff / forecast : diff;
    sse += e * e;
    squared += diff * diff;
    product *= Math.abs(forecast);
    if (product > PRODUCT_LIMIT || product < 1 / PRODUCT_LIMIT) { logSum += Math.log(product); product = 1; }
    const next = q + alpha * ((Math.abs(s) < TOLERANCE ? HUGE : yt / s) - q);
    trend = phib + boa * (next - level - phib);
    season[slot] = s + gamma * ((Math.abs(q) < TOLERANCE ? HUGE : yt / q) - s);
    level = next;
    if (++slot === m) slot = 0;
  }
  finish(out, level, trend, sse, squared, logSum + Math.log(product));
}

function finish(out: Float64Array, level: number, trend: number, sse: number, squared: number, logSum: number): void {
  out[0] = level;
  out[1] = trend;
  out[2] = sse;
  out[3] = squared;
  out[4] = logSum;
}

const LOOPS: Record<string, Loop> = { AN: loopAN, MN: loopMN, AA: loopAA, MA: loopMA, MM: loopMM, AM: loopAM };

/** Point forecasts 1 … h steps ahead from `state` (whose season slot 0 is the first step's). */
export function forecastEts(spec: EtsSpec, phi: number, state: EtsState, h: number): number[] {
  const out = new Array<number>(h);
  let damping = 0; // φ + φ² + … + φ^k: the trend's weight k steps ahead
  let power = 1;
  for (let k = 0; k < h; k++) {
    power *= spec.damped ? phi : 1;
    damping += power;
    const q = state.level + (spec.trend === 'A' ? damping * state.trend : 0);
    const s = spec.season === 'N' ? 0 : state.season[k % spec.period];
    out[k] = spec.season === 'A' ? q + s : spec.season === 'M' ? q * s : q;
  }
  return out;
}

/** The parameter bounds R's ets() uses by default ("usual" region): α, β, γ in [1e-4, 0.9999], φ in [0.8, 0.98]. */
export const LOWER = { alpha: 1e-4, beta: 1e-4, gamma: 1e-4, phi: 0.8 };
export const UPPER = { alpha: 0.9999, beta: 0.9999, gamma: 0.9999, phi: 0.98 };

/**
 * Both of ets()'s default constraints: the usual region (smoothing weights
 * in their bounds, β ≤ α, γ ≤ 1 − α) and the admissible region (the model's
 * forecasts do not depend ever more on the distant past: the roots of its
 * characteristic polynomial lie in the unit circle).
 */
export function allowedParams(spec: EtsSpec, p: EtsParams): boolean {
  const { alpha, beta, gamma, phi } = p;
  if (!(alpha >= LOWER.alpha && alpha <= UPPER.alpha)) return false;
  if (spec.trend === 'A' && !(beta >= LOWER.beta && beta <= UPPER.beta && beta <= alpha)) return false;
  if (spec.damped && !(phi >= LOWER.phi && phi <= UPPER.phi)) return false;
  if (spec.season !== 'N' && !(gamma >= LOWER.gamma && gamma <= UPPER.gamma && gamma <= 1 - alpha)) return false;
  return admissible(spec, p);
}

function admissible(spec: EtsSpec, { alpha, beta, gamma, phi }: EtsParams): boolean {
  if (phi < 0 || phi > 1 + 1e-8) return false;
  if (spec.season === 'N' || spec.period < 2) {
    if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi) return false;
    if (spec.trend === 'A' && (beta < alpha * (phi - 1) || beta > (1 + phi) * (2 - alpha))) return false;
    return true;
  }
  const m = spec.period;
  const low = Math.max(1 - 1 / phi - alpha, 0);
  if (gamma < low || gamma > 1 + 1 / phi - alpha) return false;
  if (alpha < 1 - 1 / phi - (gamma * (1 - m + phi + phi * m)) / (2 * phi * m)) return false;
  if (beta < -(1 - phi) * (gamma / m + alpha)) return false;
  // the characteristic polynomial, constant term first: φ(1−α−γ) + (α+β−αφ+γ−1)z + (α+β−αφ)(z² … z^{m−1}) + (α+β−φ)z^m + z^{m+1}
  const c = new Float64Array(m + 2);
  c[0] = phi * (1 - alpha - gamma);
  c[1] = alpha + beta - alpha * phi + gamma - 1;
  for (let j = 2; j < m; j++) c[j] = alpha + beta - alpha * phi;
  c[m] = alpha + beta - phi;
  c[m + 1] = 1;
  return rootsWithin(c, 1 + 1e-10);
}

/**
 * True when every root of Σ c_j z^j lies within |z| < radius: the
 * Schur–Cohn recursion on the polynomial scaled by `radius` (O(degree²), no
 * root finding). The slack in `radius` admits roots on the unit circle,
 * which the non-seasonal-trend models have exactly (z = 1).
 */
function rootsWithin(coefficients: ArrayLike<number>, radius: number): boolean {
  const size = coefficients.length;
  if (rootWork.length < size) rootWork = new Float64Array(2 * size);
  // the current polynomial lives in rootWork[0 … d] and the next is built in place: b_{j−1} only reads a_j and a_{d−j}, so a copy of a is kept
  const a = rootWork;
  for (let j = 0; j < size; j++) a[j] = coefficients[j] * radius ** j;
  const copy = rootCopy.length < size ? (rootCopy = new Float64Array(2 * size)) : rootCopy;
  for (let d = size - 1; d > 0; d--) {
    const a0 = a[0];
    const ad = a[d];
    if (!(Math.abs(a0) < Math.abs(ad))) return false;
    // (a_d·p(z) − a_0·p*(z)) / z, p* the reversed polynomial: one degree less, the same number of roots outside
    for (let j = 0; j <= d; j++) copy[j] = a[j];
    let scale = 0;
    for (let j = 1; j <= d; j++) {
      a[j - 1] = ad * copy[j] - a0 * copy[d - j];
      scale = Math.max(scale, Math.abs(a[j - 1]));
    }
    if (!(scale > 0)) return false;
    for (let j = 0; j < d; j++) a[j] /= scale;
  }
  return true;
}

/** Scratch for rootsWithin (called once per likelihood evaluation; allocating there showed up as garbage collection). */
let rootWork = new Float64Array(64);
let rootCopy = new Float64Array(64);
