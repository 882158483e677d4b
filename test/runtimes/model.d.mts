// Types for model.mjs (plain JS so every runtime loads it as is).
type Lib = typeof import('../../src/index.js');
interface T { shape: number[]; data: number[] }
export interface Payload { x: number[][][]; golden: { stateDict: Record<string, T>; input: T; h0: T; c0: T } }
export interface Outputs { seeded: T; golden: { output: T; h: T; c: T } }
export interface Models { seeded: InstanceType<Lib['Sequential']>; golden: InstanceType<Lib['LSTM']> }
export function buildModels(lib: Lib, payload: Payload): Models;
export function runModels(models: Models, payload: Payload): Outputs;
export function predictOnce(lib: Lib, payload: Payload): Outputs;
