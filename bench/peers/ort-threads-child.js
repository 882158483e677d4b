// ONNX Runtime Web with its thread pool, in a process of its own:
// env.wasm.numThreads is fixed for a process when ORT-web's wasm starts, and
// the main process runs it with 1 thread. Checked against lstm-wasm js (run
// here too: plain JS, before any wasm starts), then timed alone. Prints
// { [workload id]: { diff, median, min, samples } | { failed } }. Run by
// bench/peers.js as
//   node bench/peers/ort-threads-child.js THREADS WORKLOADS_JSON TIMING_JSON
import * as ours from './lstm-wasm.js';
import * as ort from './ort.js';
import { race } from './timing.js';
import { input, lstmWeights, maxAbsDiff } from './workloads.js';

const [threads, workloads, timing] = [Number(process.argv[2]), JSON.parse(process.argv[3]), JSON.parse(process.argv[4])];
const reference = ours.contenders()[0];
await reference.load();
const refs = {};
for (const w of workloads) {
  const f = await reference.forward(w, lstmWeights(w), input(w));
  f.run();
  refs[w.id] = f.output();
  f.dispose();
}
const c = ort.contenders({ webThreads: threads })[0];
await c.load();
const out = {};
for (const w of workloads) {
  try {
    const f = await c.forward(w, lstmWeights(w), input(w));
    await f.run();
    const diff = maxAbsDiff(f.output(), refs[w.id]);
    out[w.id] = { diff, ...(diff <= timing.tolerance ? (await race([{ key: 'x', run: f.run }], timing)).x : {}) };
    await f.dispose();
  } catch (e) {
    out[w.id] = { failed: e.message.split('\n')[0] };
  }
}
console.log(JSON.stringify(out));
process.exit(0); // its worker threads would keep the process alive
