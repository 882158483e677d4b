/**
 * Covariates in the automatic forecaster's LSTM: a known-future flag
 * reaches the direct head (the jump it causes is forecast; without it, it
 * cannot be), the no-covariate path is untouched, bad covariates are named
 * in errors, and the real seatbelts series runs with `law` known ahead.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { autoForecast } from '../src/forecast/auto.js';
import { NeuralForecaster, type NeuralConfig, type NeuralCovariate } from '../src/forecast/neural.js';
import { init } from '../src/index.js';
import { rejectsLW, rng, throwsLW } from './helpers.js';

beforeAll(async () => {
  await init();
});

/**
 * y = small noise + 10 while a flag is on. The flag switches at random (memoryless: on with
 * probability 0.06 per point when off, off with 0.25 when on), so its past says little about its
 * future: the network sees many switches, but only the flag can announce one. It is off at the end
 * of the history and on from the 3rd of the 6 forecast steps: the jump is inside the horizon.
 */
function flagSeries(n: number, h: number): { y: number[]; flag: number[]; future: number[]; truth: number[] } {
  const r = rng(7);
  const flag: number[] = [];
  let on = 0;
  for (let t = 0; t < n; t++) {
    if (r(0, 1) < (on ? 0.25 : 0.06)) on = 1 - on;
    flag.push(t >= n - 6 ? 0 : on);
  }
  const future = Array.from({ length: h }, (_, k) => (k >= 2 ? 1 : 0));
  const all = [...flag, ...future].map((f) => 50 + r(-1, 1) + 10 * f);
  return { y: all.slice(0, n), flag, future, truth: all.slice(n) };
}

const H = 6;
const CONFIG: NeuralConfig = { window: 8, units: 16, strategy: 'direct', epochs: 60, seeds: [1] };
const meanAbs = (f: number[], truth: number[], from: number) => f.slice(from).reduce((s, v, k) => s + Math.abs(v - truth[from + k]), 0) / (f.length - from);

describe('NeuralForecaster with covariates', () => {
  const { y, flag, future, truth } = flagSeries(200, H);

  it('forecasts the jump a known-future flag announces; without the flag it cannot', async () => {
    const flagCov: NeuralCovariate[] = [{ name: 'flag', values: [...flag, ...future], known: true }];
    const withFlag = await NeuralForecaster.train([{ values: y, covariates: flagCov }], H, CONFIG);
    const without = await NeuralForecaster.train(y, H, CONFIG);
    try {
      const f1 = withFlag.forecast(y, y.length, { covariates: flagCov });
      const f0 = without.forecast(y);
      const e1 = meanAbs(f1, truth, 2), e0 = meanAbs(f0, truth, 2);
      // after the switch: the truth is about 60; without the flag the forecast stays near 50
      expect(e0).toBeGreaterThan(6);
      expect(e1).toBeLessThan(3);
      // the forecast with the flag rises through the horizon (the switch is at its 3rd step); without, it stays flat
      expect(f1[5] - f1[0]).toBeGreaterThan(5);
      expect(Math.abs(f0[5] - f0[0])).toBeLessThan(2);
      expect(withFlag.covariates).toEqual([{ name: 'flag', known: true }]);
    } finally {
      withFlag.dispose();
      without.dispose();
    }
  });

  it('a past-only covariate adds a channel, no future steps, and is checked on forecast', async () => {
    const past: NeuralCovariate[] = [{ name: 'x', values: flag, known: false }];
    const nf = await NeuralForecaster.train([{ values: y, covariates: past }], H, { ...CONFIG, epochs: 2 });
    try {
      const f = nf.forecast(y, y.length, { covariates: past });
      expect(f).toHaveLength(H);
      expect(f.every(Number.isFinite)).toBe(true);
      throwsLW(() => nf.forecast(y), /reads the covariates x \(past only\), got none/);
      throwsLW(() => nf.forecast(y, y.length, { covariates: [{ ...past[0], known: true }] }), /x \(past only\), got x \(known future\)/);
    } finally {
      nf.dispose();
    }
  });

  it('one series as a list trains exactly as the series alone (the no-covariate path is unchanged)', async () => {
    const c: NeuralConfig = { ...CONFIG, epochs: 3, seeds: [1, 2] };
    for (const strategy of ['direct', 'recursive'] as const) {
      const a = await NeuralForecaster.train(y, H, { ...c, strategy });
      const b = await NeuralForecaster.train([{ values: y }], H, { ...c, strategy });
      try {
        expect(b.forecast(y, 150)).toEqual(a.forecast(y, 150));
      } finally {
        a.dispose();
        b.dispose();
      }
    }
  });

  it('refuses the recursive strategy with covariates, and a known-future covariate without its future', async () => {
    const cov: NeuralCovariate[] = [{ name: 'flag', values: flag, known: true }];
    await rejectsLW(NeuralForecaster.train([{ values: y, covariates: cov }], H, { ...CONFIG, strategy: 'recursive' }), /'direct' strategy only/);
    const nf = await NeuralForecaster.train([{ values: y, covariates: cov }], H, { ...CONFIG, epochs: 1 });
    try {
      throwsLW(() => nf.forecast(y, y.length, { covariates: cov }), /covariate "flag" has 200 values; forecasting 6 points after point 200 needs 206 \(it is known in the future/);
    } finally {
      nf.dispose();
    }
  });
});

describe('autoForecast with covariates', () => {
  const { y, flag, future, truth } = flagSeries(160, H);

  it('the LSTM reads a known-future flag, forecasts the jump, and the reasons name it', async () => {
    const r = await autoForecast(y, { horizon: H, ensemble: 1, origins: 2, covariates: [{ name: 'flag', values: flag, future }] });
    const plain = await autoForecast(y, { horizon: H, ensemble: 1, origins: 2 });
    expect(r.neural?.strategy).toBe('direct');
    expect(r.reasons.join('\n')).toMatch(/LSTM covariates: flag \(known in the future\); the direct strategy only/);
    expect(plain.reasons.join('\n')).not.toMatch(/covariates/);
    const e1 = meanAbs(r.methods.lstm!.forecast, truth, 2), e0 = meanAbs(plain.methods.lstm!.forecast, truth, 2);
    expect(e0).toBeGreaterThan(6);
    expect(e1).toBeLessThan(e0 / 2);
    // the statistical methods ignore covariates: the same forecasts either way
    expect(r.methods.ets!.forecast).toEqual(plain.methods.ets!.forecast);
    expect(r.methods.theta!.forecast).toEqual(plain.methods.theta!.forecast);
  });

  it('names the covariate and the point in errors', async () => {
    const n = y.length;
    const cov = (c: object) => autoForecast(y, { horizon: H, ensemble: 1, covariates: [c as never] });
    await rejectsLW(cov({ name: 'flag', values: flag.slice(1) }), /covariate "flag" has 159 values; it must have one per point of the series, 160/);
    await rejectsLW(cov({ name: 'flag', values: flag.map((v, t) => (t === 41 ? Number.NaN : v)) }), /covariate "flag": point 42 is NaN; every point must be a finite number/);
    await rejectsLW(cov({ name: 'flag', values: flag, future: [1, 1] }), /covariate "flag" has 2 future values; forecasting 6 points needs 6/);
    await rejectsLW(cov({ name: 'flag', values: flag, future: [1, 1, 1, 1, 1, Number.POSITIVE_INFINITY] }), new RegExp(`covariate "flag"'s future: point ${n + 6} is Infinity`));
    await rejectsLW(cov({ name: 'flag', values: flag, lag: 2 }), /covariate 1 has unknown field "lag"/);
    await rejectsLW(cov({ name: '', values: flag }), /covariate 1's name must be a non-empty string/);
    await rejectsLW(autoForecast(y, { horizon: H, covariates: [{ name: 'a', values: flag }, { name: 'a', values: flag }] }), /two covariates are named "a"/);
    await rejectsLW(autoForecast(y, { horizon: H, covariates: { name: 'a' } as never }), /covariates must be an array/);
  });
});

describe('the seatbelts series with the law known in the future', () => {
  const read = (part: string) =>
    readFileSync(new URL(`./data/forecast-dev/seatbelts_front.${part}.csv`, import.meta.url), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
  const train = read('train'), test = read('test');
  const column = (rows: number[][], i: number) => rows.map((r) => r[i]);

  it('runs with law as known-future and kms, PetrolPrice as past-only covariates, and reports them', async () => {
    const r = await autoForecast(column(train, 1), {
      horizon: 18, period: 12, ensemble: 1, origins: 2,
      covariates: [
        { name: 'law', values: column(train, 4), future: column(test, 4) },
        { name: 'kms', values: column(train, 2) },
        { name: 'PetrolPrice', values: column(train, 3) },
      ],
    });
    expect(r.neural?.strategy).toBe('direct');
    expect(r.reasons.join('\n')).toMatch(/LSTM covariates: law \(known in the future\), kms \(past only\), PetrolPrice \(past only\)/);
    expect(r.forecast).toHaveLength(18);
    expect(r.methods.lstm!.forecast.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
  });
});
