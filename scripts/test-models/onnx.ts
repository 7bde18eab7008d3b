/**
 * Builds ONNX models (ModelProto) from a small graph description, serialised with ProtoWriter.
 * Field numbers follow onnx.proto (IR version 8, default-domain opset 17).
 */
import { ProtoWriter } from './protobuf.ts';

export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;
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
  data: Float32Array | BigInt64Array | Int32Array;
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

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name).message(2, (type) =>
    type.message(1, (tensor) =>
      tensor.int(1, v.type).message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      }),
    ),
  );
}

function writeInitializer(w: ProtoWriter, t: Initializer): void {
  w.packedInts(1, t.dims).int(2, t.type).string(8, t.name);
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function writeAttribute(w: ProtoWriter, name: string, value: AttributeValue): void {
  w.string(1, name);
  if (typeof value === 'number') w.int(3, value).int(20, AttrType.INT);
  else if (typeof value === 'string') w.string(4, value).int(20, AttrType.STRING);
  else if (Array.isArray(value)) w.packedInts(8, value).int(20, AttrType.INTS);
  else if ('ints' in value) w.packedInts(8, value.ints).int(20, AttrType.INTS);
  else w.float(2, value.float).int(20, AttrType.FLOAT);
}

export function buildModel(graph: Graph): Uint8Array {
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
    for (const init of graph.initializers) g.message(5, (t) => writeInitializer(t, init));
    for (const input of graph.inputs) g.message(11, (v) => writeValueInfo(v, input));
    for (const output of graph.outputs) g.message(12, (v) => writeValueInfo(v, output));
  });
  model.message(8, (o) => o.string(1, '').int(2, 17));
  return model.finish();
}
