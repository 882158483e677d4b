/**
 * Hooks into fit(), with Keras's names. Any hook may be async; fit awaits
 * it. Setting `model.stopTraining = true` from a hook ends training after
 * the current epoch (or batch).
 */
import { fail, show } from '../errors.js';
import type { Sequential } from '../model/sequential.js';
import { booleanOption, integerIn, nameOption, numberIn, oneOf, optionsOf } from '../options.js';

/** Losses and metrics by name (`loss`, `mae`, `val_loss`, …). */
export type Logs = Record<string, number>;

/** Hooks that fit() calls, with Keras's names; each is optional and may be async (fit awaits it). */
export interface Callback {
  /** Set by fit before training starts. */
  model?: Sequential;
  /** Before the first epoch. */
  onTrainBegin?(logs: Logs): void | Promise<void>;
  /** After the last epoch (or when training stopped). */
  onTrainEnd?(logs: Logs): void | Promise<void>;
  /** Before each epoch (counted from 0). */
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  /** After each epoch, with its mean loss and metrics (and `val_` ones with validation data). */
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  /** Before each batch (counted from 0 in every epoch). */
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  /** After each batch, with its loss and metrics and its `size`. */
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

export interface EarlyStoppingOptions {
  /** The log to watch: 'val_loss' (default; 'loss' when there is no validation data) or any metric. */
  monitor?: string;
  /** Smaller changes do not count as improvement. */
  minDelta?: number;
  /** Epochs without improvement before stopping. */
  patience?: number;
  /** 'min' (default for losses) or 'max' (for accuracy). */
  mode?: 'min' | 'max';
  /** On stopping, put back the weights of the best epoch. */
  restoreBestWeights?: boolean;
}

/** Stop when the monitored value has not improved for `patience` epochs (Keras EarlyStopping). */
export class EarlyStopping implements Callback {
  model?: Sequential;
  readonly monitor: string | undefined;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly restoreBestWeights: boolean;
  /** Epoch of the best value seen, and the epoch training stopped at (−1 if it did not). */
  bestEpoch = -1;
  stoppedEpoch = -1;
  best = Infinity;
  private wait = 0;
  private bestWeights: Float32Array | undefined;

  constructor(options?: EarlyStoppingOptions) {
    const o = optionsOf(options, ['monitor', 'minDelta', 'patience', 'mode', 'restoreBestWeights'], 'EarlyStopping');
    this.monitor = o.monitor === undefined ? undefined : nameOption(o.monitor, 'EarlyStopping: monitor');
    this.minDelta = o.minDelta === undefined ? 0 : Math.abs(numberIn(o.minDelta, -Infinity, Infinity, 'EarlyStopping: minDelta'));
    this.patience = o.patience === undefined ? 0 : integerIn(o.patience, 0, Number.MAX_SAFE_INTEGER, 'EarlyStopping: patience');
    this.mode = o.mode === undefined ? (this.monitor?.includes('acc') ? 'max' : 'min') : oneOf(o.mode, ['min', 'max'], 'EarlyStopping: mode');
    this.restoreBestWeights = o.restoreBestWeights === undefined ? false : booleanOption(o.restoreBestWeights, 'EarlyStopping: restoreBestWeights');
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.bestEpoch = this.stoppedEpoch = -1;
    this.bestWeights = undefined;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const key = this.monitor ?? (Object.hasOwn(logs, 'val_loss') ? 'val_loss' : 'loss');
    // a name that is never logged would silently never stop training
    if (!Object.hasOwn(logs, key)) fail(`EarlyStopping: monitors ${show(key)}, but fit logs only ${Object.keys(logs).join(', ')}; monitor one of those`);
    const value = logs[key];
    if (Number.isNaN(value)) return;
    const better = this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
    if (better) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) this.bestWeights = this.model!.snapshotParams(this.bestWeights);
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
      if (this.restoreBestWeights && this.bestWeights) this.model!.restoreParams(this.bestWeights);
    }
  }
}
