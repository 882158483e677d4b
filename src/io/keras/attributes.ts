/**
 * Reading one Keras layer config's attributes: each one either maps to an
 * lstm-wasm option, is accepted because it does not change inference
 * (initializers, regularizers, dropout rates…), or is an error naming the
 * layer and the attribute. An attribute nobody listed is an error too: a
 * newer Keras could add one that changes the math, and a model that loads
 * must compute what it computed in Keras.
 */
import { fail, show } from '../../errors.js';

/** Which Keras wrote the config: 2 (tf.keras, Keras 2 .h5, TF.js) or 3 (.keras of Keras 3). Only 'hard_sigmoid' differs. */
export type KerasDialect = 2 | 3;

/** Attributes of any layer that never change what inference computes. */
const HARMLESS = new Set([
  'name', 'trainable', 'dtype', 'batch_input_shape', 'batch_shape', 'input_shape', 'input_dim', 'input_length',
  'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'kernel_regularizer', 'recurrent_regularizer',
  'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint',
  'dropout', 'recurrent_dropout', 'implementation', 'unroll', 'seed', 'use_cudnn', 'noise_shape', 'sparse', 'ragged',
  'lora_rank', 'lora_alpha', 'quantization_config', 'zero_output_for_mask', 'optional',
]);

/** One layer's config, with where it is for messages ("model.json: layer 2 'lstm_1' (LSTM)"). */
export class LayerConfig {
  private readonly read = new Set<string>();
  constructor(readonly config: Record<string, unknown>, readonly className: string, readonly where: string) {}

  /** The attribute's value (undefined when absent), marked as handled. */
  get(key: string): unknown {
    this.read.add(key);
    return this.config[key];
  }

  /** A boolean attribute (absent or null: `fallback`). */
  bool(key: string, fallback: boolean): boolean {
    const v = this.get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') fail(`${this.where}: ${key} must be true or false, got ${show(v)}`);
    return v;
  }

  /** An attribute that must keep its default (`ok` values) or the model computes something lstm-wasm does not. */
  require(key: string, ok: readonly unknown[], why: string): void {
    const v = this.get(key);
    if (v !== undefined && !ok.includes(v)) fail(`${this.where}: ${key} = ${show(v)} is not supported (${why})`);
  }

  /** A whole number ≥ 1. */
  count(key: string): number {
    const v = this.get(key);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 2 ** 24) fail(`${this.where}: ${key} must be a whole number from 1 to 16,777,216, got ${show(v)}`);
    return v;
  }

  /** Fail on any attribute that was not read and is not harmless. Call after reading what matters. */
  rejectRest(): void {
    for (const key of Object.keys(this.config)) {
      if (!this.read.has(key) && !HARMLESS.has(key)) fail(`${this.where}: attribute ${show(key)} is not supported (lstm-wasm cannot tell that it leaves the outputs unchanged)`);
    }
    const dtype = dtypeName(this.config.dtype);
    if (dtype !== undefined && dtype !== 'float32') fail(`${this.where}: dtype ${show(dtype)} is not supported; lstm-wasm computes in float32`);
  }
}

/** The dtype a layer computes in: a string (Keras 2, TF.js) or a DTypePolicy object (Keras 3). */
function dtypeName(d: unknown): string | undefined {
  if (d === undefined || d === null) return undefined;
  if (typeof d === 'string') return d;
  if (typeof d === 'object') {
    const c = (d as { config?: { name?: unknown } }).config;
    if (c && typeof c.name === 'string') return c.name;
  }
  return show(d);
}

const CELL_ACTIVATIONS = ['tanh', 'relu', 'linear', 'sigmoid', 'hard_sigmoid'] as const;
export type CellActivation = 'tanh' | 'relu' | 'linear' | 'sigmoid' | 'hard_sigmoid' | 'hard_sigmoid_relu6';

/**
 * An activation by its Keras name. 'hard_sigmoid' is clip(0.2·x + 0.5, 0, 1)
 * in Keras 2 and TF.js, relu6(x + 3)/6 in Keras 3: the dialect says which.
 */
export function activationOf(v: unknown, choices: readonly string[], dialect: KerasDialect, where: string): CellActivation {
  const name = typeof v === 'string' ? v : v && typeof v === 'object' ? (v as { config?: unknown; class_name?: unknown }).class_name : v;
  if (typeof name !== 'string' || !choices.includes(name)) fail(`${where} = ${show(v)} is not supported; lstm-wasm has ${choices.join(', ')}`);
  return name === 'hard_sigmoid' && dialect === 3 ? 'hard_sigmoid_relu6' : (name as CellActivation);
}

export const RECURRENT_ACTIVATIONS = CELL_ACTIVATIONS;
export const GATE_ACTIVATIONS = ['sigmoid', 'hard_sigmoid'] as const;
export const DENSE_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'] as const;
