/** Compact vector encodings: raw float32, or int8 with one scale per vector (|error| <= maxAbs/254). */
import { AppError } from '../errors.ts';
import type { EncodedVectors, VectorEncoding } from './types.ts';

/**
 * Encodes `values` as rows of `dims` (default: one vector of values.length). Each int8 row is
 * scaled by its own largest magnitude, so a row of small values keeps its precision.
 */
export function encodeVector(values: Float32Array, encoding: VectorEncoding, dims = values.length): EncodedVectors {
  if (!Number.isInteger(dims) || dims < 1 || values.length === 0 || values.length % dims !== 0) {
    throw new AppError('invalid-input', `A vector of ${values.length} values cannot be split into rows of ${dims}.`);
  }
  if (!values.every(Number.isFinite)) {
    throw new AppError('invalid-input', 'The embedding contains NaN or infinite values; the model output is unusable.');
  }
  const count = values.length / dims;
  if (encoding === 'f32') return { encoding, dims, count, values: Float32Array.from(values) };

  const quantised = new Int8Array(values.length);
  const scales = new Float32Array(count);
  for (let row = 0; row < count; row++) {
    const start = row * dims;
    let maxAbs = 0;
    for (let i = start; i < start + dims; i++) maxAbs = Math.max(maxAbs, Math.abs(values[i]!));
    const scale = maxAbs / 127;
    scales[row] = scale;
    if (scale === 0) continue;
    for (let i = start; i < start + dims; i++) quantised[i] = Math.round(values[i]! / scale);
  }
  return { encoding, dims, count, values: quantised, scales };
}

/** The float32 values (count × dims) of an encoded vector. */
export function decodeVector(encoded: EncodedVectors): Float32Array {
  if (encoded.encoding === 'f32') return encoded.values;
  const { dims, values, scales } = encoded;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! * scales[Math.floor(i / dims)]!;
  return out;
}

/** Stored size of the vector payload in bytes. */
export function encodedByteLength(encoded: EncodedVectors): number {
  return encoded.values.byteLength + (encoded.encoding === 'int8' ? encoded.scales.byteLength : 0);
}
