/**
 * Dense's training half: its backward pass and its gradients. Training code:
 * the trainer sets it (setDenseTraining), so that a predict-only app, which
 * imports no trainer, does not ship it.
 */
import type { TrainingKernels } from '../backend/kernels.js';
import type { Dense, DenseTraining } from '../layers/dense.js';
import { denseTo } from '../weights/formats.js';
import { gradView } from './grad-view.js';
import type { Tensor } from '../tensor.js';
import { fail } from '../errors.js';

/** dz = dy ⊙ act'(y), then ∂W += xᵀ·dz, ∂b += Σ dz; returns ∂x = dz·W (a pointer), or 0 when no input gradient is needed. */
function backward(layer: Dense, dy: number, needInputGrad: boolean, k: TrainingKernels, act: number): number {
  const s = layer.saved ?? fail(`${layer.name}: backward without a training forward`);
  const grads = layer.grads ?? fail(`${layer.name}: no gradient buffer (compile the model first)`);
  const block = layer.block(), ws = layer.workspace(), p = block.pointers(layer.params), g = block.pointers(grads);
  const rows = s.x.B * s.x.T, N = layer.units, Np = block.paddedUnits, K = s.x.F;
  const dz = ws.zeroed('dz', rows * Np); // the padded columns carry no gradient
  k.activateBackward(s.y.ptr, dy, rows, N, dz, Np, act);
  k.gradWeights(s.x.ptr, rows, K, dz, block.panels, 4, g.w, g.b);
  if (!needInputGrad) return 0;
  const dx = ws.zeroed('dx', rows * K);
  k.gradInput(dz, rows, K, p.w, block.panels, 4, dx);
  return dx;
}

/** What the trainer sets on Dense (setDenseTraining). */
export const denseTraining: DenseTraining = {
  backward,
  gradients: (layer): Record<string, Tensor> => denseTo(layer.block().unpack(gradView(layer)), 'torch', layer.units, layer.requireInputSize(), layer.useBias),
};
