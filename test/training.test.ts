/**
 * Training, checked against hand computations written here (never against
 * the library's own earlier output):
 *   - optimizer steps against Keras's update rules (SGD, momentum, Nesterov,
 *     RMSprop, Adam with bias correction, AdamW's decoupled decay),
 *   - global-norm and value clipping, learning-rate schedules,
 *   - initializers (seeded, orthogonal, glorot bounds, LSTM forget bias),
 *   - fit / evaluate / trainOnBatch semantics, callbacks, EarlyStopping,
 *     aborting, yielding to the event loop,
 *   - bad input and divergence (clear errors, never a NaN model),
 *   - loss values with Keras's reductions and clipping.
 */
import { describe, expect, it } from 'vitest';
import {
  Adam, AdamW, Bidirectional, Dense, EarlyStopping, exponentialDecay, GRU, init, LSTM, LstmWasmError, memoryInfo,
  RMSprop, SGD, Sequential, SimpleRNN, stepDecay,
  type BackendName, type Callback, type LossName, type Logs, type Optimizer, type Tensor,
} from '../src/index.js';
import { BACKENDS, randomTensor, rejectsLW, rng, throwsLW } from './helpers.js';

// ───────────────────────────── helpers ─────────────────────────────

/** LSTM(seq) → GRU(seq) → SimpleRNN → Dense: one tied bias (LSTM, RNN), two GRU biases, odd sizes (padded lanes). */
function stack(seed = 11): Sequential {
  return new Sequential([
    new LSTM({ inputSize: 3, units: 5, returnSequences: true, seed, name: 'lstm' }),
    new GRU({ units: 3, returnSequences: true, seed: seed + 1, name: 'gru' }),
    new SimpleRNN({ units: 2, seed: seed + 2, name: 'rnn' }),
    new Dense({ units: 2, seed: seed + 3, name: 'dense' }),
  ]);
}
/** LSTM and SimpleRNN keep one bias: PyTorch export puts it in bias_ih, bias_hh is 0 (and never moves). */
const TIED = new Set(['lstm.bias_hh_l0', 'rnn.bias_hh_l0']);

const stackData = () => {
  const r = rng(5);
  return { x: randomTensor([4, 3, 3], r), y: randomTensor([4, 2], r) };
};

/** ‖g‖ over the model's distinct parameters (a tied bias counts once, as in Keras). */
function globalNorm(grads: Record<string, Tensor>): number {
  let s = 0;
  for (const [k, t] of Object.entries(grads)) if (!TIED.has(k)) for (const v of t.data) s += v * v;
  return Math.sqrt(s);
}

/**
 * `after` is `want` (the rule in float64 from the float32 values before) up to
 * float32 rounding of the parameter (2 ulp) plus 1e-5 of the step itself —
 * far below any difference between update rules.
 */
function expectUpdate(what: string, before: Float32Array, after: Float32Array, want: Float64Array): void {
  expect(after.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const step = want[i] - before[i];
    const tol = 2.4e-7 * Math.max(Math.abs(want[i]), Math.abs(before[i])) + 1e-5 * Math.abs(step);
    const d = Math.abs(after[i] - want[i]);
    if (!(d <= tol)) throw new Error(`${what}[${i}]: got ${after[i]}, want ${want[i]} (from ${before[i]}, step ${step}): diff ${d} > ${tol}`);
  }
}

/** A parameter update written from the optimizer's definition: new values from old values and gradient at step t (1-based). */
type Rule = (key: string, p: Float64Array, g: Float64Array, t: number) => Float64Array;

function slots(n: number): (key: string, len: number) => Float64Array[] {
  const m = new Map<string, Float64Array[]>();
  return (key, len) => {
    if (!m.has(key)) m.set(key, Array.from({ length: n }, () => new Float64Array(len)));
    return m.get(key)!;
  };
}

/** Keras SGD: v = μ·v − lr·g; p += v (Nesterov: p += μ·v − lr·g). */
function sgdRule(lr: number, momentum = 0, nesterov = false): Rule {
  const state = slots(1);
  return (k, p, g) => {
    const [v] = state(k, p.length);
    return p.map((pi, i) => {
      v[i] = momentum * v[i] - lr * g[i];
      return nesterov ? pi + momentum * v[i] - lr * g[i] : pi + v[i];
    });
  };
}

/** Keras RMSprop: ms = ρ·ms + (1−ρ)·g²; p −= lr·g / √(ms + ε). */
function rmspropRule(lr: number, rho: number, eps: number): Rule {
  const state = slots(1);
  return (k, p, g) => {
    const [ms] = state(k, p.length);
    return p.map((pi, i) => {
      ms[i] = rho * ms[i] + (1 - rho) * g[i] * g[i];
      return pi - (lr * g[i]) / Math.sqrt(ms[i] + eps);
    });
  };
}

/** Keras Adam (AdamW with wd > 0: p −= lr·wd·p first): m, v moments; p −= lr·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ε). */
function adamRule(lr: number, b1: number, b2: number, eps: number, wd = 0): Rule {
  const state = slots(2);
  return (k, p, g, t) => {
    const [m, v] = state(k, p.length);
    const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    return p.map((pi, i) => {
      const q = pi - lr * wd * pi;
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      return q - (alpha * m[i]) / (Math.sqrt(v[i]) + eps);
    });
  };
}

/** `steps` trainOnBatch calls, each checked parameter by parameter against `rule` applied to the values and gradients just before. */
function checkSteps(optimizer: Optimizer | 'sgd' | 'rmsprop' | 'adam' | 'adamw', rule: Rule, steps = 3): void {
  const m = stack();
  m.compile({ optimizer, loss: 'mse' });
  const { x, y } = stackData();
  for (let t = 1; t <= steps; t++) {
    const before = m.stateDict();
    const { grads } = m.computeGradients(x, y);
    expect(Object.keys(grads).sort()).toEqual(Object.keys(before).sort());
    m.trainOnBatch(x, y);
    const after = m.stateDict();
    let moved = 0;
    for (const k of Object.keys(before)) {
      if (TIED.has(k)) {
        expect(Array.from(after[k].data).every((v) => v === 0), `${k} stays 0`).toBe(true);
        continue;
      }
      expectUpdate(`step ${t} ${k}`, before[k].data, after[k].data, rule(k, Float64Array.from(before[k].data), Float64Array.from(grads[k].data), t));
      for (let i = 0; i < after[k].data.length; i++) moved = Math.max(moved, Math.abs(after[k].data[i] - before[k].data[i]));
    }
    expect(moved, 'the step moved the weights').toBeGreaterThan(1e-5);
  }
  expect(m.optimizer!.iterations).toBe(steps);
  m.dispose();
}

/** The relative difference of two numbers. */
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);

const allFinite = (m: Sequential) => Object.values(m.stateDict()).every((t) => t.data.every(Number.isFinite));

/** A small LSTM → Dense regression model. */
function small(seed = 3, units = 4, inputSize = 2, outputs = 1): Sequential {
  return new Sequential([new LSTM({ inputSize, units, seed, name: 'lstm' }), new Dense({ units: outputs, seed: seed + 1, name: 'dense' })]);
}

// ───────────────────────────── optimizers ─────────────────────────────

describe.each(BACKENDS)('optimizer update rules (Keras) on %s', (name: BackendName) => {
  it('SGD defaults: lr 0.01, plain p −= lr·g (as an instance and by name)', async () => {
    await init({ backend: name });
    checkSteps(new SGD(), sgdRule(0.01));
    checkSteps('sgd', sgdRule(0.01));
  });

  it('SGD with momentum: v = μv − lr·g, p += v', async () => {
    await init({ backend: name });
    checkSteps(new SGD({ learningRate: 0.05, momentum: 0.9 }), sgdRule(0.05, 0.9));
  });

  it('SGD with Nesterov momentum: p += μv − lr·g', async () => {
    await init({ backend: name });
    checkSteps(new SGD({ learningRate: 0.05, momentum: 0.8, nesterov: true }), sgdRule(0.05, 0.8, true));
  });

  it('RMSprop defaults (lr 1e-3, ρ 0.9, ε 1e-7) and custom ρ/ε: p −= lr·g/√(ms + ε)', async () => {
    await init({ backend: name });
    checkSteps(new RMSprop(), rmspropRule(1e-3, 0.9, 1e-7));
    checkSteps('rmsprop', rmspropRule(1e-3, 0.9, 1e-7));
    checkSteps(new RMSprop({ learningRate: 0.01, rho: 0.5, epsilon: 1e-3 }), rmspropRule(0.01, 0.5, 1e-3));
  });

  it('Adam defaults (lr 1e-3, β 0.9/0.999, ε 1e-7) and custom: bias-corrected lr·√(1−β2ᵗ)/(1−β1ᵗ)', async () => {
    await init({ backend: name });
    checkSteps(new Adam(), adamRule(1e-3, 0.9, 0.999, 1e-7));
    checkSteps('adam', adamRule(1e-3, 0.9, 0.999, 1e-7));
    checkSteps(new Adam({ learningRate: 0.01, beta1: 0.5, beta2: 0.9, epsilon: 1e-3 }), adamRule(0.01, 0.5, 0.9, 1e-3), 4);
  });

  it('AdamW: decoupled decay p −= lr·wd·p, then the Adam step (default wd 0.004)', async () => {
    await init({ backend: name });
    checkSteps(new AdamW(), adamRule(1e-3, 0.9, 0.999, 1e-7, 0.004));
    checkSteps(new AdamW({ learningRate: 0.01, weightDecay: 0.1 }), adamRule(0.01, 0.9, 0.999, 1e-7, 0.1));
  });

  it('compiling again starts a fresh optimizer state, also with the same optimizer instance', async () => {
    await init({ backend: name });
    const adam = new Adam({ learningRate: 0.01 });
    const m = stack();
    m.compile({ optimizer: adam, loss: 'mse' });
    const { x, y } = stackData();
    m.trainOnBatch(x, y);
    m.trainOnBatch(x, y);
    m.compile({ optimizer: adam, loss: 'mse' });
    expect(adam.iterations).toBe(0);
    const rule = adamRule(0.01, 0.9, 0.999, 1e-7);
    const before = m.stateDict();
    const { grads } = m.computeGradients(x, y);
    m.trainOnBatch(x, y);
    const after = m.stateDict();
    for (const k of Object.keys(before)) {
      if (!TIED.has(k)) expectUpdate(k, before[k].data, after[k].data, rule(k, Float64Array.from(before[k].data), Float64Array.from(grads[k].data), 1));
    }
    m.dispose();
  });

  it('compile defaults to RMSprop with Keras settings', async () => {
    await init({ backend: name });
    const m = stack();
    m.compile();
    expect(m.optimizer!.config()).toMatchObject({ name: 'RMSprop', learningRate: 1e-3, rho: 0.9, epsilon: 1e-7 });
    expect(m.lossName).toBe('mse');
    m.dispose();
  });
});

// ───────────────────────────── clipping ─────────────────────────────

describe.each(BACKENDS)('gradient clipping on %s', (name: BackendName) => {
  /** One SGD(lr) step with `opts`; checks p′ = p − lr·clip(g) with clip written here. */
  function sgdStepWith(opts: { globalClipNorm?: number; clipValue?: number }, clip: (g: Float64Array, norm: number) => Float64Array, lr = 0.1): number {
    const m = stack();
    m.compile({ optimizer: new SGD({ learningRate: lr, ...opts }), loss: 'mse' });
    const { x, y } = stackData();
    const before = m.stateDict();
    const { grads } = m.computeGradients(x, y);
    const norm = globalNorm(grads);
    m.trainOnBatch(x, y);
    const after = m.stateDict();
    for (const k of Object.keys(before)) {
      if (TIED.has(k)) continue;
      const g = clip(Float64Array.from(grads[k].data), norm);
      expectUpdate(k, before[k].data, after[k].data, Float64Array.from(before[k].data).map((p, i) => p - lr * g[i]));
    }
    m.dispose();
    return norm;
  }

  it('globalClipNorm c: all gradients scaled by c/‖g‖ when ‖g‖ > c (the LSTM bias counted once)', async () => {
    await init({ backend: name });
    const m = stack();
    m.compile({ optimizer: new SGD(), loss: 'mse' });
    const { x, y } = stackData();
    const norm = globalNorm(m.computeGradients(x, y).grads);
    m.dispose();
    expect(norm).toBeGreaterThan(0);
    sgdStepWith({ globalClipNorm: 0.5 * norm }, (g) => g.map((v) => v * 0.5));
    sgdStepWith({ globalClipNorm: 0.9 * norm }, (g) => g.map((v) => v * 0.9));
  });

  it('globalClipNorm above ‖g‖ leaves the gradients alone', async () => {
    await init({ backend: name });
    const m = stack();
    m.compile({ optimizer: new SGD(), loss: 'mse' });
    const { x, y } = stackData();
    const norm = globalNorm(m.computeGradients(x, y).grads);
    m.dispose();
    sgdStepWith({ globalClipNorm: 1.01 * norm }, (g) => g);
    sgdStepWith({ globalClipNorm: 100 * norm }, (g) => g);
  });

  it('clipValue c clamps every gradient value to [−c, c]', async () => {
    await init({ backend: name });
    const m = stack();
    m.compile({ optimizer: new SGD(), loss: 'mse' });
    const { x, y } = stackData();
    const all = Object.entries(m.computeGradients(x, y).grads).filter(([k]) => !TIED.has(k)).flatMap(([, t]) => Array.from(t.data, Math.abs)).sort((a, b) => a - b);
    m.dispose();
    const c = all[Math.floor(all.length * 0.6)]; // 40 % of the values get clipped
    expect(c).toBeGreaterThan(0);
    sgdStepWith({ clipValue: c }, (g) => g.map((v) => Math.min(c, Math.max(-c, v))));
  });

  it('clip settings are validated', () => {
    throwsLW(() => new SGD({ globalClipNorm: 0 }), /globalClipNorm/);
    throwsLW(() => new Adam({ clipValue: -1 }), /clipValue/);
  });
});

// ───────────────────────────── schedules ─────────────────────────────

describe('learning-rate schedules', () => {
  const close = (got: number[], want: number[]) => {
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => expect(rel(g, want[i]), `step ${i}: ${g} vs ${want[i]}`).toBeLessThan(1e-12));
  };
  const steps = (f: (s: number) => number, n: number) => Array.from({ length: n }, (_, s) => f(s));

  it('exponentialDecay: lr·rate^(step/decaySteps), continuous or staircase', () => {
    const s2 = Math.SQRT1_2;
    close(steps(exponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 }), 5), [0.1, 0.1 * s2, 0.05, 0.05 * s2, 0.025]);
    close(steps(exponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5, staircase: true }), 6), [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
    close(steps(exponentialDecay({ initialLearningRate: 1, decaySteps: 10, decayRate: 0.96 }), 3), [1, 0.96 ** 0.1, 0.96 ** 0.2]);
  });

  it('stepDecay: lr·γ^⌊step/stepSize⌋ (γ default 0.1)', () => {
    close(steps(stepDecay({ initialLearningRate: 0.1, stepSize: 3, gamma: 0.5 }), 7), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]);
    close(steps(stepDecay({ initialLearningRate: 2, stepSize: 2 }), 5), [2, 2, 0.2, 0.2, 0.02]);
  });

  it('bad schedule settings are clear errors', () => {
    throwsLW(() => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 }), /decaySteps/);
    throwsLW(() => stepDecay({ initialLearningRate: -1, stepSize: 2 }), /initialLearningRate/);
    throwsLW(() => new SGD({ learningRate: Number.NaN }), /learningRate/);
  });

  it.each(BACKENDS)('the optimizer follows the update count, and each step uses the scheduled lr (%s)', async (name) => {
    await init({ backend: name });
    const hand = [0.2, 0.2, 0.1, 0.1, 0.05];
    const m = stack();
    const opt = new SGD({ learningRate: exponentialDecay({ initialLearningRate: 0.2, decaySteps: 2, decayRate: 0.5, staircase: true }) });
    m.compile({ optimizer: opt, loss: 'mse' });
    const { x, y } = stackData();
    for (let t = 0; t < hand.length; t++) {
      expect(opt.iterations).toBe(t);
      expect(rel(opt.learningRate, hand[t])).toBeLessThan(1e-12);
      const before = m.stateDict();
      const { grads } = m.computeGradients(x, y);
      m.trainOnBatch(x, y);
      const after = m.stateDict();
      for (const k of Object.keys(before)) {
        if (TIED.has(k)) continue;
        const g = grads[k].data;
        expectUpdate(`step ${t} ${k}`, before[k].data, after[k].data, Float64Array.from(before[k].data).map((p, i) => p - hand[t] * g[i]));
      }
    }
    m.dispose();
  });

  it.each(BACKENDS)('a stepDecay schedule drives Adam\'s step too (%s)', async (name) => {
    await init({ backend: name });
    const lrs = [0.01, 0.01, 0.003, 0.003];
    const state = adamRule(1, 0.9, 0.999, 1e-7); // lr applied below: Adam's step is linear in lr
    const m = stack();
    m.compile({ optimizer: new Adam({ learningRate: stepDecay({ initialLearningRate: 0.01, stepSize: 2, gamma: 0.3 }) }), loss: 'mse' });
    const { x, y } = stackData();
    for (let t = 1; t <= lrs.length; t++) {
      const before = m.stateDict();
      const { grads } = m.computeGradients(x, y);
      m.trainOnBatch(x, y);
      const after = m.stateDict();
      for (const k of Object.keys(before)) {
        if (TIED.has(k)) continue;
        const p = Float64Array.from(before[k].data);
        const unit = state(k, p, Float64Array.from(grads[k].data), t); // p − 1·α·m/(√v+ε)
        expectUpdate(`step ${t} ${k}`, before[k].data, after[k].data, p.map((v, i) => v + lrs[t - 1] * (unit[i] - v)));
      }
    }
    m.dispose();
  });
});

// ───────────────────────────── initializers ─────────────────────────────

describe('initializers (Keras defaults, PyTorch layout)', () => {
  it('the same seeds give identical weights on every backend; other seeds differ', async () => {
    let ref: Record<string, Tensor> | undefined;
    for (const b of BACKENDS) {
      await init({ backend: b });
      const m = new Sequential([
        new Bidirectional(new LSTM({ inputSize: 3, units: 5, returnSequences: true, seed: 7, name: 'l' }), { name: 'bi' }),
        new GRU({ units: 3, returnSequences: true, seed: 8, name: 'g' }),
        new SimpleRNN({ units: 6, activation: 'relu', seed: 9, name: 'r' }),
        new Dense({ units: 2, seed: 10, name: 'd' }),
      ]);
      const sd = m.stateDict();
      expect(Object.keys(sd).length).toBe(18);
      if (!ref) ref = sd;
      else for (const k of Object.keys(ref)) expect(Array.from(sd[k].data), `${b} ${k}`).toEqual(Array.from(ref[k].data));
      m.dispose();
    }
    await init({ backend: 'js' });
    const a = new LSTM({ inputSize: 3, units: 5, seed: 7 }).getWeights().weight_ih_l0.data;
    const c = new LSTM({ inputSize: 3, units: 5, seed: 70 }).getWeights().weight_ih_l0.data;
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const d1 = new LSTM({ inputSize: 3, units: 5 }).getWeights().weight_ih_l0.data;
    const d2 = new LSTM({ inputSize: 3, units: 5 }).getWeights().weight_ih_l0.data;
    expect(Array.from(d1), 'layers without a seed get different weights').not.toEqual(Array.from(d2));
  });

  it('recurrent kernels are orthogonal: weight_hh [G·H, H] has orthonormal columns', async () => {
    await init({ backend: 'js' });
    const layers = [
      new LSTM({ inputSize: 3, units: 5, seed: 1 }), new LSTM({ inputSize: 2, units: 8, seed: 2 }),
      new GRU({ inputSize: 3, units: 5, seed: 3 }), new GRU({ inputSize: 3, units: 7, seed: 4 }),
      new SimpleRNN({ inputSize: 3, units: 5, seed: 5 }), new SimpleRNN({ inputSize: 4, units: 16, seed: 6 }),
    ];
    for (const l of layers) {
      const w = l.getWeights().weight_hh_l0;
      const [R, H] = w.shape;
      expect(R).toBe(H * (l.className === 'LSTM' ? 4 : l.className === 'GRU' ? 3 : 1));
      let worst = 0;
      for (let a = 0; a < H; a++) {
        for (let b = 0; b < H; b++) {
          let dot = 0;
          for (let r = 0; r < R; r++) dot += w.data[r * H + a] * w.data[r * H + b];
          worst = Math.max(worst, Math.abs(dot - (a === b ? 1 : 0)));
        }
      }
      expect(worst, `${l.className}(${H}) WᵀW − I`).toBeLessThan(1e-5);
      l.dispose();
    }
  });

  it('input kernels are glorot-uniform: within √(6/(fanIn+fanOut)) and spread over it', async () => {
    await init({ backend: 'js' });
    const cases: [string, Tensor, number][] = [];
    const lstm = new LSTM({ inputSize: 16, units: 16, seed: 21 });
    cases.push(['LSTM weight_ih', lstm.getWeights().weight_ih_l0, Math.sqrt(6 / (16 + 64))]);
    const gru = new GRU({ inputSize: 24, units: 12, seed: 22 });
    cases.push(['GRU weight_ih', gru.getWeights().weight_ih_l0, Math.sqrt(6 / (24 + 36))]);
    const rnn = new SimpleRNN({ inputSize: 40, units: 30, seed: 23 });
    cases.push(['SimpleRNN weight_ih', rnn.getWeights().weight_ih_l0, Math.sqrt(6 / (40 + 30))]);
    const dense = new Dense({ inputSize: 50, units: 20, seed: 24 });
    cases.push(['Dense weight', dense.getWeights().weight, Math.sqrt(6 / (50 + 20))]);
    for (const [what, t, limit] of cases) {
      const v = Array.from(t.data);
      expect(Math.max(...v.map(Math.abs)), what).toBeLessThanOrEqual(limit);
      expect(Math.max(...v), what).toBeGreaterThan(0.95 * limit);
      expect(Math.min(...v), what).toBeLessThan(-0.95 * limit);
      const meanAbs = v.reduce((s, x) => s + Math.abs(x), 0) / v.length; // U(−l, l): E|w| = l/2
      expect(Math.abs(meanAbs / (limit / 2) - 1), `${what} mean |w|`).toBeLessThan(0.1);
      const mean = v.reduce((s, x) => s + x, 0) / v.length;
      expect(Math.abs(mean) / limit, `${what} mean`).toBeLessThan(0.1);
    }
    for (const l of [lstm, gru, rnn, dense]) l.dispose();
  });

  it('biases start at 0, except the LSTM forget gate at 1 (unitForgetBias, default true)', async () => {
    await init({ backend: 'js' });
    const H = 5;
    const block = (g: number) => Array.from({ length: 4 * H }, (_, i) => (Math.floor(i / H) === g ? 1 : 0));
    const lstm = new LSTM({ inputSize: 3, units: H, seed: 1 }).getWeights();
    expect(Array.from(lstm.bias_ih_l0.data)).toEqual(block(1)); // gates i, f, g, o: f = 1
    expect(Array.from(lstm.bias_hh_l0.data)).toEqual(new Array(4 * H).fill(0));
    const keras = new LSTM({ inputSize: 3, units: H, seed: 1 }).getWeights({ to: 'keras' });
    expect(Array.from(keras.bias.data)).toEqual(block(1)); // Keras order i, f, c, o: the same block
    const off = new LSTM({ inputSize: 3, units: H, seed: 1, unitForgetBias: false }).getWeights();
    expect(Array.from(off.bias_ih_l0.data)).toEqual(new Array(4 * H).fill(0));
    const gru = new GRU({ inputSize: 3, units: H, seed: 1 }).getWeights();
    expect(Array.from(gru.bias_ih_l0.data)).toEqual(new Array(3 * H).fill(0));
    expect(Array.from(gru.bias_hh_l0.data)).toEqual(new Array(3 * H).fill(0));
    expect(Array.from(new SimpleRNN({ inputSize: 3, units: H }).getWeights().bias_ih_l0.data)).toEqual(new Array(H).fill(0));
    expect(Array.from(new Dense({ inputSize: 3, units: H }).getWeights().bias.data)).toEqual(new Array(H).fill(0));
    const bi = new Bidirectional(new LSTM({ inputSize: 3, units: H, seed: 2 })).getWeights();
    expect(Array.from(bi.bias_ih_l0.data)).toEqual(block(1));
    expect(Array.from(bi.bias_ih_l0_reverse.data)).toEqual(block(1));
  });
});

// ───────────────────────────── fit semantics ─────────────────────────────

describe.each(BACKENDS)('fit, evaluate and trainOnBatch on %s', (name: BackendName) => {
  it('History: one loss and one value per metric per epoch; epoch loss = sample-weighted mean of the batch losses', async () => {
    await init({ backend: name });
    const m = small();
    m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae', 'mse', 'rmse'] });
    const r = rng(1);
    const x = randomTensor([12, 3, 2], r), y = randomTensor([12, 1], r);
    const batches: Logs[][] = [[], [], []];
    let epochLogs: Logs[] = [];
    const h = await m.fit(x, y, {
      epochs: 3, batchSize: 5, shuffle: false,
      callbacks: { onBatchEnd: (_b, logs) => void batches[epochLogs.length].push({ ...logs }), onEpochEnd: (_e, logs) => void (epochLogs = [...epochLogs, { ...logs }]) },
    });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'mae', 'mse', 'rmse']);
    for (const k of Object.keys(h.history)) expect(h.history[k].length, k).toBe(3);
    expect(h.stopped).toBeUndefined();
    for (let e = 0; e < 3; e++) {
      const bs = batches[e];
      expect(bs.map((b) => b.size)).toEqual([5, 5, 2]);
      for (const b of bs) expect(Object.keys(b).sort(), 'batch logs: loss, metrics, size').toEqual(['loss', 'mae', 'mse', 'rmse', 'size']);
      const mean = (k: string) => bs.reduce((s, b) => s + b[k] * b.size, 0) / 12;
      expect(rel(h.history.loss[e], mean('loss'))).toBeLessThan(1e-6);
      expect(rel(h.history.mae[e], mean('mae'))).toBeLessThan(1e-6);
      expect(h.history.mse[e]).toBe(h.history.loss[e]); // mse loss and mse metric are the same number
      expect(rel(h.history.rmse[e], Math.sqrt(mean('mse')))).toBeLessThan(1e-6); // Keras: √ of the epoch's mean square, not the mean of √
      expect(epochLogs[e]).toEqual(Object.fromEntries(Object.entries(h.history).map(([k, v]) => [k, v[e]])));
    }
    m.dispose();
  });

  it('History values by hand: a linear Dense trained by SGD (loss, val_loss per epoch)', async () => {
    await init({ backend: name });
    // p = w·1 + b from 0; each SGD(0.1) step on (p − 2)² moves w and b by −0.2(p − 2): p ← 0.6p + 0.8
    const m = new Sequential([new Dense({ inputSize: 1, units: 1 })]);
    m.layers[0].setWeights({ weight: { shape: [1, 1], data: new Float32Array([0]) }, bias: { shape: [1], data: new Float32Array([0]) } });
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse', metrics: ['mae'] });
    const h = await m.fit([[1]], [[2]], { epochs: 3, validationData: [[[1]], [[1.4]]] });
    const p = [0, 0.8, 1.28, 1.568];
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
    h.history.loss.forEach((v, e) => expect(v).toBeCloseTo((p[e] - 2) ** 2, 5));
    h.history.mae.forEach((v, e) => expect(v).toBeCloseTo(2 - p[e], 5));
    h.history.val_loss.forEach((v, e) => expect(v).toBeCloseTo((p[e + 1] - 1.4) ** 2, 5));
    h.history.val_mae.forEach((v, e) => expect(v).toBeCloseTo(Math.abs(p[e + 1] - 1.4), 5));
    expect(m.predict([[1]]).data[0]).toBeCloseTo(1.568, 5);
    m.dispose();
  });

  it('validationSplit holds out the LAST samples (Keras: split at ⌊S·(1−split)⌋, before shuffling)', async () => {
    await init({ backend: name });
    const m = small(5);
    m.compile({ optimizer: new SGD({ learningRate: 1e-6 }), loss: 'mse', metrics: ['mae'] });
    const r = rng(2);
    const x = randomTensor([10, 3, 2], r);
    const y = randomTensor([10, 1], r);
    for (let i = 7; i < 10; i++) y.data[i] = 1000; // 10·(1 − 0.25) = 7.5 → 7 train, 3 validation
    const sizes: number[] = [], batchLoss: number[] = [];
    const valCheck: [number, number, number, number][] = [];
    const xv: Tensor = { shape: [3, 3, 2], data: x.data.slice(7 * 6) }, yv: Tensor = { shape: [3, 1], data: y.data.slice(7) };
    const h = await m.fit(x, y, {
      epochs: 2, batchSize: 1, shuffle: true, seed: 3, validationSplit: 0.25,
      callbacks: {
        onBatchEnd: (_b, logs) => { sizes.push(logs.size); batchLoss.push(logs.loss); },
        onEpochEnd: (_e, logs) => { const ev = m.evaluate(xv, yv); valCheck.push([logs.val_loss, ev.loss, logs.val_mae, ev.mae]); },
      },
    });
    expect(sizes.length, '7 training batches per epoch').toBe(14);
    expect(Math.max(...batchLoss), 'no validation sample is trained on').toBeLessThan(100);
    expect(h.history.val_loss[0]).toBeGreaterThan(1e5);
    for (const [vl, el, vm, em] of valCheck) {
      expect(rel(vl, el)).toBeLessThan(1e-6);
      expect(rel(vm, em)).toBeLessThan(1e-6);
    }
    await rejectsLW(m.fit(x, y, { validationSplit: 1.5 }), /validationSplit/);
    // one sample: ⌊1·0.5⌋ = 0 left to train on (Keras refuses too)
    await rejectsLW(m.fit({ shape: [1, 3, 2], data: x.data.slice(0, 6) }, { shape: [1, 1], data: y.data.slice(0, 1) }, { validationSplit: 0.5 }), /validationSplit/);
    m.dispose();
  });

  it('validationData: val_loss and val_metrics are evaluate() on it at the end of each epoch', async () => {
    await init({ backend: name });
    const m = small(6);
    m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
    const r = rng(4);
    const x = randomTensor([8, 3, 2], r), y = randomTensor([8, 1], r);
    const xv = randomTensor([5, 3, 2], r), yv = randomTensor([5, 1], r);
    const seen: [Logs, Logs][] = [];
    const h = await m.fit(x, y, { epochs: 3, batchSize: 3, validationData: [xv, yv], callbacks: { onEpochEnd: (_e, logs) => void seen.push([{ ...logs }, m.evaluate(xv, yv, { batchSize: 2 })]) } });
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
    seen.forEach(([logs, ev], e) => {
      expect(rel(logs.val_loss, ev.loss)).toBeLessThan(1e-6);
      expect(rel(logs.val_mae, ev.mae)).toBeLessThan(1e-6);
      expect(h.history.val_loss[e]).toBe(logs.val_loss);
    });
    m.dispose();
  });

  it('evaluate returns { loss, …metrics } equal to hand computations on predict\'s output (any batch size)', async () => {
    await init({ backend: name });
    const m = small(7, 4, 3, 2);
    m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae', 'mse', 'rmse'] });
    const r = rng(6);
    const x = randomTensor([7, 4, 3], r), y = randomTensor([7, 2], r, 2);
    const p = m.predict(x).data;
    let se = 0, ae = 0;
    for (let i = 0; i < p.length; i++) { se += (p[i] - y.data[i]) ** 2; ae += Math.abs(p[i] - y.data[i]); }
    const n = p.length;
    for (const batchSize of [undefined, 1, 3, 7, 100]) {
      const ev = m.evaluate(x, y, batchSize ? { batchSize } : {});
      expect(Object.keys(ev).sort()).toEqual(['loss', 'mae', 'mse', 'rmse']);
      expect(rel(ev.loss, se / n), `loss, batch ${batchSize}`).toBeLessThan(1e-6);
      expect(rel(ev.mse, se / n)).toBeLessThan(1e-6);
      expect(rel(ev.mae, ae / n)).toBeLessThan(1e-6);
      expect(rel(ev.rmse, Math.sqrt(se / n))).toBeLessThan(1e-6);
    }
    // evaluate does not train
    expect(Array.from(m.predict(x).data)).toEqual(Array.from(p));
    m.dispose();
  });

  it('trainOnBatch returns the loss before the update, and the update lowers it', async () => {
    await init({ backend: name });
    const m = small(8);
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    const r = rng(7);
    const x = randomTensor([6, 3, 2], r), y = randomTensor([6, 1], r);
    for (let i = 0; i < 3; i++) {
      const before = m.evaluate(x, y).loss;
      const got = m.trainOnBatch(x, y);
      expect(rel(got, before)).toBeLessThan(1e-6);
      expect(m.evaluate(x, y).loss).toBeLessThan(before);
    }
    // y as [S] for a single output is accepted (as Keras does)
    expect(Number.isFinite(m.trainOnBatch(x, { shape: [6], data: y.data }))).toBe(true);
    m.dispose();
  });

  /** Per-sample targets 10·(i+1) and a tiny lr: each batch-of-1 loss ≈ (10(i+1))², which names the sample. */
  async function batchOrder(opts: { shuffle?: boolean; seed?: number }, epochs = 3): Promise<number[][]> {
    const m = small(9);
    m.compile({ optimizer: new SGD({ learningRate: 1e-9 }), loss: 'mse' });
    const S = 8;
    const x = randomTensor([S, 3, 2], rng(8));
    const y: Tensor = { shape: [S, 1], data: Float32Array.from({ length: S }, (_, i) => 10 * (i + 1)) };
    const order: number[][] = [];
    await m.fit(x, y, {
      epochs, batchSize: 1, ...opts,
      callbacks: { onEpochBegin: () => void order.push([]), onBatchEnd: (_b, logs) => void order[order.length - 1].push(Math.round(Math.sqrt(logs.loss) / 10) - 1) },
    });
    m.dispose();
    for (const o of order) expect([...o].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]); // every sample once per epoch
    return order;
  }

  it('without shuffle the batches follow the data order; with shuffle, a seeded permutation per epoch', async () => {
    await init({ backend: name });
    const ident = [0, 1, 2, 3, 4, 5, 6, 7];
    expect(await batchOrder({ shuffle: false })).toEqual([ident, ident, ident]);
    const a = await batchOrder({ seed: 42 });
    expect(a.some((o) => o.join() !== ident.join()), 'shuffle is the default').toBe(true);
    expect(new Set(a.map((o) => o.join())).size, 'reshuffled every epoch').toBe(3);
    expect(await batchOrder({ shuffle: true, seed: 42 })).toEqual(a);
    expect(await batchOrder({ shuffle: true, seed: 43 })).not.toEqual(a);
  });

  it('the same seed reproduces a whole fit exactly', async () => {
    await init({ backend: name });
    const r = rng(9);
    const x = randomTensor([10, 3, 2], r), y = randomTensor([10, 1], r);
    const run = async () => {
      const m = small(10);
      m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
      const h = await m.fit(x, y, { epochs: 3, batchSize: 3, seed: 77 });
      const sd = m.stateDict();
      m.dispose();
      return { h, sd };
    };
    const a = await run(), b = await run();
    expect(b.h).toEqual(a.h);
    for (const k of Object.keys(a.sd)) expect(Array.from(b.sd[k].data), k).toEqual(Array.from(a.sd[k].data));
  });

  it('callbacks run in Keras order, async ones are awaited, and see the model', async () => {
    await init({ backend: name });
    const m = small(11);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const r = rng(10);
    const x = randomTensor([5, 3, 2], r), y = randomTensor([5, 1], r);
    const events: string[] = [];
    const later = () => new Promise<void>((res) => setTimeout(res, 1));
    const cb: Callback = {
      async onTrainBegin() { events.push('trainBegin'); await later(); events.push('/trainBegin'); },
      async onEpochBegin(e) { events.push(`epochBegin ${e}`); await later(); events.push(`/epochBegin ${e}`); },
      async onBatchBegin(b) { events.push(`batchBegin ${b}`); await later(); events.push(`/batchBegin ${b}`); },
      async onBatchEnd(b) { events.push(`batchEnd ${b}`); await later(); events.push(`/batchEnd ${b}`); },
      async onEpochEnd(e) { events.push(`epochEnd ${e}`); await later(); events.push(`/epochEnd ${e}`); },
      async onTrainEnd() { events.push('trainEnd'); await later(); events.push('/trainEnd'); },
    };
    const plain: string[] = [];
    const second: Callback = { onBatchEnd: (b) => void plain.push(`second ${b} after ${events[events.length - 1]}`) };
    await m.fit(x, y, { epochs: 2, batchSize: 2, shuffle: false, callbacks: [cb, second] });
    const want = ['trainBegin', '/trainBegin'];
    for (let e = 0; e < 2; e++) {
      want.push(`epochBegin ${e}`, `/epochBegin ${e}`);
      for (let b = 0; b < 3; b++) want.push(`batchBegin ${b}`, `/batchBegin ${b}`, `batchEnd ${b}`, `/batchEnd ${b}`);
      want.push(`epochEnd ${e}`, `/epochEnd ${e}`);
    }
    want.push('trainEnd', '/trainEnd');
    expect(events).toEqual(want);
    expect(plain.slice(0, 3)).toEqual(['second 0 after /batchEnd 0', 'second 1 after /batchEnd 1', 'second 2 after /batchEnd 2']);
    expect(cb.model).toBe(m);
    m.dispose();
  });

  it('model.stopTraining = true from a callback stops (after the batch or the epoch); the next fit runs again', async () => {
    await init({ backend: name });
    const m = small(12);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const r = rng(11);
    const x = randomTensor([8, 3, 2], r), y = randomTensor([8, 1], r);
    const ends: string[] = [];
    const atEpoch: Callback = { onEpochEnd(e) { if (e === 1) this.model!.stopTraining = true; }, onTrainEnd: () => void ends.push('end') };
    let h = await m.fit(x, y, { epochs: 5, batchSize: 2, callbacks: atEpoch });
    expect(h.epoch).toEqual([0, 1]);
    expect(h.history.loss.length).toBe(2);
    expect(h.stopped).toBe('stopTraining');
    expect(ends).toEqual(['end']);
    let batches = 0;
    const atBatch: Callback = { onBatchEnd(b) { batches++; if (b === 1) this.model!.stopTraining = true; } };
    h = await m.fit(x, y, { epochs: 3, batchSize: 2, callbacks: atBatch });
    expect(batches, 'stopped after the batch that asked').toBe(2);
    expect(h.epoch).toEqual([0]);
    expect(h.stopped).toBe('stopTraining');
    h = await m.fit(x, y, { epochs: 2, batchSize: 4 });
    expect(h.epoch).toEqual([0, 1]);
    expect(h.stopped).toBeUndefined();
    m.dispose();
  });

  it('EarlyStopping stops after `patience` epochs without improvement and restores the best epoch\'s weights', async () => {
    await init({ backend: name });
    // as in the hand-computed History test: p = 0.8, 1.28, 1.568, 1.7408, … after each epoch;
    // val target 1.4 → val_loss 0.36, 0.0144, 0.028224, 0.11614 …: best epoch 1, patience 2 → stop at epoch 3
    const make = () => {
      const m = new Sequential([new Dense({ inputSize: 1, units: 1 })]);
      m.layers[0].setWeights({ weight: { shape: [1, 1], data: new Float32Array([0]) }, bias: { shape: [1], data: new Float32Array([0]) } });
      m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
      return m;
    };
    for (const restoreBestWeights of [true, false]) {
      const m = make();
      const after: number[] = [];
      const record: Callback = { onEpochEnd: () => void after.push(m.predict([[1]]).data[0]) };
      const es = new EarlyStopping({ patience: 2, restoreBestWeights });
      const h = await m.fit([[1]], [[2]], { epochs: 20, validationData: [[[1]], [[1.4]]], callbacks: [record, es] });
      expect(h.epoch).toEqual([0, 1, 2, 3]);
      expect(h.stopped).toBe('stopTraining');
      expect(es.bestEpoch).toBe(1);
      expect(es.stoppedEpoch).toBe(3);
      expect(es.best).toBeCloseTo(0.0144, 5);
      const p = m.predict([[1]]).data[0];
      if (restoreBestWeights) {
        expect(p).toBe(after[1]);
        expect(p).toBeCloseTo(1.28, 5);
      } else {
        expect(p).toBeCloseTo(1.7408, 5);
      }
      m.dispose();
    }
    // monitoring the training loss (the default without validation data), with minDelta:
    // losses 4, 1.44, 0.5184, 0.186624: the last improves by only 0.33 < 0.5 → stop at epoch 3 with patience 1
    const m = make();
    const es = new EarlyStopping({ patience: 1, minDelta: 0.5 });
    const h = await m.fit([[1]], [[2]], { epochs: 20, callbacks: es });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(es.bestEpoch).toBe(2);
    m.dispose();
  });

  it('an AbortSignal stops fit: it resolves with stopped = "aborted" and leaves a usable model', async () => {
    await init({ backend: name });
    const m = small(13);
    m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
    const r = rng(12);
    const x = randomTensor([8, 3, 2], r), y = randomTensor([8, 1], r);
    const ac = new AbortController();
    let batches = 0, ended = 0;
    const h = await m.fit(x, y, {
      epochs: 5, batchSize: 2, signal: ac.signal,
      callbacks: { onBatchEnd: (b) => { batches++; if (batches === 6) ac.abort(); }, onTrainEnd: () => void ended++ },
    });
    expect(h.stopped).toBe('aborted');
    expect(batches).toBe(6);
    expect(h.epoch, 'the interrupted epoch is not reported').toEqual([0]);
    expect(ended).toBe(1);
    expect(allFinite(m)).toBe(true);
    expect(m.predict(x).data.every(Number.isFinite)).toBe(true);
    const again = await m.fit(x, y, { epochs: 1 });
    expect(again.epoch).toEqual([0]);
    expect(Number.isFinite(m.evaluate(x, y).loss)).toBe(true);
    // aborted from outside, while fit runs (fit must yield for the timer to fire)
    const ac2 = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ac2.abort(), 20);
    const h2 = await m.fit(x, y, { epochs: 1_000_000, batchSize: 1, signal: ac2.signal });
    expect(h2.stopped).toBe('aborted');
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(m.predict(x).data.every(Number.isFinite)).toBe(true);
    // already aborted: nothing runs
    const h3 = await m.fit(x, y, { epochs: 3, signal: AbortSignal.abort() });
    expect(h3).toMatchObject({ epoch: [], stopped: 'aborted' });
    m.dispose();
  });

  it('fit yields to the event loop between batches: a repeating timer keeps firing during a long fit', async () => {
    await init({ backend: name });
    const m = new Sequential([new LSTM({ inputSize: 4, units: 24, seed: 14 }), new Dense({ units: 1, seed: 15 })]);
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const r = rng(13);
    let S = 64, elapsed = 0, ticks = 0;
    for (;;) {
      const x = randomTensor([S, 30, 4], r), y = randomTensor([S, 1], r);
      ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      const t0 = performance.now();
      await m.fit(x, y, { epochs: 1, batchSize: 2 }); // one epoch: only yields between batches let the timer in more than once
      elapsed = performance.now() - t0;
      clearInterval(timer);
      if (elapsed > 80 || S >= 16384) break;
      S *= 2;
    }
    expect(elapsed).toBeGreaterThan(60);
    // fit yields at least every ~15 ms of work: a fit of > 60 ms lets the timer run several times
    // (without yields between batches it could run at most once, at the epoch's end)
    expect(ticks, `timer ticks during a ${elapsed.toFixed(0)} ms fit`).toBeGreaterThanOrEqual(3);
    m.dispose();
  });
});

// ───────────────────────────── bad input, divergence ─────────────────────────────

describe.each(BACKENDS)('bad training input and divergence on %s', (name: BackendName) => {
  it('NaN in x or y is a clear error naming NaN (fit, trainOnBatch, evaluate), nothing leaked', async () => {
    await init({ backend: name });
    const m = small(20);
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const r = rng(20);
    const x = randomTensor([4, 3, 2], r), y = randomTensor([4, 1], r);
    const xn: Tensor = { shape: x.shape, data: x.data.slice() };
    xn.data[7] = Number.NaN;
    const yn: Tensor = { shape: y.shape, data: y.data.slice() };
    yn.data[2] = Number.NaN;
    m.trainOnBatch(x, y); // warm: every buffer exists
    const before = memoryInfo().liveBlocks;
    const w = m.stateDict();
    await rejectsLW(m.fit(xn, y), /NaN/, /x/);
    await rejectsLW(m.fit(x, yn), /NaN/, /y/);
    throwsLW(() => m.trainOnBatch(xn, y), /NaN/);
    throwsLW(() => m.trainOnBatch(x, yn), /NaN/);
    throwsLW(() => m.evaluate(xn, y), /NaN/);
    throwsLW(() => m.trainOnBatch(x, [[1], [Infinity], [0], [0]]), /Infinity/);
    await rejectsLW(m.fit(x, y, { validationData: [x, yn] }), /NaN/);
    expect(memoryInfo().liveBlocks).toBe(before);
    const after = m.stateDict();
    for (const k of Object.keys(w)) expect(Array.from(after[k].data), `${k} untouched`).toEqual(Array.from(w[k].data));
    m.dispose();
  });

  it('mismatched sample counts or output shapes are clear errors naming the shapes', async () => {
    await init({ backend: name });
    const m = small(21);
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const r = rng(21);
    const x = randomTensor([4, 3, 2], r);
    await rejectsLW(m.fit(x, randomTensor([5, 1], r)), /\[5,1\]/, /\[4,1\]/);
    throwsLW(() => m.trainOnBatch(x, randomTensor([4, 2], r)), /\[4,2\]/, /\[4,1\]/);
    throwsLW(() => m.evaluate(x, randomTensor([4, 3, 1], r)), /\[4,3,1\]/, /\[4,1\]/);
    throwsLW(() => m.trainOnBatch(randomTensor([4, 3, 5], r), randomTensor([4, 1], r)), /5 features/, /expects 2/);
    throwsLW(() => m.trainOnBatch(randomTensor([4, 2], r), randomTensor([4, 1], r)), /\[samples, time, features\]/, /\[4,2\]/);
    await rejectsLW(m.fit(x, randomTensor([4, 1], r), { validationData: [x, randomTensor([3, 1], r)] }), /validationData/, /\[3,1\]/);
    await rejectsLW(m.fit(x, randomTensor([4, 1], r), { batchSize: 0 }), /batchSize/);
    await rejectsLW(m.fit(x, randomTensor([4, 1], r), { epochs: 1.5 }), /epochs/);
    // sequence outputs: y must have the time axis
    const s = new Sequential([new GRU({ inputSize: 2, units: 3, returnSequences: true }), new Dense({ units: 1 })]);
    s.compile({ loss: 'mse' });
    throwsLW(() => s.trainOnBatch(x, randomTensor([4, 1], r)), /\[4,1\]/, /\[4,3,1\]/);
    s.dispose();
    m.dispose();
  });

  it('fit, trainOnBatch, evaluate and computeGradients before compile are clear errors', async () => {
    await init({ backend: name });
    const m = small(22);
    const x = randomTensor([2, 3, 2], rng(22)), y = randomTensor([2, 1], rng(23));
    await rejectsLW(m.fit(x, y), /compile/); // a rejected promise, as any async failure of fit
    throwsLW(() => m.trainOnBatch(x, y), /compile/);
    throwsLW(() => m.evaluate(x, y), /compile/);
    throwsLW(() => m.computeGradients(x, y), /compile/);
    throwsLW(() => m.compile({ optimizer: 'adagrad' as never }), /optimizer/);
    throwsLW(() => m.compile({ loss: 'hinge' as never }), /loss/);
    throwsLW(() => m.compile({ metrics: ['f1' as never] }), /metric/);
    m.dispose();
  });

  /**
   * Train with an exploding lr until it fails: the error must say it diverged and leave the last good
   * weights — those before the failing call (an update that overflowed is undone) or, when the loss itself
   * overflowed, those before the update that caused it — finite, and predicting finite values.
   */
  async function diverge(m: Sequential, x: Tensor, y: Tensor): Promise<void> {
    let err: Error | undefined;
    let last = m.stateDict(), prev = last;
    for (let i = 0; i < 200 && !err; i++) {
      [prev, last] = [last, m.stateDict()];
      try {
        m.trainOnBatch(x, y);
      } catch (e) {
        err = e as Error;
      }
    }
    expect(err, 'training must fail loudly').toBeInstanceOf(LstmWasmError);
    expect(err!.message).toMatch(/diverged/);
    if (process.env.SHOW_DIFFS) console.log(err!.message);
    const now = m.stateDict();
    const equal = (a: Record<string, Tensor>) => Object.keys(a).every((k) => a[k].data.every((v, i) => Object.is(v, now[k].data[i])));
    expect(equal(last) || equal(prev), `the weights are the last good ones (${err!.message})`).toBe(true);
    expect(allFinite(m)).toBe(true);
    expect(m.predict(x).data.every(Number.isFinite), 'still predicts finite values').toBe(true);
  }

  it('a diverging learning rate ends with "diverged" and the last good, finite weights (never a NaN model)', async () => {
    await init({ backend: name });
    const r = rng(24);
    const x = randomTensor([8, 5, 2], r);
    const y: Tensor = { shape: [8, 1], data: new Float32Array(8).fill(1000) };
    for (const make of [
      () => new Sequential([new LSTM({ inputSize: 2, units: 4, seed: 1 }), new Dense({ units: 1, seed: 2 })]),
      () => new Sequential([new SimpleRNN({ inputSize: 2, units: 4, activation: 'relu', seed: 3 }), new Dense({ units: 1, seed: 4 })]),
      () => new Sequential([new GRU({ inputSize: 2, units: 3, seed: 5 }), new Dense({ units: 1, seed: 6 })]),
    ]) {
      const a = make();
      a.compile({ optimizer: new SGD({ learningRate: 1e6 }), loss: 'mse' });
      await diverge(a, x, y);
      a.dispose();
      // and through fit: the promise rejects with the same message, the model stays finite
      const b = make();
      b.compile({ optimizer: new SGD({ learningRate: 1e6, momentum: 0.9 }), loss: 'mse' });
      const warned: string[] = [];
      await rejectsLW(b.fit(x, y, { epochs: 200, batchSize: 4, onWarning: (w) => warned.push(w) }), /diverged/);
      // the loss that explodes before it overflows is a warning first (or the very first epoch already overflows)
      expect(warned.every((w) => /the training loss exploded/.test(w))).toBe(true);
      expect(allFinite(b)).toBe(true);
      expect(b.predict(x).data.every(Number.isFinite)).toBe(true);
      b.dispose();
    }
  });

  it('when the loss itself overflows, the update that caused it is undone', async () => {
    await init({ backend: name });
    // p = w·1e18: one SGD(1) step moves w by −2·p·1e18 ≈ 1e36 (finite), then p ≈ 1e54 overflows float32
    const make = () => {
      const m = new Sequential([new Dense({ inputSize: 1, units: 1 })]);
      m.layers[0].setWeights({ weight: { shape: [1, 1], data: new Float32Array([0.5]) }, bias: { shape: [1], data: new Float32Array([0]) } });
      m.compile({ optimizer: new SGD({ learningRate: 1 }), loss: 'mse' });
      return m;
    };
    const x: Tensor = { shape: [1, 1], data: new Float32Array([1e18]) }, y: Tensor = { shape: [1, 1], data: new Float32Array([0]) };
    const m = make();
    expect(Number.isFinite(m.trainOnBatch(x, y))).toBe(true);
    const err = throwsLW(() => m.trainOnBatch(x, y), /diverged/, /loss is (Infinity|NaN)/);
    expect(err.message).toMatch(/put back as before the last update/);
    expect(m.layers[0].getWeights().weight.data[0], 'the weight before the step that overflowed').toBe(0.5);
    expect(m.predict(x).data[0]).toBe(x.data[0] * 0.5);
    m.dispose();
    const f = make();
    await rejectsLW(f.fit(x, y, { epochs: 5 }), /diverged/, /epoch 2, batch 1/);
    expect(f.layers[0].getWeights().weight.data[0]).toBe(0.5);
    f.dispose();
    // if something else changed the weights since the last update, they are left alone
    const g = make();
    g.trainOnBatch(x, y);
    const w = g.layers[0].getWeights().weight.data[0];
    g.layers[0].setWeights({ weight: { shape: [1, 1], data: new Float32Array([w * 2]) }, bias: { shape: [1], data: new Float32Array([0]) } });
    expect(throwsLW(() => g.trainOnBatch(x, y), /diverged/).message).toMatch(/left as before this batch/);
    expect(g.layers[0].getWeights().weight.data[0]).toBe(Math.fround(w * 2));
    g.dispose();
  });
});

// ───────────────────────────── losses ─────────────────────────────

describe.each(BACKENDS)('loss values of evaluate (Keras reductions, ε = 1e-7 clipping) on %s', (name: BackendName) => {
  const EPS = 1e-7;
  const clip = (p: number) => Math.min(Math.max(p, EPS), 1 - EPS);

  /** evaluate's loss (in batches of 2) against `hand` applied to predict's output. */
  function check(m: Sequential, loss: LossName, x: Tensor, y: Tensor, hand: (p: Float32Array, y: Float32Array) => number): number {
    m.compile({ optimizer: 'sgd', loss });
    const want = hand(m.predict(x).data, y.data);
    for (const batchSize of [2, 32]) expect(rel(m.evaluate(x, y, { batchSize }).loss, want), `${loss} batch ${batchSize}`).toBeLessThan(1e-6);
    return want;
  }

  it('mse, mae, huber (δ = 1) on sequence outputs: mean over batch, time and features', async () => {
    await init({ backend: name });
    const m = new Sequential([new LSTM({ inputSize: 3, units: 4, returnSequences: true, seed: 30 }), new Dense({ units: 2, seed: 31 })]);
    const r = rng(30);
    const x = randomTensor([5, 4, 3], r), y = randomTensor([5, 4, 2], r, 2.5); // some |errors| above 1
    check(m, 'mse', x, y, (p, t) => p.reduce((s, v, i) => s + (v - t[i]) ** 2, 0) / p.length);
    check(m, 'mae', x, y, (p, t) => p.reduce((s, v, i) => s + Math.abs(v - t[i]), 0) / p.length);
    let big = 0;
    check(m, 'huber', x, y, (p, t) => p.reduce((s, v, i) => {
      const e = Math.abs(v - t[i]);
      if (e > 1) big++;
      return s + (e <= 1 ? 0.5 * e * e : e - 0.5);
    }, 0) / p.length);
    expect(big, 'both branches of huber are exercised').toBeGreaterThan(5);
    m.dispose();
  });

  it('binaryCrossentropy: −mean(y·log p + (1−y)·log(1−p)) with p clipped to [ε, 1−ε]', async () => {
    await init({ backend: name });
    const m = new Sequential([new Dense({ inputSize: 2, units: 3, activation: 'sigmoid' })]);
    // outputs: z = 60·x0 (saturates to exactly 1 or ~0), 0.7·x1, x0 − x1
    m.layers[0].setWeights({ weight: { shape: [3, 2], data: new Float32Array([60, 0, 0, 0.7, 1, -1]) }, bias: { shape: [3], data: new Float32Array([0, 0.1, 0]) } });
    const x: Tensor = { shape: [4, 2], data: new Float32Array([1, 0.5, -1, 2, 0.3, -0.4, -0.8, 1]) };
    const y: Tensor = { shape: [4, 3], data: new Float32Array([0, 1, 0.3, 1, 0, 1, 1, 1, 0, 0, 0.5, 1]) };
    const p = m.predict(x).data;
    expect(p[0], 'sigmoid(60) rounds to within ε of 1 in float32').toBeGreaterThan(1 - EPS);
    expect(p[3]).toBeLessThan(EPS);
    const want = check(m, 'binaryCrossentropy', x, y, (q, t) => -q.reduce((s, v, i) => s + t[i] * Math.log(clip(v)) + (1 - t[i]) * Math.log(1 - clip(v)), 0) / q.length);
    expect(want).toBeGreaterThan((2 * -Math.log(EPS)) / 12); // the two clipped, confidently wrong outputs cost −log ε each
    m.dispose();
  });

  it('categoricalCrossentropy: −Σ y·log p per row (p clipped), mean over rows (and time steps)', async () => {
    await init({ backend: name });
    const m = new Sequential([new Dense({ inputSize: 2, units: 4, activation: 'softmax' })]);
    // row 0 puts ~e^-120 ≈ 0 on class 3, which its target names: clipped to ε
    m.layers[0].setWeights({ weight: { shape: [4, 2], data: new Float32Array([60, 0, 0, 1, 1, 1, -60, 0.5]) }, bias: { shape: [4], data: new Float32Array(4) } });
    const x: Tensor = { shape: [3, 2], data: new Float32Array([1, 0, 0.2, 0.4, -0.1, 0.9]) };
    const y: Tensor = { shape: [3, 4], data: new Float32Array([0, 0, 0, 1, 0.5, 0.5, 0, 0, 0.1, 0.2, 0.3, 0.4]) };
    expect(m.predict(x).data[3]).toBeLessThan(EPS);
    const cce = (q: Float32Array, t: Float32Array, C: number) => {
      let s = 0;
      for (let i = 0; i < q.length; i++) s -= t[i] * Math.log(clip(q[i]));
      return s / (q.length / C);
    };
    const want = check(m, 'categoricalCrossentropy', x, y, (q, t) => cce(q, t, 4));
    expect(want).toBeGreaterThan(-Math.log(EPS) / 3);
    m.dispose();
    // per time step: LSTM(seq) → Dense(softmax), y [B, T, C]
    const s = new Sequential([new LSTM({ inputSize: 2, units: 4, returnSequences: true, seed: 32 }), new Dense({ units: 3, activation: 'softmax', seed: 33 })]);
    const r = rng(31);
    const xs = randomTensor([3, 5, 2], r);
    const ys: Tensor = { shape: [3, 5, 3], data: new Float32Array(45) };
    for (let i = 0; i < 15; i++) ys.data[i * 3 + Math.floor(r(0, 2.999))] = 1;
    check(s, 'categoricalCrossentropy', xs, ys, (q, t) => cce(q, t, 3));
    s.dispose();
  });

  it('accuracy: binary (threshold 0.5) for one output, argmax for several', async () => {
    await init({ backend: name });
    const m = new Sequential([new Dense({ inputSize: 1, units: 1, activation: 'sigmoid' })]);
    m.layers[0].setWeights({ weight: { shape: [1, 1], data: new Float32Array([1]) }, bias: { shape: [1], data: new Float32Array([0]) } });
    m.compile({ loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    // p > 0.5 exactly for x > 0; targets: right, right, wrong, right, wrong
    const ev = m.evaluate([[2], [-1], [0.5], [-3], [-0.2]], [[1], [0], [0], [0], [1]]);
    expect(ev.accuracy).toBeCloseTo(3 / 5, 12);
    m.dispose();
    const c = new Sequential([new Dense({ inputSize: 3, units: 3, activation: 'softmax' })]);
    c.layers[0].setWeights({ weight: { shape: [3, 3], data: new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1]) }, bias: { shape: [3], data: new Float32Array(3) } });
    c.compile({ loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const ev2 = c.evaluate([[3, 0, 0], [0, 2, 1], [0, 0, 1], [1, 5, 0]], [[1, 0, 0], [0, 0, 1], [0, 0, 1], [0, 1, 0]]);
    expect(ev2.accuracy).toBeCloseTo(3 / 4, 12);
    c.dispose();
  });
});
