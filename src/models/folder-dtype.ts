/**
 * Which ONNX variant of each file to load from a model folder, judged from the file names in it
 * (transformers.js names variants `<file>.onnx`, `<file>_fp16.onnx`, `<file>_q4f16.onnx`, ...). Pure.
 */
import type { DType } from './config.ts';

const SUFFIX: Record<DType, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4', q4f16: '_q4f16' };
export const QWEN_VL_FILES = ['embed_tokens', 'vision_encoder', 'decoder_model_merged'] as const;

/** Preference on WebGPU with f16 shaders, and everywhere else (WASM or no shader-f16). */
const PREFER_F16: DType[] = ['q4f16', 'fp16', 'q4', 'fp32', 'q8'];
const PREFER_F32: DType[] = ['q4', 'fp32', 'q8', 'q4f16', 'fp16'];

export function folderDtypes(paths: readonly string[], f16: boolean, files: readonly string[] = QWEN_VL_FILES): Record<string, DType> | null {
  const have = new Set(paths);
  const order = f16 ? PREFER_F16 : PREFER_F32;
  const out: Record<string, DType> = {};
  for (const file of files) {
    const dtype = order.find((d) => have.has(`onnx/${file}${SUFFIX[d]}.onnx`));
    if (!dtype) return null;
    out[file] = dtype;
  }
  return out;
}

export const usesF16 = (dtypes: Record<string, DType>) => Object.values(dtypes).some((d) => d === 'fp16' || d === 'q4f16');
