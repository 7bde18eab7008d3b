/**
 * What the app must know about each model family it runs, in one place per family (as
 * transformers.js keeps one folder per model type). Pure data and maths: used on the page (box
 * convention, input sizes, which files to download) and in the workers (which inputs to build,
 * which sessions to load, which prefixes a text gets).
 */
import type { BBoxConvention, PixelBounds } from '../../shapes.ts';
import type { VariantDtypes } from '../files.ts';

/** How many visual tokens one image may become: VRAG-RL uses 256 to 512. */
export interface VisualTokenBounds {
  min: number;
  max: number;
}

export const VRAG_VISUAL_TOKENS: VisualTokenBounds = { min: 256, max: 512 };

/** How a model sees images and writes boxes: what the agent and the perception step need. */
export interface VisionSpec {
  convention: BBoxConvention;
  /** The size every image is prepared at, in the family's own grid. */
  pixelBounds: PixelBounds;
  /** False for models that cannot ground boxes: crops are then refused with an explanation. */
  canCrop: boolean;
}

export interface VlmFamily {
  kind: 'vlm';
  /** Shown to users. */
  name: string;
  /** `model_type` values of config.json that this family runs. */
  modelTypes: readonly string[];
  convention: BBoxConvention;
  canCrop: boolean;
  /** The ONNX sessions transformers.js loads for the family, by file base name. */
  sessions: readonly string[];
  /** The family's usual export: the dtype of each session on each device (a hub id typed by the user gets these). */
  dtypes: VariantDtypes;
  /** Image inputs: Qwen-VL's processor is called image by image (see vlm/inputs.ts); others take the whole list. */
  inputs: 'qwen-vl' | 'processor';
  /** The pixel bounds of a visual-token budget in this family's grid. */
  pixelBounds(tokens: VisualTokenBounds): PixelBounds;
  /** A file that may hold the chat template when tokenizer_config.json does not (newer exports). */
  chatTemplateFile?: string;
  /**
   * config.json in the shape transformers.js expects, from what exporters of different vintages
   * wrote (null when it needs no change).
   */
  normalizeConfig?(config: Record<string, unknown>): Record<string, unknown> | null;
}

export interface EmbedderFamily {
  kind: 'embedder';
  name: string;
  modelTypes: readonly string[];
  /** Page text, or page images with text queries in the same space. */
  modality: 'text' | 'image';
  /** The ONNX sessions transformers.js loads, by file base name. */
  sessions: readonly string[];
  /** Which transformers.js classes run it (see embed/runtime.ts). */
  towers: 'feature-extraction' | 'clip' | 'jina_clip' | 'siglip';
  /** Tokenizer options for the text side: SigLIP's text tower only works on fixed-length input. */
  textPadding: { padding: true | 'max_length'; truncation: true; max_length?: number };
  /** What the family was trained to see before a query and before a passage (e5: "query: ", "passage: "). */
  prefixes?: { query: string; document: string };
}

export function visionSpec(family: VlmFamily, tokens: VisualTokenBounds = VRAG_VISUAL_TOKENS): VisionSpec {
  return { convention: family.convention, pixelBounds: family.pixelBounds(tokens), canCrop: family.canCrop };
}
