/**
 * Learning-rate schedules: functions of the optimizer's update count.
 * A plain number is a constant schedule.
 */
import { booleanOption, optionsOf, positiveNumber } from '../options.js';

/** A learning rate as a function of the optimizer's update count (from 0). */
export type Schedule = (iteration: number) => number;
/** A constant learning rate or a schedule. */
export type LearningRate = number | Schedule;

/** lr · rate^(step / decaySteps), floored to whole periods when staircase (Keras ExponentialDecay). */
export function exponentialDecay(options: { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean }): Schedule {
  const o = optionsOf(options, ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase'], 'exponentialDecay');
  const lr = positiveNumber(o.initialLearningRate, 'exponentialDecay: initialLearningRate');
  const decaySteps = positiveNumber(o.decaySteps, 'exponentialDecay: decaySteps');
  const decayRate = positiveNumber(o.decayRate, 'exponentialDecay: decayRate');
  const staircase = o.staircase === undefined ? false : booleanOption(o.staircase, 'exponentialDecay: staircase');
  return (step) => lr * decayRate ** (staircase ? Math.floor(step / decaySteps) : step / decaySteps);
}

/** lr · gamma^⌊step / stepSize⌋ (PyTorch StepLR, counted in updates). */
export function stepDecay(options: { initialLearningRate: number; stepSize: number; gamma?: number }): Schedule {
  const o = optionsOf(options, ['initialLearningRate', 'stepSize', 'gamma'], 'stepDecay');
  const lr = positiveNumber(o.initialLearningRate, 'stepDecay: initialLearningRate');
  const stepSize = positiveNumber(o.stepSize, 'stepDecay: stepSize');
  const gamma = o.gamma === undefined ? 0.1 : positiveNumber(o.gamma, 'stepDecay: gamma');
  return (step) => lr * gamma ** Math.floor(step / stepSize);
}

export function resolveSchedule(lr: LearningRate): Schedule {
  if (typeof lr === 'function') return lr;
  const rate = positiveNumber(lr, 'learningRate');
  return () => rate;
}
