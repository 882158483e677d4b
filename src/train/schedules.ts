/**
 * Learning-rate schedules: functions of the optimizer's update count.
 * A plain number is a constant schedule.
 */
import { fail } from '../errors.js';

/** A learning rate as a function of the optimizer's update count (from 0). */
export type Schedule = (iteration: number) => number;
/** A constant learning rate or a schedule. */
export type LearningRate = number | Schedule;

/** lr · rate^(step / decaySteps), floored to whole periods when staircase (Keras ExponentialDecay). */
export function exponentialDecay(options: { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean }): Schedule {
  const { initialLearningRate: lr, decaySteps, decayRate, staircase = false } = options;
  positive(lr, 'initialLearningRate');
  positive(decaySteps, 'decaySteps');
  positive(decayRate, 'decayRate');
  return (step) => lr * decayRate ** (staircase ? Math.floor(step / decaySteps) : step / decaySteps);
}

/** lr · gamma^⌊step / stepSize⌋ (PyTorch StepLR, counted in updates). */
export function stepDecay(options: { initialLearningRate: number; stepSize: number; gamma?: number }): Schedule {
  const { initialLearningRate: lr, stepSize, gamma = 0.1 } = options;
  positive(lr, 'initialLearningRate');
  positive(stepSize, 'stepSize');
  positive(gamma, 'gamma');
  return (step) => lr * gamma ** Math.floor(step / stepSize);
}

export function resolveSchedule(lr: LearningRate): Schedule {
  if (typeof lr === 'function') return lr;
  positive(lr, 'learningRate');
  return () => lr;
}

function positive(x: number, what: string): void {
  if (!(typeof x === 'number' && x > 0 && Number.isFinite(x))) fail(`${what} must be a positive finite number, got ${x}`);
}
