/**
 * A whole PyTorch state_dict into a matching Sequential in one call, and
 * back out. PyTorch groups parameters by module:
 *   <m>.weight_ih_l{k}[_reverse], …  an nn.LSTM/GRU/RNN; each k is one of our
 *                                     layers, and _reverse means Bidirectional
 *   <m>.weight, <m>.bias              an nn.Linear → Dense
 * The groups, in the order they appear, map onto the model's layers.
 */
import { fail } from '../errors.js';
import { Dense } from '../layers/dense.js';
import type { Weights } from '../layers/layer.js';
import { RecurrentLayer } from '../layers/recurrent.js';
import type { SequentialCore } from '../model/core.js';
import type { Tensor } from '../tensor.js';
import { readSafetensors } from './safetensors.js';

interface TorchLayer {
  kind: 'rnn' | 'linear';
  label: string;
  reverse: boolean;
  weights: Weights;
}

const RNN_KEY = /^(?:(.*)\.)?(weight_ih|weight_hh|bias_ih|bias_hh)_l(\d+)(_reverse)?$/;
const LINEAR_KEY = /^(?:(.*)\.)?(weight|bias)$/;

/** Split a state_dict into PyTorch layers in order: one per RNN layer index k, one per Linear. */
function torchLayers(sd: Record<string, Tensor>): TorchLayer[] {
  const byLabel = new Map<string, TorchLayer>();
  for (const [key, t] of Object.entries(sd)) {
    const r = RNN_KEY.exec(key);
    if (r) {
      const [, prefix = '', param, k, rev] = r;
      const label = `${prefix ? prefix + '.' : ''}layer ${k}`;
      const layer = byLabel.get(label) ?? { kind: 'rnn', label, reverse: false, weights: {} };
      layer.reverse ||= !!rev;
      layer.weights[`${param}_l0${rev ?? ''}`] = t;
      byLabel.set(label, layer);
      continue;
    }
    const l = LINEAR_KEY.exec(key);
    if (l) {
      const [, prefix = '', param] = l;
      const label = prefix || '(root)';
      const layer = byLabel.get(label) ?? { kind: 'linear', label, reverse: false, weights: {} };
      if (layer.kind !== 'linear') fail(`state_dict: ${JSON.stringify(key)} mixes Linear and RNN names in one module`);
      layer.weights[param] = t;
      byLabel.set(label, layer);
      continue;
    }
    fail(`state_dict: key ${JSON.stringify(key)} is neither an LSTM/GRU/RNN parameter (weight_ih_l0, …) nor a Linear one (weight, bias)`);
  }
  return [...byLabel.values()];
}

/**
 * Load a whole PyTorch state_dict (a record of tensors, or safetensors bytes) into a matching model:
 * stacked `_l{k}` groups map to successive layers, `_reverse` to Bidirectional, Linear to Dense.
 * Same as `model.loadStateDict()`.
 */
export function loadStateDict(model: SequentialCore, source: Record<string, Tensor> | Uint8Array | ArrayBuffer): void {
  model.assertLive();
  const sd = source instanceof Uint8Array || source instanceof ArrayBuffer ? readSafetensors(source) : source;
  const groups = torchLayers(sd);
  // layers without weights (Dropout, RepeatVector) have no module in a state_dict
  const weighted = model.layers.filter((l) => l.hasWeights);
  if (groups.length !== weighted.length) {
    fail(`loadStateDict: the state_dict holds ${groups.length} layer(s) (${groups.map((g) => g.label).join(', ')}) but the model has ${weighted.length} with weights`);
  }
  // check every layer's tensors before writing any, so a bad file leaves the model as it was
  // (the input sizes of all but the first layer were fixed when the Sequential was made)
  const prepared = groups.map((g, i) => {
    const layer = weighted[i];
    const expect = g.kind === 'linear' ? 'Dense' : g.reverse ? 'Bidirectional' : 'LSTM, GRU or SimpleRNN';
    // Bidirectional by its name: importing the class would ship it in every app that loads weights
    const fits = g.kind === 'linear' ? layer instanceof Dense : g.reverse ? layer.className === 'Bidirectional' : layer instanceof RecurrentLayer;
    if (!fits) fail(`loadStateDict: state_dict ${g.label} is a PyTorch ${g.kind === 'linear' ? 'Linear' : 'RNN'} layer${g.reverse ? ' (bidirectional)' : ''}, so model layer ${model.layers.indexOf(layer)} should be ${expect}, not ${layer.className}`);
    return layer.prepareWeights(g.weights, { from: 'torch' });
  });
  for (const p of prepared) p.write();
  if (model.inputSize !== undefined) model.build(model.inputSize);
}

/** The model's weights under PyTorch names, one module per layer: <layer name>.weight_ih_l0, <layer name>.weight, … */
export function stateDict(model: SequentialCore): Record<string, Tensor> {
  model.assertLive();
  const out: Record<string, Tensor> = {};
  for (const layer of model.layers) {
    for (const [k, t] of Object.entries(layer.getWeights({ to: 'torch' }))) out[`${layer.name}.${k}`] = t;
  }
  return out;
}
