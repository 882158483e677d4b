/**
 * The recurrent layers' training half: backward through time (the cell's
 * backward kernel over the recorded forward pass, then the weight gradients
 * over all steps as GEMMs and, if dx ≠ 0, ∂L/∂x added into dx) and the
 * gradients' readout. Training code: the trainer sets it
 * (setRecurrentTraining), so that a predict-only app, which imports no
 * trainer, does not ship it.
 */
import { backWorkFloats, type TrainingKernels } from '../backend/kernels.js';
import { fail } from '../errors.js';
import type { HeapBatch } from '../layers/layer.js';
import type { BackwardGrads, RecurrentLayer, RecurrentTraining } from '../layers/recurrent.js';
import { recurrentToTorch } from '../weights/formats.js';
import { gradView } from './grad-view.js';

function backRun(layer: RecurrentLayer, k: TrainingKernels, x: HeapBatch, rec: number, dy: BackwardGrads, reverse: boolean, dx: number): void {
  const grads = layer.grads ?? fail(`${layer.name}: no gradient buffer (compile the model first)`);
  const { B, T } = x, rows = B * T, { cell, units: H } = layer, block = layer.block(), ws = layer.workspace();
  const zWidth = block.panels * block.panelWidth;
  const dz = ws.get('dz', rows * zWidth);
  // the gradient that reaches U (and b_h): dz itself unless the recurrent product has its own pre-activation
  const dzh = cell.recurrentBias || cell.resetBeforeProduct ? ws.get('dza', rows * zWidth) : dz;
  // reset-before GRU: U's candidate block multiplies r⊙h_{t−1}, so it gets its own rows and gradient
  const dzn = cell.resetBeforeProduct ? ws.get('dzn', rows * zWidth) : 0;
  const rhprev = cell.resetBeforeProduct ? ws.get('rhprev', rows * H) : 0;
  const hprev = ws.get('hprev', rows * H);
  // room for every row range the backend's threads may cut the backward pass into (backWorkFloats)
  const work = ws.get('backWork', backWorkFloats(B, H, layer.boundBackend?.threads?.() ?? 1));
  const p = block.pointers(layer.params);
  const g = block.pointers(grads);
  // zero outputs at the padded steps were constants: their gradients stop there (dout is ours to change)
  if (layer.zeroOutputForMask && x.mask && dy.dout) layer.zeroPadded(x, dy.dout, dy.doutStride);
  cell.backward(k, { rec, B, T, H, u: p.wh, ...layer.initialHeap(B), ...dy, reverse: reverse ? 1 : 0, dz, dzh, hprev, dzn, rhprev, work, mask: x.mask ?? 0 });
  k.gradWeights(x.ptr, rows, x.F, dz, block.panels, block.panelWidth, g.wx, g.b);
  k.gradWeights(hprev, rows, H, dzh, block.panels, block.panelWidth, g.wh, g.bh);
  if (dzn) k.gradWeights(rhprev, rows, H, dzn, block.panels, block.panelWidth, g.wh, 0);
  if (dx) k.gradInput(dz, rows, x.F, p.wx, block.panels, block.panelWidth, dx);
}

/** What the trainer sets on the recurrent layers (setRecurrentTraining). */
export const recurrentTraining: RecurrentTraining = {
  backward(layer, dy, needInputGrad, k) {
    const s = layer.saved ?? fail(`${layer.name}: backward without a training forward`);
    // what the forward pass read: goBackwards reversed the input (the copy is made again, into the same buffer)
    const x = layer.inReadingOrder(s.x, 'reversedInput');
    const dx = needInputGrad ? layer.workspace().zeroed('dx', x.B * x.T * x.F) : 0;
    backRun(layer, k, x, s.rec, layer.returnSequences ? { dout: dy, doutStride: layer.units, dhT: 0 } : { dout: 0, doutStride: 0, dhT: dy }, false, dx);
    // ∂L/∂x came out in reading order: back to the input's own
    return dx ? layer.inReadingOrder({ ...x, ptr: dx }, 'reversedInputGrad').ptr : 0;
  },
  backRun,
  gradients(layer, suffix) {
    const g = layer.block().unpack(gradView(layer));
    // one bias kept for PyTorch's two: both get its gradient (∂L/∂b_ih = ∂L/∂b_hh)
    if (!layer.cell.recurrentBias && layer.useBias) g.bh = g.b.slice();
    return recurrentToTorch(g, layer.format, layer.requireInputSize(), suffix);
  },
};
