/** Assembles ONNX graphs with seeded random weights, one op at a time. */
import { seededRandom } from '../seeded-random.ts';
import { DataType, type AttributeValue, type Graph, type Initializer, type Node, type ValueInfo } from './onnx.ts';

export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly rand: () => number;
  private count = 0;

  constructor(
    private readonly name: string,
    seed: number,
  ) {
    this.rand = seededRandom(seed);
  }

  /** A float weight with entries uniform in [-scale, scale]. */
  weight(name: string, dims: number[], scale: number): string {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = (this.rand() * 2 - 1) * scale;
    this.initializers.push({ name, type: DataType.FLOAT, dims, data });
    return name;
  }

  tensor(name: string, dims: number[], data: Float32Array): string {
    this.initializers.push({ name, type: DataType.FLOAT, dims, data });
    return name;
  }

  int64(name: string, values: number[]): string {
    this.initializers.push({ name, type: DataType.INT64, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  }

  scalar(name: string, value: number): string {
    this.initializers.push({ name, type: DataType.FLOAT, dims: [], data: Float32Array.of(value) });
    return name;
  }

  op(op: string, inputs: string[], attributes?: Record<string, AttributeValue>, output?: string): string {
    const out = output ?? `${op.toLowerCase()}_${this.count++}`;
    this.nodes.push({ op, inputs, outputs: [out], ...(attributes ? { attributes } : {}) });
    return out;
  }

  build(inputs: ValueInfo[], outputs: ValueInfo[]): Graph {
    return { name: this.name, inputs, outputs, initializers: this.initializers, nodes: this.nodes };
  }
}
