/** A layer's gradient block as floats: what the training hooks' gradients() read (PyTorch's names come from the layer's weight format). */
import { fail } from '../errors.js';
import type { Layer } from '../layers/layer.js';

export function gradView(layer: Layer): Float32Array {
  const g = layer.grads ?? fail(`${layer.name}: no gradients yet (compile the model and train a batch first)`);
  return layer.workspace().view(g, layer.paramFloats());
}
