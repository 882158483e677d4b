// TEMPORARY prototype stand-in
export function decompose(y: ArrayLike<number>, m: number, _type: 'additive'): { seasonal: number[] } {
  const n = y.length; const d: number[] = new Array(n).fill(NaN);
  const half = Math.floor(m / 2);
  for (let t = half; t < n - half; t++) {
    let s = 0;
    if (m % 2 === 0) { s = (y[t - half] + y[t + half]) / 2; for (let i = t - half + 1; i < t + half; i++) s += y[i]; }
    else for (let i = t - half; i <= t + half; i++) s += y[i];
    d[t] = y[t] - s / m;
  }
  const idx = new Array(m).fill(0), cnt = new Array(m).fill(0);
  for (let t = 0; t < n; t++) if (!Number.isNaN(d[t])) { idx[t % m] += d[t]; cnt[t % m]++; }
  for (let j = 0; j < m; j++) idx[j] /= cnt[j];
  const mean = idx.reduce((a, b) => a + b, 0) / m;
  return { seasonal: Array.from({ length: n }, (_, t) => idx[t % m] - mean) };
}
