/**
 * lstm-wasm: LSTM, GRU and simple RNN layers with fused SIMD WebAssembly
 * kernels, a plain-JS reference backend, and PyTorch/Keras weight I/O.
 */
import { setJsKernels } from './backend/registry.js';
import { createJsKernels } from './backend/js/kernels.js';

setJsKernels(() => createJsKernels());

export { init, backend, backendInfo, shutdownThreads, memoryInfo, simdSupported, type BackendInfo, type InitOptions } from './backend/registry.js';
export type { BackendName, ActivationName, CellActivation, GateActivation } from './backend/kernels.js';
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
export { Sequential, loadModel } from './model/sequential.js';
export type { QuantizationMode } from './quantize/hook.js';
export { SequentialCore } from './model/core.js';
export { SequenceStream } from './model/stream.js';
export { readSafetensors, readSafetensorsWithMetadata, writeSafetensors } from './io/safetensors.js';
export { loadStateDict, stateDict } from './io/state-dict.js';
export { loadOnnx } from './io/onnx/load.js';
export { toOnnx } from './io/onnx/save.js';
export { SGD, RMSprop, Adam, AdamW, Optimizer, type OptimizerOptions, type SGDOptions, type RMSpropOptions, type AdamOptions, type AdamWOptions, type OptimizerName } from './train/optimizers.js';
export { exponentialDecay, stepDecay, type Schedule, type LearningRate } from './train/schedules.js';
export { type Loss, type LossName } from './train/losses.js';
export { EarlyStopping, type Callback, type Logs, type EarlyStoppingOptions } from './train/callbacks.js';
export type { CompileOptions, FitOptions, History, MetricName } from './train/trainer.js';
export { saveModel, type ModelJSON, type SavedModel } from './io/model-file.js';
export { loadTfjs } from './io/tfjs/load.js';
export { loadKeras } from './io/keras/load.js';
export { toTfjs, type TfjsModelJSON } from './io/tfjs/save.js';
export * from './timeseries/index.js';
export {
  forecaster, forecastAhead, DEFAULT_TRAINING, MAX_HORIZON, MAX_LAYERS, MAX_UNITS, MAX_EPOCHS, MAX_BATCH_SIZE, MAX_SEED, MAX_WINDOW_VALUES,
  MAX_TRAINING_FLOATS, DIVERGED_LOSS_FACTOR, type Forecaster, type ForecasterOptions, type Evaluation, type Scores,
} from './forecast/forecaster.js';
export { FittedRecipe, DEFAULT_RECIPE, TUTORIAL_RECIPE, MAX_WINDOW, MAX_PERIOD, type Recipe } from './forecast/recipe.js';
export { forecastChart, recordGates, gatePanels, type LabelledSeries } from './forecast/charts.js';
export { lineChart, heatmapPanels, type LineChartOptions, type LineSeries, type HeatmapOptions, type HeatmapPanel } from './plot/index.js';

// model.quantize() and layer.quantize(), which load the int8 code on first use (src/quantize/hook.ts). Imported
// last, so that the bundle keeps the order of the modules above: placed first, it moved them about, and the
// whole library's gzip grew by a quarter KiB for nothing
import './quantize/hook.js';
