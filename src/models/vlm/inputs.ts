/**
 * Model inputs from a rendered prompt and its images, per family (VlmFamily.inputs). Runs in the
 * VLM worker, where transformers.js is loaded.
 */
import { cat, type Processor, type RawImage, type Tensor } from '@huggingface/transformers';
import { AppError } from '../../errors.ts';
import type { VlmFamily } from '../families/types.ts';

export interface ModelInputs {
  inputs: Record<string, unknown>;
  /** The size the model sees each image at, in order (from the processor's patch grid). */
  seenSizes: { width: number; height: number }[];
}

const IMAGE_PAD = '<|image_pad|>';

interface QwenImageProcessor {
  (image: RawImage): Promise<{ pixel_values: Tensor; image_grid_thw: Tensor }>;
  config: { merge_size: number; patch_size: number };
}

/**
 * Qwen-VL: transformers.js' Qwen2VLProcessor treats a list of images as frames of one video, so
 * each image is processed on its own and the patches, grids and image-pad tokens are joined here,
 * as the Python processor does.
 */
async function qwenVlInputs(processor: Processor, prompt: string, images: RawImage[]): Promise<ModelInputs> {
  const imageProcessor = processor.image_processor as unknown as QwenImageProcessor;
  const parts = prompt.split(IMAGE_PAD);
  if (parts.length - 1 !== images.length) {
    throw new AppError('model-failed', `The prompt has ${parts.length - 1} image slots but ${images.length} images were given.`);
  }
  if (images.length === 0) return { inputs: { ...processor.tokenizer!(prompt) }, seenSizes: [] };
  const processed: { pixel_values: Tensor; image_grid_thw: Tensor }[] = [];
  for (const image of images) processed.push(await imageProcessor(image));
  const { merge_size: merge, patch_size: patch } = imageProcessor.config;
  const grids = processed.map((p) => (p.image_grid_thw.tolist() as bigint[][])[0]!.map(Number) as [number, number, number]);
  const text = parts.reduce((acc, part, i) => {
    const [t, h, w] = grids[i - 1]!;
    return acc + IMAGE_PAD.repeat((t * h * w) / (merge * merge)) + part;
  });
  return {
    inputs: {
      ...processor.tokenizer!(text),
      pixel_values: cat(processed.map((p) => p.pixel_values), 0),
      image_grid_thw: cat(processed.map((p) => p.image_grid_thw), 0),
    },
    seenSizes: grids.map(([, h, w]) => ({ width: w * patch, height: h * patch })),
  };
}

export async function modelInputs(family: VlmFamily, processor: Processor, prompt: string, images: RawImage[]): Promise<ModelInputs> {
  if (family.inputs === 'qwen-vl') return qwenVlInputs(processor, prompt, images);
  const inputs = (await processor(prompt, images.length > 0 ? images : null)) as Record<string, unknown>;
  return { inputs, seenSizes: images.map((i) => ({ width: i.width, height: i.height })) };
}
