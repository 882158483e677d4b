/**
 * loadKeras: a Keras model file in, a built Sequential out. The file half
 * (zip, HDF5, where Keras 3 and Keras 2 keep config and weights) is
 * file.ts; the architecture half, shared with loadTfjs, is config.ts.
 */
import type { Sequential } from '../../model/sequential.js';
import { modelFromKerasConfig } from './config.js';
import { readKerasFile } from './file.js';

/**
 * The model a Keras 3 `.keras` file or a Keras 2 `.h5` file (from `model.save()`) holds,
 * rebuilt layer by layer with its weights set. Anything lstm-wasm would compute differently
 * (a layer, an activation, an attribute) is an LstmWasmError naming it and its layer.
 */
export function loadKeras(bytes: Uint8Array | ArrayBuffer): Sequential {
  const file = readKerasFile(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes);
  return modelFromKerasConfig(file.config, (name, className) => file.weightsOf(name, className), 'loadKeras', { kerasVersion: file.kerasVersion });
}
