// TEMPORARY prototype stand-in (helper's version replaces it)
export function acf(y: ArrayLike<number>, maxLag: number): number[] {
  const n = y.length; let m = 0; for (let i = 0; i < n; i++) m += y[i]; m /= n;
  let d = 0; for (let i = 0; i < n; i++) d += (y[i] - m) ** 2;
  const r: number[] = [];
  for (let k = 1; k <= maxLag; k++) { let s = 0; for (let i = k; i < n; i++) s += (y[i] - m) * (y[i - k] - m); r.push(d > 0 ? s / d : 0); }
  return r;
}
export function seasonalityTest(y: ArrayLike<number>, m: number): boolean {
  if (m < 2 || y.length < 3 * m) return false;
  const r = acf(y, m); let s = 1; for (let k = 0; k < m - 1; k++) s += 2 * r[k] ** 2;
  return Math.abs(r[m - 1]) > 1.645 * Math.sqrt(s / y.length);
}
export function detectPeriod(_y: ArrayLike<number>): number { return 1; }
