// ONNX Runtime Web with its thread pool, in a process of its own:
// env.wasm.numThreads is fixed for a process when ORT-web's wasm starts, and
// the main process runs it with 1 thread. Checked against lstm-wasm js's
// outputs (which the main process wrote to REF_DIR/ID.f32), then timed
// alone. Prints { [workload id]: { diff, median, min, samples } | { failed } }.
// Run by bench/peers.js as
//   node bench/peers/ort-threads-child.js THREADS WORKLOADS_JSON TIMING_JSON REF_DIR
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from './ort.js';
import { race } from './timing.js';
import { input, lstmWeights, maxAbsDiff } from './workloads.js';

const [threads, workloads, timing, refDir] = [Number(process.argv[2]), JSON.parse(process.argv[3]), JSON.parse(process.argv[4]), process.argv[5]];
const reference = (id) => {
  const b = readFileSync(path.join(refDir, `${id}.f32`));
  return new Float32Array(new Uint8Array(b).buffer); // a copy: aligned whatever the Buffer's offset
};
const c = ort.contenders({ webThreads: threads })[0];
await c.load();
const out = {};
for (const w of workloads) {
  try {
    const f = await c.forward(w, lstmWeights(w), input(w));
    await f.run();
    const diff = maxAbsDiff(f.output(), reference(w.id));
    out[w.id] = { diff, ...(diff <= timing.tolerance ? (await race([{ key: 'x', run: f.run }], timing)).x : {}) };
    await f.dispose();
  } catch (e) {
    out[w.id] = { failed: e.message.split('\n')[0] };
  }
}
console.log(JSON.stringify(out));
process.exit(0); // its worker threads would keep the process alive
