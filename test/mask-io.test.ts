/**
 * Masking through the loaders and savers, against TensorFlow.js (test/peers):
 *
 * - loadTfjs of what TF.js's model.save() writes for Masking → Bidirectional
 *   → LSTM → Dense: predict equals TF.js's on inputs padded in the middle
 *   and at the ends (1e-5, every backend);
 * - toTfjs of a model with Masking: TF.js loads it and predicts the same;
 * - Keras's semantics where they differ from TF.js's: Keras's Bidirectional
 *   zeroes its outputs at padded steps (it sets zero_output_for_mask =
 *   return_sequences on its layers), TF.js's carries them. Loaded as Keras,
 *   the real steps equal TF.js's and the padded ones are 0; loaded as TF.js,
 *   all of them equal TF.js's.
 */
import { describe, expect, it } from 'vitest';
import { Dense, init, loadTfjs, LSTM, Masking, Sequential } from '../src/index.js';
import { modelFromKerasConfig } from '../src/io/keras/config.js';
import { readManifest } from '../src/io/tfjs/manifest.js';
import { BACKENDS, maxAbsDiff } from './helpers.js';
import { tf } from './tfjs-peer.js';
import { rng } from './rng.js';

const B = 3, T = 6, F = 2;
/** Padded steps per sequence: the middle, the start and the end, the end only. */
const PADDED = [[2, 3], [0, 5], [4, 5]];

function paddedInput(seed: number, maskValue: number): Float32Array {
  const r = rng(seed), x = Float32Array.from({ length: B * T * F }, () => r());
  PADDED.forEach((steps, b) => { for (const t of steps) x.fill(maskValue, (b * T + t) * F, (b * T + t + 1) * F); });
  return x;
}

/** What TF.js's model.save() writes, as loadTfjs takes it. */
async function saved(m: { save: (h: unknown) => Promise<unknown> }): Promise<{ modelJson: { modelTopology: unknown; weightsManifest: { paths: string[]; weights: object[] }[] }; weights: Uint8Array }> {
  let a: { modelTopology: object; weightSpecs: object[]; weightData: ArrayBuffer; format: string } | undefined;
  await m.save(tf.io.withSaveHandler(async (x: typeof a) => {
    a = x;
    return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
  }));
  return { modelJson: { modelTopology: a!.modelTopology, weightsManifest: [{ paths: ['w.bin'], weights: a!.weightSpecs }] }, weights: new Uint8Array(a!.weightData) };
}

const uniform = (seed: number) => tf.initializers.randomUniform({ minval: -0.6, maxval: 0.6, seed });
function recurrentInit(seed: number) {
  return { kernelInitializer: uniform(seed), recurrentInitializer: uniform(seed + 1), biasInitializer: uniform(seed + 2) };
}

/** Masking → Bidirectional(GRU reset before, all steps) [→ LSTM → Dense]. */
function tfModel(full: boolean) {
  const m = tf.sequential();
  m.add(tf.layers.masking({ maskValue: 0, inputShape: [T, F] }));
  m.add(tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3, resetAfter: false, returnSequences: true, ...recurrentInit(1) }) as never, mergeMode: 'concat' }));
  if (full) {
    m.add(tf.layers.lstm({ units: 3, ...recurrentInit(4) }));
    m.add(tf.layers.dense({ units: 2, kernelInitializer: uniform(7), biasInitializer: uniform(8) }));
  }
  return m;
}

const predictTf = (m: ReturnType<typeof tfModel>, x: Float32Array) => (m.predict(tf.tensor3d(x, [B, T, F])) as { dataSync(): Float32Array }).dataSync();

describe.each(BACKENDS)('Masking through the loaders on %s', (backend) => {
  it('loadTfjs: Masking → Bidirectional GRU → LSTM → Dense predicts as TF.js', async () => {
    await init({ backend });
    const theirs = tfModel(true), x = paddedInput(1, 0);
    const { modelJson, weights } = await saved(theirs);
    const ours = loadTfjs(modelJson, weights);
    expect(ours.layers.map((l) => l.className)).toEqual(['Masking', 'Bidirectional', 'LSTM', 'Dense']);
    expect(maxAbsDiff(ours.predict({ shape: [B, T, F], data: x }).data, predictTf(theirs, x))).toBeLessThan(1e-5);
    ours.dispose();
  });

  it('toTfjs: Masking(-1) → LSTM (all steps) → Dense loads in TF.js and predicts the same', async () => {
    await init({ backend });
    const ours = new Sequential([new Masking({ maskValue: -1, inputSize: F }), new LSTM({ units: 4, returnSequences: true, seed: 3 }), new Dense({ units: 2, seed: 4 })]);
    const x = paddedInput(2, -1);
    const mine = ours.predict({ shape: [B, T, F], data: x });
    const { modelJson, weights } = ours.toTfjs();
    const back = JSON.parse(JSON.stringify(modelJson));
    const theirs = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: back.modelTopology, weightSpecs: back.weightsManifest[0].weights, weightData: weights.slice().buffer }));
    expect(theirs.layers[0].getClassName()).toBe('Masking');
    expect(maxAbsDiff(mine.data, (theirs.predict(tf.tensor3d(x, [B, T, F])) as { dataSync(): Float32Array }).dataSync())).toBeLessThan(1e-5);
    ours.dispose();
  });

  it("a Bidirectional returning all steps: zeros at padded steps as Keras's, carried as TF.js's", async () => {
    await init({ backend });
    const theirs = tfModel(false), x = paddedInput(3, 0), want = predictTf(theirs, x);
    const { modelJson, weights } = await saved(theirs);
    const tensors = readManifest(modelJson.weightsManifest, weights, 'test');
    const weightsOf = (name: string) => tensors.filter((w) => w.name.split('/')[0] === name).map((w) => w.tensor);
    const asTfjs = modelFromKerasConfig(modelJson.modelTopology, weightsOf, 'test', { runtime: 'tfjs' });
    const asKeras = modelFromKerasConfig(modelJson.modelTopology, weightsOf, 'test', { runtime: 'keras' });
    const carried = asTfjs.predict({ shape: [B, T, F], data: x }).data, zeroed = asKeras.predict({ shape: [B, T, F], data: x }).data;
    expect(maxAbsDiff(carried, want)).toBeLessThan(1e-5);
    const O = 6, kerasWant = Float32Array.from(want);
    PADDED.forEach((steps, b) => { for (const t of steps) kerasWant.fill(0, (b * T + t) * O, (b * T + t + 1) * O); });
    expect(maxAbsDiff(zeroed, kerasWant)).toBeLessThan(1e-5);
    // and TF.js's padded outputs are not zero, so the two really differ
    expect(maxAbsDiff(carried, kerasWant)).toBeGreaterThan(1e-2);
    asTfjs.dispose();
    asKeras.dispose();
  });
});
