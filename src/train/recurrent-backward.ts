/**
 * Backward through time for the recurrent layers (RecurrentLayer.backRun):
 * the cell's backward kernel over the recorded forward pass, then the weight
 * gradients over all steps as GEMMs and, if dx ≠ 0, ∂L/∂x added into dx.
 * Training code: the trainer sets it (setBackThroughTime), so that a
 * predict-only app, which imports no trainer, does not ship it.
 */
import { backWorkFloats, type TrainingKernels } from '../backend/kernels.js';
import type { HeapBatch } from '../layers/layer.js';
import type { BackwardGrads, RecurrentInternals } from '../layers/recurrent.js';

export function backThroughTime(k: TrainingKernels, layer: RecurrentInternals, x: HeapBatch, rec: number, dy: BackwardGrads, reverse: boolean, dx: number): void {
  const { B, T } = x, rows = B * T, { cell, block, ws, units: H } = layer;
  const zWidth = block.panels * block.panelWidth;
  const dz = ws.get('dz', rows * zWidth);
  // the gradient that reaches U (and b_h): dz itself unless the recurrent product has its own pre-activation
  const dzh = cell.recurrentBias || cell.resetBeforeProduct ? ws.get('dza', rows * zWidth) : dz;
  // reset-before GRU: U's candidate block multiplies r⊙h_{t−1}, so it gets its own rows and gradient
  const dzn = cell.resetBeforeProduct ? ws.get('dzn', rows * zWidth) : 0;
  const rhprev = cell.resetBeforeProduct ? ws.get('rhprev', rows * H) : 0;
  const hprev = ws.get('hprev', rows * H);
  const work = ws.get('backWork', backWorkFloats(B, H));
  const p = block.pointers(layer.params);
  const g = block.pointers(layer.grads);
  // zero outputs at the padded steps were constants: their gradients stop there (dout is ours to change)
  if (layer.zeroPadded && dy.dout) layer.zeroPadded(dy.dout, dy.doutStride);
  cell.backward(k, { rec, B, T, H, u: p.wh, ...layer.initial, ...dy, reverse: reverse ? 1 : 0, dz, dzh, hprev, dzn, rhprev, work, mask: x.mask ?? 0 });
  k.gradWeights(x.ptr, rows, x.F, dz, block.panels, block.panelWidth, g.wx, g.b);
  k.gradWeights(hprev, rows, H, dzh, block.panels, block.panelWidth, g.wh, g.bh);
  if (dzn) k.gradWeights(rhprev, rows, H, dzn, block.panels, block.panelWidth, g.wh, 0);
  if (dx) k.gradInput(dz, rows, x.F, p.wx, block.panels, block.panelWidth, dx);
}
