/** Assembles ONNX graphs with seeded random weights, one op at a time. */
import { seededRandom } from '../seeded-random.ts';
import { DataType, toFloat16Bits, type AttributeValue, type Graph, type Initializer, type Node, type ValueInfo } from './onnx.ts';

export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly rand: () => number;
  private readonly names = new Set<string>();
  private count = 0;

  /** @param half store float weights in half precision (an `_fp16` / `_q4f16` export), cast to float on use */
  constructor(
    private readonly name: string,
    seed: number,
    private readonly half = false,
  ) {
    this.rand = seededRandom(seed);
  }

  /** `name`, or `name_2`, `name_3`, ... when it is taken: constants can be asked for freely. */
  private unique(name: string): string {
    let candidate = name;
    for (let i = 2; this.names.has(candidate); i++) candidate = `${name}_${i}`;
    this.names.add(candidate);
    return candidate;
  }

  /** A float weight with entries uniform in [-scale, scale]; its name (or the name of its float cast). */
  weight(name: string, dims: number[], scale: number): string {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = (this.rand() * 2 - 1) * scale;
    return this.tensor(name, dims, data);
  }

  tensor(requested: string, dims: number[], data: Float32Array): string {
    const name = this.unique(requested);
    if (!this.half) {
      this.initializers.push({ name, type: DataType.FLOAT, dims, data });
      return name;
    }
    this.initializers.push({ name: `${name}_fp16`, type: DataType.FLOAT16, dims, data: Uint16Array.from(data, toFloat16Bits) });
    return this.op('Cast', [`${name}_fp16`], { to: DataType.FLOAT }, name);
  }

  int64(requested: string, values: number[]): string {
    const name = this.unique(requested);
    this.initializers.push({ name, type: DataType.INT64, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  }

  int64Tensor(requested: string, dims: number[], values: number[]): string {
    const name = this.unique(requested);
    this.initializers.push({ name, type: DataType.INT64, dims, data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  }

  scalar(requested: string, value: number): string {
    const name = this.unique(requested);
    this.initializers.push({ name, type: DataType.FLOAT, dims: [], data: Float32Array.of(value) });
    return name;
  }

  scalarInt(requested: string, value: number): string {
    const name = this.unique(requested);
    this.initializers.push({ name, type: DataType.INT64, dims: [], data: BigInt64Array.of(BigInt(value)) });
    return name;
  }

  op(op: string, inputs: string[], attributes?: Record<string, AttributeValue>, output?: string): string {
    const out = output ?? this.unique(`${op.toLowerCase()}_${this.count++}`);
    this.nodes.push({ op, inputs, outputs: [out], ...(attributes ? { attributes } : {}) });
    return out;
  }

  build(inputs: ValueInfo[], outputs: ValueInfo[]): Graph {
    return { name: this.name, inputs, outputs, initializers: this.initializers, nodes: this.nodes };
  }
}
