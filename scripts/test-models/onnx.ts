/**
 * Builds ONNX models (ModelProto) from a small graph description, serialised with ProtoWriter.
 * Field numbers follow onnx.proto (IR version 8, default-domain opset 17). Large exports keep
 * their weights in a separate `.onnx_data` file; `buildModel` can do the same.
 */
import { ProtoWriter } from './protobuf.ts';

export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10 } as const;
type DType = (typeof DataType)[keyof typeof DataType];

/** A dimension: a fixed size or a symbolic name such as 'batch_size'. */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  type: DType;
  shape: Dim[];
}

export interface Initializer {
  name: string;
  type: DType;
  dims: number[];
  /** FLOAT16 data travels as its raw 16-bit patterns. */
  data: Float32Array | BigInt64Array | Int32Array | Uint16Array;
}

export type AttributeValue = number | number[] | string | { ints: number[] } | { float: number };

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, AttributeValue>;
}

export interface Graph {
  name: string;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: Initializer[];
  nodes: Node[];
}

const AttrType = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

/** Initializers at least this large go to the external data file, as the exporters do. */
const EXTERNAL_MIN_BYTES = 1024;

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name).message(2, (type) =>
    type.message(1, (tensor) =>
      tensor.int(1, v.type).message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      }),
    ),
  );
}

const rawBytes = (t: Initializer) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);

function writeInitializer(w: ProtoWriter, t: Initializer, external?: { location: string; offset: number }): void {
  w.packedInts(1, t.dims).int(2, t.type).string(8, t.name);
  if (!external) {
    w.bytes(9, rawBytes(t));
    return;
  }
  const entry = (key: string, value: string) => w.message(13, (e) => e.string(1, key).string(2, value));
  entry('location', external.location);
  entry('offset', String(external.offset));
  entry('length', String(t.data.byteLength));
  w.int(14, 1); // data_location = EXTERNAL
}

function writeAttribute(w: ProtoWriter, name: string, value: AttributeValue): void {
  w.string(1, name);
  if (typeof value === 'number') w.int(3, value).int(20, AttrType.INT);
  else if (typeof value === 'string') w.string(4, value).int(20, AttrType.STRING);
  else if (Array.isArray(value)) w.packedInts(8, value).int(20, AttrType.INTS);
  else if ('ints' in value) w.packedInts(8, value.ints).int(20, AttrType.INTS);
  else w.float(2, value.float).int(20, AttrType.FLOAT);
}

export interface BuiltModel {
  model: Uint8Array;
  /** The external data file's bytes, when `externalData` was asked for. */
  data?: Uint8Array;
}

/** Serialises the graph; with `externalData`, its large weights go to a file of that name (e.g. `x.onnx_data`). */
export function buildModel(graph: Graph): Uint8Array;
export function buildModel(graph: Graph, externalData: string): Required<BuiltModel>;
export function buildModel(graph: Graph, externalData?: string): Uint8Array | Required<BuiltModel> {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const model = new ProtoWriter();
  model.int(1, 8); // ir_version
  model.string(2, 'vrag-browser test-models');
  model.message(7, (g) => {
    graph.nodes.forEach((node, i) =>
      g.message(1, (n) => {
        for (const input of node.inputs) n.string(1, input);
        for (const output of node.outputs) n.string(2, output);
        n.string(3, `${node.op}_${i}`).string(4, node.op);
        for (const [name, value] of Object.entries(node.attributes ?? {})) n.message(5, (a) => writeAttribute(a, name, value));
      }),
    );
    g.string(2, graph.name);
    for (const init of graph.initializers) {
      if (externalData && init.data.byteLength >= EXTERNAL_MIN_BYTES) {
        // Aligned like onnx's own writer, so runtimes can map tensors in place.
        const padding = (4096 - (offset % 4096)) % 4096;
        if (padding) chunks.push(new Uint8Array(padding));
        offset += padding;
        g.message(5, (t) => writeInitializer(t, init, { location: externalData, offset }));
        chunks.push(rawBytes(init).slice());
        offset += init.data.byteLength;
      } else g.message(5, (t) => writeInitializer(t, init));
    }
    for (const input of graph.inputs) g.message(11, (v) => writeValueInfo(v, input));
    for (const output of graph.outputs) g.message(12, (v) => writeValueInfo(v, output));
  });
  model.message(8, (o) => o.string(1, '').int(2, 17));
  const bytes = model.finish();
  if (!externalData) return bytes;
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return { model: bytes, data };
}

/** IEEE 754 half precision bits of a number (round to nearest even). */
export function toFloat16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  let mantissa = bits & 0x7fffff;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - exponent;
    const half = (mantissa >> shift) + ((mantissa >> (shift - 1)) & 1);
    return sign | half;
  }
  if (exponent >= 31) return sign | 0x7c00;
  const rounded = mantissa + 0x1000;
  if (rounded & 0x800000) return exponent + 1 >= 31 ? sign | 0x7c00 : sign | ((exponent + 1) << 10);
  return sign | (exponent << 10) | (rounded >> 13);
}
