/**
 * Model inputs from a rendered prompt and its images, per family (VlmFamily.inputs). Runs in the
 * VLM worker, where transformers.js is loaded.
 */
import { cat, type Processor, type RawImage } from '@huggingface/transformers';
import { AppError } from '../../errors.ts';
import type { Size } from '../../shapes.ts';
import type { VlmFamily } from '../families/types.ts';
import { processQwenImage, qwenImageProcessor, type ProcessedImage } from './transformers-adapter.ts';

export type { ProcessedImage };

export interface ModelInputs {
  /** Qwen-VL: without `pixel_values`, which the caller joins only for the images it encodes (`joinImages`). */
  inputs: Record<string, unknown>;
  /** The size the model sees each image at, in order (from the processor's patch grid). */
  seenSizes: Size[];
  /** Qwen-VL: each image's own pixel values and grid, so a turn can encode only its new images. */
  perImage?: ProcessedImage[];
}

/** An image with its fingerprint: a processed image is kept under it for the rest of the episode. */
export interface KeyedImage {
  image: RawImage;
  key: string;
}

const IMAGE_PAD = '<|image_pad|>';

/**
 * Qwen-VL: transformers.js' Qwen2VLProcessor treats a list of images as frames of one video, so
 * each image is processed on its own and the patches, grids and image-pad tokens are joined here,
 * as the Python processor does.
 */
async function qwenVlInputs(processor: Processor, prompt: string, images: KeyedImage[], processed: Map<string, ProcessedImage>): Promise<ModelInputs> {
  const imageProcessor = qwenImageProcessor(processor);
  const parts = prompt.split(IMAGE_PAD);
  if (parts.length - 1 !== images.length) {
    throw new AppError('model-failed', `The prompt has ${parts.length - 1} image slots but ${images.length} images were given.`);
  }
  if (images.length === 0) return { inputs: { ...processor.tokenizer!(prompt) }, seenSizes: [], perImage: [] };
  const perImage: ProcessedImage[] = [];
  for (const { image, key } of images) {
    let done = processed.get(key);
    if (!done) processed.set(key, (done = await processQwenImage(imageProcessor, image)));
    perImage.push(done);
  }
  const { merge_size: merge, patch_size: patch } = imageProcessor.config;
  const grids = perImage.map((p) => (p.image_grid_thw.tolist() as bigint[][])[0]!.map(Number) as [number, number, number]);
  const text = parts.reduce((acc, part, i) => {
    const [t, h, w] = grids[i - 1]!;
    return acc + IMAGE_PAD.repeat((t * h * w) / (merge * merge)) + part;
  });
  // Every image's grid places the image tokens (rope positions); the pixels of images a reused cache
  // already holds are never encoded again, so joining them all each turn would be wasted work.
  return {
    inputs: {
      ...processor.tokenizer!(text),
      image_grid_thw: cat(perImage.map((p) => p.image_grid_thw), 0),
    },
    seenSizes: grids.map(([, h, w]) => ({ width: w * patch, height: h * patch })),
    perImage,
  };
}

/** Several processed images as one vision-encoder input. */
export function joinImages(images: ProcessedImage[]): ProcessedImage {
  return { pixel_values: cat(images.map((p) => p.pixel_values), 0), image_grid_thw: cat(images.map((p) => p.image_grid_thw), 0) };
}

/** Processors that take the whole list of images at once (SmolVLM's tiles each image itself). */
async function wholeListInputs(processor: Processor, prompt: string, images: KeyedImage[]): Promise<ModelInputs> {
  const raw = images.map((i) => i.image);
  const inputs = (await processor(prompt, raw.length > 0 ? raw : null)) as Record<string, unknown>;
  return { inputs, seenSizes: raw.map((i) => ({ width: i.width, height: i.height })) };
}

type InputBuilder = (processor: Processor, prompt: string, images: KeyedImage[], processed: Map<string, ProcessedImage>) => Promise<ModelInputs>;

/**
 * How each kind of family (VlmFamily.inputs) builds its inputs. The families are page-side data,
 * so the code that needs transformers.js is found here, in the worker, by the family's kind; a
 * kind without a builder does not compile.
 */
const BUILDERS: Record<VlmFamily['inputs'], InputBuilder> = { 'qwen-vl': qwenVlInputs, processor: wholeListInputs };

/** `processed` keeps Qwen-VL's processed images by fingerprint; the caller decides how long. */
export function modelInputs(family: VlmFamily, processor: Processor, prompt: string, images: KeyedImage[], processed: Map<string, ProcessedImage>): Promise<ModelInputs> {
  return BUILDERS[family.inputs](processor, prompt, images, processed);
}
