// TEMPORARY stand-in
export function thetaForecast(y: ArrayLike<number>, h: number, _m: number): { mean: number[] } {
  const n = y.length; const b = (y[n - 1] - y[0]) / (n - 1) / 2;
  return { mean: Array.from({ length: h }, (_, k) => y[n - 1] + b * (k + 1)) };
}
