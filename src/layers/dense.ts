/**
 * A fully connected layer: y = act(x·Wᵀ + b), on the last axis, so on
 * [B, K] or on every step of [B, T, K].
 * Its packed parameter block is laid out in weights/blocks.ts.
 */
import { Act, type ActivationName, type TrainingKernels } from '../backend/kernels.js';
import { checkBatch } from '../check-batch.js';
import { fail } from '../errors.js';
import { glorotUniform } from '../init/initializers.js';
import type { Random } from '../init/random.js';
import { toTensor, type Tensor, type TensorLike } from '../tensor.js';
import { denseBlock, type DenseBlock } from '../weights/blocks.js';
import { denseFrom, denseInputSize, denseTo, weightFormat } from '../weights/formats.js';
import { checkWeightRecord } from '../weights/take.js';
import { booleanOption, oneOf } from '../options.js';
import { Layer, featureCount, trainingHook, type HeapBatch, type PreparedWeights, type WeightFormat, type Weights } from './layer.js';

export interface DenseOptions {
  inputSize?: number;
  units: number;
  activation?: ActivationName;
  /** Whether the layer adds a bias (default true); without one it has no bias parameter at all. */
  useBias?: boolean;
  name?: string;
  seed?: number;
}

/** The activation names: the keys of Act, listed once so that no inherited name ('toString', …) can pass for one. */
const ACTIVATIONS = Object.keys(Act) as ActivationName[];

/** Dense's training half (src/train/dense-backward.ts), set by the trainer (see trainingHook). @internal */
export interface DenseTraining {
  /** dz = dy ⊙ act'(y), then ∂W += xᵀ·dz, ∂b += Σ dz; returns ∂x = dz·W, or 0 when not needed. */
  backward(layer: Dense, dy: number, needInputGrad: boolean, k: TrainingKernels, act: number): number;
  /** ∂L/∂weight [N, K] and ∂L/∂bias [N] of the last backward pass. */
  gradients(layer: Dense): Record<string, Tensor>;
}

let training: DenseTraining | undefined;

/** @internal */
export function setDenseTraining(t: DenseTraining): void {
  training = t;
}

/** A fully connected layer: y = act(x·Wᵀ + b) on the last axis, so on [batch, features] or on every step of [batch, time, features]. */
export class Dense extends Layer {
  readonly className = 'Dense';
  readonly needsTime = false;
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  /** The last training forward's input and output. @internal */
  saved: { x: HeapBatch; y: HeapBatch } | undefined;
  private layout: DenseBlock | undefined;

  constructor(options: DenseOptions) {
    if (options === undefined || options === null) fail('Dense: options { units } are required');
    super(options, 'dense', ['units', 'activation', 'useBias']);
    this.units = featureCount(options.units, 'Dense: units');
    this.activation = options.activation === undefined ? 'linear' : oneOf(options.activation, ACTIVATIONS, 'Dense: activation');
    this.useBias = options.useBias === undefined ? true : booleanOption(options.useBias, 'Dense: useBias');
  }

  get outputSize(): number {
    return this.units;
  }

  keepsTime(inputHasTime: boolean): boolean {
    return inputHasTime;
  }

  countParams(): number {
    return this.units * (this.requireInputSize() + (this.useBias ? 1 : 0));
  }

  /** @internal */
  paramFloats(): number {
    return this.block().floats;
  }

  /** The layout of the parameter (and gradient) block, fixed once the input size is. @internal */
  block(): DenseBlock {
    return (this.layout ??= denseBlock(this.units, this.requireInputSize(), this.useBias));
  }

  protected initParams(ptr: number, rng: Random): void {
    const K = this.requireInputSize(), N = this.units;
    this.block().pack(this.backend, ptr, { w: glorotUniform(rng, N, K, K, N), b: new Float32Array(N) });
  }

  /** PyTorch nn.Linear names (weight [N, K], bias [N]) or Keras's (kernel [K, N], bias [N]); no bias when useBias is false. */
  getWeights(options: { to?: WeightFormat } = {}): Record<string, Tensor> {
    const K = this.requireInputSize(), N = this.units;
    const w = this.block().unpack(this.paramView());
    return denseTo(w, weightFormat(options.to, `${this.name}: getWeights`), N, K, this.useBias);
  }

  /** @internal */
  prepareWeights(weights: Weights, options: { from?: WeightFormat } = {}): PreparedWeights {
    this.assertLive();
    const owner = `${this.name}.setWeights`, N = this.units, from = weightFormat(options.from, owner);
    checkWeightRecord(weights, owner);
    const K = this.inputSize ?? denseInputSize(weights, from) ?? this.requireInputSize();
    featureCount(K, `${owner}: input features`);
    const w = denseFrom(weights, from, N, K, owner, this.useBias);
    return {
      inputSize: K,
      write: () => {
        if (this.inputSize === undefined) this.setInputSize(K);
        this.ensureParams(false); // every parameter is written:
        this.block().pack(this.backend, this.params, w);
      },
    };
  }

  /** y for x of shape [B, K] or [B, T, K]. */
  forward(x: TensorLike): Tensor {
    const t = toTensor(x, `${this.name}: input`);
    const { B, T, F, seq } = checkBatch(t.shape, { owner: this.name, timeOptional: true, features: this.inputSize });
    if (this.inputSize === undefined) this.setInputSize(F);
    this.ensureParams();
    const ws = this.workspace();
    const xPtr = ws.get('input', t.data.length);
    ws.write(xPtr, t.data);
    const y = this.forwardHeap({ ptr: xPtr, B, T, seq, F });
    return ws.read(y.ptr, seq ? [B, T, this.units] : [B, this.units]);
  }

  /** @internal */
  forwardHeap(x: HeapBatch): HeapBatch {
    this.ensureParams();
    if (x.F !== this.inputSize) fail(`${this.name}: input has ${x.F} features but the layer expects ${this.inputSize}`);
    const rows = x.B * x.T, N = this.units, K = x.F;
    const block = this.block(), Np = block.paddedUnits, ws = this.workspace();
    const out = ws.get('output', rows * Np);
    const k = this.backend.kernels, p = block.pointers(this.params);
    k.project(x.ptr, rows, K, p.w, block.panels, 4, p.b, out);
    k.activate(out, rows, N, Np, Act[this.activation], out); // rows computed Np wide (whole panels) come out [rows, N]
    return { ptr: out, B: x.B, T: x.T, seq: x.seq, F: N, mask: x.mask }; // on every step: the mask goes on
  }

  /** Forward in training mode: the input and output are kept for backward. @internal */
  forwardTrain(x: HeapBatch): HeapBatch {
    const y = this.forwardHeap(x);
    this.saved = { x, y };
    return y;
  }

  /** dz = dy ⊙ act'(y), then ∂W += xᵀ·dz, ∂b += Σ dz and ∂x = dz·W. @internal */
  backwardHeap(dy: number, needInputGrad: boolean, k: TrainingKernels): number {
    return trainingHook(training, this).backward(this, dy, needInputGrad, k, Act[this.activation]);
  }

  /** The activation, which crossentropy fuses with (sigmoid, softmax). @internal */
  override get outputActivation(): ActivationName {
    return this.activation;
  }

  /** Backward from dz = ∂L/∂z already (crossentropy fused with its sigmoid/softmax). @internal */
  override backwardPreActivation(dz: number, needInputGrad: boolean, k: TrainingKernels): number {
    return trainingHook(training, this).backward(this, dz, needInputGrad, k, Act.linear);
  }

  /** ∂L/∂weight [N, K] and ∂L/∂bias [N] of the last backward pass. */
  getGradients(): Record<string, Tensor> {
    return trainingHook(training, this).gradients(this);
  }

  config(): Record<string, unknown> {
    const c: Record<string, unknown> = { name: this.name, inputSize: this.inputSize, units: this.units, activation: this.activation };
    if (!this.useBias) c.useBias = false; // only false is worth keeping (true is the default)
    return c;
  }
}
