/**
 * Bidirectional(layer): the layer reads the sequence forwards, a twin with
 * its own weights reads it backwards, and their outputs are merged per
 * step (Keras's merge_mode): concatenated, [B, T, 2H] (or [B, 2H] of the
 * two final states), or summed, multiplied or averaged, [B, T, H] (or
 * [B, H]). Both directions write straight into one [B, T, 2H] buffer with
 * a row stride of 2H; nothing is reversed or copied. Concat is that buffer;
 * the other modes combine its two halves with the `merge` kernel, and their
 * backward splits ∂L/∂output into the two halves with `mergeBackward`.
 */
import { fail } from '../errors.js';
import type { Random } from '../init/random.js';
import type { Backend } from '../backend/registry.js';
import { Merge, type MergeOp, type TrainingKernels } from '../backend/kernels.js';
import { checkBatch, requireTimeAxis } from '../check-batch.js';
import { toTensor, type Tensor, type TensorLike } from '../tensor.js';
import { Layer, type HeapBatch, type PreparedWeights, type WeightFormat, type Weights } from './layer.js';
import { checkWeightRecord } from '../weights/take.js';
import { weightFormat } from '../weights/formats.js';
import { RecurrentLayer, recurrentTraining } from './recurrent.js';
import { plusFloats } from './workspace.js';
import { oneOf, optionsOf } from '../options.js';

/** How Bidirectional combines its two directions (Keras's merge_mode). */
export type MergeMode = 'concat' | MergeOp;
const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave'];

export interface BidirectionalOptions {
  /** 'concat' (default): [forward ‖ backward]; 'sum', 'mul', 'ave': element-wise, H wide. */
  mergeMode?: MergeMode;
  /** The old name of mergeMode (model files saved before it read as they were). */
  merge?: MergeMode;
  name?: string;
}

/**
 * Runs a recurrent layer forwards and a twin with its own weights backwards over the sequence, and
 * merges their outputs per step: concatenated, [batch, time, 2·units] (or [batch, 2·units] of the two
 * final states), or with mergeMode 'sum', 'mul' or 'ave' element-wise, [batch, time, units] (or [batch, units]).
 */
export class Bidirectional extends Layer {
  readonly className = 'Bidirectional';
  readonly forwardLayer: RecurrentLayer;
  readonly backwardLayer: RecurrentLayer;
  readonly mergeMode: MergeMode;
  private saved: { x: HeapBatch; recF: number; recB: number; both: number } | undefined;

  constructor(layer: RecurrentLayer, options?: BidirectionalOptions) {
    if (!(layer instanceof RecurrentLayer)) fail('Bidirectional: wraps an LSTM, GRU or SimpleRNN layer');
    if (layer.isDisposed) fail(`Bidirectional: layer ${layer.name} was disposed`);
    // the twins read the sequence both ways themselves; a wrapped layer that also reverses would swap them
    if (layer.goBackwards) fail(`Bidirectional: layer ${layer.name} has goBackwards: true; wrap a forward layer (the Bidirectional makes its backward twin)`);
    const o = optionsOf(options, ['mergeMode', 'merge', 'name'], 'Bidirectional');
    if (o.merge !== undefined && o.mergeMode !== undefined) fail('Bidirectional: give mergeMode only (merge is its old name)');
    const mode = o.mergeMode ?? o.merge;
    const mergeMode = mode === undefined ? 'concat' : oneOf(mode, MERGE_MODES, `Bidirectional: ${o.mergeMode !== undefined ? 'mergeMode' : 'merge'}`);
    // the backward twin's seed follows from the wrapped layer's (not from the process-wide
    // counter), so a seeded layer gives the same Bidirectional on every backend and run
    super({ inputSize: layer.inputSize, name: o.name ?? `bidirectional_${layer.name}`, seed: (layer.seed ^ 0x5bd1e995) >>> 0 }, 'bidirectional', []);
    layer.claim(this, this.name);
    this.mergeMode = mergeMode;
    this.forwardLayer = layer;
    const Ctor = layer.constructor as new (o: Record<string, unknown>) => RecurrentLayer;
    this.backwardLayer = new Ctor({ ...layer.config(), name: `${layer.name}_reverse`, seed: this.seed });
  }

  get outputSize(): number {
    return this.mergeMode === 'concat' ? 2 * this.forwardLayer.units : this.forwardLayer.units;
  }

  get needsTime(): boolean {
    return true;
  }

  keepsTime(): boolean {
    return this.forwardLayer.returnSequences;
  }

  override setInputSize(n: number): void {
    super.setInputSize(n);
    this.forwardLayer.setInputSize(n);
    this.backwardLayer.setInputSize(n);
  }

  countParams(): number {
    return this.forwardLayer.countParams() + this.backwardLayer.countParams();
  }

  /** @internal */
  paramFloats(): number {
    return this.forwardLayer.paramFloats() + this.backwardLayer.paramFloats();
  }

  protected initParams(_ptr: number, _rng: Random): void {
    // each direction initializes itself (ensureParams / adoptParams below)
  }

  /** @internal */
  override ensureParams(): void {
    this.assertLive();
    this.syncInputSize();
    this.forwardLayer.ensureParams();
    this.backwardLayer.ensureParams();
  }

  /** @internal */
  override adoptParams(backend: Backend, ptr: number): void {
    this.syncInputSize();
    this.backendRef = backend;
    this.forwardLayer.adoptParams(backend, ptr);
    this.backwardLayer.adoptParams(backend, plusFloats(ptr, this.forwardLayer.paramFloats()));
  }

  private syncInputSize(): void {
    const n = this.inputSize ?? this.forwardLayer.inputSize;
    if (n !== undefined) this.setInputSize(n);
  }

  /** PyTorch: the nn.LSTM names with _l0 and _l0_reverse. Keras: forward/… and backward/…. */
  getWeights(options: { to?: WeightFormat } = {}): Record<string, Tensor> {
    this.assertLive();
    const to = weightFormat(options.to, `${this.name}: getWeights`);
    if (to === 'torch') {
      return { ...this.forwardLayer.getWeights({ to: 'torch', suffix: '_l0' }), ...this.backwardLayer.getWeights({ to: 'torch', suffix: '_l0_reverse' }) };
    }
    return { ...prefixed('forward/', this.forwardLayer.getWeights({ to: 'keras' })), ...prefixed('backward/', this.backwardLayer.getWeights({ to: 'keras' })) };
  }

  /** Both directions are checked before either is written. @internal */
  prepareWeights(weights: Weights, options: { from?: WeightFormat } = {}): PreparedWeights {
    this.assertLive();
    const owner = `${this.name}.setWeights`, from = weightFormat(options.from, owner);
    checkWeightRecord(weights, owner);
    const fwd: Weights = {}, bwd: Weights = {};
    for (const [k, v] of Object.entries(weights)) {
      if (from === 'torch') (k.endsWith('_reverse') ? bwd : fwd)[k.replace(/_reverse$/, '')] = v;
      else if (k.startsWith('forward/')) fwd[k.slice(8)] = v;
      else if (k.startsWith('backward/')) bwd[k.slice(9)] = v;
      else fail(`${owner}: unexpected weight ${JSON.stringify(k)}; Keras names here start with forward/ or backward/`);
    }
    const suffix = from === 'torch' ? '_l0' : undefined;
    const f = this.forwardLayer.prepareWeights(fwd, { from, suffix });
    const b = this.backwardLayer.prepareWeights(bwd, { from, suffix });
    if (f.inputSize !== b.inputSize) fail(`${owner}: the forward weights take ${f.inputSize} input features but the backward ones ${b.inputSize}`);
    return {
      inputSize: f.inputSize,
      write: () => {
        f.write();
        b.write();
        this.syncInputSize();
      },
    };
  }

  /** Output [B, T, 2H] (or [B, 2H]; H wide when not concatenated); h (and c) as PyTorch's h_n: [2, B, H], forward then backward. */
  forward(x: TensorLike): { output: Tensor; h: Tensor; c?: Tensor } {
    const t = toTensor(x, `${this.name}: input`);
    const { B, T, F } = checkBatch(t.shape, { owner: this.name, features: this.inputSize });
    this.setInputSize(F);
    this.ensureParams();
    const ws = this.workspace();
    const xPtr = ws.get('input', t.data.length);
    ws.write(xPtr, t.data);
    const y = this.forwardHeap({ ptr: xPtr, B, T, seq: true, F });
    const f = this.forwardLayer, b = this.backwardLayer, H = f.units;
    const both = (fwd: number, bwd: number): Tensor => {
      const data = new Float32Array(2 * B * H);
      data.set(ws.view(fwd, B * H), 0);
      data.set(ws.view(bwd, B * H), B * H);
      return { shape: [2, B, H], data };
    };
    const out: { output: Tensor; h: Tensor; c?: Tensor } = {
      output: ws.read(y.ptr, y.seq ? [B, T, y.F] : [B, y.F]),
      h: both(f.finalH(B), b.finalH(B)),
    };
    if (f.hasCellState) out.c = both(f.finalC(B), b.finalC(B));
    return out;
  }

  /** @internal */
  forwardHeap(x: HeapBatch): HeapBatch {
    requireTimeAxis(x.seq, this.name);
    return this.runBoth(x, 0, 0).y;
  }

  /**
   * Both directions into one output (rec pointers 0 outside training).
   * With all steps, each direction writes its half of every row of `both`
   * [B, T, 2H] in place (row stride 2H): concat returns it, the other modes
   * merge its halves into [B, T, H]. With the last step only, the kernels
   * write each final state as dense [B][H] rows (no stride to interleave
   * them): concat copies them side by side, the other modes merge them.
   * Returns the output and `both` (0 without all steps), which a merge's
   * backward reads.
   */
  private runBoth(x: HeapBatch, recF: number, recB: number): { y: HeapBatch; both: number } {
    this.ensureParams();
    const { B, T } = x, H = this.forwardLayer.units, seq = this.forwardLayer.returnSequences, concat = this.mergeMode === 'concat';
    const f = this.forwardLayer, b = this.backwardLayer, ws = this.workspace(), k = this.backend.kernels;
    const fState = { ...f.initialHeap(B), hT: f.finalH(B), cT: f.finalC(B) };
    const bState = { ...b.initialHeap(B), hT: b.finalH(B), cT: b.finalC(B) };
    const F = concat ? 2 * H : H, rows = seq ? B * T : B;
    const out = ws.get('output', rows * F);
    const both = seq ? (concat ? out : ws.get('both', B * T * 2 * H)) : 0;
    f.run(x, both, 2 * H, false, fState, recF);
    b.run(x, both && plusFloats(both, H), 2 * H, true, bState, recB);
    if (seq) {
      if (!concat) k.merge(both, 2 * H, plusFloats(both, H), 2 * H, rows, H, Merge[this.mergeMode as MergeOp], out);
      return { y: { ptr: out, B, T, seq: true, F, mask: x.mask }, both };
    }
    // last outputs of both directions: forward's at t = T−1, backward's at t = 0
    if (!concat) {
      k.merge(fState.hT, H, bState.hT, H, B, H, Merge[this.mergeMode as MergeOp], out);
    } else {
      for (let r = 0; r < B; r++) {
        ws.copy(plusFloats(out, r * 2 * H), plusFloats(fState.hT, r * H), H);
        ws.copy(plusFloats(out, r * 2 * H + H), plusFloats(bState.hT, r * H), H);
      }
    }
    return { y: { ptr: out, B, T: 1, seq: false, F }, both };
  }

  /** @internal */
  forwardTrain(x: HeapBatch): HeapBatch {
    requireTimeAxis(x.seq, this.name);
    const recF = this.forwardLayer.record(x.B, x.T), recB = this.backwardLayer.record(x.B, x.T);
    const { y, both } = this.runBoth(x, recF, recB);
    this.saved = { x, recF, recB, both };
    return y;
  }

  /** @internal */
  backwardHeap(dy: number, needInputGrad: boolean, k: TrainingKernels): number {
    const s = this.saved ?? fail(`${this.name}: backward without a training forward`);
    const f = this.forwardLayer, b = this.backwardLayer, H = f.units, { B } = s.x, ws = this.workspace();
    const t = recurrentTraining(this);
    const dx = needInputGrad ? ws.zeroed('dx', B * s.x.T * s.x.F) : 0;
    const concat = this.mergeMode === 'concat', op = concat ? 0 : Merge[this.mergeMode as MergeOp];
    if (f.returnSequences) {
      // ∂L/∂both [B, T, 2H]: forward's half at offset 0, backward's at H, both with stride 2H
      // (concat: dy itself; the other modes: split from dy [B, T, H] by the merge's gradient)
      let dBoth = dy;
      if (!concat) {
        const rows = B * s.x.T, both = s.both;
        dBoth = ws.get('dBoth', rows * 2 * H);
        k.mergeBackward(dy, both, 2 * H, plusFloats(both, H), 2 * H, rows, H, op, dBoth, 2 * H, plusFloats(dBoth, H), 2 * H);
      }
      t.backRun(f, k, s.x, s.recF, { dout: dBoth, doutStride: 2 * H, dhT: 0 }, false, dx);
      t.backRun(b, k, s.x, s.recB, { dout: plusFloats(dBoth, H), doutStride: 2 * H, dhT: 0 }, true, dx);
    } else {
      // ∂L/∂output split into the two final-state gradients [B, H] (dhT has no stride either)
      const dhF = ws.get('dhF', B * H), dhB = ws.get('dhB', B * H);
      if (!concat) {
        k.mergeBackward(dy, f.finalH(B), H, b.finalH(B), H, B, H, op, dhF, H, dhB, H);
      } else {
        for (let r = 0; r < B; r++) {
          ws.copy(plusFloats(dhF, r * H), plusFloats(dy, r * 2 * H), H);
          ws.copy(plusFloats(dhB, r * H), plusFloats(dy, r * 2 * H + H), H);
        }
      }
      t.backRun(f, k, s.x, s.recF, { dout: 0, doutStride: 0, dhT: dhF }, false, dx);
      t.backRun(b, k, s.x, s.recB, { dout: 0, doutStride: 0, dhT: dhB }, true, dx);
    }
    return dx;
  }

  getGradients(): Record<string, Tensor> {
    return { ...this.forwardLayer.getGradients(), ...this.backwardLayer.getGradients('_l0_reverse') };
  }

  /** @internal */
  override adoptGrads(ptr: number): void {
    this.forwardLayer.adoptGrads(ptr);
    this.backwardLayer.adoptGrads(plusFloats(ptr, this.forwardLayer.paramFloats()));
  }

  protected override free(): void {
    super.free();
    this.forwardLayer.dispose();
    this.backwardLayer.dispose();
  }

  config(): Record<string, unknown> {
    return { name: this.name, mergeMode: this.mergeMode, layer: { className: this.forwardLayer.className, ...this.forwardLayer.config() } };
  }
}

function prefixed(prefix: string, w: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(w).map(([k, v]) => [prefix + k, v]));
}
