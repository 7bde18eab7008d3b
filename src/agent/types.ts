import type { VisionSpec } from '../models/families/types.ts';
import type { RgbaImage } from '../perception/types.ts';
import type { RankedPage } from '../retrieval/types.ts';
import type { Action, EpisodeOutcome, ImageRecord, Observation, SearchRecord } from '../schemas/trajectory.ts';
import type { PromptStyle } from './styles.ts';

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

// The records of an episode are described once, by the trajectory file's schema.
export type { EpisodeOutcome, EpisodeStatus, ImageRecord, Observation, SearchRecord, Trajectory, TurnRecord } from '../schemas/trajectory.ts';

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
