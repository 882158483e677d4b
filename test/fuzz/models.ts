/**
 * Target models: random models on all three backends, and bad input to them.
 *
 * Drives: a random layer stack (LSTM, GRU, SimpleRNN tanh/relu, Dense with
 * each activation, Bidirectional(LSTM/GRU/SimpleRNN); units 1–40;
 * returnSequences valid for the stack) on x of shape [batch 1–9, time 1–30,
 * features 1–8]. The js backend's model is the reference; the wasm-simd and
 * wasm models get its weights through stateDict/loadStateDict. Then, in
 * some cases, a short training (compile + trainOnBatch steps, or fit) with
 * the same optimizer on every backend; and in some, one bad call on one
 * backend's model: NaN/±Infinity in x, wrong ranks, zero dims, a wrong
 * feature count, null/string entries; batchSize 0, -1, NaN, 1.5, Infinity,
 * "2" in fit/evaluate; bad epochs; y of the wrong shape or with NaN;
 * setWeights with plain arrays holding null, undefined, "1" or NaN; and
 * compile / fit / dispose / evaluate / trainOnBatch / predict called while a
 * fit runs (from a callback, or from the event loop between epochs).
 *
 * Asserts: wasm-simd and wasm predict as js within 1e-5 relative
 * (|a − b| ≤ 1e-5·max(1, |b|), the kernels test's 'rel' mode, so relu
 * stacks with large activations are held to the same 1e-5 as tanh ones);
 * their first training loss agrees to 1e-5 relative; with SGD (plain or
 * momentum) on mse/huber every loss does, and the weights' updates agree
 * to 1e-4 of the largest update (see expectTrainedNear; Adam/RMSprop and
 * mae amplify rounding by design, see run()). A bad call is an
 * LstmWasmError, after which the model predicts as before; a call during
 * fit is refused with an LstmWasmError, or (evaluate, predict) works and
 * leaves the training exactly as an undisturbed twin's. After every case,
 * on every backend: every guard zone is intact (enableGuards(arena) gives
 * each block a red zone; checkGuards(arena)), a sentinel model made at start-up
 * still has the same weights (snapshotParams) and predictions, bit for
 * bit, and liveBlocks is back to what it was before the case; the wasm
 * heap grew by at most BOUNDS.wasmHeapBytes.
 */
import fc from 'fast-check';
import { activeBackend } from '../../src/backend/registry.js';
import { checkGuards, enableGuards } from '../../src/backend/arena-guards.js';
import {
  Adam, Dense, GRU, LSTM, memoryInfo, RMSprop, SGD, Sequential, type BackendName, type Optimizer, type Tensor,
} from '../../src/index.js';
import {
  attempt, attemptAsync, BACKENDS, BOUNDS, clip, expectLW, expectLWAsync, fatalFinding, finding, layerStack, makeLayers, maxRelDiff,
  Finding, outputKeepsTime, randomData, sameFloats, useBackend, type LayerSpec, type Target,
} from './common.js';

type BadInput = 'nan' | 'inf' | '-inf' | 'rank2' | 'rank4' | 'batch0' | 'time0' | 'features0' | 'features+1' | 'nested-null' | 'nested-string';
type Bad =
  | { kind: 'input'; what: BadInput }
  | { kind: 'batchSize'; call: 'fit' | 'evaluate'; value: number | string }
  | { kind: 'epochs'; value: number | string }
  | { kind: 'y'; what: 'shape' | 'nan' | 'rank' }
  | { kind: 'setWeights'; entry: null | undefined | string | number }
  | { kind: 'during-fit'; call: 'compile' | 'fit' | 'dispose' | 'evaluate' | 'trainOnBatch' | 'predict'; via: 'callback' | 'event-loop' };

interface Train { optimizer: 'sgd' | 'momentum' | 'rmsprop' | 'adam'; lr: number; loss: 'mse' | 'mae' | 'huber'; steps: number; via: 'trainOnBatch' | 'fit'; batchSize: number }
interface ModelsCase { stack: LayerSpec[]; B: number; T: number; F: number; seed: number; train: Train | null; bad: Bad | null; badOn: BackendName }

const bad: fc.Arbitrary<Bad> = fc.oneof(
  fc.record({ kind: fc.constant('input' as const), what: fc.constantFrom<BadInput>('nan', 'inf', '-inf', 'rank2', 'rank4', 'batch0', 'time0', 'features0', 'features+1', 'nested-null', 'nested-string') }),
  fc.record({ kind: fc.constant('batchSize' as const), call: fc.constantFrom('fit' as const, 'evaluate' as const), value: fc.constantFrom<number | string>(0, -1, NaN, 1.5, '2') }),
  fc.record({ kind: fc.constant('epochs' as const), value: fc.constantFrom<number | string>(-1, 1.5, NaN, Infinity, '2') }),
  fc.record({ kind: fc.constant('y' as const), what: fc.constantFrom('shape' as const, 'nan' as const, 'rank' as const) }),
  fc.record({ kind: fc.constant('setWeights' as const), entry: fc.constantFrom<null | undefined | string | number>(null, undefined, '1', NaN) }),
  fc.record({ kind: fc.constant('during-fit' as const), call: fc.constantFrom('compile' as const, 'fit' as const, 'dispose' as const, 'evaluate' as const, 'trainOnBatch' as const, 'predict' as const), via: fc.constantFrom('callback' as const, 'event-loop' as const) }),
);

const arbitrary: fc.Arbitrary<ModelsCase> = fc.record({
  stack: layerStack(40, 3),
  B: fc.integer({ min: 1, max: 9 }),
  T: fc.integer({ min: 1, max: 30 }),
  F: fc.integer({ min: 1, max: 8 }),
  seed: fc.nat(1000),
  train: fc.option(fc.record({
    optimizer: fc.constantFrom('sgd' as const, 'momentum' as const, 'rmsprop' as const, 'adam' as const),
    lr: fc.constantFrom(1e-3, 1e-2),
    loss: fc.constantFrom('mse' as const, 'mae' as const, 'huber' as const),
    steps: fc.integer({ min: 1, max: 3 }),
    via: fc.constantFrom('trainOnBatch' as const, 'fit' as const),
    batchSize: fc.integer({ min: 1, max: 9 }),
  }), { freq: 2 }),
  bad: fc.option(bad, { freq: 2 }),
  badOn: fc.constantFrom(...BACKENDS),
});

// ── the sentinel: a model on every backend that no case may disturb ───────────────────────

const sentinels = new Map<BackendName, { model: Sequential; x: Tensor; params: Float32Array; y: Float32Array }>();

async function setup(): Promise<void> {
  for (const b of BACKENDS) {
    await useBackend(b);
    enableGuards(activeBackend().arena); // every block from now on has a red zone
    const model = new Sequential([new LSTM({ inputSize: 3, units: 5, returnSequences: true, seed: 1 }), new GRU({ units: 4, seed: 2 }), new Dense({ units: 2, seed: 3 })]);
    const x = { shape: [2, 4, 3], data: randomData(24, 5) };
    const y = model.predict(x).data;
    sentinels.set(b, { model, x, y, params: model.snapshotParams() });
  }
}

async function checkHeaps(before: Map<BackendName, { blocks: number; bytes: number }>): Promise<void> {
  for (const b of BACKENDS) {
    await useBackend(b);
    const g = attempt(`checkGuards on ${b}`, () => checkGuards(activeBackend().arena));
    if (!g.ok) fatalFinding(`heap corruption on ${b}: a guard zone was overwritten`, g.error.message);
    const s = sentinels.get(b)!;
    if (!sameFloats(s.model.snapshotParams(), s.params)) fatalFinding(`heap corruption on ${b}: the sentinel model's weights changed`, 'snapshotParams() differs from start-up');
    const y = attempt(`sentinel predict on ${b}`, () => s.model.predict(s.x));
    if (!y.ok || !sameFloats(y.value.data, s.y)) fatalFinding(`heap corruption on ${b}: the sentinel model predicts differently`, y.ok ? 'outputs differ' : y.error.message);
    const m = memoryInfo();
    const was = before.get(b)!;
    if (m.liveBlocks !== was.blocks) fatalFinding(`leak on ${b}: liveBlocks not back after the case's models were disposed`, `${m.liveBlocks - was.blocks} block(s)`);
    if (m.heapBytes - was.bytes > BOUNDS.wasmHeapBytes) finding(`the ${b} heap grew by over ${BOUNDS.wasmHeapBytes / 2 ** 20} MiB in one case`, `${((m.heapBytes - was.bytes) / 2 ** 20).toFixed(0)} MiB`);
  }
}

// ── building and comparing ─────────────────────────────────────────────────────────────────

function optimizer(t: Train): Optimizer {
  switch (t.optimizer) {
    case 'sgd': return new SGD({ learningRate: t.lr });
    case 'momentum': return new SGD({ learningRate: t.lr, momentum: 0.9 });
    case 'rmsprop': return new RMSprop({ learningRate: t.lr });
    case 'adam': return new Adam({ learningRate: t.lr });
  }
}

function expectNear(what: string, got: Tensor, want: Tensor): void {
  if (JSON.stringify(got.shape) !== JSON.stringify(want.shape)) finding(`${what}: wrong output shape`, `[${got.shape}] vs js [${want.shape}]`);
  const d = maxRelDiff(got.data, want.data);
  if (!(d <= 1e-5)) finding(`${what}: differs from js`, `max relative diff ${d}`);
}

/**
 * Weights after training, against the js reference's: the update of each
 * weight within 1e-4 of the largest update (the kernels test's 'norm'
 * mode), plus float32 rounding of the weight (2.4e-7·|w|, as
 * training.test.ts). Per weight, 1e-5 of its own update cannot hold: a
 * gradient is a sum over B·T steps whose terms cancel, so a small one
 * carries the rounding of the large terms (seen: 7e-5 of a 3.5e-3 update
 * on T = 30); a wrong kernel is off by the size of the update itself.
 */
function expectTrainedNear(what: string, got: Float32Array, want: Float32Array, before: Float32Array): void {
  let largest = 0;
  for (let i = 0; i < want.length; i++) largest = Math.max(largest, Math.abs(want[i] - before[i]));
  for (let i = 0; i < want.length; i++) {
    const step = want[i] - before[i];
    const tol = 2.4e-7 * Math.max(Math.abs(want[i]), Math.abs(before[i])) + 1e-4 * largest + 1e-12;
    if (!(Math.abs(got[i] - want[i]) <= tol)) finding(`${what}: trained weights differ from js`, `parameter ${i}: ${got[i]} vs js ${want[i]} (from ${before[i]}, step ${step}, largest step ${largest})`);
  }
}

async function train(m: Sequential, t: Train, x: Tensor, y: Tensor): Promise<number[]> {
  m.compile({ optimizer: optimizer(t), loss: t.loss });
  if (t.via === 'trainOnBatch') {
    const losses: number[] = [];
    for (let s = 0; s < t.steps; s++) {
      const r = attempt('trainOnBatch', () => m.trainOnBatch(x, y));
      if (!r.ok) return [NaN];
      losses.push(r.value);
    }
    return losses;
  }
  const h = await attemptAsync('fit', () => m.fit(x, y, { epochs: t.steps, batchSize: t.batchSize, seed: 3, onWarning: () => {} }));
  return h.ok ? h.value.history.loss : [NaN];
}

// ── bad calls ──────────────────────────────────────────────────────────────────────────────

function badInput(what: BadInput, x: Tensor): unknown {
  const [B, T, F] = x.shape;
  const withValue = (v: number) => { const d = x.data.slice(); d[d.length >> 1] = v; return { shape: x.shape, data: d }; };
  const nested = () => Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => Array.from(x.data.subarray((b * T + t) * F, (b * T + t + 1) * F)) as unknown[]));
  switch (what) {
    case 'nan': return withValue(NaN);
    case 'inf': return withValue(Infinity);
    case '-inf': return withValue(-Infinity);
    case 'rank2': return { shape: [B * T, F], data: x.data };
    case 'rank4': return { shape: [1, B, T, F], data: x.data };
    case 'batch0': return { shape: [0, T, F], data: new Float32Array(0) };
    case 'time0': return { shape: [B, 0, F], data: new Float32Array(0) };
    case 'features0': return { shape: [B, T, 0], data: new Float32Array(0) };
    case 'features+1': return { shape: [B, T, F + 1], data: randomData(B * T * (F + 1), 1) };
    case 'nested-null': { const n = nested(); n[B - 1][T - 1][F - 1] = null; return n; }
    case 'nested-string': { const n = nested(); n[0][0][0] = '1'; return n; }
  }
}

async function runBad(b: Bad, m: Sequential, x: Tensor, y: Tensor, t: Train | null, twin: (weights: Record<string, Tensor>) => Promise<Sequential>): Promise<void> {
  const y0 = m.predict(x).data;
  const intact = (what: string) => {
    if (m.isDisposed) return;
    const p = attempt(`predict after ${what}`, () => m.predict(x));
    if (!p.ok || !sameFloats(p.value.data, y0)) finding(`after a refused ${what} the model predicts differently`, p.ok ? 'outputs differ' : p.error.message);
  };
  const tt: Train = t ?? { optimizer: 'sgd', lr: 1e-2, loss: 'mse', steps: 2, via: 'fit', batchSize: 1 };
  switch (b.kind) {
    case 'input':
      expectLW(`predict with ${b.what} input`, () => m.predict(badInput(b.what, x) as Tensor));
      return intact(`predict(${b.what})`);
    case 'setWeights': {
      const layer = m.layers[m.layers.length - 1];
      const w = Object.fromEntries(Object.entries(layer.getWeights()).map(([k, v]) => {
        const data: unknown[] = Array.from(v.data);
        data[data.length - 1] = b.entry;
        return [k, { shape: v.shape, data }];
      }));
      expectLW(`setWeights with a ${JSON.stringify(b.entry) ?? 'undefined'} entry in a plain array`, () => layer.setWeights(w as never));
      return intact('setWeights');
    }
    case 'y': {
      m.compile({ optimizer: optimizer(tt), loss: tt.loss });
      const badY = b.what === 'nan' ? { shape: y.shape, data: y.data.map((v, i) => (i === 0 ? NaN : v)) } : b.what === 'shape' ? { shape: [y.shape[0] + 1, ...y.shape.slice(1)], data: randomData(y.data.length / y.shape[0] * (y.shape[0] + 1), 2) } : { shape: [y.data.length], data: y.data };
      if (b.what === 'rank' && y.shape.length === 2 && y.shape[1] === 1) return; // y [S] is valid for one output
      expectLW(`trainOnBatch with y ${b.what}`, () => m.trainOnBatch(x, badY));
      expectLW(`evaluate with y ${b.what}`, () => m.evaluate(x, badY));
      await expectLWAsync(`fit with y ${b.what}`, () => m.fit(x, badY, { epochs: 1 }));
      return intact(`y ${b.what}`);
    }
    case 'batchSize':
    case 'epochs': {
      m.compile({ optimizer: optimizer(tt), loss: tt.loss });
      if (b.kind === 'epochs') await expectLWAsync(`fit with epochs ${String(b.value)}`, () => m.fit(x, y, { epochs: b.value as number, onWarning: () => {} }));
      else if (b.call === 'fit') await expectLWAsync(`fit with batchSize ${String(b.value)}`, () => m.fit(x, y, { epochs: 1, batchSize: b.value as number, onWarning: () => {} }));
      else expectLW(`evaluate with batchSize ${String(b.value)}`, () => m.evaluate(x, y, { batchSize: b.value as number }));
      return intact(`${b.kind} ${String(b.value)}`);
    }
    case 'during-fit': {
      const startWeights = m.stateDict();
      m.compile({ optimizer: optimizer(tt), loss: tt.loss });
      const what = `${b.call} during fit (from ${b.via === 'callback' ? 'a callback' : 'the event loop'})`;
      let inner: Promise<unknown> | undefined;
      const call = () => {
        inner = attemptAsync(what, async () => {
          switch (b.call) {
            case 'compile': return m.compile({ optimizer: 'sgd', loss: 'mse' });
            case 'fit': return m.fit(x, y, { epochs: 1, onWarning: () => {} });
            case 'dispose': return m.dispose();
            case 'evaluate': return m.evaluate(x, y);
            case 'trainOnBatch': return m.trainOnBatch(x, y);
            case 'predict': return m.predict(x);
          }
        });
      };
      const callbacks = b.via === 'callback' ? [{ onBatchEnd: (batch: number) => { if (batch === 0 && !inner) call(); } }] : [];
      if (b.via === 'event-loop') setImmediate(call);
      const fitted = await attemptAsync('the fit that was interrupted', () => m.fit(x, y, { epochs: 3, batchSize: 1, seed: 3, callbacks, onWarning: () => {} }));
      const r = (await inner) as Awaited<ReturnType<typeof attemptAsync>> | undefined;
      if (!r) return; // the fit ended before the call could be made
      const refused = !r.ok;
      if (b.call === 'dispose') {
        if (!m.isDisposed && !refused) finding(`${what}: dispose neither refused nor done`, '');
        return;
      }
      if (b.call === 'evaluate' || b.call === 'predict') {
        if (refused || !fitted.ok) return;
        const ref = await twin(startWeights);
        try {
          ref.compile({ optimizer: optimizer(tt), loss: tt.loss });
          const rf = await attemptAsync('the undisturbed twin fit', () => ref.fit(x, y, { epochs: 3, batchSize: 1, seed: 3, onWarning: () => {} }));
          if (rf.ok && !sameFloats(ref.snapshotParams(), m.snapshotParams())) finding(`${what} changed the training`, 'the weights differ from an undisturbed twin\'s');
        } finally {
          ref.dispose();
        }
        return;
      }
      if (!refused) finding(`${what} was accepted`, `expected an LstmWasmError; the fit then ${fitted.ok ? 'resolved' : 'rejected: ' + clip(fitted.error.message, 200)}`);
      return;
    }
  }
}

// ── the case ───────────────────────────────────────────────────────────────────────────────

/** Every finding restarts the sandbox: a failed case may leave models and blocks behind, or a corrupt heap. */
async function run(c: ModelsCase): Promise<void> {
  try {
    await runCase(c);
  } catch (e) {
    if (e instanceof Finding && !e.fatal) throw new Finding(e.label, e.detail, true);
    throw e;
  }
}

async function runCase(c: ModelsCase): Promise<void> {
  const before = new Map<BackendName, { blocks: number; bytes: number }>();
  for (const b of BACKENDS) {
    await useBackend(b);
    before.set(b, { blocks: memoryInfo().liveBlocks, bytes: memoryInfo().heapBytes });
  }
  const made: Sequential[] = [];
  const make = async (b: BackendName, weights?: Record<string, Tensor>): Promise<Sequential> => {
    await useBackend(b);
    const m = new Sequential(makeLayers(c.stack, c.F, c.seed), { name: `m_${b}` });
    made.push(m);
    m.build(c.F);
    if (weights) m.loadStateDict(weights);
    return m;
  };
  let caseFailure: unknown;
  try {
    const x = { shape: [c.B, c.T, c.F], data: randomData(c.B * c.T * c.F, c.seed) };
    const ref = await make('js');
    const want = attempt('predict on js', () => ref.predict(x));
    if (!want.ok) finding('a valid model cannot predict on js', want.error.message);
    const sd = ref.stateDict();
    const models = new Map<BackendName, Sequential>([['js', ref]]);
    for (const b of ['wasm-simd', 'wasm'] as const) {
      const m = await make(b, sd);
      models.set(b, m);
      const got = attempt(`predict on ${b}`, () => m.predict(x));
      if (!got.ok) finding(`a valid model cannot predict on ${b}`, got.error.message);
      expectNear(`predict on ${b}`, got.value, want.value);
    }
    const out = want.value;
    const y = { shape: out.shape, data: randomData(out.data.length, c.seed + 1, 0.5) };
    if (outputKeepsTime(c.stack) !== (out.shape.length === 3)) finding('the output rank does not follow returnSequences', `[${out.shape}]`);

    if (c.train) {
      const start = ref.snapshotParams();
      const wantLosses = await train(ref, c.train, x, y);
      if (!wantLosses.every(Number.isFinite)) return; // diverged on js: nothing to compare
      const wantW = ref.snapshotParams();
      // updates linear in the gradient (SGD) of a smooth loss are compared weight by weight; Adam and RMSprop divide
      // by √v + ε, which turns the rounding of a near-zero gradient into a difference of up to lr, and mae's gradient
      // flips sign where a prediction meets its target: for those only the first loss (before any update) is compared
      const comparable = (c.train.optimizer === 'sgd' || c.train.optimizer === 'momentum') && c.train.loss !== 'mae';
      for (const b of ['wasm-simd', 'wasm'] as const) {
        const m = models.get(b)!;
        const losses = await train(m, c.train, x, y);
        const d = maxRelDiff(comparable ? losses : losses.slice(0, 1), comparable ? wantLosses : wantLosses.slice(0, 1));
        if (!(d <= 1e-5)) finding(`training on ${b}: losses differ from js`, `${JSON.stringify(losses)} vs js ${JSON.stringify(wantLosses)}`);
        if (!losses.every(Number.isFinite)) finding(`training on ${b}: non-finite loss where js has finite ones`, JSON.stringify(losses));
        if (comparable) expectTrainedNear(`training on ${b}`, m.snapshotParams(), wantW, start);
      }
    }

    if (c.bad) {
      const m = models.get(c.badOn)!;
      await useBackend(c.badOn);
      await runBad(c.bad, m, x, y, c.train, (weights) => make(c.badOn, weights));
    }
  } catch (e) {
    caseFailure = e;
  } finally {
    for (const m of made) attempt('dispose', () => m.dispose());
  }
  // the heaps are checked also after a finding: a call wrongly accepted (compile during fit) may have
  // corrupted memory, and that corruption is the finding that matters (it is thrown first)
  await checkHeaps(before);
  if (caseFailure !== undefined) throw caseFailure;
}

export const models: Target<ModelsCase> = { name: 'models', arbitrary, setup, run };
