/**
 * Bidirectional(layer): the layer reads the sequence forwards, a twin with
 * its own weights reads it backwards, and their outputs are concatenated
 * per step: [B, T, 2H] (or [B, 2H] of the two final states). Both
 * directions write straight into the shared output with a row stride of
 * 2H; nothing is reversed or copied.
 */
import { fail } from '../errors.js';
import type { Random } from '../init/random.js';
import type { Backend } from '../backend/registry.js';
import type { TrainingKernels } from '../backend/kernels.js';
import { checkBatch, requireTimeAxis } from '../check-batch.js';
import { toTensor, type Tensor, type TensorLike } from '../tensor.js';
import { Layer, type HeapBatch, type PreparedWeights, type WeightFormat, type Weights } from './layer.js';
import { checkWeightRecord } from '../weights/take.js';
import { weightFormat } from '../weights/formats.js';
import { RecurrentLayer } from './recurrent.js';
import { plusFloats } from './workspace.js';
import { oneOf, optionsOf } from '../options.js';

export interface BidirectionalOptions {
  merge?: 'concat';
  name?: string;
}

/**
 * Runs a recurrent layer forwards and a twin with its own weights backwards over the sequence, and
 * concatenates their outputs per step: [batch, time, 2·units] (or [batch, 2·units] of the two final states).
 */
export class Bidirectional extends Layer {
  readonly className = 'Bidirectional';
  readonly forwardLayer: RecurrentLayer;
  readonly backwardLayer: RecurrentLayer;
  readonly merge = 'concat';
  private saved: { x: HeapBatch; recF: number; recB: number } | undefined;

  constructor(layer: RecurrentLayer, options?: BidirectionalOptions) {
    if (!(layer instanceof RecurrentLayer)) fail('Bidirectional: wraps an LSTM, GRU or SimpleRNN layer');
    if (layer.isDisposed) fail(`Bidirectional: layer ${layer.name} was disposed`);
    const o = optionsOf(options, ['merge', 'name'], 'Bidirectional');
    if (o.merge !== undefined) oneOf(o.merge, ['concat'], 'Bidirectional: merge');
    // the backward twin's seed follows from the wrapped layer's (not from the process-wide
    // counter), so a seeded layer gives the same Bidirectional on every backend and run
    super({ inputSize: layer.inputSize, name: o.name ?? `bidirectional_${layer.name}`, seed: (layer.seed ^ 0x5bd1e995) >>> 0 }, 'bidirectional', []);
    layer.claim(this, this.name);
    this.forwardLayer = layer;
    const Ctor = layer.constructor as new (o: Record<string, unknown>) => RecurrentLayer;
    this.backwardLayer = new Ctor({ ...layer.config(), name: `${layer.name}_reverse`, seed: this.seed });
  }

  get outputSize(): number {
    return 2 * this.forwardLayer.units;
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

  protected initParams(_view: Float32Array, _rng: Random): void {
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

  /** Output [B, T, 2H] (or [B, 2H]); h (and c) as PyTorch's h_n: [2, B, H], forward then backward. */
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
      output: ws.read(y.ptr, y.seq ? [B, T, 2 * H] : [B, 2 * H]),
      h: both(f.finalH(B), b.finalH(B)),
    };
    if (f.hasCellState) out.c = both(f.finalC(B), b.finalC(B));
    return out;
  }

  /** @internal */
  forwardHeap(x: HeapBatch): HeapBatch {
    requireTimeAxis(x.seq, this.name);
    return this.runBoth(x, 0, 0);
  }

  /**
   * Both directions into one output (rec pointers 0 outside training).
   * With all steps, each direction writes its half of every output row in
   * place (row stride 2H). With the last step only, the two final states
   * are copied side by side: the kernels write a final state as dense
   * [B][H] rows, with no stride to interleave them.
   */
  private runBoth(x: HeapBatch, recF: number, recB: number): HeapBatch {
    this.ensureParams();
    const { B, T } = x, H = this.forwardLayer.units, seq = this.forwardLayer.returnSequences;
    const f = this.forwardLayer, b = this.backwardLayer, ws = this.workspace();
    const fState = { h0: 0, c0: 0, hT: f.finalH(B), cT: f.finalC(B) };
    const bState = { h0: 0, c0: 0, hT: b.finalH(B), cT: b.finalC(B) };
    const out = ws.get('output', seq ? B * T * 2 * H : B * 2 * H);
    f.run(x, seq ? out : 0, 2 * H, false, fState, recF);
    b.run(x, seq ? plusFloats(out, H) : 0, 2 * H, true, bState, recB);
    if (seq) return { ptr: out, B, T, seq: true, F: 2 * H };
    // last outputs of both directions: forward's at t = T−1, backward's at t = 0
    for (let r = 0; r < B; r++) {
      ws.copy(plusFloats(out, r * 2 * H), plusFloats(fState.hT, r * H), H);
      ws.copy(plusFloats(out, r * 2 * H + H), plusFloats(bState.hT, r * H), H);
    }
    return { ptr: out, B, T: 1, seq: false, F: 2 * H };
  }

  /** @internal */
  forwardTrain(x: HeapBatch): HeapBatch {
    requireTimeAxis(x.seq, this.name);
    this.saved = { x, recF: this.forwardLayer.record(x.B, x.T), recB: this.backwardLayer.record(x.B, x.T) };
    return this.runBoth(x, this.saved.recF, this.saved.recB);
  }

  /** @internal */
  backwardHeap(dy: number, needInputGrad: boolean, k: TrainingKernels): number {
    const s = this.saved ?? fail(`${this.name}: backward without a training forward`);
    const f = this.forwardLayer, b = this.backwardLayer, H = f.units, { B } = s.x;
    const dx = needInputGrad ? f.inputGrad(s.x) : 0;
    if (f.returnSequences) {
      // ∂L/∂output [B, T, 2H]: forward's half at offset 0, backward's at H, both with stride 2H
      f.backRun(k, s.x, s.recF, { dout: dy, doutStride: 2 * H, dhT: 0 }, false, dx);
      b.backRun(k, s.x, s.recB, { dout: plusFloats(dy, H), doutStride: 2 * H, dhT: 0 }, true, dx);
    } else {
      // ∂L/∂[h_fwd ‖ h_bwd] [B, 2H] split into the two final-state gradients [B, H] (dhT has no stride either)
      const ws = this.workspace(), dhF = ws.get('dhF', B * H), dhB = ws.get('dhB', B * H);
      for (let r = 0; r < B; r++) {
        ws.copy(plusFloats(dhF, r * H), plusFloats(dy, r * 2 * H), H);
        ws.copy(plusFloats(dhB, r * H), plusFloats(dy, r * 2 * H + H), H);
      }
      f.backRun(k, s.x, s.recF, { dout: 0, doutStride: 0, dhT: dhF }, false, dx);
      b.backRun(k, s.x, s.recB, { dout: 0, doutStride: 0, dhT: dhB }, true, dx);
    }
    return dx;
  }

  getGradients(): Record<string, Tensor> {
    return { ...this.forwardLayer.getGradients('_l0'), ...this.backwardLayer.getGradients('_l0_reverse') };
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
    return { name: this.name, merge: this.merge, layer: { className: this.forwardLayer.className, ...this.forwardLayer.config() } };
  }
}

function prefixed(prefix: string, w: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(w).map(([k, v]) => [prefix + k, v]));
}
