/**
 * What the int8 code (this folder's chunk, loaded by the first quantize)
 * uses of the rest of the library: handed over by ./hook.ts with every
 * quantize, never imported. A module that both the whole library and the
 * chunk imported would go into a third file, a chunk they share, and that
 * split alone made the whole library's JS 0.3 KiB gzip bigger than it was
 * with int8 inside it (each file is compressed on its own); so the chunk
 * imports types only from outside this folder, as the threads chunk does
 * (src/backend/threads/).
 */
import type { fail, show } from '../errors.js';
import type { compileModule } from '../backend/registry.js';
import type { roundUp4 } from '../backend/kernels.js';
import type { sigmoid, tanh } from '../backend/js/activations.js';
import type { at, readBias, readPackedRows, readState, writePackedRows, writeStrided } from '../backend/js/heap-layout.js';
import type { stepAt } from '../backend/js/sequence.js';
import type { Bidirectional } from '../layers/bidirectional.js';
import type { RecurrentLayer } from '../layers/recurrent.js';
import type { Sequential } from '../model/sequential.js';
import type { Workspace } from '../layers/workspace.js';

/** The borrowed functions and classes, in the order ./hook.ts lists them (a list: no property names to ship). */
export type Library = [
  fail: typeof fail, show: typeof show, compileModule: typeof compileModule, roundUp4: typeof roundUp4,
  RecurrentLayer: typeof RecurrentLayer, Bidirectional: typeof Bidirectional, Sequential: typeof Sequential,
  Workspace: typeof Workspace, sigmoid: typeof sigmoid, tanh: typeof tanh, stepAt: typeof stepAt,
  at: typeof at, readBias: typeof readBias, readPackedRows: typeof readPackedRows, readState: typeof readState,
  writePackedRows: typeof writePackedRows, writeStrided: typeof writeStrided,
];

/** The library's pieces by name, for the chunk's modules (set once, before any of them runs). */
export const lib = {} as {
  fail: typeof fail; show: typeof show; compileModule: typeof compileModule; roundUp4: typeof roundUp4;
  RecurrentLayer: typeof RecurrentLayer; Bidirectional: typeof Bidirectional; Sequential: typeof Sequential;
  Workspace: typeof Workspace; sigmoid: typeof sigmoid; tanh: typeof tanh; stepAt: typeof stepAt;
  at: typeof at; readBias: typeof readBias; readPackedRows: typeof readPackedRows; readState: typeof readState;
  writePackedRows: typeof writePackedRows; writeStrided: typeof writeStrided;
};

/** Take the library ./hook.ts hands over. */
export function useLibrary(l: Library): void {
  const [fail, show, compileModule, roundUp4, RecurrentLayer, Bidirectional, Sequential, Workspace, sigmoid, tanh, stepAt,
    at, readBias, readPackedRows, readState, writePackedRows, writeStrided] = l;
  Object.assign(lib, { fail, show, compileModule, roundUp4, RecurrentLayer, Bidirectional, Sequential, Workspace, sigmoid, tanh, stepAt,
    at, readBias, readPackedRows, readState, writePackedRows, writeStrided });
}
