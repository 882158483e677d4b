// The ONNX model ONNX Runtime races with: ONE LSTM node, nothing else, in
// ONNX's own layout (X [T, B, I] time first, Y [T, 1, B, H]), so its time
// is the LSTM's alone. model.toOnnx() of a Sequential([LSTM]) would add
// Transposes (batch first in and out) and an Identity, so the node is
// written here with the library's protobuf writer instead.
import { Writer } from '../../dist/io/protobuf.js';
import { encodeNode, encodeTensor, encodeValueInfo } from '../../dist/io/onnx/proto.js';
import { toOnnx } from './workloads.js';

/** The bytes of an .onnx file: Y = LSTM(X) with the given PyTorch-layout weights, opset 14. */
export function onnxLstm(w, weights) {
  const { W, R, B } = toOnnx(weights);
  const graph = new Writer();
  graph.message(1, encodeNode({ opType: 'LSTM', name: 'lstm', input: ['X', 'W', 'R', 'B'], output: ['Y'], attributes: { hidden_size: w.H } }));
  graph.string(2, 'one-lstm');
  graph.message(5, encodeTensor({ name: 'W', dims: [1, 4 * w.H, w.I], data: W }));
  graph.message(5, encodeTensor({ name: 'R', dims: [1, 4 * w.H, w.H], data: R }));
  graph.message(5, encodeTensor({ name: 'B', dims: [1, 8 * w.H], data: B }));
  graph.message(11, encodeValueInfo('X', ['time', 'batch', w.I]));
  graph.message(12, encodeValueInfo('Y', ['time', 1, 'batch', w.H]));
  return new Writer().int(1, 7).string(2, 'lstm-wasm bench').message(7, graph).message(8, new Writer().string(1, '').int(2, 14)).finish();
}
