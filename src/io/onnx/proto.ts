/**
 * The ONNX messages lstm-wasm reads and writes, over the wire format of
 * ../protobuf.ts. Field numbers are onnx/onnx.proto's. Only what a model of
 * recurrent layers needs is kept; other fields are skipped (their lengths
 * are still checked). Tensors are decoded to numbers here, with every
 * declared size checked against the bytes that hold it first.
 */
import { fail, show } from '../../errors.js';
import { BYTES, FIXED32, VARINT, Writer, expectWire, pushFloats, pushInts, readFields, text, type WireField } from '../protobuf.js';
import { halfToFloat } from '../half.js';

/** TensorProto.DataType values read here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13 } as const;
/** AttributeProto.AttributeType values. */
export const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** The most elements one tensor may declare, and the most entries of a list: far above any RNN, far below a hostile length. */
export const MAX_ELEMENTS = 2 ** 28;
const MAX_RANK = 8;
const MAX_LIST = 1 << 20;

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** The values: float types as Float32Array, integer types as numbers. */
  data: Float32Array | number[];
}

export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: string;
  t?: OnnxTensor;
  floats: number[];
  ints: number[];
  strings: string[];
}

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  input: string[];
  output: string[];
  attribute: OnnxAttribute[];
}

/** A dimension: a number, a named symbol (dim_param), or undefined when neither is given. */
export type OnnxDim = number | string | undefined;

export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** undefined when the shape is not given. */
  shape: OnnxDim[] | undefined;
}

export interface OnnxGraph {
  name: string;
  node: OnnxNode[];
  initializer: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  producerName: string;
  opsetImport: { domain: string; version: number }[];
  graph: OnnxGraph;
}

/** Decode a ModelProto. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  const what = 'ONNX ModelProto';
  if (bytes.length === 0) fail(`${what}: the file is empty`);
  const m: OnnxModel = { irVersion: 0, producerName: '', opsetImport: [], graph: undefined as unknown as OnnxGraph };
  let graph: WireField | undefined;
  for (const f of readFields(bytes, what)) {
    if (f.field === 1) m.irVersion = int(f, `${what}.ir_version`);
    else if (f.field === 2) m.producerName = text(f, `${what}.producer_name`);
    else if (f.field === 8) {
      if (m.opsetImport.length >= 64) fail(`${what}: more than 64 opset_import entries`);
      const o = { domain: '', version: 0 };
      for (const g of readFields(sub(f, `${what}.opset_import`), `${what}.opset_import`)) {
        if (g.field === 1) o.domain = text(g, `${what}.opset_import.domain`);
        else if (g.field === 2) o.version = int(g, `${what}.opset_import.version`);
      }
      m.opsetImport.push(o);
    } else if (f.field === 7) graph = f;
  }
  if (!graph) fail(`${what}: has no graph (field 7); is this an ONNX model file?`);
  m.graph = decodeGraph(sub(graph, `${what}.graph`), 'graph');
  return m;
}

function decodeGraph(bytes: Uint8Array, what: string): OnnxGraph {
  const g: OnnxGraph = { name: '', node: [], initializer: [], input: [], output: [] };
  for (const f of readFields(bytes, what)) {
    if (f.field === 1) g.node.push(decodeNode(sub(f, what), `${what}.node[${g.node.length}]`));
    else if (f.field === 2) g.name = text(f, `${what}.name`);
    else if (f.field === 5) g.initializer.push(decodeTensor(sub(f, what), `${what}.initializer[${g.initializer.length}]`));
    else if (f.field === 11) g.input.push(decodeValueInfo(sub(f, what), `${what}.input[${g.input.length}]`));
    else if (f.field === 12) g.output.push(decodeValueInfo(sub(f, what), `${what}.output[${g.output.length}]`));
    else if (f.field === 15) fail(`${what}: has a sparse_initializer, which lstm-wasm does not read`);
  }
  return g;
}

function decodeNode(bytes: Uint8Array, what: string): OnnxNode {
  const n: OnnxNode = { name: '', opType: '', domain: '', input: [], output: [], attribute: [] };
  for (const f of readFields(bytes, what)) {
    if (f.field === 1) n.input.push(text(f, `${what}.input`));
    else if (f.field === 2) n.output.push(text(f, `${what}.output`));
    else if (f.field === 3) n.name = text(f, `${what}.name`);
    else if (f.field === 4) n.opType = text(f, `${what}.op_type`);
    else if (f.field === 5) n.attribute.push(decodeAttribute(sub(f, what), `${what}.attribute[${n.attribute.length}]`));
    else if (f.field === 7) n.domain = text(f, `${what}.domain`);
  }
  return n;
}

function decodeAttribute(bytes: Uint8Array, what: string): OnnxAttribute {
  const a: OnnxAttribute = { name: '', type: 0, floats: [], ints: [], strings: [] };
  for (const f of readFields(bytes, what)) {
    if (f.field === 1) a.name = text(f, `${what}.name`);
    else if (f.field === 20) a.type = int(f, `${what}.type`);
    else if (f.field === 2) { expectWire(f, FIXED32, `${what}.f`); a.f = f.value; }
    else if (f.field === 3) a.i = int(f, `${what}.i`);
    else if (f.field === 4) a.s = text(f, `${what}.s`);
    else if (f.field === 5) a.t = decodeTensor(sub(f, what), `${what}.t`);
    else if (f.field === 7) pushFloats(f, a.floats, MAX_LIST, `${what}.floats`);
    else if (f.field === 8) pushInts(f, a.ints, MAX_LIST, `${what}.ints`);
    else if (f.field === 9) {
      if (a.strings.length >= MAX_LIST) fail(`${what}.strings: more than ${MAX_LIST} values`);
      a.strings.push(text(f, `${what}.strings`));
    } else if (f.field === 6 || f.field === 11) fail(`${what}: a graph-valued attribute (If/Loop/Scan bodies) is not supported`);
  }
  return a;
}

function decodeValueInfo(bytes: Uint8Array, what: string): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', elemType: 0, shape: undefined };
  for (const f of readFields(bytes, what)) {
    if (f.field === 1) v.name = text(f, `${what}.name`);
    else if (f.field === 2) {
      for (const t of readFields(sub(f, what), `${what}.type`)) {
        if (t.field !== 1) fail(`${what}.type: only tensor types are supported (sequence, map, optional and sparse types are not)`);
        for (const tt of readFields(sub(t, what), `${what}.type.tensor_type`)) {
          if (tt.field === 1) v.elemType = int(tt, `${what}.type.tensor_type.elem_type`);
          else if (tt.field === 2) {
            v.shape = [];
            for (const d of readFields(sub(tt, what), `${what}.shape`)) {
              if (d.field !== 1) continue;
              if (v.shape.length >= MAX_RANK) fail(`${what}.shape: more than ${MAX_RANK} dimensions`);
              let dim: OnnxDim;
              for (const e of readFields(sub(d, what), `${what}.shape.dim`)) {
                if (e.field === 1) dim = int(e, `${what}.shape.dim_value`);
                else if (e.field === 2) dim = text(e, `${what}.shape.dim_param`);
              }
              v.shape.push(dim);
            }
          }
        }
      }
    }
  }
  return v;
}

/** The bytes each element takes in raw_data, per data type. */
const RAW_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8 };

/** Decode a TensorProto to numbers: its declared element count is checked against the bytes given before any array is made. */
export function decodeTensor(bytes: Uint8Array, what: string): OnnxTensor {
  const dims: number[] = [];
  let dataType = 0, name = '', raw: Uint8Array | undefined;
  const floatData: WireField[] = [], intData: WireField[] = [], doubleData: WireField[] = [];
  for (const f of readFields(bytes, what)) {
    if (f.field === 1) pushInts(f, dims, MAX_RANK, `${what}.dims`);
    else if (f.field === 2) dataType = int(f, `${what}.data_type`);
    else if (f.field === 4) floatData.push(f);
    else if (f.field === 5 || f.field === 7 || f.field === 11) intData.push(f);
    else if (f.field === 8) name = text(f, `${what}.name`);
    else if (f.field === 9) { expectWire(f, BYTES, `${what}.raw_data`); raw = f.bytes; }
    else if (f.field === 10) doubleData.push(f);
    else if (f.field === 14 && f.value === 1) fail(`${what}${name ? ` (${name})` : ''}: its data is in an external file, which lstm-wasm does not read; save the model with its weights inside`);
    else if (f.field === 3) fail(`${what}: segmented tensors are not supported`);
  }
  const label = name ? `${what} (${show(name)})` : what;
  let count = 1;
  for (const d of dims) {
    if (d < 0) fail(`${label}: a negative dimension ${d}`);
    count *= d;
    if (count > MAX_ELEMENTS) fail(`${label}: declares more than ${MAX_ELEMENTS} elements (dims [${dims}])`);
  }
  const size = RAW_BYTES[dataType];
  if (size === undefined) fail(`${label}: data type ${dataType} is not supported (float, float16, double and integer types are)`);
  const float = dataType === DataType.FLOAT || dataType === DataType.FLOAT16 || dataType === DataType.DOUBLE;
  if (raw !== undefined) {
    if (raw.length !== count * size) fail(`${label}: raw_data has ${raw.length} bytes but dims [${dims}] of type ${dataType} need ${count * size}`);
    return { name, dims, dataType, data: fromRaw(raw, dataType, count, float) };
  }
  // typed fields: checked by their byte length before they are expanded
  const values: number[] = [];
  if (dataType === DataType.FLOAT) {
    for (const f of floatData) pushFloats(f, values, count, `${label}.float_data`);
  } else if (dataType === DataType.DOUBLE) {
    for (const f of doubleData) pushDoubles(f, values, count, `${label}.double_data`);
  } else if (dataType === DataType.FLOAT16) {
    const halves: number[] = [];
    for (const f of intData) pushInts(f, halves, count, `${label}.int32_data`);
    for (const h of halves) values.push(halfToFloat(h));
  } else {
    for (const f of intData) pushInts(f, values, count, `${label}.int_data`);
  }
  if (values.length !== count) fail(`${label}: holds ${values.length} values but dims [${dims}] need ${count}`);
  return { name, dims, dataType, data: float ? Float32Array.from(values) : values };
}

function pushDoubles(f: WireField, into: number[], limit: number, what: string): void {
  if (f.wire !== BYTES) { into.push(f.value); return; }
  if (f.bytes.length % 8 !== 0 || into.length + f.bytes.length / 8 > limit) fail(`${what}: ${f.bytes.length} bytes do not hold the declared doubles`);
  const dv = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.length);
  for (let k = 0; k < f.bytes.length / 8; k++) into.push(dv.getFloat64(8 * k, true));
}

function fromRaw(raw: Uint8Array, dataType: number, count: number, float: boolean): Float32Array | number[] {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.length);
  if (float) {
    const out = new Float32Array(count);
    for (let k = 0; k < count; k++) {
      out[k] = dataType === DataType.FLOAT ? dv.getFloat32(4 * k, true) : dataType === DataType.DOUBLE ? dv.getFloat64(8 * k, true) : halfToFloat(dv.getUint16(2 * k, true));
    }
    return out;
  }
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    switch (dataType) {
      case DataType.INT64: case DataType.UINT64: {
        const v = dataType === DataType.INT64 ? dv.getBigInt64(8 * k, true) : dv.getBigUint64(8 * k, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) fail(`tensor: a 64-bit integer ${v} beyond 2^53`);
        out.push(Number(v));
        break;
      }
      case DataType.INT32: out.push(dv.getInt32(4 * k, true)); break;
      case DataType.UINT32: out.push(dv.getUint32(4 * k, true)); break;
      case DataType.INT16: out.push(dv.getInt16(2 * k, true)); break;
      case DataType.UINT16: out.push(dv.getUint16(2 * k, true)); break;
      case DataType.INT8: out.push(dv.getInt8(k)); break;
      default: out.push(dv.getUint8(k)); // UINT8, BOOL
    }
  }
  return out;
}

function int(f: WireField, what: string): number {
  expectWire(f, VARINT, what);
  return f.value;
}

function sub(f: WireField, what: string): Uint8Array {
  expectWire(f, BYTES, what);
  return f.bytes;
}

// ---- writing --------------------------------------------------------------------------------

/** A FLOAT tensor (raw_data) or an INT64 one. */
export function encodeTensor(t: { name: string; dims: readonly number[]; data: Float32Array } | { name: string; dims: readonly number[]; ints: readonly number[] }): Writer {
  const w = new Writer().packedInts(1, t.dims);
  if ('data' in t) {
    w.int(2, DataType.FLOAT);
    const raw = new Uint8Array(t.data.length * 4);
    const dv = new DataView(raw.buffer);
    t.data.forEach((v, k) => dv.setFloat32(4 * k, v, true));
    w.string(8, t.name).bytes(9, raw);
  } else {
    w.int(2, DataType.INT64);
    const raw = new Uint8Array(t.ints.length * 8);
    const dv = new DataView(raw.buffer);
    t.ints.forEach((v, k) => dv.setBigInt64(8 * k, BigInt(v), true));
    w.string(8, t.name).bytes(9, raw);
  }
  return w;
}

export type AttrValue = number | string | number[] | string[] | { float: number } | { floats: number[] };

/** A NodeProto; attribute values: an integer (INT), `{ float }` (FLOAT), a string, a list of integers or of strings. */
export function encodeNode(n: { opType: string; name: string; input: string[]; output: string[]; attributes?: Record<string, AttrValue> }): Writer {
  const w = new Writer();
  for (const i of n.input) w.string(1, i);
  for (const o of n.output) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const [name, v] of Object.entries(n.attributes ?? {})) {
    const a = new Writer().string(1, name);
    if (typeof v === 'number') a.int(3, v).int(20, AttrType.INT);
    else if (typeof v === 'string') a.string(4, v).int(20, AttrType.STRING);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
      for (const s of v as string[]) a.string(9, s);
      a.int(20, AttrType.STRINGS);
    } else if (Array.isArray(v)) a.packedInts(8, v as number[]).int(20, AttrType.INTS);
    else if ('floats' in v) {
      for (const f of v.floats) a.float(7, f);
      a.int(20, AttrType.FLOATS);
    } else a.float(2, v.float).int(20, AttrType.FLOAT);
    w.message(5, a);
  }
  return w;
}

/** A ValueInfoProto of a FLOAT tensor whose dims are numbers or named symbols. */
export function encodeValueInfo(name: string, shape: (number | string)[]): Writer {
  const s = new Writer();
  for (const d of shape) s.message(1, typeof d === 'number' ? new Writer().int(1, d) : new Writer().string(2, d));
  const tensor = new Writer().int(1, DataType.FLOAT).message(2, s);
  return new Writer().string(1, name).message(2, new Writer().message(1, tensor));
}
