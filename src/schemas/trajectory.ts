/**
 * Trajectory files (exported by this app) and the records they hold: the schema is the one
 * description, and the types the agent writes (`Trajectory`, `TurnRecord`, `ImageRecord`,
 * `Action`, …) are inferred from it, so what the app writes and what it reads back cannot drift.
 * Every field a replay and a training export rely on is checked, and a bad file is refused with
 * the field that is wrong. Version 1 files (before images were prepared on the model's patch
 * grid) read as version 2.
 */
import * as v from 'valibot';
import { AppError } from '../errors.ts';
import type { VisionSpec } from '../models/families/types.ts';
import { BBOX_CONVENTIONS, type BBox } from '../shapes.ts';
import { parseWith } from './parse.ts';
import { PromptStyleSchema } from './prompt-style.ts';

const SUBJECT = 'This file is not a trajectory exported by this app';

const size = v.object({ width: v.number(), height: v.number() });
const rect = v.object({ x: v.number(), y: v.number(), width: v.number(), height: v.number() });
/** Where an image lies on its page: page-image pixels, and page pixels per pixel of the image. */
const region = v.object({ ...rect.entries, scale: v.number() });
const bbox = v.pipe(
  v.array(v.number()),
  v.length(4, 'should hold four numbers (a box)'),
  v.transform(([x1, y1, x2, y2]): BBox => [x1!, y1!, x2!, y2!]),
);

const vision: v.GenericSchema<unknown, VisionSpec> = v.object({
  convention: v.picklist(BBOX_CONVENTIONS),
  // Version 1 resized images without a grid: a factor of 1.
  pixelBounds: v.object({ minPixels: v.number(), maxPixels: v.number(), factor: v.optional(v.number(), 1) }),
  canCrop: v.boolean(),
});

const ActionSchema = v.variant('kind', [
  v.object({ kind: v.literal('search'), query: v.string() }),
  v.object({ kind: v.literal('bbox'), bbox }),
  v.object({ kind: v.literal('answer'), text: v.string() }),
]);

/** One action of a reply: a search, a crop, or the answer. */
export type Action = v.InferOutput<typeof ActionSchema>;

const REPLY_PROBLEMS = ['no-action', 'empty-search', 'empty-answer', 'bad-bbox'] as const;
/** Why a reply held no action (the protocol's parse). */
export type InvalidReason = (typeof REPLY_PROBLEMS)[number];
/** Why an action was refused: the reply's own problem, or a crop the episode could not make. */
const INVALID_REASONS = [...REPLY_PROBLEMS, 'no-image', 'cannot-crop', 'off-image'] as const;

const ImageRecordSchema = v.object({
  id: v.string(),
  kind: v.picklist(['page', 'crop']),
  pageId: v.string(),
  /** The image this crop was cut from. */
  parentId: v.optional(v.string()),
  /** The box as the model wrote it, in its coordinate convention. */
  bbox: v.optional(bbox),
  /** The crop rectangle in pixels of the parent image, after padding and clamping. */
  rect: v.optional(rect),
  /** The model's box went past the image edge; the crop stops there. */
  pastEdge: v.optional(v.literal(true)),
  sourceSize: size,
  inputSize: size,
  /** Where this image lies on its page (page-image pixels). */
  region,
});

/** An image shown to the model in an episode; pixels live in the episode's image map under `id`. */
export type ImageRecord = v.InferOutput<typeof ImageRecordSchema>;

const ObservationSchema = v.variant('kind', [
  v.object({
    kind: v.literal('image'),
    imageId: v.string(),
    text: v.optional(v.string()),
    /** Told to the grounding expert with a searched page; shown to the model, left out of SFT data (as the reference's conversion does). */
    hint: v.optional(v.string()),
  }),
  v.object({ kind: v.literal('text'), text: v.string() }),
  v.object({ kind: v.literal('none') }),
]);

export type Observation = v.InferOutput<typeof ObservationSchema>;

/** A searched page as the trajectory keeps it (the retriever's RankedPage). */
const rankedPage = v.object({
  pageId: v.string(),
  score: v.number(),
  /** Which signals found this page. */
  signals: v.optional(v.array(v.string())),
  /** The query words the page holds, exact or by a similar spelling. */
  matched: v.optional(v.array(v.object({ word: v.string(), terms: v.array(v.string()), similar: v.boolean() }))),
});

const SearchRecordSchema = v.object({
  query: v.string(),
  results: v.array(rankedPage),
  /** The page shown to the model, or null when every result had been shown already (or none came back). */
  shownPageId: v.nullable(v.string()),
});

export type SearchRecord = v.InferOutput<typeof SearchRecordSchema>;

const TurnRecordSchema = v.object({
  index: v.number(),
  /** The model's raw reply. */
  reply: v.string(),
  /** What was kept in the conversation. */
  kept: v.string(),
  thought: v.nullable(v.string()),
  action: v.nullable(ActionSchema),
  invalid: v.nullable(v.object({ reason: v.picklist(INVALID_REASONS), problem: v.string() })),
  search: v.optional(SearchRecordSchema),
  /** Set when the grounding expert, not the reasoner, wrote this reply. */
  expert: v.optional(v.literal('grounder', 'should be "grounder" when present')),
  observation: ObservationSchema,
  timings: v.object({ startedAt: v.number(), modelMs: v.number(), observeMs: v.number() }),
});

export type TurnRecord = v.InferOutput<typeof TurnRecordSchema>;

const EpisodeOutcomeSchema = v.object({
  status: v.picklist(['answered', 'no-answer', 'cancelled', 'error']),
  answer: v.optional(v.string()),
  /** A sentence for the user when status is not 'answered'. */
  message: v.optional(v.string()),
});

export type EpisodeOutcome = v.InferOutput<typeof EpisodeOutcomeSchema>;
export type EpisodeStatus = EpisodeOutcome['status'];

const TrajectorySchema = v.pipe(
  v.object({
    format: v.literal('vrag-browser-trajectory', 'should be "vrag-browser-trajectory"'),
    version: v.pipe(v.picklist([1, 2], 'this version is not supported (this app reads versions 1 and 2)'), v.transform((): 2 => 2)),
    question: v.string(),
    policy: v.string(),
    vision,
    config: v.object({ maxActions: v.number(), topK: v.number() }),
    /** The reasoner's prompt style; absent in files written before styles existed (they are `vrag`). */
    promptStyle: v.optional(PromptStyleSchema),
    /** The grounding expert, when one answered the turns after searches. */
    grounder: v.optional(v.object({ policy: v.string(), vision, promptStyle: PromptStyleSchema })),
    /** Searches showed gold pages first (data construction): accuracy from this episode is not comparable. */
    goldGuided: v.optional(v.literal(true, 'should be true when present')),
    startedAt: v.number(),
    totalMs: v.number(),
    turns: v.array(TurnRecordSchema),
    images: v.array(ImageRecordSchema),
    outcome: EpisodeOutcomeSchema,
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const ids = new Set(dataset.value.images.map((i) => i.id));
    dataset.value.turns.forEach((t, i) => {
      if (t.observation.kind === 'image' && !ids.has(t.observation.imageId)) {
        addIssue({ message: `"turns[${i}].observation" shows image ${t.observation.imageId}, which is not in "images"` });
      }
    });
  }),
);

/** One episode as the app writes and reads it: the question, every turn, the images shown and the outcome. */
export type Trajectory = v.InferOutput<typeof TrajectorySchema>;

/** Reads a trajectory written by `serializeTrajectory`; a file that is not one gets a clear error. */
export function parseTrajectory(json: string): Trajectory {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new AppError('trajectory-format', 'This file is not valid JSON, so it cannot be a trajectory.', { cause });
  }
  return parseWith(TrajectorySchema, value, { code: 'trajectory-format', subject: SUBJECT });
}
