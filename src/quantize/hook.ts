/**
 * All that the full library ('lstm-wasm') carries of int8 before anyone
 * quantizes: model.quantize() and layer.quantize(), which import the int8
 * code (./quantize.ts and its modules) with import(). Bundlers split that
 * code into a chunk of its own, and its kernels are a wasm module of their
 * own (./int8-wasm.ts), so an app that never quantizes ships neither;
 * quantize() returns a Promise. The chunk, as it first runs, wraps what a
 * quantized model and layer do differently and adds their `quantization`
 * (./attach.ts); until then nothing is quantized.
 *
 * Every byte here is in every app on 'lstm-wasm' (`npm run size`), so the
 * rest — the checks, refusing to run while a quantize is under way — is the
 * chunk's.
 */
import { fail, show } from '../errors.js';
import { compileModule } from '../backend/registry.js';
import { roundUp4 } from '../backend/kernels.js';
import { sigmoid, tanh } from '../backend/js/activations.js';
import { at, readBias, readPackedRows, readState, writePackedRows, writeStrided } from '../backend/js/heap-layout.js';
import { stepAt } from '../backend/js/sequence.js';
import { Bidirectional } from '../layers/bidirectional.js';
import { RecurrentLayer } from '../layers/recurrent.js';
import { Workspace } from '../layers/workspace.js';
import { Sequential } from '../model/sequential.js';
import type { Library } from './library.js';

/** The quantization modes (one so far). */
export type QuantizationMode = 'int8';

declare module '../layers/recurrent.js' {
  interface RecurrentLayer {
    /**
     * Run this layer in int8 from now on ('lstm-wasm' only; LSTM with σ and tanh): each row of
     * W and U (one gate of one unit) on its own scale max|w|/127, the input and h_{t−1}
     * quantized per sequence and step, sums in int32. The f32 weights are kept (getWeights);
     * setWeights, training and masks are refused afterwards. Asynchronous (`await
     * lstm.quantize('int8')`): the int8 code and kernels load on the first call; until it
     * settles the layer refuses to run (once the int8 code is there: while the first quantize
     * fetches it, the layer still runs in f32), and if it fails the layer stays f32.
     */
    quantize(mode: QuantizationMode): Promise<void>;
    /** 'int8' once quantized, else undefined (f32). */
    readonly quantization: QuantizationMode | undefined;
  }
}

declare module '../model/sequential.js' {
  interface Sequential {
    /**
     * Run the model's LSTM layers in int8 from now on (also inside Bidirectional; Dense layers stay
     * f32): each row of W and U (one gate of one unit) quantized on its own scale max|w|/127, the
     * inputs and h_{t−1} quantized per sequence and step, sums in int32 (as onnxruntime's
     * DynamicQuantizeLSTM, with symmetric int8 activations). The f32 weights are kept: getWeights,
     * save, stateDict and the exporters give them. Training and setWeights are refused afterwards,
     * and so are masks (lengths, Masking). GRU, SimpleRNN and non-default activations: an error.
     *
     * Asynchronous: `await model.quantize('int8')` (it resolves to the model). The int8 code and
     * kernels are a chunk and a wasm module of their own, loaded by the first quantize, so an app
     * that never quantizes ships none of them. Until it settles the model's recurrent layers refuse
     * to run (predict, fit) and a second quantize is refused (once the int8 code is there: while
     * the first quantize fetches it, the model still runs in f32); if it fails (a bad layer, a
     * failed load), the model stays f32 and usable.
     */
    quantize(mode: QuantizationMode): Promise<this>;
    /** 'int8' once quantize('int8') ran, else undefined (f32). */
    readonly quantization: QuantizationMode | undefined;
  }
}

/** What the int8 code uses of the library, in ./library.ts's order (see there why it is handed over). */
const library: Library = [fail, show, compileModule, roundUp4, RecurrentLayer, Bidirectional, Sequential, Workspace,
  sigmoid, tanh, stepAt, at, readBias, readPackedRows, readState, writePackedRows, writeStrided];

Sequential.prototype.quantize = function (mode) {
  return import('./quantize.js').then((q) => q.quantizeModel(this, mode, library));
};

RecurrentLayer.prototype.quantize = function (mode) {
  return import('./quantize.js').then((q) => q.quantizeLayer(this, mode, library));
};
