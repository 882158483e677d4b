/**
 * An LSTM layer's int8 form (model.quantize('int8')): its W and U
 * quantized per row (weights/int8-strips.ts) into int8 strips in the heap,
 * with their scales, and the two kernel calls that replace project and
 * lstmRecur (assembly/quantized.ts). The layer keeps its f32 parameters
 * (the bias is read from them; getWeights and the exporters give the f32
 * weights the int8 ones were made from).
 */
import { qRecurWorkFloats, quantizedRowFloats, roundUp4, type QuantizedKernels } from '../backend/kernels.js';
import type { Backend } from '../backend/registry.js';
import { fail } from '../errors.js';
import type { HeapState } from '../layers/cell.js';
import type { HeapBatch } from '../layers/layer.js';
import type { QuantizedRun, QuantizedRunCall } from '../layers/recurrent.js';
import { Workspace } from '../layers/workspace.js';
import { packBias } from '../weights/packing.js';
import { packStrips, quantizeRowsInt8, stripBytes } from '../weights/int8-strips.js';
import { quantizedKernels } from './kernels.js';

const G = 4;

/** One matrix's strips and scales in the heap. */
interface HeapInt8 {
  strips: number;
  scales: number;
}

export class Int8Lstm implements QuantizedRun {
  readonly mode = 'int8';
  private readonly k: QuantizedKernels;
  private readonly ws: Workspace;
  private readonly w: HeapInt8;
  private readonly u: HeapInt8;

  /** wx [4H, I], wh [4H, H]: the layer's f32 weights in PyTorch's layout. */
  constructor(private readonly backend: Backend, private readonly name: string, readonly units: number, readonly inputs: number, wx: ArrayLike<number>, wh: ArrayLike<number>) {
    this.k = quantizedKernels(backend, `${name}.quantize`);
    this.ws = new Workspace(backend.arena);
    this.w = this.store('w', wx, inputs);
    this.u = this.store('u', wh, units);
  }

  /** Quantize a [4H, K] matrix and put its strips and scales in the heap. */
  private store(what: string, w: ArrayLike<number>, K: number): HeapInt8 {
    const H = this.units, q = quantizeRowsInt8(w, G * H, K);
    const bytes = packStrips(q.q, G, H, K);
    const strips = this.ws.get(`${what}Strips`, bytes.length / 4); // a multiple of 16 bytes
    new Int8Array(this.backend.kernels.heap.buffer, strips, bytes.length).set(bytes);
    const scales = this.ws.get(`${what}Scales`, roundUp4(H) * G);
    this.ws.write(scales, packBias(q.scale, G, H));
    return { strips, scales };
  }

  /** Bytes of the int8 weights (both matrices, without their scales). */
  get weightBytes(): number {
    return stripBytes(G, this.units, this.inputs) + stripBytes(G, this.units, this.units);
  }

  run(c: QuantizedRunCall): void {
    const { x, out, outStride, reverse, state, bias } = c;
    if (c.rec) fail(`${this.name}: a quantized layer cannot train (it keeps no record for backpropagation); train the f32 model, then quantize`);
    if (x.mask) fail(`${this.name}: a quantized LSTM does not take masks yet (lengths, Masking); predict without them, or use the f32 model`);
    this.forward(x, out, outStride, reverse, state, bias);
  }

  private forward(x: HeapBatch, out: number, outStride: number, reverse: boolean, state: HeapState, bias: number): void {
    const { B, T } = x, H = this.units, P = roundUp4(H) / 4;
    const z = this.ws.get('z', B * T * P * 4 * G);
    const rowWork = this.ws.get('rowWork', quantizedRowFloats(x.F));
    const work = this.ws.get('work', qRecurWorkFloats(B, H));
    this.k.projectInt8(x.ptr, B * T, x.F, this.w.strips, P, G, this.w.scales, bias, z, rowWork);
    this.k.lstmRecurInt8(z, B, T, H, this.u.strips, this.u.scales, state.h0, state.c0, out, outStride, state.hT, state.cT, reverse ? 1 : 0, work);
  }

  dispose(): void {
    this.ws.free();
  }
}
