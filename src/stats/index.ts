export * from './acf.js'; export * from './decompose.js'; export * from './ets.js'; export * from './theta.js';
