// TEMPORARY stand-in
export function etsForecast(y: ArrayLike<number>, h: number, _m: number): { mean: number[]; method: string } {
  let l = y[0]; const a = 0.5; for (let i = 1; i < y.length; i++) l = a * y[i] + (1 - a) * l;
  return { mean: new Array(h).fill(l), method: 'ETS(A,N,N)' };
}
