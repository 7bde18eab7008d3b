/**
 * Which ONNX variant of each session to load from a model folder, judged from the file names in
 * it (transformers.js names variants `<file>.onnx`, `<file>_fp16.onnx`, `<file>_q4f16.onnx`, ...,
 * with external weights in `<file>.onnx_data`, `<file>.onnx_data_1`, ...). Pure.
 */
import { onnxFileName, type DType, type Variant } from './files.ts';

/** Preference on WebGPU with f16 shaders, and everywhere else (WASM or no shader-f16). */
const PREFER_F16: DType[] = ['q4f16', 'fp16', 'q4', 'fp32', 'q8'];
const PREFER_F32: DType[] = ['q4', 'fp32', 'q8', 'q4f16', 'fp16'];

/** The folder's files for `sessions`, or null when one of them has no ONNX file at all. */
export function folderVariant(paths: readonly string[], f16: boolean, sessions: readonly string[]): Variant | null {
  const have = new Set(paths);
  const order = f16 ? PREFER_F16 : PREFER_F32;
  const variant: Variant = { dtype: {}, externalData: {}, files: [] };
  for (const session of sessions) {
    const dtype = order.find((d) => have.has(`onnx/${onnxFileName(session, d)}`));
    if (!dtype) return null;
    const name = onnxFileName(session, dtype);
    variant.dtype[session] = dtype;
    variant.files.push({ path: `onnx/${name}`, bytes: 0 });
    let chunks = 0;
    while (have.has(`onnx/${name}_data${chunks === 0 ? '' : `_${chunks}`}`)) {
      variant.files.push({ path: `onnx/${name}_data${chunks === 0 ? '' : `_${chunks}`}`, bytes: 0 });
      chunks++;
    }
    if (chunks > 0) variant.externalData[name] = chunks;
  }
  return variant;
}

export const usesF16 = (dtypes: Record<string, DType>) => Object.values(dtypes).some((d) => d === 'fp16' || d === 'q4f16');
