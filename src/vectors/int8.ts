/**
 * Symmetric int8 quantisation with one scale per vector: q = round(x / scale), scale = max|x| / 127,
 * so each decoded value is within scale/2 of the original.
 */
export interface Int8Matrix {
  dims: number;
  data: Int8Array;
  /** One scale per row. */
  scales: Float32Array;
}

export function quantizeRows(data: Float32Array, dims: number): Int8Matrix {
  const rows = data.length / dims;
  const out = new Int8Array(data.length);
  const scales = new Float32Array(rows);
  for (let r = 0, offset = 0; r < rows; r++, offset += dims) {
    let max = 0;
    for (let i = 0; i < dims; i++) {
      const magnitude = Math.abs(data[offset + i]!);
      if (magnitude > max) max = magnitude;
    }
    const scale = Math.fround(max / 127);
    scales[r] = scale;
    if (scale === 0) continue;
    const inv = 1 / scale;
    // Int8Array stores wrap-free only within range, so clamp the rare 127.0000x from float rounding.
    for (let i = 0; i < dims; i++) {
      const q = Math.round(data[offset + i]! * inv);
      out[offset + i] = q > 127 ? 127 : q < -127 ? -127 : q;
    }
  }
  return { dims, data: out, scales };
}

export function dequantizeRows(matrix: Int8Matrix): Float32Array {
  const out = new Float32Array(matrix.data.length);
  for (let i = 0; i < out.length; i++) out[i] = matrix.data[i]! * matrix.scales[Math.floor(i / matrix.dims)]!;
  return out;
}
