/**
 * Trajectory files (exported by this app) read back through a schema: every field a replay and a
 * training export rely on is checked, and a bad file is refused with the field that is wrong.
 * Version 1 files (before images were prepared on the model's patch grid) read as version 2.
 */
import * as v from 'valibot';
import type { Trajectory } from '../agent/types.ts';
import { AppError } from '../errors.ts';
import { parseWith } from './parse.ts';
import { PromptStyleSchema } from './prompt-style.ts';

const SUBJECT = 'This file is not a trajectory exported by this app';

const size = v.looseObject({ width: v.number(), height: v.number() });
const rect = v.looseObject({ x: v.number(), y: v.number(), width: v.number(), height: v.number() });
const region = v.looseObject({ x: v.number(), y: v.number(), width: v.number(), height: v.number(), scale: v.number() });
const bbox = v.pipe(v.array(v.number()), v.length(4, 'should hold four numbers (a box)'));

const image = v.looseObject({
  id: v.string(),
  kind: v.picklist(['page', 'crop']),
  pageId: v.string(),
  parentId: v.optional(v.string()),
  bbox: v.optional(bbox),
  rect: v.optional(rect),
  pastEdge: v.optional(v.literal(true)),
  sourceSize: size,
  inputSize: size,
  region,
});

const observation = v.variant('kind', [
  v.looseObject({ kind: v.literal('image'), imageId: v.string(), text: v.optional(v.string()), hint: v.optional(v.string()) }),
  v.looseObject({ kind: v.literal('text'), text: v.string() }),
  v.looseObject({ kind: v.literal('none') }),
]);

const action = v.nullable(
  v.variant('kind', [
    v.looseObject({ kind: v.literal('search'), query: v.string() }),
    v.looseObject({ kind: v.literal('bbox'), bbox }),
    v.looseObject({ kind: v.literal('answer'), text: v.string() }),
  ]),
);

const ranked = v.looseObject({ pageId: v.string(), score: v.number(), signals: v.optional(v.array(v.string())) });

const turn = v.looseObject({
  index: v.number(),
  reply: v.string(),
  kept: v.string(),
  thought: v.nullable(v.string()),
  action,
  invalid: v.nullable(v.looseObject({ reason: v.string(), problem: v.string() })),
  search: v.optional(v.looseObject({ query: v.string(), results: v.array(ranked), shownPageId: v.nullable(v.string()) })),
  expert: v.optional(v.literal('grounder', 'should be "grounder" when present')),
  observation,
  timings: v.looseObject({ startedAt: v.number(), modelMs: v.number(), observeMs: v.number() }),
});

const vision = v.looseObject({
  convention: v.picklist(['absolute', 'relative-1000', 'relative-1']),
  // Version 1 resized images without a grid: a factor of 1.
  pixelBounds: v.looseObject({ minPixels: v.number(), maxPixels: v.number(), factor: v.optional(v.number(), 1) }),
  canCrop: v.boolean(),
});

const promptStyle = PromptStyleSchema;

const TrajectorySchema = v.pipe(
  v.looseObject({
    format: v.literal('vrag-browser-trajectory', 'should be "vrag-browser-trajectory"'),
    version: v.picklist([1, 2], 'this version is not supported (this app reads versions 1 and 2)'),
    question: v.string(),
    policy: v.string(),
    vision,
    config: v.looseObject({ maxActions: v.number(), topK: v.number() }),
    // Files written before prompt styles existed have none of these three (their style is vrag).
    promptStyle: v.optional(promptStyle),
    grounder: v.optional(v.looseObject({ policy: v.string(), vision, promptStyle })),
    goldGuided: v.optional(v.literal(true, 'should be true when present')),
    startedAt: v.number(),
    totalMs: v.number(),
    turns: v.array(turn),
    images: v.array(image),
    outcome: v.looseObject({ status: v.picklist(['answered', 'no-answer', 'cancelled', 'error']), answer: v.optional(v.string()), message: v.optional(v.string()) }),
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

/** Reads a trajectory written by `serializeTrajectory`; a file that is not one gets a clear error. */
export function parseTrajectory(json: string): Trajectory {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new AppError('trajectory-format', 'This file is not valid JSON, so it cannot be a trajectory.', { cause });
  }
  const parsed = parseWith(TrajectorySchema, value, { code: 'trajectory-format', subject: SUBJECT });
  return { ...parsed, version: 2 } as unknown as Trajectory;
}
