/** Stored vector encodings: raw float32, or the app's one int8 codec (src/vectors/int8.ts), one scale per row. */
import { AppError } from '../errors.ts';
import { dequantizeRows, quantizeRows } from '../vectors/int8.ts';
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

  const { data, scales } = quantizeRows(values, dims);
  return { encoding, dims, count, values: data, scales };
}

/** The float32 values (count × dims) of an encoded vector. */
export function decodeVector(encoded: EncodedVectors): Float32Array {
  if (encoded.encoding === 'f32') return encoded.values;
  return dequantizeRows({ dims: encoded.dims, data: encoded.values, scales: encoded.scales });
}

/** Stored size of the vector payload in bytes. */
export function encodedByteLength(encoded: EncodedVectors): number {
  return encoded.values.byteLength + (encoded.encoding === 'int8' ? encoded.scales.byteLength : 0);
}
