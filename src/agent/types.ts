import type { VisionSpec } from '../models/families/types.ts';
import type { BBox, Rect, Region, Size } from '../perception/geometry.ts';
import type { RgbaImage } from '../perception/types.ts';
import type { RankedPage } from '../retrieval/types.ts';
import type { Action, InvalidReason } from './protocol.ts';
import type { PromptStyle } from './styles.ts';

/** An image shown to the model in an episode; pixels live in the episode's image map under `id`. */
export interface ImageRecord {
  id: string;
  kind: 'page' | 'crop';
  pageId: string;
  /** The image this crop was cut from. */
  parentId?: string;
  /** The box as the model wrote it, in its coordinate convention. */
  bbox?: BBox;
  /** The crop rectangle in pixels of the parent image, after padding and clamping. */
  rect?: Rect;
  /** The model's box went past the image edge; the crop stops there. */
  pastEdge?: true;
  sourceSize: Size;
  inputSize: Size;
  /** Where this image lies on its page (page-image pixels). */
  region: Region;
}

export type ContentPart = { type: 'text'; text: string } | { type: 'image'; imageId: string };

export interface ChatMessage {
  /** 'system' only in the `tools` prompt style (its tool-description prompt). */
  role: 'system' | 'user' | 'assistant';
  content: ContentPart[];
}

/** Pixels of an episode's images: native source (for display and export), the page it is part of, and model input. */
export interface EpisodeImage {
  record: ImageRecord;
  /** A crop's PNG is still being encoded when the model already sees the crop. */
  source: Promise<Blob>;
  page: Blob;
  input: RgbaImage;
  /** The perception's handle on the decoded page this image is part of (crops are cut from it). */
  pageKey: string;
}

export interface PolicyRequest {
  messages: readonly ChatMessage[];
  images: ReadonlyMap<string, EpisodeImage>;
  signal: AbortSignal;
  /** Called with each piece of text as the model streams it. */
  onToken: (text: string) => void;
}

export type { VisionSpec };

/** Anything that turns a conversation into the next assistant reply: a local VLM, a remote endpoint, a script. */
export interface Policy {
  readonly name: string;
  readonly vision: VisionSpec;
  /** How to talk to it: VRAG-RL's tags (default) or the tool-description prompt with JSON replies. */
  readonly promptStyle?: PromptStyle;
  /** A grounding expert that answers the turn after each search (VRAG-RL's data construction); see `withGrounder`. */
  readonly grounder?: Policy;
  reply(request: PolicyRequest): Promise<string>;
}

export interface SearchRecord {
  query: string;
  results: RankedPage[];
  /** The page shown to the model, or null when every result had been shown already (or none came back). */
  shownPageId: string | null;
}

export type Observation =
  | {
      kind: 'image';
      imageId: string;
      text?: string;
      /** Told to the grounding expert with a searched page; shown to the model, left out of SFT data (as the reference's conversion does). */
      hint?: string;
    }
  | { kind: 'text'; text: string }
  | { kind: 'none' };

export interface TurnRecord {
  index: number;
  /** The model's raw reply. */
  reply: string;
  /** What was kept in the conversation. */
  kept: string;
  thought: string | null;
  action: Action | null;
  invalid: { reason: InvalidReason | 'no-image' | 'cannot-crop' | 'off-image'; problem: string } | null;
  search?: SearchRecord;
  /** Set when the grounding expert, not the reasoner, wrote this reply. */
  expert?: 'grounder';
  observation: Observation;
  timings: { startedAt: number; modelMs: number; observeMs: number };
}

export type EpisodeStatus = 'answered' | 'no-answer' | 'cancelled' | 'error';

export interface EpisodeOutcome {
  status: EpisodeStatus;
  answer?: string;
  /** A sentence for the user when status is not 'answered'. */
  message?: string;
}

export interface AgentConfig {
  /** Most model replies in an episode; the last must be an answer. */
  maxActions: number;
  /** Pages fetched per search; the first one not yet shown becomes the observation. */
  topK: number;
  /**
   * Data construction only (never for accuracy figures): the page shown after a search is the
   * first retrieved gold page not yet shown, else the first unseen page, as VRAG-RL's
   * data_construct_pipeline.py does. Not recorded in the trajectory's config (it says `goldGuided`).
   */
  goldPages?: readonly string[];
}

export { DEFAULT_AGENT_CONFIG } from '../schemas/agent-config.ts';

export interface Trajectory {
  format: 'vrag-browser-trajectory';
  version: 2;
  question: string;
  policy: string;
  vision: VisionSpec;
  config: AgentConfig;
  /** The reasoner's prompt style; absent in files written before styles existed (they are `vrag`). */
  promptStyle?: PromptStyle;
  /** The grounding expert, when one answered the turns after searches. */
  grounder?: { policy: string; vision: VisionSpec; promptStyle: PromptStyle };
  /** Searches showed gold pages first (data construction): accuracy from this episode is not comparable. */
  goldGuided?: true;
  startedAt: number;
  totalMs: number;
  turns: TurnRecord[];
  images: ImageRecord[];
  outcome: EpisodeOutcome;
}

export type AgentEvent =
  | { type: 'turn'; index: number }
  | { type: 'token'; index: number; text: string }
  | { type: 'thought'; index: number; text: string }
  | { type: 'action'; index: number; action: Action }
  | { type: 'invalid'; index: number; reason: string; problem: string }
  | { type: 'search'; index: number; query: string }
  | { type: 'results'; index: number; search: SearchRecord }
  | { type: 'image'; index: number; image: ImageRecord; source: Promise<Blob> }
  | { type: 'observation'; index: number; observation: Observation }
  | { type: 'answer'; index: number; text: string }
  | { type: 'error'; message: string }
  | { type: 'end'; outcome: EpisodeOutcome };
