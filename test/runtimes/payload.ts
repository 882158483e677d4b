/**
 * What every runtime test (runtimes.test.ts, browser.test.ts) sends to its
 * runtime — a seeded-model input [batch 2, time 3, features 3] and the
 * golden lstm_small case — and how two runs' outputs are compared.
 */
import { expect } from 'vitest';
import { golden, maxAbsDiff } from '../helpers.js';

export interface T { shape: number[]; data: number[] }
export interface Outputs { seeded: T; golden: { output: T; h: T; c: T } }

const g = golden('lstm_small');
export const payload = {
  x: [
    [[0.1, 0.2, 0.3], [0.4, -0.5, 0.6], [-0.7, 0.8, 0.9]],
    [[1, 0, -1], [0.5, 0.5, 0.5], [-2, 1, 0.25]],
  ],
  golden: { stateDict: g.state_dict, input: g.inputs.input, h0: g.inputs.h0, c0: g.inputs.c0 },
};

/** Max |a − b| over every output of the two runs (shapes must match). */
export function diffOutputs(a: Outputs, b: Outputs): number {
  const pairs: [T, T][] = [[a.seeded, b.seeded], [a.golden.output, b.golden.output], [a.golden.h, b.golden.h], [a.golden.c, b.golden.c]];
  let m = 0;
  for (const [x, y] of pairs) {
    expect(x.shape).toEqual(y.shape);
    m = Math.max(m, maxAbsDiff(x.data, y.data));
  }
  return m;
}
