/**
 * Saving and loading whole models: model.save() → JSON text → Sequential.load
 * gives the same model (identical predictions, names, settings); with the
 * optimizer state, training resumes exactly where it stopped; the weights
 * file is a plain safetensors file under PyTorch's names (parsed here by
 * hand, not by the library's reader); corrupt or mismatched files fail
 * clearly and leak nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  Adam, AdamW, Bidirectional, Dense, GRU, init, LSTM, LstmWasmError, memoryInfo, RMSprop, SGD, Sequential, SimpleRNN,
  type BackendName, type Optimizer, type Tensor,
} from '../src/index.js';
import { BACKENDS, randomTensor, rng } from './helpers.js';

/** Every layer type: LSTM(seq) → Bidirectional(GRU(seq)) → SimpleRNN(relu) → Dense(softmax). */
function everyLayer(): Sequential {
  return new Sequential([
    new LSTM({ inputSize: 3, units: 4, returnSequences: true, name: 'lstm' }),
    new Bidirectional(new GRU({ units: 3, returnSequences: true }), { name: 'bi' }),
    new SimpleRNN({ units: 5, activation: 'relu', name: 'rnn' }),
    new Dense({ units: 3, activation: 'softmax', name: 'out' }),
  ], { name: 'every_layer' });
}

/** Random weights everywhere (so nothing matches a fresh initialization by chance). */
function randomize(m: Sequential, seed: number): void {
  const r = rng(seed);
  const sd = m.stateDict();
  m.loadStateDict(Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, randomTensor(t.shape, r, 0.6)])));
}

const sameTensors = (a: Record<string, Tensor>, b: Record<string, Tensor>, what: string) => {
  expect(Object.keys(b).sort(), what).toEqual(Object.keys(a).sort());
  for (const k of Object.keys(a)) {
    expect(b[k].shape, `${what} ${k}`).toEqual(a[k].shape);
    expect(Array.from(b[k].data), `${what} ${k}`).toEqual(Array.from(a[k].data));
  }
};

/** A safetensors file read by hand: u64 LE header size, JSON header, little-endian data. */
function parseSafetensors(bytes: Uint8Array): { tensors: Record<string, Tensor>; metadata: Record<string, string> | undefined } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  expect(8 + n).toBeLessThanOrEqual(bytes.length);
  const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  const { __metadata__: metadata, ...entries } = header as { __metadata__?: Record<string, string> };
  const base = 8 + n;
  const spans: [number, number][] = [];
  const tensors: Record<string, Tensor> = {};
  for (const [name, info] of Object.entries(entries) as [string, { dtype: string; shape: number[]; data_offsets: [number, number] }][]) {
    expect(info.dtype, name).toBe('F32');
    const [b, e] = info.data_offsets;
    const count = info.shape.reduce((x, y) => x * y, 1);
    expect(e - b, `${name} byte span`).toBe(4 * count);
    spans.push([b, e]);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = dv.getFloat32(base + b + 4 * i, true);
    tensors[name] = { shape: info.shape, data };
  }
  // the data section is exactly the tensors, back to back
  spans.sort((p, q) => p[0] - q[0]);
  let at = 0;
  for (const [b, e] of spans) {
    expect(b).toBe(at);
    at = e;
  }
  expect(base + at).toBe(bytes.length);
  return { tensors, metadata };
}

function loadFails(json: unknown, weights: Uint8Array, ...patterns: RegExp[]): void {
  const before = memoryInfo().liveBlocks;
  let err: unknown;
  try {
    Sequential.load(json as string, weights);
  } catch (e) {
    err = e;
  }
  if (!(err instanceof LstmWasmError)) throw new Error(`expected an LstmWasmError, got ${err === undefined ? 'no error' : String(err)}`);
  for (const p of patterns) expect(err.message).toMatch(p);
  if (process.env.SHOW_DIFFS) console.log(err.message);
  expect(memoryInfo().liveBlocks, `liveBlocks after a failed load (${err.message})`).toBe(before);
}

describe.each(BACKENDS)('save and load on %s', (name: BackendName) => {
  it('a model with every layer type round-trips through JSON text: identical predictions, names and settings', async () => {
    await init({ backend: name });
    const m = everyLayer();
    randomize(m, 1);
    const x = randomTensor([3, 6, 3], rng(2));
    const want = m.predict(x);
    const saved = m.save();
    const text = JSON.stringify(saved.json);
    for (const json of [JSON.parse(text), text]) {
      const l = Sequential.load(json, saved.weights);
      expect(l.name).toBe('every_layer');
      expect(l.layers.map((x) => x.className)).toEqual(['LSTM', 'Bidirectional', 'SimpleRNN', 'Dense']);
      expect(l.layers.map((x) => x.name)).toEqual(['lstm', 'bi', 'rnn', 'out']);
      expect((l.layers[2] as SimpleRNN).activation).toBe('relu');
      expect((l.layers[3] as Dense).activation).toBe('softmax');
      expect((l.layers[1] as Bidirectional).forwardLayer.returnSequences).toBe(true);
      expect(l.summary()).toBe(m.summary());
      sameTensors(m.stateDict(), l.stateDict(), 'stateDict');
      const got = l.predict(x);
      expect(got.shape).toEqual(want.shape);
      expect(Array.from(got.data)).toEqual(Array.from(want.data));
      l.dispose();
    }
    // the last-state Bidirectional(LSTM) and a Dense per step too
    const b = new Sequential([
      new Bidirectional(new LSTM({ inputSize: 2, units: 3, returnSequences: true }), { name: 'b1' }),
      new Dense({ units: 4, activation: 'tanh', name: 'd1' }),
      new Bidirectional(new LSTM({ units: 2 }), { name: 'b2' }),
      new Dense({ units: 1, name: 'd2' }),
    ]);
    randomize(b, 3);
    const xb = randomTensor([2, 5, 2], rng(4));
    const sb = b.save();
    const lb = Sequential.load(JSON.stringify(sb.json), sb.weights);
    expect(Array.from(lb.predict(xb).data)).toEqual(Array.from(b.predict(xb).data));
    lb.dispose();
    b.dispose();
    m.dispose();
  });

  it('stateDict uses PyTorch names and shapes, and the weights file is valid safetensors with them', async () => {
    await init({ backend: name });
    const m = everyLayer();
    randomize(m, 5);
    const sd = m.stateDict();
    const shapes = Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, t.shape]));
    const rnn = (p: string, G: number, H: number, I: number, s = '_l0') => ({
      [`${p}.weight_ih${s}`]: [G * H, I], [`${p}.weight_hh${s}`]: [G * H, H], [`${p}.bias_ih${s}`]: [G * H], [`${p}.bias_hh${s}`]: [G * H],
    });
    expect(shapes).toEqual({
      ...rnn('lstm', 4, 4, 3),
      ...rnn('bi', 3, 3, 4), ...rnn('bi', 3, 3, 4, '_l0_reverse'),
      ...rnn('rnn', 1, 5, 6),
      'out.weight': [3, 5], 'out.bias': [3],
    });
    const { tensors, metadata } = parseSafetensors(m.save().weights);
    sameTensors(sd, tensors, 'safetensors');
    expect(metadata?.format).toBe('pt');
    // a compiled model saved without its optimizer holds only the weights
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    expect(Object.keys(parseSafetensors(m.save().weights).tensors).sort()).toEqual(Object.keys(sd).sort());
    // with it, the weights are still all there under the same names
    m.trainOnBatch(randomTensor([2, 4, 3], rng(6)), [[1, 0, 0], [0, 0, 1]]);
    const withOpt = parseSafetensors(m.save({ includeOptimizer: true }).weights).tensors;
    sameTensors(m.stateDict(), Object.fromEntries(Object.keys(sd).map((k) => [k, withOpt[k]])), 'weights beside the optimizer state');
    m.dispose();
  });

  it('compile settings are saved: optimizer (with its settings), loss and metrics', async () => {
    await init({ backend: name });
    const m = everyLayer();
    m.compile({ optimizer: new AdamW({ learningRate: 0.02, weightDecay: 0.1, beta2: 0.99, globalClipNorm: 2 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const s = m.save();
    const l = Sequential.load(JSON.parse(JSON.stringify(s.json)), s.weights);
    expect(l.optimizer!.config()).toEqual(m.optimizer!.config());
    expect(l.optimizer!.config()).toMatchObject({ name: 'AdamW', learningRate: 0.02, weightDecay: 0.1, beta2: 0.99, globalClipNorm: 2 });
    expect(l.lossName).toBe('categoricalCrossentropy');
    expect(l.metricNames).toEqual(['accuracy']);
    l.dispose();
    m.dispose();
  });

  it('with includeOptimizer, 3 steps + save + load + 3 steps = 6 uninterrupted steps, exactly', async () => {
    await init({ backend: name });
    const make = (opt: () => Optimizer) => {
      const m = new Sequential([
        new LSTM({ inputSize: 3, units: 5, returnSequences: true, seed: 1, name: 'lstm' }),
        new GRU({ units: 4, seed: 2, name: 'gru' }),
        new Dense({ units: 2, seed: 3, name: 'dense' }),
      ]);
      m.compile({ optimizer: opt(), loss: 'mse', metrics: ['mae'] });
      return m;
    };
    const r = rng(7);
    const xs = [0, 1, 2, 3, 4, 5].map(() => randomTensor([4, 3, 3], r));
    const ys = [0, 1, 2, 3, 4, 5].map(() => randomTensor([4, 2], r));
    for (const opt of [() => new Adam({ learningRate: 0.01 }), () => new RMSprop({ learningRate: 0.01 }), () => new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true })]) {
      const ref = make(opt);
      for (let i = 0; i < 6; i++) ref.trainOnBatch(xs[i], ys[i]);
      const a = make(opt);
      for (let i = 0; i < 3; i++) a.trainOnBatch(xs[i], ys[i]);
      const saved = a.save({ includeOptimizer: true });
      const plain = a.save();
      a.dispose();
      const b = Sequential.load(JSON.stringify(saved.json), saved.weights);
      expect(b.optimizer!.iterations).toBe(3);
      for (let i = 3; i < 6; i++) b.trainOnBatch(xs[i], ys[i]);
      expect(b.optimizer!.iterations).toBe(6);
      sameTensors(ref.stateDict(), b.stateDict(), `${ref.optimizer!.name} resumed`);
      // without the optimizer state the optimizer starts afresh: the weights end elsewhere
      const c = Sequential.load(JSON.stringify(plain.json), plain.weights);
      expect(c.optimizer!.iterations).toBe(0);
      for (let i = 3; i < 6; i++) c.trainOnBatch(xs[i], ys[i]);
      expect(Array.from(c.stateDict()['lstm.weight_ih_l0'].data)).not.toEqual(Array.from(ref.stateDict()['lstm.weight_ih_l0'].data));
      for (const m of [ref, b, c]) m.dispose();
    }
  });

  it('a loaded model trains on with fit, and dispose frees all it took', async () => {
    await init({ backend: name });
    const before = memoryInfo().liveBlocks;
    const m = everyLayer();
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const s = m.save({ includeOptimizer: true });
    m.dispose();
    expect(memoryInfo().liveBlocks).toBe(before);
    const l = Sequential.load(s.json, s.weights);
    const x = randomTensor([4, 3, 3], rng(8));
    const y = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]];
    const loss0 = l.evaluate(x, y).loss;
    const h = await l.fit(x, y, { epochs: 5, batchSize: 2 });
    expect(h.history.loss.length).toBe(5);
    expect(l.evaluate(x, y).loss).toBeLessThan(loss0);
    l.dispose();
    expect(memoryInfo().liveBlocks).toBe(before);
  });

  it('corrupt JSON or weights that do not fit the architecture: clear errors, nothing leaked', async () => {
    await init({ backend: name });
    const m = everyLayer();
    randomize(m, 9);
    m.compile({ optimizer: 'adam', loss: 'mse' });
    m.trainOnBatch(randomTensor([2, 4, 3], rng(10)), [[1, 0, 0], [0, 1, 0]]);
    const { json, weights } = m.save({ includeOptimizer: true });
    const text = JSON.stringify(json);
    loadFails(text.slice(0, text.length - 7), weights, /JSON/, /parse/);
    loadFails('{"hello": 1}', weights, /not an lstm-wasm model/);
    loadFails({ ...json, layers: [{ className: 'Conv1D', config: {} }] }, weights, /unknown layer class/, /Conv1D/);
    // the architecture says 2 outputs, the file holds 3
    const narrower = JSON.parse(text);
    narrower.layers[3].config.units = 2;
    loadFails(narrower, weights, /out/, /\[2,5\]/, /\[3,5\]/);
    // the architecture says 5 LSTM units (and the next layer 10 inputs), the file holds 4
    const wider = JSON.parse(text);
    wider.layers[0].config.units = 5;
    wider.layers[1].config.layer.inputSize = 5;
    loadFails(wider, weights, /lstm/, /\[20\b/, /\[16\b/);
    // an architecture that contradicts itself
    const inconsistent = JSON.parse(text);
    inconsistent.layers[0].config.units = 5;
    loadFails(inconsistent, weights, /bi/, /4 input features/);
    // a layer fewer in the architecture than in the file
    const shorter = JSON.parse(text);
    shorter.layers.splice(3, 1);
    loadFails(shorter, weights, /4 layer/, /has 3/);
    // weights of another model entirely
    const other = new Sequential([new LSTM({ inputSize: 3, units: 4, name: 'lstm' }), new Dense({ units: 1, name: 'out' })]);
    loadFails(json, other.save().weights, /state_dict|layer/);
    other.dispose();
    // damaged bytes
    loadFails(json, weights.slice(0, weights.length - 10), /safetensors/, /truncated/);
    loadFails(json, new Uint8Array([1, 2, 3]), /safetensors/);
    const badHeader = weights.slice();
    badHeader[9] = 0xff;
    loadFails(json, badHeader, /safetensors/);
    // the optimizer state of a different model (after the weights loaded fine and the model compiled)
    const o = everyLayer();
    o.compile({ optimizer: 'adam', loss: 'mse' });
    o.trainOnBatch(randomTensor([2, 4, 3], rng(11)), [[1, 0, 0], [0, 1, 0]]);
    const oSaved = o.save({ includeOptimizer: true });
    const bytes = parseSafetensors(oSaved.weights).tensors;
    const slot = Object.keys(bytes).find((k) => !(k in m.stateDict()))!;
    expect(slot).toBeDefined();
    o.dispose();
    const broken: Record<string, Tensor> = { ...m.stateDict(), [slot]: { shape: [7], data: new Float32Array(7) } };
    const { writeSafetensors } = await import('../src/index.js');
    loadFails(json, writeSafetensors(broken, { optimizer_iterations: '1' }), /optimizer/);
    // one of Adam's two slots missing (the other of the right size)
    const saved = parseSafetensors(weights).tensors;
    const slots = Object.keys(saved).filter((k) => !(k in m.stateDict())).sort();
    expect(slots.length).toBe(2);
    loadFails(json, writeSafetensors({ ...m.stateDict(), [slots[1]]: saved[slots[1]] }, { optimizer_iterations: '1' }), /optimizer/);
    // the model that saved all this is untouched and still works
    expect(m.predict(randomTensor([1, 4, 3], rng(12))).data.every(Number.isFinite)).toBe(true);
    m.dispose();
  });
});

describe('hostile model files', () => {
  /** A small compiled, trained model's files, and its weights with the optimizer slots renamed by `rename`. */
  async function files() {
    await init({ backend: 'wasm-simd' });
    const m = new Sequential([new LSTM({ inputSize: 2, units: 3, name: 'lstm', returnSequences: false }), new Dense({ units: 1, name: 'out' })]);
    m.compile({ optimizer: new Adam({ epsilon: 1e-6 }), loss: 'mse', metrics: ['mae'] });
    m.trainOnBatch(randomTensor([2, 4, 2], rng(1)), [[0.5], [-0.5]]);
    const { json, weights } = m.save({ includeOptimizer: true });
    const { writeSafetensors, readSafetensorsWithMetadata } = await import('../src/index.js');
    const { tensors, metadata } = readSafetensorsWithMetadata(weights);
    const withSlots = (names: Record<string, string>) => writeSafetensors(
      Object.fromEntries(Object.entries(tensors).map(([k, t]) => [names[k] ?? k, t])), metadata);
    m.dispose();
    return { json: JSON.parse(JSON.stringify(json)), weights, withSlots, writeSafetensors, tensors, metadata };
  }

  it('an optimizer slot index is checked against the slots in the file before it sizes anything', async () => {
    const { json, withSlots } = await files();
    // 4294967294 once sized an array (2 GB, 8 s), 99999999 made an 80-million-character message, and
    // 9007199254740991 was accepted; none of them is a slot of a file that holds two
    for (const index of ['4294967294', '99999999', '9007199254740991']) {
      const started = performance.now();
      let message = '';
      try {
        Sequential.load(json, withSlots({ 'optimizer.slot1': `optimizer.slot${index}` }));
      } catch (e) {
        expect(e).toBeInstanceOf(LstmWasmError);
        message = (e as Error).message;
      }
      expect(message).toMatch(/optimizer\.slot\d+|slots must be numbered 0 to 1/);
      expect(message.length).toBeLessThan(400);
      expect(performance.now() - started, 'a hang guard, not a speed measure').toBeLessThan(5000);
    }
    loadFails(json, withSlots({ 'optimizer.slot1': 'optimizer.slot9007199254740991' }), /unknown optimizer tensor "optimizer\.slot9007199254740991"/);
    loadFails(json, withSlots({ 'optimizer.slot1': 'optimizer.slot2' }), /not optimizer\.slot1; the slots must be numbered 0 to 1/);
    // names that used to be ignored
    for (const bad of ['optimizer.slot-1', 'optimizer.slotabc', 'optimizer.slot01', 'optimizer.moments']) {
      loadFails(json, withSlots({ 'optimizer.slot1': bad }), /unknown optimizer tensor/, new RegExp(bad.replace('.', '\\.')));
    }
  });

  it('every field of the model JSON is checked, none coerced', async () => {
    const { json, weights, writeSafetensors, tensors, metadata } = await files();
    const edit = (f: (j: typeof json) => void) => {
      const j = JSON.parse(JSON.stringify(json));
      f(j);
      return j;
    };
    loadFails(edit((j) => (j.layers[0] = null)), weights, /layers\[0\] must be an object \{ className, config \}, got null/);
    loadFails(edit((j) => (j.compile.metrics = 'mae')), weights, /"compile\.metrics" must be an array of metric names, got "mae"/);
    loadFails(edit((j) => (j.layers[0].config.returnSequences = 'false')), weights, /layers\[0\] \(LSTM\): lstm: returnSequences must be true or false, got "false"/);
    loadFails(edit((j) => (j.compile.optimizer.epsilon = 'abc')), weights, /Adam: epsilon must be a positive finite number, got "abc"/);
    loadFails(edit((j) => (j.compile.loss = 'toString')), weights, /unknown loss "toString"/);
    loadFails(edit((j) => (j.layers[1].className = '__proto__')), weights, /unknown layer class "__proto__"/);
    loadFails(edit((j) => (j.layers[1].config.activation = 'constructor')), weights, /activation must be one of/);
    loadFails(edit((j) => (j.layers[0].config.units = '3')), weights, /units must be a whole number/);
    loadFails(edit((j) => (j.layers[0].config.recurrentDropout = 0.1)), weights, /unknown option "recurrentDropout"/);
    loadFails(edit((j) => (j.version = 2)), weights, /version 2 is not one this version reads/);
    loadFails(edit((j) => (j.name = 5)), weights, /"name" must be a string/);
    loadFails(edit((j) => delete j.compile), weights, /optimizer state but the model JSON has no compile settings/);
    loadFails(json, writeSafetensors(tensors, { ...metadata, optimizer_iterations: '1e3' }), /optimizer_iterations must be a whole number, got "1e3"/);
    // and the untouched pair loads
    Sequential.load(json, weights).dispose();
  });
});
