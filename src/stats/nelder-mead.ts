/**
 * A bounded Nelder–Mead simplex minimiser, deterministic (no random
 * restarts), following the variant R's optim() and forecast::ets() use
 * (reflection 1, contraction ½, expansion 2, first simplex built by moving
 * each coordinate by a tenth of the largest |start value|, stop when the
 * spread of values in the simplex is within a relative tolerance of the
 * starting value). Matching that variant matters: ets() and thetaf() stop
 * wherever this procedure stops, so reproducing their forecasts means
 * reproducing its path, not finding a better optimum.
 *
 * Box constraints are a penalty: a point outside [lower, upper] is never
 * evaluated and counts as the worst possible value (as ets() does with its
 * parameter bounds). Non-finite objective values count the same way.
 */
import { fail, show } from '../errors.js';

/** The value a penalised or non-finite point gets (R's nmmin uses the same). */
const WORST = 1e35;

export interface NelderMeadOptions {
  /** Stop after this many objective evaluations (default 2000, as ets()). */
  maxEvaluations?: number;
  /** Stop when max − min of the simplex values ≤ relativeTolerance·(|f(start)| + relativeTolerance). Default √ε ≈ 1.5e-8. */
  relativeTolerance?: number;
  /** Stop as soon as the best value is ≤ this (default −∞: never). */
  absoluteTolerance?: number;
  /** Per-coordinate lower bounds (−Infinity for none). */
  lower?: ArrayLike<number>;
  /** Per-coordinate upper bounds (Infinity for none). */
  upper?: ArrayLike<number>;
}

export interface NelderMeadResult {
  /** The best point found. */
  point: number[];
  /** The objective at `point`. */
  value: number;
  /** How many times the objective was evaluated. */
  evaluations: number;
  /** True when the tolerance was met (false: stopped by maxEvaluations or a simplex that stopped shrinking). */
  converged: boolean;
}

const MAX_EVALUATIONS_CAP = 10_000_000;

/**
 * Minimise `f` from `start`. `f` receives a scratch array it must not keep.
 * Fails when `start` is not finite, is outside the bounds, or `f(start)` is
 * not finite (there is no direction to move in from an unusable start).
 */
export function nelderMead(
  f: (x: Float64Array) => number,
  start: ArrayLike<number>,
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const what = 'nelderMead';
  if (typeof f !== 'function') fail(`${what}: f must be a function of a point, got ${show(f)}`);
  if (start == null || typeof start === 'string' || typeof start.length !== 'number') fail(`${what}: start must be an array of numbers, got ${show(start)}`);
  const n = start.length;
  const maxEvaluations = options.maxEvaluations ?? 2000;
  if (!Number.isInteger(maxEvaluations) || maxEvaluations < 1 || maxEvaluations > MAX_EVALUATIONS_CAP) {
    fail(`${what}: maxEvaluations must be a whole number from 1 to ${MAX_EVALUATIONS_CAP}, got ${show(maxEvaluations)}`);
  }
  const relTol = options.relativeTolerance ?? Math.sqrt(Number.EPSILON);
  if (typeof relTol !== 'number' || !(relTol >= 0) || !Number.isFinite(relTol)) fail(`${what}: relativeTolerance must be a finite number ≥ 0, got ${show(relTol)}`);
  const absTol = options.absoluteTolerance ?? -Infinity;
  if (typeof absTol !== 'number' || Number.isNaN(absTol)) fail(`${what}: absoluteTolerance must be a number, got ${show(absTol)}`);
  const lower = bounds(options.lower, n, -Infinity, 'lower');
  const upper = bounds(options.upper, n, Infinity, 'upper');

  const x0 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = start[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${what}: start[${i}] is ${show(v)}, not a finite number`);
    if (v < lower[i] || v > upper[i]) fail(`${what}: start[${i}] = ${v} is outside its bounds [${lower[i]}, ${upper[i]}]`);
    x0[i] = v;
  }

  const scratch = new Float64Array(n);
  let evaluations = 0;
  /** f at x, with the box and non-finite values turned into WORST (x is copied: f may not keep or change it). */
  const value = (x: Float64Array): number => {
    evaluations++;
    for (let i = 0; i < n; i++) if (!(x[i] >= lower[i] && x[i] <= upper[i])) return WORST;
    scratch.set(x);
    const v = f(scratch);
    return typeof v === 'number' && Number.isFinite(v) ? v : WORST;
  };

  const f0 = value(x0);
  if (f0 === WORST) fail(`${what}: the objective is not finite at the starting point — start from a point where it can be evaluated`);
  if (n === 0) return { point: [], value: f0, evaluations, converged: true };
  const convergenceTolerance = relTol * (Math.abs(f0) + relTol);

  // The simplex: n + 1 vertices and their values; vertex 0 is the start.
  const vertices: Float64Array[] = [x0];
  const values = new Float64Array(n + 1);
  values[0] = f0;
  let step = 0;
  for (let i = 0; i < n; i++) step = Math.max(step, 0.1 * Math.abs(x0[i]));
  if (step === 0) step = 0.1;
  let size = 0; // the simplex's size, which a shrink must reduce (else the search is stuck)
  for (let j = 1; j <= n; j++) {
    const v = Float64Array.from(x0);
    let tryStep = step;
    // a step too small to change a huge coordinate is grown until it does (bounded: ×10 at most 40 times)
    for (let k = 0; k < 40 && v[j - 1] === x0[j - 1]; k++) {
      v[j - 1] = x0[j - 1] + tryStep;
      tryStep *= 10;
    }
    size += tryStep;
    vertices.push(v);
  }
  let oldSize = size;

  const centroid = new Float64Array(n);
  const trial = new Float64Array(n);
  const second = new Float64Array(n);
  let best = 0;
  let recompute = true; // the values of every vertex but the best need evaluating (at the start and after a shrink)
  let converged = false;
  // Every pass evaluates f at least once, so maxEvaluations bounds the passes; the cap below is belt and braces.
  for (let pass = 0; pass <= maxEvaluations; pass++) {
    if (recompute) {
      for (let j = 0; j <= n; j++) if (j !== best) values[j] = value(vertices[j]);
      recompute = false;
    }
    let worst = best;
    let low = values[best];
    let high = low;
    for (let j = 0; j <= n; j++) {
      if (j === best) continue;
      if (values[j] < low) { best = j; low = values[j]; }
      if (values[j] > high) { worst = j; high = values[j]; }
    }
    if (high <= low + convergenceTolerance || low <= absTol) { converged = true; break; }

    const xw = vertices[worst];
    centroid.fill(0);
    for (let j = 0; j <= n; j++) if (j !== worst) for (let i = 0; i < n; i++) centroid[i] += vertices[j][i];
    for (let i = 0; i < n; i++) centroid[i] /= n;

    // reflect the worst vertex through the centroid of the others
    for (let i = 0; i < n; i++) trial[i] = 2 * centroid[i] - xw[i];
    const reflected = value(trial);
    if (reflected < low) {
      // better than the best: try going twice as far
      for (let i = 0; i < n; i++) second[i] = 2 * trial[i] - centroid[i];
      const expanded = value(second);
      if (expanded < reflected) { xw.set(second); values[worst] = expanded; }
      else { xw.set(trial); values[worst] = reflected; }
    } else {
      if (reflected < high) { xw.set(trial); values[worst] = reflected; }
      // contract the (possibly replaced) worst vertex halfway towards the centroid
      for (let i = 0; i < n; i++) second[i] = 0.5 * xw[i] + 0.5 * centroid[i];
      const contracted = value(second);
      if (contracted < values[worst]) {
        xw.set(second);
        values[worst] = contracted;
      } else if (reflected >= high) {
        // nothing helped: shrink every vertex halfway towards the best one
        const xb = vertices[best];
        size = 0;
        for (let j = 0; j <= n; j++) {
          if (j === best) continue;
          const v = vertices[j];
          for (let i = 0; i < n; i++) {
            v[i] = 0.5 * (v[i] - xb[i]) + xb[i];
            size += Math.abs(v[i] - xb[i]);
          }
        }
        recompute = true;
        if (size < oldSize) oldSize = size;
        else break; // the simplex no longer shrinks: rounding has stalled the search
      }
    }
    // checked after the move, as R does (a stop right after a shrink leaves the moved vertices unevaluated; the best is unmoved)
    if (evaluations > maxEvaluations) break;
  }
  return { point: Array.from(vertices[best]), value: values[best], evaluations, converged };
}

function bounds(b: ArrayLike<number> | undefined, n: number, none: number, name: string): Float64Array {
  const out = new Float64Array(n).fill(none);
  if (b === undefined) return out;
  if (b == null || typeof b === 'string' || typeof b.length !== 'number' || b.length !== n) {
    fail(`nelderMead: ${name} must be an array of ${n} bounds (one per coordinate), got ${show(b)}`);
  }
  for (let i = 0; i < n; i++) {
    if (typeof b[i] !== 'number' || Number.isNaN(b[i])) fail(`nelderMead: ${name}[${i}] is ${show(b[i])}, not a number (use ±Infinity for no bound)`);
    out[i] = b[i];
  }
  return out;
}
