// lstm-wasm itself, one contender per backend: 'wasm-simd', 'wasm' (scalar),
// 'js' (the plain-TS reference, which every other contender is checked
// against), and, where this build has them (issue 12's backendInfo()), the
// relaxed-SIMD build and the threaded one.
import { readFileSync } from 'node:fs';

const DIST = new URL('../../dist/index.js', import.meta.url).href;
let lib;

async function load() {
  lib ??= await import(DIST);
  return lib;
}

const tensor = (shape, data) => ({ shape, data });

/**
 * One contender: `options` (or options(lib)) go to init(); `check` says why
 * this variant cannot run here (or nothing).
 */
function contender(name, options, phase, check) {
  const use = async () => {
    const l = await load();
    await l.init(typeof options === 'function' ? options(l) : options);
    return l;
  };
  return {
    name: `lstm-wasm ${name}`,
    family: 'lstm-wasm',
    phase,
    async load() {
      const l = await load();
      const why = check ? await check(l) : undefined;
      if (why) throw new Error(why);
      return { version: JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version };
    },
    async forward(w, weights, x) {
      const l = await use();
      const layer = new l.LSTM({ inputSize: w.I, units: w.H, returnSequences: true });
      layer.setWeights({
        weight_ih_l0: tensor([4 * w.H, w.I], weights.weight_ih), weight_hh_l0: tensor([4 * w.H, w.H], weights.weight_hh),
        bias_ih_l0: tensor([4 * w.H], weights.bias_ih), bias_hh_l0: tensor([4 * w.H], weights.bias_hh),
      }, { from: 'torch' });
      const model = new l.Sequential([layer]);
      const xs = tensor([w.B, w.T, w.I], x);
      let y;
      return { run: () => { y = model.predict(xs).data; }, output: () => y, dispose: () => model.dispose() };
    },
    async train(w, weights, dense, x, target) {
      const l = await use();
      const lstm = new l.LSTM({ inputSize: w.I, units: w.H });
      lstm.setWeights({
        weight_ih_l0: tensor([4 * w.H, w.I], weights.weight_ih), weight_hh_l0: tensor([4 * w.H, w.H], weights.weight_hh),
        bias_ih_l0: tensor([4 * w.H], weights.bias_ih), bias_hh_l0: tensor([4 * w.H], weights.bias_hh),
      }, { from: 'torch' });
      const head = new l.Dense({ inputSize: w.H, units: 1 });
      head.setWeights({ weight: tensor([1, w.H], dense.weight), bias: tensor([1], dense.bias) }, { from: 'torch' });
      const model = new l.Sequential([lstm, head]);
      model.compile({ optimizer: new l.Adam({ learningRate: w.lr }), loss: 'mse' });
      const xs = tensor([w.B, w.T, w.I], x), ys = tensor([w.B, 1], target);
      return { step: () => model.trainOnBatch(xs, ys), dispose: () => model.dispose() };
    },
  };
}

/** Whether this build has issue 12's backendInfo(), and what it says after init(options). */
async function info(l, options) {
  if (typeof l.backendInfo !== 'function') return { why: 'this build has no backendInfo() yet (issue 12 part "relaxed" not merged)' };
  try {
    await l.init(options);
    return { info: l.backendInfo() };
  } catch (e) {
    return { why: `init(${JSON.stringify(options)}) failed here: ${e.message}` };
  }
}

export function contenders() {
  return [
    contender('js', { backend: 'js' }, 'js'),
    // the plain SIMD build: relaxedSimd false where the option exists (its default picks the relaxed build where it validates)
    contender('wasm-simd', (l) => (typeof l.backendInfo === 'function' ? { backend: 'wasm-simd', relaxedSimd: false } : { backend: 'wasm-simd' }), 'wasm'),
    contender('wasm', { backend: 'wasm' }, 'wasm'),
    contender('wasm-simd relaxed', { backend: 'wasm-simd', relaxedSimd: true }, 'wasm', async (l) => {
      const r = await info(l, { backend: 'wasm-simd', relaxedSimd: true });
      return r.why ?? (r.info.relaxedSimd ? undefined : 'backendInfo() says the relaxed build is not running');
    }),
    contender('wasm-simd 2 threads', { backend: 'wasm-simd', threads: 2 }, 'wasm', async (l) => {
      const r = await info(l, { backend: 'wasm-simd', threads: 2 });
      return r.why ?? (r.info.threads === 2 ? undefined : `backendInfo() says ${r.info.threads} thread(s) after init({ threads: 2 }) (issue 12 part "threads" not merged)`);
    }),
  ];
}
