/**
 * Embedders on transformers.js, in workers/embed.worker.ts: a text embedder for page text (mean-pooled,
 * normalised) and an image embedder whose text tower embeds queries into the same space as page images.
 */
import {
  AutoImageProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  JinaCLIPTextModel,
  JinaCLIPVisionModel,
  RawImage,
  SiglipTextModel,
  SiglipVisionModel,
  pipeline,
  type FeatureExtractionPipeline,
  type ImageProcessor,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Tensor,
} from '@huggingface/transformers';
import { AppError } from '../../errors.ts';
import type { RgbaImage } from '../../shapes.ts';
import { normalizeRows } from '../../vectors/matrix.ts';
import { configureModelEnv } from '../env.ts';
import { modelLoadError } from '../load-errors.ts';
import { progressCallback, type DownloadSnapshot } from '../progress.ts';
import type { EmbedderInfo, EmbedderLoadRequest, EmbeddingBatch, TextRole } from './types.ts';

type ImageInput = Blob | RgbaImage;

interface Loaded {
  request: EmbedderLoadRequest;
  info: EmbedderInfo;
  text?: FeatureExtractionPipeline;
  vision?: { model: PreTrainedModel; processor: ImageProcessor; textModel: PreTrainedModel; tokenizer: PreTrainedTokenizer };
}

const TOWERS = {
  clip: { vision: CLIPVisionModelWithProjection, text: CLIPTextModelWithProjection },
  jina_clip: { vision: JinaCLIPVisionModel, text: JinaCLIPTextModel },
  siglip: { vision: SiglipVisionModel, text: SiglipTextModel },
} as const;


/** The first output that looks like pooled embeddings ([n, dims]). */
function embeddingsOf(output: Record<string, Tensor>): Tensor {
  const tensor = output.image_embeds ?? output.text_embeds ?? output.pooler_output ?? output.l2norm_text_embeddings ?? output.l2norm_image_embeddings;
  if (!tensor) throw new AppError('model-failed', `The embedder returned no embeddings (outputs: ${Object.keys(output).join(', ')}).`);
  return tensor;
}

async function toRawImage(image: ImageInput): Promise<RawImage> {
  return image instanceof Blob ? (await RawImage.fromBlob(image)).rgb() : new RawImage(image.data, image.width, image.height, 4).rgb();
}

export class EmbedderRuntime {
  private loaded: Loaded | null = null;

  async load(request: EmbedderLoadRequest, onProgress?: (p: DownloadSnapshot) => void): Promise<EmbedderInfo> {
    await this.dispose();
    configureModelEnv(request.source);
    const { progress, progress_callback } = progressCallback(onProgress, request.expected);
    const hub = { progress_callback, ...(request.revision ? { revision: request.revision } : {}) };
    const options = { ...hub, device: request.device, dtype: request.dtype };
    const started = performance.now();
    const loaded: Omit<Loaded, 'info'> = { request };
    const { towers } = request.family;
    try {
      if (towers === 'feature-extraction') {
        loaded.text = await pipeline('feature-extraction', request.modelId, options);
      } else {
        const classes = TOWERS[towers];
        const [model, processor, textModel, tokenizer] = await Promise.all([
          classes.vision.from_pretrained(request.modelId, options),
          AutoImageProcessor.from_pretrained(request.modelId, hub),
          classes.text.from_pretrained(request.modelId, options),
          AutoTokenizer.from_pretrained(request.modelId, hub),
        ]);
        loaded.vision = { model, processor, textModel, tokenizer };
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw modelLoadError(request.modelId, error);
    }
    const partial = { ...loaded, info: { modelId: request.modelId, modality: request.family.modality, device: request.device, dtype: request.dtype, dims: 0, modelBytes: progress.snapshot(true).totalBytes, loadMs: 0 } };
    this.loaded = partial;
    // The embedding size comes from the model itself: embed one probe text.
    partial.info.dims = (await this.embedTexts(['probe'], 'query')).dims;
    partial.info.loadMs = performance.now() - started;
    return partial.info;
  }

  current(): EmbedderInfo | null {
    return this.loaded?.info ?? null;
  }

  async embedTexts(texts: string[], role: TextRole): Promise<EmbeddingBatch> {
    const loaded = this.require();
    // The family's training prefixes (e5: "query: " / "passage: "), wherever the model came from.
    const prefix = loaded.request.family.prefixes?.[role] ?? '';
    const inputs = texts.map((t) => prefix + t);
    if (loaded.text) {
      const output = await loaded.text(inputs, { pooling: 'mean', normalize: true });
      return { dims: output.dims.at(-1)!, data: new Float32Array(output.data as Float32Array) };
    }
    const { textModel, tokenizer } = loaded.vision!;
    const tokens = tokenizer(inputs, loaded.request.family.textPadding);
    const embeds = embeddingsOf(await textModel(tokens));
    const dims = embeds.dims.at(-1)!;
    return { dims, data: normalizeRows(new Float32Array(embeds.data as Float32Array), dims) };
  }

  async embedImages(images: ImageInput[]): Promise<EmbeddingBatch> {
    const loaded = this.require();
    if (!loaded.vision) throw new AppError('model-failed', `${loaded.request.modelId} embeds text only, not page images.`);
    const { model, processor } = loaded.vision;
    const raw = await Promise.all(images.map(toRawImage));
    const embeds = embeddingsOf(await model(await processor(raw)));
    const dims = embeds.dims.at(-1)!;
    return { dims, data: normalizeRows(new Float32Array(embeds.data as Float32Array), dims) };
  }

  async dispose(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = null;
    await loaded?.text?.dispose();
    await loaded?.vision?.model.dispose();
    await loaded?.vision?.textModel.dispose();
  }

  private require(): Loaded {
    if (!this.loaded) throw new AppError('model-failed', 'No embedder is loaded. Load one in the model manager.');
    return this.loaded;
  }
}

