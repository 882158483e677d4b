/**
 * An LSTM layer's int8 form (model.quantize('int8')): its W and U
 * quantized per row (weights/int8-panels.ts) into int8 panels in the heap,
 * with their scales and the f32 bias, and the two kernel calls that replace
 * project and lstmRecur (assembly/quantized.ts). The layer keeps its f32
 * parameters: getWeights and the exporters give the weights the int8 ones
 * were made from.
 */
import type { Arena } from '../backend/arena.js';
import type { HeapState } from '../layers/cell.js';
import type { HeapBatch } from '../layers/layer.js';
import type { Workspace } from '../layers/workspace.js';
import type { Tensor } from '../tensor.js';
import { packGateLanes, packInt8Panels, quantizeRowsInt8 } from '../weights/int8-panels.js';
import { qRecurWorkFloats, quantizedRowFloats, type QuantizedKernels } from './contract.js';
import { lib } from './library.js';

const G = 4;

/** One matrix's int8 panels and scales in the heap. */
interface HeapInt8 {
  panels: number;
  scales: number;
}

export class Int8Lstm {
  readonly mode = 'int8';
  private readonly ws: Workspace;
  private readonly w: HeapInt8;
  private readonly u: HeapInt8;
  private readonly bias: number;

  /**
   * `k`: the int8 kernels over the heap of `arena` (the layer's backend's); `weights`: the layer's
   * f32 weights under PyTorch's names (getWeights({ to: 'torch' })).
   */
  constructor(private readonly k: QuantizedKernels, private readonly arena: Arena, private readonly name: string, private readonly units: number, inputs: number, weights: Record<string, Tensor>) {
    this.ws = new lib.Workspace(arena);
    this.w = this.store('w', weights.weight_ih_l0.data, inputs);
    this.u = this.store('u', weights.weight_hh_l0.data, units);
    const b = weights.bias_ih_l0.data.map((v, i) => v + weights.bias_hh_l0.data[i]); // the layer keeps one bias: bias_hh is 0
    this.bias = this.ws.get('bias', lib.roundUp4(units) * G);
    this.ws.write(this.bias, packGateLanes(b, units));
  }

  /** Quantize a [4H, K] matrix and put its panels and scales in the heap. */
  private store(what: string, w: ArrayLike<number>, K: number): HeapInt8 {
    const H = this.units, q = quantizeRowsInt8(w, G * H, K);
    const bytes = packInt8Panels(q.q, H, K);
    const panels = this.ws.get(`${what}Panels`, bytes.length / 4); // a multiple of 64 bytes
    new Int8Array(this.arena.heap.buffer, panels, bytes.length).set(bytes);
    const scales = this.ws.get(`${what}Scales`, lib.roundUp4(H) * G);
    this.ws.write(scales, packGateLanes(q.scale, H));
    return { panels, scales };
  }

  /** RecurrentLayer.run's work in int8: project all B·T rows, then the recurrence. */
  run(x: HeapBatch, out: number, outStride: number, reverse: boolean, state: HeapState, rec: number): void {
    if (rec) lib.fail(`${this.name}: a quantized layer keeps no record of its steps, so it cannot train (nor return forward's record); train the f32 model, then quantize`);
    if (x.mask) lib.fail(`${this.name}: a quantized LSTM takes no masks yet (lengths, Masking); predict without them, or with the f32 model`);
    const { B, T } = x, H = this.units, P = lib.roundUp4(H) / 4;
    const z = this.ws.get('z', B * T * P * 4 * G);
    const rowWork = this.ws.get('rowWork', quantizedRowFloats(x.F));
    const work = this.ws.get('work', qRecurWorkFloats(B, H));
    this.k.projectInt8(x.ptr, B * T, x.F, this.w.panels, P, this.w.scales, this.bias, z, rowWork);
    this.k.lstmRecurInt8(z, B, T, H, this.u.panels, this.u.scales, state.h0, state.c0, out, outStride, state.hT, state.cT, reverse ? 1 : 0, work);
  }

  dispose(): void {
    this.ws.free();
  }
}
