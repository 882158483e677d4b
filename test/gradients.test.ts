/**
 * Training against PyTorch autograd (test/golden/lstm_grad.json):
 * LSTM(3→4) → Linear(4→1) on the last step, MSE. The loss and every
 * gradient match to 1e-4 relative on every backend, read directly
 * (computeGradients) and observed through one SGD step of trainOnBatch.
 */
import { describe, expect, it } from 'vitest';
import { Dense, LSTM, SGD, Sequential } from '../src/index.js';
import { BUILDS, initBuild, f32, golden, goldenBytes, relErr } from './helpers.js';

const REL = 1e-4;


function model() {
  const m = new Sequential([new LSTM({ inputSize: 3, units: 4, name: 'lstm' }), new Dense({ units: 1, name: 'linear' })]);
  m.loadStateDict(goldenBytes('lstm_grad'));
  return m;
}

describe.each(BUILDS)('gradients vs PyTorch on %s', (name) => {
  it('loss and every parameter gradient (computeGradients)', async () => {
    await initBuild(name);
    const c = golden('lstm_grad');
    const m = model();
    m.compile({ optimizer: new SGD({ learningRate: 1 }), loss: 'mse' });
    const { loss, grads } = m.computeGradients(f32(c.inputs.input), f32(c.inputs.target));
    expect(Math.abs(loss - c.expected.loss.data[0]) / Math.abs(c.expected.loss.data[0])).toBeLessThan(REL);
    const names = Object.keys(c.expected).filter((k) => k.startsWith('grad.')).map((k) => k.slice(5));
    expect(names.sort()).toEqual(Object.keys(grads).sort());
    for (const n of names) {
      const want = c.expected[`grad.${n}`];
      expect(grads[n].shape).toEqual(want.shape);
      const e = relErr(grads[n].data, want.data);
      if (process.env.SHOW_DIFFS) console.log(`${name} ${n}: rel err ${e.toExponential(2)}`);
      expect(e, n).toBeLessThan(REL);
    }
    m.dispose();
  });

  it('one SGD step of trainOnBatch moves every weight by −lr·grad', async () => {
    await initBuild(name);
    const c = golden('lstm_grad');
    const m = model();
    const lr = 0.1;
    m.compile({ optimizer: new SGD({ learningRate: lr }), loss: 'mse' });
    const before = m.stateDict();
    const loss = m.trainOnBatch(f32(c.inputs.input), f32(c.inputs.target));
    expect(Math.abs(loss - c.expected.loss.data[0])).toBeLessThan(1e-6); // the loss before the update
    const after = m.stateDict();
    // our LSTM keeps one bias b = b_ih + b_hh (exported as bias_ih, bias_hh zero); ∂L/∂b = ∂L/∂b_ih
    const g = (k: string) => c.expected[`grad.${k}`].data;
    const expectedStep = (k: string) => (k.endsWith('bias_hh_l0') ? g(k).map(() => 0) : g(k));
    for (const k of Object.keys(before)) {
      const moved = after[k].data.map((v, i) => (before[k].data[i] - v) / lr);
      const want = expectedStep(k);
      if (want.every((v) => v === 0)) expect(Array.from(moved).every((v) => v === 0), k).toBe(true);
      else expect(relErr(moved, want), k).toBeLessThan(1e-3); // float32 weights: (w − w′)/lr loses ~1e-5 of |w|
    }
    m.dispose();
  });
});
