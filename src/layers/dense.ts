/**
 * A fully connected layer: y = act(x·Wᵀ + b), on the last axis, so on
 * [B, K] or on every step of [B, T, K].
 *
 * Packed parameter block: w [Np/4][K][4] (panels of 4 outputs), b [Np].
 */
import { Act, roundUp4, type ActivationName, type TrainingKernels } from '../backend/kernels.js';
import { fail } from '../errors.js';
import { glorotUniform } from '../init/initializers.js';
import type { Random } from '../init/random.js';
import { toTensor, tensorFrom, type Tensor, type TensorLike } from '../tensor.js';
import { packBias, packPanels, transpose, unpackBias, unpackPanels } from '../weights/packing.js';
import { checkWeightRecord, rejectUnknown, takeWeight } from '../weights/take.js';
import { oneOf } from '../options.js';
import { Layer, featureCount, type HeapBatch, type PreparedWeights, type WeightFormat, type Weights } from './layer.js';

export interface DenseOptions {
  inputSize?: number;
  units: number;
  activation?: ActivationName;
  name?: string;
  seed?: number;
}

/** The activation names: the keys of Act, listed once so that no inherited name ('toString', …) can pass for one. */
const ACTIVATIONS = Object.keys(Act) as ActivationName[];

/** A fully connected layer: y = act(x·Wᵀ + b) on the last axis, so on [batch, features] or on every step of [batch, time, features]. */
export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationName;
  private saved: { x: HeapBatch; y: HeapBatch } | undefined;

  constructor(options: DenseOptions) {
    if (options === undefined || options === null) fail('Dense: options { units } are required');
    super(options, 'dense', ['units', 'activation']);
    this.units = featureCount(options.units, 'Dense: units');
    this.activation = options.activation === undefined ? 'linear' : oneOf(options.activation, ACTIVATIONS, 'Dense: activation');
  }

  get outputSize(): number {
    return this.units;
  }

  keepsTime(inputHasTime: boolean): boolean {
    return inputHasTime;
  }

  countParams(): number {
    return this.units * (this.requireInputSize() + 1);
  }

  /** @internal */
  paramFloats(): number {
    return roundUp4(this.units) * (this.requireInputSize() + 1);
  }

  protected initParams(view: Float32Array, rng: Random): void {
    const K = this.requireInputSize(), N = this.units;
    this.write(view, glorotUniform(rng, N, K, K, N), new Float32Array(N));
  }

  private write(view: Float32Array, w: Float32Array, b: Float32Array): void {
    const K = this.requireInputSize(), N = this.units;
    view.set(packPanels(w, 1, N, K), 0);
    view.set(packBias(b, 1, N), roundUp4(N) * K);
  }

  /** PyTorch nn.Linear names (weight [N, K], bias [N]) or Keras's (kernel [K, N], bias [N]). */
  getWeights(options: { to?: WeightFormat } = {}): Record<string, Tensor> {
    const K = this.requireInputSize(), N = this.units;
    const view = this.paramView();
    const w = unpackPanels(view.subarray(0, roundUp4(N) * K), 1, N, K);
    const bias = { shape: [N], data: unpackBias(view.subarray(roundUp4(N) * K), 1, N) };
    const to = options.to ?? 'torch';
    if (to === 'torch') return { weight: { shape: [N, K], data: w }, bias };
    if (to === 'keras') return { kernel: { shape: [K, N], data: transpose(w, N, K) }, bias };
    fail(`${this.name}: getWeights: unknown format ${JSON.stringify(to)}; use 'torch' or 'keras'`);
  }

  /** @internal */
  prepareWeights(weights: Weights, options: { from?: WeightFormat } = {}): PreparedWeights {
    this.assertLive();
    const from = options.from ?? 'torch', owner = `${this.name}.setWeights`, N = this.units;
    if (from !== 'torch' && from !== 'keras') fail(`${owner}: unknown format ${JSON.stringify(from)}; use 'torch' or 'keras'`);
    checkWeightRecord(weights, owner);
    const key = from === 'torch' ? 'weight' : 'kernel';
    const shape = weights[key]?.shape;
    const K = this.inputSize ?? (shape?.length === 2 ? (from === 'torch' ? shape[1] : shape[0]) : this.requireInputSize());
    featureCount(K, `${owner}: input features`);
    rejectUnknown(weights, [key, 'bias'], owner);
    const w = from === 'torch'
      ? takeWeight(weights, ['weight'], [N, K], owner)!
      : transpose(takeWeight(weights, ['kernel'], [K, N], owner)!, K, N);
    const b = takeWeight(weights, ['bias'], [N], owner, true) ?? new Float32Array(N);
    return {
      inputSize: K,
      write: () => {
        if (this.inputSize === undefined) this.setInputSize(K);
        this.write(this.paramView(false), w, b); // every parameter is written
      },
    };
  }

  /** y for x of shape [B, K] or [B, T, K]. */
  forward(x: TensorLike): Tensor {
    const t = toTensor(x, `${this.name}: input`);
    if (t.shape.length !== 2 && t.shape.length !== 3) fail(`${this.name}: input must be [batch, features] or [batch, time, features], got [${t.shape}]`);
    const F = t.shape[t.shape.length - 1];
    if (this.inputSize !== undefined && F !== this.inputSize) fail(`${this.name}: input has ${F} features but the layer expects ${this.inputSize}`);
    const seq = t.shape.length === 3;
    const B = t.shape[0], T = seq ? t.shape[1] : 1;
    if (B < 1 || T < 1) fail(`${this.name}: input needs at least one row${seq ? ' and one step' : ''}, got shape [${t.shape}]`);
    if (this.inputSize === undefined) this.setInputSize(F);
    this.ensureParams();
    const xPtr = this.workspace().get('input', t.data.length);
    this.backend.arena.f32().set(t.data, xPtr >> 2);
    const y = this.forwardHeap({ ptr: xPtr, B, T, seq, F });
    return tensorFrom(this.backend.arena.f32(), y.ptr >> 2, seq ? [B, T, this.units] : [B, this.units]);
  }

  /** @internal */
  forwardHeap(x: HeapBatch): HeapBatch {
    this.ensureParams();
    if (x.F !== this.inputSize) fail(`${this.name}: input has ${x.F} features but the layer expects ${this.inputSize}`);
    const rows = x.B * x.T, N = this.units, Np = roundUp4(N), K = x.F;
    const out = this.workspace().get('output', rows * Np);
    const k = this.backend.kernels, p = this.params;
    k.project(x.ptr, rows, K, p, Np / 4, 4, p + 4 * Np * K, out);
    k.activate(out, rows, N, Np, Act[this.activation]);
    if (Np !== N) {
      // rows were computed Np wide (whole panels); close the gaps so the output is [rows, N]
      const m = this.backend.arena.f32(), o = out >> 2;
      for (let r = 1; r < rows; r++) m.copyWithin(o + r * N, o + r * Np, o + r * Np + N);
    }
    return { ptr: out, B: x.B, T: x.T, seq: x.seq, F: N };
  }

  /** Forward in training mode: the input and output are kept for backward. @internal */
  forwardTrain(x: HeapBatch): HeapBatch {
    const y = this.forwardHeap(x);
    this.saved = { x, y };
    return y;
  }

  /** dz = dy ⊙ act'(y), then ∂W += xᵀ·dz, ∂b += Σ dz and ∂x = dz·W. @internal */
  backwardHeap(dy: number, needInputGrad: boolean, k: TrainingKernels): number {
    return this.backward(dy, needInputGrad, k, Act[this.activation]);
  }

  /** The activation, which crossentropy fuses with (sigmoid, softmax). @internal */
  override get outputActivation(): ActivationName {
    return this.activation;
  }

  /** Backward from dz = ∂L/∂z already (crossentropy fused with its sigmoid/softmax). @internal */
  override backwardPreActivation(dz: number, needInputGrad: boolean, k: TrainingKernels): number {
    return this.backward(dz, needInputGrad, k, Act.linear);
  }

  private backward(dy: number, needInputGrad: boolean, k: TrainingKernels, act: number): number {
    const s = this.saved ?? fail(`${this.name}: backward without a training forward`);
    const g = this.grads ?? fail(`${this.name}: no gradient buffer (compile the model first)`);
    const rows = s.x.B * s.x.T, N = this.units, Np = roundUp4(N), K = s.x.F;
    const ws = this.workspace(), p = this.params;
    const dz = ws.get('dz', rows * Np);
    this.backend.arena.f32().fill(0, dz >> 2, (dz >> 2) + rows * Np); // the padded columns carry no gradient
    k.activateBackward(s.y.ptr, dy, rows, N, dz, Np, act);
    k.gradWeights(s.x.ptr, rows, K, dz, Np / 4, 4, g, g + 4 * Np * K);
    if (!needInputGrad) return 0;
    const dx = ws.get('dx', rows * K);
    this.backend.arena.f32().fill(0, dx >> 2, (dx >> 2) + rows * K);
    k.gradInput(dz, rows, K, p, Np / 4, 4, dx);
    return dx;
  }

  /** ∂L/∂weight [N, K] and ∂L/∂bias [N] of the last backward pass. */
  getGradients(): Record<string, Tensor> {
    const K = this.requireInputSize(), N = this.units, Np = roundUp4(N);
    const g = this.gradView();
    return {
      weight: { shape: [N, K], data: unpackPanels(g.subarray(0, Np * K), 1, N, K) },
      bias: { shape: [N], data: unpackBias(g.subarray(Np * K), 1, N) },
    };
  }

  config(): Record<string, unknown> {
    return { name: this.name, inputSize: this.inputSize, units: this.units, activation: this.activation };
  }
}
