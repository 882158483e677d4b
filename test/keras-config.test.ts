/**
 * modelFromKerasConfig on the Keras dialects loadTfjs does not see: Keras 3's
 * config.json (module / registered_name / build_config beside each layer,
 * DTypePolicy objects, InputLayer batch_shape, Bidirectional with its
 * backward_layer, inbound_nodes as keras tensors) written after Keras 3's
 * get_config (keras/src/layers/rnn/bidirectional.py, lstm.py, core/input_layer.py),
 * with the weights TF.js set in the bidirectional_concat fixture: the model is the
 * same math, so TF.js's predict is the reference.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { init, type Tensor } from '../src/index.js';
import { modelFromKerasConfig } from '../src/io/keras/config.js';
import { activationOf, GATE_ACTIVATIONS } from '../src/io/keras/attributes.js';
import { readManifest } from '../src/io/tfjs/manifest.js';
import { BACKENDS, expectClose, throwsLW } from './helpers.js';

const DIR = new URL('./fixtures/tfjs/', import.meta.url);
const fixture = JSON.parse(readFileSync(new URL('bidirectional_concat.json', DIR), 'utf8'));
const expected = JSON.parse(readFileSync(new URL('bidirectional_concat.expected.json', DIR), 'utf8'));
const weights = readManifest(fixture.weightsManifest, new Uint8Array(readFileSync(new URL('bidirectional_concat.bin', DIR))), 'fixture');
/** TF.js's layer names in the fixture, in model order. */
const tfjsNames = fixture.modelTopology.config.layers.map((l: { config: { name: string } }) => l.config.name);
/** The fixture's weights of the i-th layer, in manifest (Keras) order. */
const weightsOfLayer = (i: number): Tensor[] => weights.filter((w) => w.name.split('/')[0] === tfjsNames[i]).map((w) => w.tensor);

const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const init3 = (cls: string, config: object = {}) => ({ module: 'keras.initializers', class_name: cls, config, registered_name: null });
function lstm3(name: string, units: number, goBackwards: boolean, returnSequences: boolean, inputShape: (number | null)[]) {
  return {
    module: 'keras.layers', class_name: 'LSTM', registered_name: null, build_config: { input_shape: inputShape },
    config: {
      name, trainable: true, dtype: policy, return_sequences: returnSequences, return_state: false, go_backwards: goBackwards,
      stateful: false, unroll: false, zero_output_for_mask: returnSequences, units, activation: 'tanh', recurrent_activation: 'sigmoid',
      use_bias: true, kernel_initializer: init3('GlorotUniform', { seed: null }), recurrent_initializer: init3('OrthogonalInitializer', { gain: 1.0, seed: null }),
      bias_initializer: init3('Zeros'), unit_forget_bias: true, kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null,
      activity_regularizer: null, kernel_constraint: null, recurrent_constraint: null, bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0, seed: null,
    },
  };
}
function bidirectional3(name: string, inner: string, units: number, returnSequences: boolean, inputShape: (number | null)[]) {
  return {
    module: 'keras.layers', class_name: 'Bidirectional', registered_name: null, build_config: { input_shape: inputShape },
    config: {
      name, trainable: true, dtype: policy, merge_mode: 'concat',
      layer: lstm3(`forward_${inner}`, units, false, returnSequences, inputShape),
      backward_layer: lstm3(`backward_${inner}`, units, true, returnSequences, inputShape),
    },
  };
}
const dense3 = {
  module: 'keras.layers', class_name: 'Dense', registered_name: null, build_config: { input_shape: [null, 4] },
  config: { name: 'dense', trainable: true, dtype: policy, units: 1, activation: 'linear', use_bias: true, kernel_initializer: init3('GlorotUniform', { seed: null }), bias_initializer: init3('Zeros'), kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null },
};
const input3 = { module: 'keras.layers', class_name: 'InputLayer', registered_name: null, config: { batch_shape: [null, 5, 3], dtype: 'float32', sparse: false, name: 'input_layer' } };
const layers3 = [input3, bidirectional3('bidirectional', 'lstm', 3, true, [null, 5, 3]), bidirectional3('bidirectional_1', 'lstm_1', 2, false, [null, 5, 6]), dense3];

const keras3Sequential = {
  module: 'keras', class_name: 'Sequential', registered_name: null, build_config: { input_shape: [null, 5, 3] },
  config: { name: 'sequential', trainable: true, dtype: policy, layers: layers3 },
};
const tensor = (from: string) => ({ class_name: '__keras_tensor__', config: { shape: [null], dtype: 'float32', keras_history: [from, 0, 0] } });
const keras3Functional = {
  module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional', build_config: { input_shape: null },
  config: {
    name: 'functional', trainable: true,
    layers: layers3.map((l, i) => ({ ...l, name: l.config.name, inbound_nodes: i === 0 ? [] : [{ args: [tensor(layers3[i - 1].config.name)], kwargs: i === 1 ? { training: false, mask: null } : {} }] })),
    input_layers: [['input_layer', 0, 0]], output_layers: [['dense', 0, 0]],
  },
};
/** Keras 3 names: weights per layer in the fixture's order. */
const byName = (name: string): Tensor[] => weightsOfLayer(['bidirectional', 'bidirectional_1', 'dense'].indexOf(name));

describe.each(BACKENDS)('Keras 3 configs on %s', (backend) => {
  for (const [what, config] of [['Sequential', keras3Sequential], ['Functional chain', keras3Functional]] as const) {
    it(`${what}: builds the model and matches TF.js's predict on the same weights`, async () => {
      await init({ backend });
      const model = modelFromKerasConfig(config, byName, 'config.json', { kerasVersion: '3.3.3' });
      expect(model.layers.map((l) => `${l.name}:${l.className}`)).toEqual(['bidirectional:Bidirectional', 'bidirectional_1:Bidirectional', 'dense:Dense']);
      const x = { shape: expected.input.shape, data: Float32Array.from(expected.input.data) };
      expectClose(model.predict(x), { shape: expected.output.shape, data: Float32Array.from(expected.output.data) }, 1e-5, what);
      model.dispose();
    });
  }
});

describe('Keras dialects', () => {
  it("'hard_sigmoid' is Keras 3's relu6 form only in Keras 3", () => {
    expect(activationOf('hard_sigmoid', GATE_ACTIVATIONS, 3, 'x')).toBe('hard_sigmoid_relu6');
    expect(activationOf('hard_sigmoid', GATE_ACTIVATIONS, 2, 'x')).toBe('hard_sigmoid');
    expect(activationOf('sigmoid', GATE_ACTIVATIONS, 3, 'x')).toBe('sigmoid');
  });

  it('a backward_layer that is not the mirror of the forward one is refused', async () => {
    await init({ backend: 'js' });
    const bad = structuredClone(keras3Sequential);
    (bad.config.layers[1].config as { backward_layer: { config: { units: number } } }).backward_layer.config.units = 4;
    throwsLW(() => modelFromKerasConfig(bad, byName, 'config.json'), /config\.json: layer 1 "bidirectional" \(Bidirectional\) > backward LSTM: differs from the forward layer in units/);
  });

  it('Keras 1 / early Keras 2: config as a bare list of layers, batch_input_shape on the first', async () => {
    await init({ backend: 'js' });
    const list = fixture.modelTopology.config.layers;
    const model = modelFromKerasConfig({ class_name: 'Sequential', config: list }, (n) => weightsOfLayer(tfjsNames.indexOf(n)), 'model.h5');
    expect(model.layers[0].inputSize).toBe(3);
    model.dispose();
  });

  it('a layer whose weights do not come is an error naming it', async () => {
    await init({ backend: 'js' });
    throwsLW(() => modelFromKerasConfig(keras3Sequential, () => [], 'config.json'), /config\.json: layer "bidirectional" \(Bidirectional\): has 0 weights in the file but the layer takes 6/);
  });
});
