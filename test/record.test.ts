/**
 * forward(x, { record: true }) returns every step's gates and states (what
 * `lstm-wasm explain` draws). On the golden LSTM they must satisfy the
 * cell's own equations step by step, start from the given state, and end
 * at PyTorch's outputs; the GRU's likewise.
 */
import { describe, expect, it } from 'vitest';
import { GRU, init, LSTM, SimpleRNN } from '../src/index.js';
import { BACKENDS, expectClose, f32, golden, torchWeights } from './helpers.js';

const TOL = 2e-6;

describe.each(BACKENDS)('recorded gates on %s', (name) => {
  it('LSTM: c_t = f⊙c_{t−1} + i⊙g and h_t = o⊙tanh(c_t) at every step, ending at PyTorch’s output', async () => {
    await init({ backend: name });
    const c = golden('lstm_small');
    const lstm = new LSTM({ inputSize: 3, units: 4, returnSequences: true });
    lstm.setWeights(torchWeights(c));
    const h0 = f32(c.inputs.h0), c0 = f32(c.inputs.c0);
    const r = lstm.forward(f32(c.inputs.input), { h: h0, c: c0, record: true });
    const rec = r.record!;
    expect(Object.keys(rec).sort()).toEqual(['candidate', 'cell', 'forget', 'hidden', 'input', 'output']);
    for (const k of Object.keys(rec)) expect(rec[k].shape).toEqual([2, 5, 4]);
    expectClose(rec.hidden, c.expected.output, 1e-5, 'recorded h = PyTorch output');
    const [B, T, H] = [2, 5, 4];
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let j = 0; j < H; j++) {
          const at = (b * T + t) * H + j;
          const i = rec.input.data[at], f = rec.forget.data[at], g = rec.candidate.data[at], o = rec.output.data[at];
          for (const gate of [i, f, o]) expect(gate > 0 && gate < 1).toBe(true);
          expect(Math.abs(g)).toBeLessThan(1);
          const cPrev = t === 0 ? c0.data[b * H + j] : rec.cell.data[at - H];
          expect(Math.abs(rec.cell.data[at] - (f * cPrev + i * g))).toBeLessThan(TOL);
          expect(Math.abs(rec.hidden.data[at] - o * Math.tanh(rec.cell.data[at]))).toBeLessThan(TOL);
        }
    lstm.dispose();
  });

  it('GRU: h_t = (1−z)⊙n + z⊙h_{t−1}; SimpleRNN records h', async () => {
    await init({ backend: name });
    const c = golden('gru_small');
    const gru = new GRU({ inputSize: 3, units: 4, returnSequences: true });
    gru.setWeights(torchWeights(c));
    const h0 = f32(c.inputs.h0);
    const r = gru.forward(f32(c.inputs.input), { h: h0, record: true });
    const rec = r.record!;
    expect(Object.keys(rec).sort()).toEqual(['candidate', 'hidden', 'reset', 'update']);
    expectClose(rec.hidden, c.expected.output, 1e-5, 'recorded h');
    for (let b = 0; b < 2; b++)
      for (let t = 0; t < 5; t++)
        for (let j = 0; j < 4; j++) {
          const at = (b * 5 + t) * 4 + j, z = rec.update.data[at], n = rec.candidate.data[at];
          const hPrev = t === 0 ? h0.data[b * 4 + j] : rec.hidden.data[at - 4];
          expect(Math.abs(rec.hidden.data[at] - ((1 - z) * n + z * hPrev))).toBeLessThan(TOL);
        }
    const rnn = new SimpleRNN({ inputSize: 3, units: 4, returnSequences: true });
    rnn.setWeights(torchWeights(golden('rnn_small')));
    const rr = rnn.forward(f32(golden('rnn_small').inputs.input), { record: true });
    expect(Object.keys(rr.record!)).toEqual(['hidden']);
    expectClose(rr.record!.hidden, rr.output, 0, 'rnn hidden = output');
    gru.dispose();
    rnn.dispose();
  });
});
