/**
 * Streaming inference: feed a model one time step (or a chunk of steps)
 * at a time, with every recurrent layer's h (and c) carried in the heap
 * between calls. The kernels read the state and write the new one in
 * place, so a steady `step` loop takes no heap memory; with an `out` array
 * and Float32Array input it makes no arrays on the JS side either (only a
 * few small per-layer call records).
 */
import type { Backend } from '../backend/registry.js';
import { fail, show } from '../errors.js';
import { Disposable } from '../disposable.js';
import { MAX_FEATURES, type HeapBatch } from '../layers/layer.js';
import { integerIn, optionsOf } from '../options.js';
import { RecurrentLayer, type HeapState } from '../layers/recurrent.js';
import { checkFinite, toTensor, type TensorLike } from '../tensor.js';
import { plusFloats, Workspace } from '../layers/workspace.js';
import type { SequentialCore } from './core.js';

/**
 * `new SequenceStream(model, { batch })` (or `model.stream({ batch })`): feeds the model one step
 * (or a chunk of steps) at a time, carrying every recurrent layer's state between calls; a steady
 * `step` loop takes no heap memory. Disposing the model disposes its open streams.
 */
export class SequenceStream extends Disposable {
  /** Steps fed since the start or the last reset. */
  steps = 0;
  /** Sequences run side by side. */
  readonly batch: number;
  private readonly backend: Backend;
  private readonly ws: Workspace;
  private readonly states: (HeapState | undefined)[];
  private output: Float32Array | undefined;
  /** Whether the model's output keeps the time axis (then a chunk of T steps gives T outputs). */
  private readonly keepsTime: boolean;

  constructor(private readonly model: SequentialCore, options?: { batch?: number }) {
    super();
    const where = `${model.name}.stream`;
    model.assertLive();
    const o = optionsOf(options, ['batch'], where);
    for (const l of model.layers) {
      if (l instanceof RecurrentLayer && l.goBackwards) fail(`${where}: ${l.name} reads its sequence backwards (goBackwards), so it cannot run a step at a time`);
      // a padded step's output is the sequence's previous one, which a chunk does not know of
      if (l.className === 'Masking') fail(`${where}: a Masking layer masks whole sequences; streaming feeds real steps only (leave the padding out instead of masking it)`);
      if (l.needsTime && !(l instanceof RecurrentLayer)) fail(`${where}: a ${l.className} layer needs the whole sequence (it reads it backwards); streaming works with LSTM, GRU, SimpleRNN, Dense and Dropout`);
      if (l.refusesTime) fail(`${where}: a ${l.className} layer makes a whole sequence from one row; streaming works with LSTM, GRU, SimpleRNN, Dense and Dropout`);
    }
    const batch = (this.batch = o.batch === undefined ? 1 : integerIn(o.batch, 1, MAX_FEATURES, `${where}: batch`));
    model.requireBuilt('stream');
    model.build(model.inputSize!);
    this.backend = model.backend;
    this.keepsTime = model.layers.reduce((seq, l) => l.keepsTime(seq), true);
    this.ws = new Workspace(this.backend.arena);
    this.states = model.layers.map((l, i) => {
      if (!(l instanceof RecurrentLayer)) return undefined;
      const h = this.ws.get(`h${i}`, batch * l.units);
      const c = this.ws.get(`c${i}`, batch * l.units);
      return { h0: h, c0: c, hT: h, cT: c };
    });
    this.startStates();
    model.dependents.add(this); // the model frees its open streams when it is disposed
  }

  /**
   * Feed x — one step [batch, features], or a chunk [batch, steps, features],
   * or a flat Float32Array of batch·steps·features values — and get the
   * model's output for it: [batch, units] of the last step when the model
   * ends without a time axis, else [batch, steps, units], flat. Written into
   * `out` when given (and returned), else into an array the stream reuses.
   */
  step(x: Float32Array | TensorLike, out?: Float32Array): Float32Array {
    this.assertLive();
    this.model.assertLive();
    const F = this.model.inputSize!, B = this.batch;
    let data: Float32Array;
    if (x instanceof Float32Array) {
      data = x;
      checkFinite(data, 'stream.step: input');
    } else {
      const t = toTensor(x, 'stream.step: input');
      const okShape = t.shape[0] === B && t.shape[t.shape.length - 1] === F && (t.shape.length === 2 || t.shape.length === 3);
      if (!okShape) fail(`stream.step: input must be [${B}, ${F}] (one step) or [${B}, steps, ${F}], got [${t.shape}]`);
      data = t.data;
    }
    if (data.length === 0 || data.length % (B * F) !== 0) {
      fail(`stream.step: input has ${data.length} values; expected a multiple of batch·features = ${B}·${F}`);
    }
    const T = data.length / (B * F);
    // check `out` before running: a failed call must not move the state on
    const n = B * (this.keepsTime ? T : 1) * this.model.outputSize;
    if (out !== undefined && (!(out instanceof Float32Array) || out.length !== n)) fail(`stream.step: out must be a Float32Array of ${n} values, got ${show(out)}`);
    const xPtr = this.ws.get('input', data.length);
    this.ws.write(xPtr, data);
    let h: HeapBatch = { ptr: xPtr, B, T, seq: true, F };
    this.model.layers.forEach((layer, i) => {
      const st = this.states[i];
      h = st && layer instanceof RecurrentLayer ? layer.forwardHeap(h, st) : layer.forwardHeap(h);
    });
    this.steps += T;
    const dst = out ?? (this.output && this.output.length === n ? this.output : (this.output = new Float32Array(n)));
    dst.set(this.ws.view(h.ptr, n));
    return dst;
  }

  /** Back to the initial state (zeros, or a layer's constant initialState). */
  reset(): void {
    this.assertLive();
    this.startStates();
    this.steps = 0;
  }

  private startStates(): void {
    this.model.layers.forEach((l, i) => {
      const st = this.states[i];
      if (!st || !(l instanceof RecurrentLayer)) return;
      const init = l.initialState;
      for (const [ptr, v] of [[st.h0, init?.h], [st.c0, init?.c]] as const) {
        if (!v) this.ws.zero(ptr, this.batch * l.units);
        else for (let b = 0; b < this.batch; b++) this.ws.write(plusFloats(ptr, b * l.units), v);
      }
    });
  }

  /** Free the stream's buffers. */
  protected free(): void {
    this.ws.free();
    this.model.dependents.delete(this);
  }

  protected disposedMessage(): string {
    return 'stream was disposed; create a new one with model.stream()';
  }
}
