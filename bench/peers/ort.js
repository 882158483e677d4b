// ONNX Runtime on the one-node model of onnx-lstm.js: onnxruntime-web (its
// wasm build, SIMD, 1 thread: env.wasm.numThreads is fixed for the process
// when its wasm starts, so a threaded run needs its own process, see
// ort-threads-child.js) and onnxruntime-node (native CPU, 1 intra-op thread).
// Input is fed time first, as ONNX's LSTM wants it: the transpose happens
// once, outside the timed run; the output is put back batch first only for
// the correctness check.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { onnxLstm } from './onnx-lstm.js';
import { swap01 } from './workloads.js';

const require = createRequire(new URL('../package.json', import.meta.url));
const version = (pkg) => JSON.parse(readFileSync(new URL(`../node_modules/${pkg}/package.json`, import.meta.url), 'utf8')).version;

function contender(name, pkg, phase, open, threads = 1) {
  let ort;
  return {
    name,
    family: pkg,
    phase,
    async load() {
      ort = await open();
      return { version: version(pkg) };
    },
    async forward(w, weights, x) {
      const session = await ort.InferenceSession.create(onnxLstm(w, weights), {
        executionMode: 'sequential', intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all',
      });
      const feeds = { X: new ort.Tensor('float32', swap01(x, w.B, w.T, w.I), [w.T, w.B, w.I]) };
      let y;
      return {
        run: async () => { y = (await session.run(feeds)).Y; },
        output: () => swap01(y.data, w.T, w.B, w.H),
        dispose: () => session.release(),
      };
    },
  };
}

/** ORT-web in Node: its Node build of the wasm runtime, threads fixed at `threads` for the process. */
async function ortWeb(threads) {
  const ort = await import(require.resolve('onnxruntime-web').replace(/ort\.[^/]*$/, 'ort.node.min.mjs'));
  ort.env.wasm.numThreads = threads;
  return ort;
}

export function contenders({ webThreads = 1 } = {}) {
  return [
    webThreads === 1
      ? contender('ORT-web wasm', 'onnxruntime-web', 'wasm', () => ortWeb(1))
      : contender(`ORT-web wasm ${webThreads} threads`, 'onnxruntime-web', 'wasm', () => ortWeb(webThreads), webThreads),
    contender('ORT-node native', 'onnxruntime-node', 'native', () => import('onnxruntime-node').then((m) => m.default ?? m)),
  ];
}
