/**
 * Masking (Keras's): marks the padded steps of a batch of sequences. A step
 * is padded when every one of its features equals `maskValue`; the layer
 * outputs its input with those steps set to 0 (as Keras does) and hands
 * the mask on with it ([B][T] floats in the heap, 1 for a real step, 0 for
 * a padded one: HeapBatch.mask). The recurrent layers below then skip the
 * padded steps (the state carries over them, assembly/variants.ts), Dense
 * and Dropout pass the mask on, and a loss over the time axis leaves the
 * padded steps out (src/train/losses.ts).
 *
 * Finding the mask is a comparison per value, done in JavaScript over the
 * heap like Dropout's draws; the recurrences are the kernels' work.
 */
import type { TrainingKernels } from '../backend/kernels.js';
import { requireTimeAxis } from '../check-batch.js';
import { fail } from '../errors.js';
import { optionsOf } from '../options.js';
import type { HeapBatch } from './layer.js';
import { WeightlessLayer } from './weightless.js';

export interface MaskingOptions {
  /** The value every feature of a padded step holds (default 0). */
  maskValue?: number;
  name?: string;
  inputSize?: number;
}

/** Marks the steps whose features all equal maskValue as padding, for the layers after it to skip. */
export class Masking extends WeightlessLayer {
  readonly className = 'Masking';
  readonly needsTime = true;
  readonly maskValue: number;
  /** The last training forward's mask, for backward. */
  private saved: { x: HeapBatch; mask: number } | undefined;

  constructor(options: MaskingOptions = {}) {
    const o = optionsOf(options, ['maskValue', 'name', 'inputSize'], 'Masking');
    super(o, 'masking', ['maskValue']);
    if (o.maskValue !== undefined && (typeof o.maskValue !== 'number' || !Number.isFinite(o.maskValue))) {
      fail(`Masking: maskValue must be a finite number, got ${String(o.maskValue)}`);
    }
    this.maskValue = o.maskValue ?? 0;
  }

  keepsTime(): boolean {
    return true;
  }

  /** The mask of x, and x with its padded steps zeroed. @internal */
  forwardHeap(x: HeapBatch): HeapBatch {
    this.assertLive();
    requireTimeAxis(x.seq, this.name);
    const { B, T, F } = x, ws = this.workspace();
    const mask = ws.get('mask', B * T), out = ws.get('output', B * T * F);
    // compared as the heap holds them: in float32
    const value = Math.fround(this.maskValue);
    ws.copy(out, x.ptr, B * T * F);
    const m = ws.view(mask, B * T), y = ws.view(out, B * T * F);
    for (let r = 0; r < B * T; r++) {
      let padded = true;
      for (let j = 0; j < F && padded; j++) padded = y[r * F + j] === value;
      m[r] = padded ? 0 : 1;
      if (padded) y.fill(0, r * F, (r + 1) * F);
    }
    return { ...x, ptr: out, mask };
  }

  /** @internal */
  forwardTrain(x: HeapBatch): HeapBatch {
    const y = this.forwardHeap(x);
    this.saved = { x, mask: y.mask! };
    return y;
  }

  /** ∂L/∂x = ∂L/∂y at the real steps, 0 at the padded ones (the output there was a constant 0). @internal */
  backwardHeap(dy: number, needInputGrad: boolean, _k: TrainingKernels): number {
    const s = this.saved ?? fail(`${this.name}: backward without a training forward`);
    if (!needInputGrad) return 0;
    const { B, T, F } = s.x, ws = this.workspace(), dx = ws.get('dx', B * T * F);
    ws.copy(dx, dy, B * T * F);
    const m = ws.view(s.mask, B * T), d = ws.view(dx, B * T * F);
    for (let r = 0; r < B * T; r++) if (m[r] === 0) d.fill(0, r * F, (r + 1) * F);
    return dx;
  }

  config(): Record<string, unknown> {
    const c: Record<string, unknown> = { name: this.name, inputSize: this.inputSize };
    if (this.maskValue !== 0) c.maskValue = this.maskValue;
    return c;
  }
}
