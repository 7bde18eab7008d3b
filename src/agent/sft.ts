/**
 * Conversions to VRAG-RL's training formats: the SFT conversation format (LLaMA-Factory
 * "sharegpt" with `<image>` placeholders, as in VRAG-RL's search SFT data) and the RAG dataset
 * record. Pure: paths are given, no pixels are touched.
 */
import { AppError } from '../errors.ts';
import type { SftExample, SftMessage } from '../schemas/sft.ts';
import type { BBox, BBoxConvention, Size } from '../perception/geometry.ts';
import { ANSWER_NOW, invalidActionObservation, userPrompt } from './protocol.ts';
import { renderVragReply, type PromptStyle } from './styles.ts';
import { TOOLS_ANSWER_NOW } from './tools-protocol.ts';
import type { Observation, Trajectory, TurnRecord } from './types.ts';

/** Stands for one image in a user turn; the trainer swaps in the image at the same position of `images`. */
export const IMAGE_TOKEN = '<image>';

export type { SftExample, SftMessage };

/**
 * The conversation in the VRAG format: the VRAG prompt, each reply, and each observation
 * (`<image>` for an image, the text for invalid actions or repeated results). Parts of one turn are
 * joined with nothing between them, as Qwen-VL chat templates render them. A trailing observation
 * no reply answered (a cancelled episode) is left out: examples end with the model.
 *
 * A `vrag` episode is written exactly as the model saw it (its kept tag blocks). A reply in another
 * style (`tools` JSON) is converted the way VRAG-RL's cot_convert_sft.py does: think and action
 * re-tagged as `<think>…</think>\n<search>…</search>` (or bbox, answer), observations as `<image>`
 * (the grounding hint left out), and its failed replies left out with their observations (the
 * reference retries them unseen). A grounder's box is written in the reasoner's convention, so the
 * data trains the reasoner's kind of checkpoint.
 */
export function toSftExample(trajectory: Trajectory, imagePath: (imageId: string) => string): SftExample {
  if (trajectory.turns.length === 0) {
    throw new AppError('trajectory-format', 'This episode has no model replies, so there is nothing to train on. Export an episode that ran at least one turn.');
  }
  const reasonerStyle = trajectory.promptStyle ?? 'vrag';
  const styleOf = (turn: TurnRecord): PromptStyle => (turn.expert === 'grounder' ? (trajectory.grounder?.promptStyle ?? reasonerStyle) : reasonerStyle);
  const converted = (turn: TurnRecord) => styleOf(turn) !== 'vrag';
  // Failed replies of a converted style are left out, with what answered them.
  const turns = trajectory.turns.filter((turn) => !(converted(turn) && (turn.invalid || !turn.action)));
  if (turns.length === 0) {
    throw new AppError('trajectory-format', 'No reply of this episode was a valid action, so there is nothing to train on.');
  }
  const prompt = userPrompt(trajectory.question) + (trajectory.config.maxActions === 1 ? ANSWER_NOW : '');
  const messages: SftMessage[] = [{ role: 'user', content: prompt }];
  const images: string[] = [];
  turns.forEach((turn, i) => {
    messages.push({ role: 'assistant', content: vragReply(trajectory, turn, converted(turn)) });
    if (i === turns.length - 1) return;
    const content = observationText(turn.observation, turn.index, reasonerStyle !== 'vrag' ? turn.invalid : null);
    if (turn.observation.kind === 'image') images.push(imagePath(turn.observation.imageId));
    messages.push({ role: 'user', content });
  });
  return { messages, images };
}

/**
 * The trajectory as a VRAG-format model would have written it: each valid reply of a converted
 * style (`tools` JSON, or a grounder's box in another convention) re-tagged as the SFT export
 * writes it, in `reply` and `kept`. The VRAG-RL rewards read the raw replies' tags, so a `tools`
 * episode is scored through this view (and so is the data kept from it). Other turns are unchanged.
 */
export function asVragTrajectory(trajectory: Trajectory): Trajectory {
  const reasonerStyle = trajectory.promptStyle ?? 'vrag';
  const styleOf = (turn: TurnRecord): PromptStyle => (turn.expert === 'grounder' ? (trajectory.grounder?.promptStyle ?? reasonerStyle) : reasonerStyle);
  if (reasonerStyle === 'vrag' && !trajectory.grounder) return trajectory;
  return {
    ...trajectory,
    turns: trajectory.turns.map((turn) => {
      if (!turn.action) return turn;
      const text = vragReply(trajectory, turn, styleOf(turn) !== 'vrag');
      return text === turn.kept ? turn : { ...turn, reply: text, kept: text };
    }),
  };
}

/** A reply in the VRAG format: as kept, or re-tagged (with a grounder's box in the reasoner's convention). */
function vragReply(trajectory: Trajectory, turn: TurnRecord, convert: boolean): string {
  const from = turn.expert === 'grounder' ? trajectory.grounder?.vision.convention : undefined;
  const to = trajectory.vision.convention;
  const reconvention = turn.action?.kind === 'bbox' && from !== undefined && from !== to;
  if (!convert && !reconvention) return turn.kept;
  let action = turn.action!;
  if (action.kind === 'bbox' && reconvention) {
    const size = cropParentSize(trajectory, turn);
    if (size) action = { kind: 'bbox', bbox: convertBox(action.bbox, from, to, size) };
  }
  return renderVragReply(turn.thought, action);
}

/** The model-input size of the image a turn's crop was cut from. */
function cropParentSize(trajectory: Trajectory, turn: TurnRecord): Size | null {
  if (turn.observation.kind !== 'image') return null;
  const id = turn.observation.imageId;
  const crop = trajectory.images.find((i) => i.id === id);
  const parent = crop?.parentId ? trajectory.images.find((i) => i.id === crop.parentId) : undefined;
  return parent?.inputSize ?? null;
}

/** A box in one convention as another writes it, on an image of model-input size `size`. */
export function convertBox(box: BBox, from: BBoxConvention, to: BBoxConvention, size: Size): BBox {
  const scale = (c: BBoxConvention): [number, number] => (c === 'absolute' ? [size.width, size.height] : c === 'relative-1000' ? [1000, 1000] : [1, 1]);
  const [fx, fy] = scale(from);
  const [tx, ty] = scale(to);
  const round = (v: number) => (to === 'relative-1' ? Math.round(v * 1000) / 1000 : Math.round(v));
  return [round((box[0] / fx) * tx), round((box[1] / fy) * ty), round((box[2] / fx) * tx), round((box[3] / fy) * ty)];
}

/** An observation's text; in a converted episode, its invalid-action text and answer-now note in the VRAG format. */
function observationText(observation: Observation, turnIndex: number, convertedInvalid: TurnRecord['invalid'] | null): string {
  const vragNote = (text: string) => text.replaceAll(TOOLS_ANSWER_NOW, ANSWER_NOW);
  switch (observation.kind) {
    case 'image':
      return IMAGE_TOKEN + vragNote(observation.text ?? '');
    case 'text':
      if (convertedInvalid) return invalidActionObservation(convertedInvalid.problem) + (observation.text.endsWith(TOOLS_ANSWER_NOW) ? `\n${ANSWER_NOW}` : '');
      return vragNote(observation.text);
    case 'none':
      throw new AppError('trajectory-format', `Turn ${turnIndex + 1} of this trajectory has no observation, yet the episode went on after it.`);
  }
}

/** A record of VRAG-RL's RAG dataset (`{ examples: [...] }`, as read by `src/eval/questions.ts`). */
export interface RagDatasetExample {
  uid: number | string;
  query: string;
  reference_answer: string;
  meta_info: { file_name: string; reference_page: number[] } & Record<string, unknown>;
}

/** `pages` are 1-based page numbers of `fileName`; `extraMeta` adds fields such as source_type or query_type. */
export function toRagDatasetExample(
  uid: number | string,
  question: string,
  reference: string,
  fileName: string,
  pages: readonly number[],
  extraMeta: Readonly<Record<string, unknown>> = {},
): RagDatasetExample {
  if (question.trim().length === 0) throw new AppError('invalid-input', 'A dataset example needs a question.');
  if (fileName.trim().length === 0) throw new AppError('invalid-input', 'A dataset example needs the file name of its document.');
  if ('file_name' in extraMeta || 'reference_page' in extraMeta) {
    throw new AppError('invalid-input', 'Give the file name and pages as their own arguments, not in the extra metadata.');
  }
  const bad = pages.find((p) => !Number.isInteger(p) || p < 1);
  if (bad !== undefined) throw new AppError('invalid-input', `Page ${bad} is not a page number (pages count from 1).`);
  return {
    uid,
    query: question,
    reference_answer: reference,
    meta_info: { file_name: fileName, reference_page: [...pages], ...extraMeta },
  };
}
