/**
 * How the files of an ONNX export are named and listed (transformers.js' conventions: a session
 * `<name>` with dtype suffix, `onnx/<name><suffix>.onnx`, its weights in `.onnx_data` chunks when
 * large). Pure data and maths, for the registry, the families and folders picked by the user.
 */

/** transformers.js dtypes used here, per ONNX file. */
export type DType = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';

/** transformers.js' file suffix for each dtype. */
export const DTYPE_SUFFIX: Record<DType, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4', q4f16: '_q4f16' };

export interface HubFile {
  path: string;
  bytes: number;
}

/** One set of ONNX files: what a device loads. */
export interface Variant {
  dtype: Record<string, DType>;
  /** ONNX file name -> number of `.onnx_data` chunks, for graphs that keep their weights outside (transformers.js' use_external_data_format). */
  externalData: Record<string, number>;
  /** The ONNX files and their data chunks. */
  files: HubFile[];
}

/** WebGPU with f16 shaders, WebGPU without them, WASM. */
export type VariantName = 'webgpu-f16' | 'webgpu' | 'wasm';

export const VARIANT_NAMES: readonly VariantName[] = ['webgpu-f16', 'webgpu', 'wasm'];

/** The dtype of each ONNX session a device loads, per device: a family's usual export. */
export type VariantDtypes = Partial<Record<VariantName, Record<string, DType>>>;

/** Bytes of each ONNX file (a number, or graph and `.onnx_data` sizes), or null when unknown. */
export type FileSizes = Record<string, number | [graph: number, data: number]> | null;

/** `<session><suffix>.onnx`, e.g. `decoder_model_merged_q4f16.onnx`. */
export const onnxFileName = (session: string, dtype: DType): string => `${session}${DTYPE_SUFFIX[dtype]}.onnx`;

/** The ONNX files of a variant (plus each graph's data chunk) with their sizes. */
export function variantOf(dtype: Record<string, DType>, sizes: FileSizes): Variant {
  const files: HubFile[] = [];
  const externalData: Record<string, number> = {};
  for (const [session, type] of Object.entries(dtype)) {
    const name = onnxFileName(session, type);
    const size = sizes ? sizes[name] : 0;
    if (size === undefined) throw new Error(`registry: no size for ${name}`);
    if (Array.isArray(size)) {
      files.push({ path: `onnx/${name}`, bytes: size[0] }, { path: `onnx/${name}_data`, bytes: size[1] });
      externalData[name] = 1;
    } else files.push({ path: `onnx/${name}`, bytes: size });
  }
  return { dtype, externalData, files };
}

/** A variant per device from a family's usual dtypes (only `devices`, when given). */
export function variantsOf(dtypes: VariantDtypes, sizes: FileSizes, devices: readonly VariantName[] = VARIANT_NAMES): Partial<Record<VariantName, Variant>> {
  const variants: Partial<Record<VariantName, Variant>> = {};
  for (const name of devices) {
    const dtype = dtypes[name];
    if (dtype) variants[name] = variantOf(dtype, sizes);
  }
  return variants;
}

/** The same variant on every device (models published in one dtype). */
export function sameOnEvery(devices: readonly VariantName[], variant: Variant): Partial<Record<VariantName, Variant>> {
  return Object.fromEntries(devices.map((name) => [name, variant]));
}
