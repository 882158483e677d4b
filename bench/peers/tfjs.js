// TensorFlow.js layers (4.22) on its cpu backend (plain JS) and its wasm
// backend (XNNPACK, SIMD, 1 thread), the same LSTM built with
// recurrentActivation 'sigmoid' (Keras's and PyTorch's gate function; TF.js's
// default, hardSigmoid, is a different model) and the shared weights in
// Keras layout. TF.js's Node bundles are CommonJS; its banner ("install
// tfjs-node") and initializer notices are silenced while it loads and builds.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { toKeras, transpose } from './workloads.js';

const require = createRequire(new URL('../package.json', import.meta.url));
let tf;

const quiet = (fn) => {
  const { log, warn, info } = console;
  console.log = console.warn = console.info = () => {};
  try { return fn(); } finally { Object.assign(console, { log, warn, info }); }
};

function loadTf() {
  if (tf) return tf;
  tf = quiet(() => require('@tensorflow/tfjs'));
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  // in Node the wasm backend reads its .wasm files from disk: a path prefix ending in a separator
  wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
  return tf;
}

async function use(backend) {
  if (tf.getBackend() === backend) return;
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} failed to initialize`);
  await tf.ready();
}

function lstmLayer(w, weights, returnSequences) {
  const k = toKeras(weights);
  const layer = tf.layers.lstm({
    units: w.H, returnSequences, recurrentActivation: 'sigmoid', inputShape: [w.T, w.I],
    recurrentInitializer: 'zeros', kernelInitializer: 'zeros', // overwritten below; TF.js's orthogonal init is slow
  });
  return { layer, set: () => { const ts = [tf.tensor(k.kernel, [w.I, 4 * w.H]), tf.tensor(k.recurrentKernel, [w.H, 4 * w.H]), tf.tensor(k.bias, [4 * w.H])]; layer.setWeights(ts); tf.dispose(ts); } };
}

function contender(backend, phase) {
  return {
    name: `TF.js ${backend}`,
    family: 'tfjs',
    phase,
    async load() {
      loadTf();
      await use(backend);
      if (backend === 'wasm' && !(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) throw new Error('TF.js wasm: no SIMD here');
      return { version: JSON.parse(readFileSync(new URL('../node_modules/@tensorflow/tfjs/package.json', import.meta.url), 'utf8')).version };
    },
    async forward(w, weights, x) {
      await use(backend);
      const model = tf.sequential();
      const l = lstmLayer(w, weights, true);
      quiet(() => { model.add(l.layer); l.set(); });
      const xs = tf.tensor(x, [w.B, w.T, w.I]);
      let y;
      return {
        run: () => { const t = model.predict(xs); y = t.dataSync(); t.dispose(); },
        output: () => y,
        dispose: () => { model.dispose(); xs.dispose(); },
      };
    },
    async train(w, weights, dense, x, target) {
      await use(backend);
      const model = tf.sequential();
      const l = lstmLayer(w, weights, false);
      const head = tf.layers.dense({ units: 1 });
      quiet(() => {
        model.add(l.layer);
        model.add(head);
        l.set();
        const ts = [tf.tensor(transpose(dense.weight, 1, w.H), [w.H, 1]), tf.tensor(dense.bias, [1])];
        head.setWeights(ts);
        tf.dispose(ts);
      });
      model.compile({ optimizer: tf.train.adam(w.lr), loss: 'meanSquaredError' });
      const xs = tf.tensor(x, [w.B, w.T, w.I]), ys = tf.tensor(target, [w.B, 1]);
      return { step: () => model.trainOnBatch(xs, ys), dispose: () => tf.dispose([model, xs, ys]) };
    },
  };
}

export function contenders() {
  return [contender('cpu', 'js'), contender('wasm', 'wasm')];
}
