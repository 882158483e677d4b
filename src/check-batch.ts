/**
 * The one check of an input batch's shape: [batch, time, features] (or,
 * where a layer or model reads rows without a time axis, [batch, features]),
 * at least one sequence and one step, and the feature count expected.
 * Layers, models, streams and the trainer all ask it, so the same mistake
 * gets the same message everywhere.
 */
import { fail } from './errors.js';

export interface BatchRule {
  /** Who is asking, the start of every message: a layer's name, `model.predict`, … */
  owner: string;
  /** Also accept [batch, features] (Dense, or a model that starts with one): then T is 1. */
  timeOptional?: boolean;
  /** The features per step expected, if known yet. */
  features?: number;
  /** Who expects them, as the message names it: 'layer' (default) or 'model'. */
  expectedBy?: 'layer' | 'model';
  /** What the first axis is called in messages: 'batch' (default), or 'samples' for training data. */
  batchAxis?: 'batch' | 'samples';
  /** Add a hint to the 3-D message for a 2-D input (a single sequence someone forgot to wrap). */
  wrapHint?: boolean;
}

/** A checked batch shape: B sequences of T steps (1 without a time axis), F features each. */
export interface BatchShape {
  B: number;
  T: number;
  F: number;
  /** Whether the input has a time axis. */
  seq: boolean;
}

/** Check `shape` against `rule` and return its dimensions; throws a message naming the shape otherwise. */
export function checkBatch(shape: readonly number[], rule: BatchRule): BatchShape {
  const { owner } = rule;
  const rank = shape.length, n = rule.batchAxis ?? 'batch';
  if (rule.timeOptional) {
    if (rank !== 2 && rank !== 3) fail(`${owner}: input must be [${n}, features] or [${n}, time, features], got [${shape}]`);
  } else if (rank !== 3) {
    fail(`${owner}: input must be 3-D [${n}, time, features], got shape [${shape}]` + (rule.wrapHint && rank === 2 ? ' (for one sequence, wrap it: [x])' : ''));
  }
  const seq = rank === 3;
  const B = shape[0], T = seq ? shape[1] : 1, F = shape[rank - 1];
  if (B < 1 || T < 1) {
    const what = rule.timeOptional ? `one row${seq ? ' and one step' : ''}` : 'one sequence and one step';
    fail(`${owner}: input needs at least ${what}, got shape [${shape}]`);
  }
  if (rule.features !== undefined && F !== rule.features) fail(`${owner}: input has ${F} features but the ${rule.expectedBy ?? 'layer'} expects ${rule.features}`);
  return { B, T, F, seq };
}

/** A recurrence needs a time axis: the layer before `owner` must return every step. */
export function requireTimeAxis(seq: boolean, owner: string): void {
  if (!seq) fail(`${owner}: needs 3-D input [batch, time, features]; the layer before returns 2-D (set returnSequences: true on it)`);
}
