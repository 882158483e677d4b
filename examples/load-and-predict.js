// Load weights trained in PyTorch (a 2-layer nn.LSTM saved as safetensors),
// predict with every backend, compare with PyTorch's own output, and stream
// the same sequence one step at a time. Run: `npm start`.
import { readFileSync } from 'node:fs';
import { init, backend, LSTM, Sequential, simdSupported } from '../dist/index.js';

const here = (f) => new URL(`./data/${f}`, import.meta.url);
const weights = readFileSync(here('lstm_stack.safetensors'));
const { input, output: torchOutput } = JSON.parse(readFileSync(here('lstm_stack.io.json'), 'utf8'));
const x = { shape: input.shape, data: Float32Array.from(input.data) };
const [B, T] = x.shape;

console.log('PyTorch nn.LSTM(8, 16, num_layers=2) from lstm_stack.safetensors');
console.log(`input: ${B} sequences × ${T} steps × 8 features; SIMD in this runtime: ${simdSupported() ? 'yes' : 'no'}\n`);

for (const name of ['wasm-simd', 'wasm', 'js']) {
  await init({ backend: name });
  const model = new Sequential([
    new LSTM({ inputSize: 8, units: 16, returnSequences: true }),
    new LSTM({ units: 16, returnSequences: true }),
  ]);
  model.loadStateDict(weights); // PyTorch's weight_ih_l0 … weight_hh_l1 map onto the two layers
  const y = model.predict(x);
  let maxDiff = 0;
  for (let i = 0; i < y.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(y.data[i] - torchOutput.data[i]));
  const t0 = performance.now();
  const runs = 200;
  for (let i = 0; i < runs; i++) model.predict(x);
  const ms = (performance.now() - t0) / runs;
  console.log(`${backend().padEnd(9)}  output [${y.shape}]  max |ours − PyTorch| = ${maxDiff.toExponential(1)}  predict ${ms.toFixed(3)} ms`);
  if (name === 'wasm-simd') {
    console.log(`\n${model.summary()}\n`);
    // live data: one step at a time, state carried between calls, no allocation
    const stream = model.stream({ batch: 1 });
    const step = new Float32Array(8), out = new Float32Array(16);
    for (let t = 0; t < T; t++) {
      step.set(x.data.subarray(t * 8, t * 8 + 8)); // sequence 0, step t
      stream.step(step, out);
    }
    const last = y.data.subarray((T - 1) * 16, T * 16);
    let d = 0;
    for (let j = 0; j < 16; j++) d = Math.max(d, Math.abs(out[j] - last[j]));
    console.log(`streamed ${T} steps one at a time: last output matches predict to ${d.toExponential(1)}\n`);
    stream.dispose();
  }
  model.dispose();
}
