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
 *   all of them equal TF.js's;
 * - a Keras 3 Functional chain InputLayer → Masking → LSTM, whose LSTM node
 *   records the mask it receives (kwargs.mask, a keras tensor): it loads,
 *   and its zero_output_for_mask decides what the padded steps give.
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

  for (const zero of [false, true]) {
    it(`a Keras 3 Functional Masking → LSTM (all steps, zero_output_for_mask ${zero}) with its mask kwarg`, async () => {
      await init({ backend });
      const theirs = tf.sequential();
      theirs.add(tf.layers.masking({ maskValue: 0, inputShape: [T, F] }));
      theirs.add(tf.layers.lstm({ units: 3, returnSequences: true, unitForgetBias: false, recurrentActivation: 'sigmoid', ...recurrentInit(20) }));
      const x = paddedInput(4, 0), want = Float32Array.from(predictTf(theirs as never, x));
      if (zero) PADDED.forEach((steps, b) => { for (const t of steps) want.fill(0, (b * T + t) * 3, (b * T + t + 1) * 3); });
      const lstmWeights = theirs.layers[1].getWeights().map((w) => ({ shape: w.shape, data: w.dataSync() as Float32Array }));
      const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
      const tensor = (from: string, dtype = 'float32') => ({ class_name: '__keras_tensor__', config: { shape: [null, T, F], dtype, keras_history: [from, 0, 0] } });
      const config = {
        module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
        config: {
          name: 'functional', trainable: true,
          layers: [
            { module: 'keras.layers', class_name: 'InputLayer', registered_name: null, name: 'input_layer', config: { batch_shape: [null, T, F], dtype: 'float32', sparse: false, name: 'input_layer' }, inbound_nodes: [] },
            { module: 'keras.layers', class_name: 'Masking', registered_name: null, name: 'masking', config: { name: 'masking', trainable: true, dtype: policy, mask_value: 0.0 }, inbound_nodes: [{ args: [tensor('input_layer')], kwargs: {} }] },
            {
              module: 'keras.layers', class_name: 'LSTM', registered_name: null, name: 'lstm',
              config: { name: 'lstm', trainable: true, dtype: policy, return_sequences: true, return_state: false, go_backwards: false, stateful: false, unroll: false, zero_output_for_mask: zero, units: 3, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, unit_forget_bias: false, dropout: 0.0, recurrent_dropout: 0.0, seed: null },
              // Keras 3 records the mask the LSTM receives from Masking as a call argument
              inbound_nodes: [{ args: [tensor('masking')], kwargs: { training: false, mask: tensor('masking', 'bool') } }],
            },
          ],
          input_layers: [['input_layer', 0, 0]], output_layers: [['lstm', 0, 0]],
        },
      };
      const ours = modelFromKerasConfig(config, (name) => (name === 'lstm' ? lstmWeights : []), 'test', { kerasVersion: '3.6.0' });
      expect(ours.layers.map((l) => l.className)).toEqual(['Masking', 'LSTM']);
      expect(maxAbsDiff(ours.predict({ shape: [B, T, F], data: x }).data, want)).toBeLessThan(1e-5);
      ours.dispose();
    });
  }
});
