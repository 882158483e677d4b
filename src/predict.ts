/**
 * lstm-wasm/predict: what an app that only runs models needs: the backends,
 * the layers, the inference core of Sequential (predict, summary), streams
 * (new SequenceStream(model)), state_dict loading and safetensors reading. No trainer, optimizer, loss or model-file code,
 * and the wasm builds it loads are the inference-only ones. Import
 * 'lstm-wasm' instead to train, save or load model files.
 */
import { setJsKernels } from './backend/registry.js';

// the js backend only where it is picked: bundlers split it into a chunk of its own
setJsKernels(async () => (await import('./backend/js/kernels.js')).createJsKernels());

export { init, backend, backendInfo, shutdownThreads, memoryInfo, simdSupported, type BackendInfo, type InitOptions } from './backend/registry.js';
export type { BackendName, ActivationName } from './backend/kernels.js';
export { LstmWasmError } from './errors.js';
export type { Tensor, TensorLike } from './tensor.js';
export { Layer, MAX_FEATURES, type WeightFormat, type Weights } from './layers/layer.js';
export { RecurrentLayer, type RecurrentOptions, type RecurrentState, type RecurrentOutput, type GateRecord } from './layers/recurrent.js';
export { LSTM, type LSTMOptions } from './layers/lstm.js';
export { GRU, type GRUOptions } from './layers/gru.js';
export { SimpleRNN, type SimpleRNNOptions } from './layers/simple-rnn.js';
export { Dense, type DenseOptions } from './layers/dense.js';
export { Bidirectional, type BidirectionalOptions, type MergeMode } from './layers/bidirectional.js';
export { Dropout, type DropoutOptions } from './layers/dropout.js';
export { RepeatVector, type RepeatVectorOptions } from './layers/repeat-vector.js';
export { Masking, type MaskingOptions } from './layers/masking.js';
export { SequentialCore as Sequential } from './model/core.js';
export { SequenceStream } from './model/stream.js';
export { readSafetensors, readSafetensorsWithMetadata } from './io/safetensors.js';
export { loadStateDict, stateDict } from './io/state-dict.js';
