/**
 * Dense's backward: dz = dy ⊙ act'(y), then ∂W += xᵀ·dz, ∂b += Σ dz and
 * ∂x = dz·W. Training code: the trainer sets it (setDenseBackward), so that
 * a predict-only app, which imports no trainer, does not ship it.
 */
import type { TrainingKernels } from '../backend/kernels.js';
import type { DenseInternals } from '../layers/dense.js';

/** ∂L/∂x (a pointer), or 0 when no input gradient is needed. */
export function denseBackward(k: TrainingKernels, layer: DenseInternals, dy: number, needInputGrad: boolean, act: number): number {
  const { saved: s, block, ws } = layer, p = block.pointers(layer.params), g = block.pointers(layer.grads);
  const rows = s.x.B * s.x.T, N = layer.units, Np = block.paddedUnits, K = s.x.F;
  const dz = ws.zeroed('dz', rows * Np); // the padded columns carry no gradient
  k.activateBackward(s.y.ptr, dy, rows, N, dz, Np, act);
  k.gradWeights(s.x.ptr, rows, K, dz, block.panels, 4, g.w, g.b);
  if (!needInputGrad) return 0;
  const dx = ws.zeroed('dx', rows * K);
  k.gradInput(dz, rows, K, p.w, block.panels, 4, dx);
  return dx;
}
