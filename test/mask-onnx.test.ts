/**
 * loadOnnx of graphs whose recurrent nodes read sequence_lens (test/fixtures/mask/*.onnx, made by
 * make_mask_onnx.py there): each recurrent layer skips the padding (predict's `lengths`) and gives
 * zeros past each length (zeroOutputForMask), as ONNX's Y does; its final state Y_h is the state
 * at the sequence's own last step, in both directions. The reference is onnxruntime-node running
 * the same file with the same lengths; on every backend, to 1e-5.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { init, loadOnnx, type Tensor } from '../src/index.js';
import { BACKENDS, maxAbsDiff, throwsLW } from './helpers.js';
import { rng } from './rng.js';

type Ort = typeof import('../test/peers/node_modules/onnxruntime-node/dist/index.js');
const ortNode = (): Promise<Ort> => import(new URL('./peers/node_modules/onnxruntime-node/dist/index.js', import.meta.url).href);

const DIR = fileURLToPath(new URL('./fixtures/mask/', import.meta.url));
const file = (name: string) => new Uint8Array(readFileSync(`${DIR}${name}.onnx`));

const B = 4, T = 5, F = 3;
const LENGTHS = [5, 2, 1, 4];

/** x [T, B, F] (the graphs' layout 0) and the same batch-first [B, T, F] (ours). */
function inputs(seed: number): { timeMajor: Tensor; batchFirst: Tensor } {
  const r = rng(seed), tm = Float32Array.from({ length: T * B * F }, () => r()), bf = new Float32Array(tm.length);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) bf.set(tm.subarray((t * B + b) * F, (t * B + b + 1) * F), (b * T + t) * F);
  return { timeMajor: { shape: [T, B, F], data: tm }, batchFirst: { shape: [B, T, F], data: bf } };
}

async function runOrt(bytes: Uint8Array, x: Tensor): Promise<Float32Array> {
  const ort = await ortNode(), session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ x: new ort.Tensor('float32', x.data, x.shape), lens: new ort.Tensor('int32', Int32Array.from(LENGTHS), [B]) });
    return Float32Array.from(out[session.outputNames[0]].data as Float32Array);
  } finally {
    await session.release();
  }
}

const CASES = ['lstm_bidirectional_y_dense', 'gru_yh', 'rnn_reverse_yh', 'stack_lstm_y_gru_bidirectional_yh'];

describe.each(BACKENDS)('ONNX sequence_lens on %s', (backend) => {
  for (const name of CASES) {
    it(`${name}: predict(x, { lengths }) matches onnxruntime-node`, async () => {
      await init({ backend });
      const bytes = file(name), { timeMajor, batchFirst } = inputs(7);
      const model = loadOnnx(bytes);
      const ours = model.predict(batchFirst, { lengths: LENGTHS });
      const want = await runOrt(bytes, timeMajor);
      expect(maxAbsDiff(ours.data, want)).toBeLessThan(1e-5);
      // the lengths matter: without them the padding is read
      expect(maxAbsDiff(model.predict(batchFirst).data, want)).toBeGreaterThan(1e-3);
      model.dispose();
    });
  }
});

describe('ONNX sequence_lens refused', () => {
  it('a recurrent node without the lengths after one with them', async () => {
    await init({ backend: 'js' });
    throwsLW(() => loadOnnx(file('lens_to_one_of_two')), /input "lens" \(sequence_lens\) feeds 1 of the 2 recurrent nodes/);
  });
});
