/**
 * A model's architecture as a Keras config in TF.js's dialect (what
 * tf.loadLayersModel reads: snake_case Keras names, hard_sigmoid the
 * 0.2-slope one), and its weights under the names TF.js gives them.
 * Layers and options TF.js cannot express are an error naming them.
 */
import { fail } from '../../errors.js';
import type { Layer } from '../../layers/layer.js';
import type { Tensor } from '../../tensor.js';

/** What a TF.js model.json's modelTopology holds. */
export interface KerasModelConfig {
  class_name: 'Sequential';
  config: { name: string; layers: { class_name: string; config: Record<string, unknown> }[] };
  keras_version: string;
  backend: string;
}

/** The model's config for TF.js; the first layer declares the input's features (time left open). */
export function kerasConfigOf(model: { name: string; layers: readonly Layer[] }): KerasModelConfig {
  // a padded step's zero output (zeroOutputForMask) is not TF.js's: it matters only where a mask flows
  const masked = model.layers.some((l) => l.className === 'Masking');
  const layers = model.layers.map((l, i) => {
    const entry = layerConfig(l, masked);
    if (i === 0) {
      const F = l.requireInputSize();
      entry.config = { batch_input_shape: l.needsTime ? [null, null, F] : [null, F], ...entry.config };
    }
    return entry;
  });
  return { class_name: 'Sequential', config: { name: model.name, layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };
}

function layerConfig(l: Layer, masked: boolean): { class_name: string; config: Record<string, unknown> } {
  const c = l.config();
  const base = { name: l.name, trainable: true, dtype: 'float32' };
  switch (l.className) {
    case 'LSTM': case 'GRU': case 'SimpleRNN':
      return { class_name: l.className, config: { ...base, ...recurrentConfig(l, c, masked) } };
    case 'Dense':
      return { class_name: 'Dense', config: { ...base, units: c.units, activation: c.activation ?? 'linear', use_bias: c.useBias ?? true } };
    case 'Bidirectional': {
      const inner = (l as unknown as { forwardLayer: Layer }).forwardLayer;
      const merge = c.mergeMode ?? c.merge ?? 'concat';
      return { class_name: 'Bidirectional', config: { name: l.name, trainable: true, merge_mode: merge, layer: { class_name: inner.className, config: { name: inner.name, trainable: true, ...recurrentConfig(inner, inner.config(), masked) } } } };
    }
    case 'Dropout':
      return { class_name: 'Dropout', config: { name: l.name, trainable: true, rate: c.rate, noise_shape: null, seed: null } };
    case 'RepeatVector':
      return { class_name: 'RepeatVector', config: { name: l.name, trainable: true, n: c.n } };
    case 'Masking':
      return { class_name: 'Masking', config: { name: l.name, trainable: true, mask_value: c.maskValue ?? 0 } };
    default:
      return fail(`toTfjs: layer ${l.name} (${l.className}) has no TF.js equivalent`);
  }
}

/** LSTM/GRU/SimpleRNN options in Keras's names; what TF.js lacks (GRU reset_after, Keras 3's hard sigmoid) is an error. */
function recurrentConfig(l: Layer, c: Record<string, unknown>, masked: boolean): Record<string, unknown> {
  const where = `toTfjs: layer ${l.name} (${l.className})`;
  if (masked && c.zeroOutputForMask) fail(`${where}: zeroOutputForMask (zeros at padded steps) has no TF.js form; TF.js's padded steps carry the previous output`);
  const activation = c.activation ?? 'tanh', gate = c.recurrentActivation ?? 'sigmoid';
  for (const a of [activation, gate]) {
    if (a === 'hard_sigmoid_relu6') fail(`${where}: TF.js has no hard_sigmoid_relu6 (Keras 3's hard sigmoid); its 'hard_sigmoid' is clip(0.2·x + 0.5, 0, 1)`);
  }
  const out: Record<string, unknown> = {
    units: c.units, activation, use_bias: c.useBias ?? true,
    return_sequences: c.returnSequences ?? false, return_state: false, go_backwards: c.goBackwards ?? false, stateful: false, unroll: false,
  };
  if (l.className !== 'SimpleRNN') out.recurrent_activation = gate;
  if (l.className === 'LSTM') out.unit_forget_bias = c.unitForgetBias ?? true;
  if (l.className === 'GRU') {
    if ((c.resetAfter ?? true) !== false) fail(`${where}: TF.js's GRU has no reset_after=true (PyTorch's GRU, lstm-wasm's default); only a GRU with resetAfter: false goes to TF.js`);
    out.reset_after = false;
  }
  return out;
}

/** The layer's weights in TF.js's names and order: 'lstm/kernel', 'bidirectional/forward_lstm/kernel', … */
export function tfjsWeightsOf(l: Layer): { name: string; tensor: Tensor }[] {
  const w = l.getWeights({ to: 'keras' });
  const inner = l.className === 'Bidirectional' ? (l as unknown as { forwardLayer: Layer }).forwardLayer.name : '';
  const order = ['kernel', 'recurrentKernel', 'bias'];
  const keys = Object.keys(w).sort((a, b) => rank(a) - rank(b));
  return keys.map((k) => {
    const [dir, part] = k.includes('/') ? k.split('/') : ['', k];
    const snake = part === 'recurrentKernel' ? 'recurrent_kernel' : part;
    const path = dir ? `${l.name}/${dir}_${inner}/${snake}` : `${l.name}/${snake}`;
    return { name: path, tensor: w[k] };
  });

  function rank(k: string): number {
    const [dir, part] = k.includes('/') ? k.split('/') : ['', k];
    return (dir === 'backward' ? 10 : 0) + order.indexOf(part);
  }
}
