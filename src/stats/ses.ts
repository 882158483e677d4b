/**
 * Simple exponential smoothing as forecast::ses() fits it (the model
 * ETS(A,N,N), smoothing weight α and starting level chosen together by
 * least one-step mean squared error) — the smoothing half of Theta.
 */
import { fail } from '../errors.js';
import { fitEts } from './ets-fit.js';
import type { EtsSpec } from './ets-model.js';

export interface SesFit {
  /** The smoothing weight, in [1e-4, 0.9999]. */
  alpha: number;
  /** The fitted starting level. */
  initialLevel: number;
  /** The level after the last observation: SES's forecast for every step ahead. */
  level: number;
  /** Mean squared one-step error. */
  mse: number;
}

const ANN: EtsSpec = { error: 'A', trend: 'N', damped: false, season: 'N', period: 1 };

/** Needs n ≥ 4 finite values (two estimated values, and ets() wants more points than that plus one). The caller checks. */
export function fitSes(y: readonly number[]): SesFit {
  const fit = fitEts(y, ANN, 'mse');
  if (fit === null) fail(`fitSes: ${y.length} points are too few, needs at least 4`);
  return { alpha: fit.params.alpha, initialLevel: fit.initial.level, level: fit.final.level, mse: fit.mse };
}
