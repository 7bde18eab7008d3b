/**
 * Conversions to and from VRAG-RL's training formats: the SFT conversation format (LLaMA-Factory
 * "sharegpt" with `<image>` placeholders, as in VRAG-RL's search SFT data) and the RAG dataset
 * record. Pure: paths are given, no pixels are touched.
 */
import { AppError } from '../errors.ts';
import { parseSftExample } from '../schemas/sft.ts';
import { ANSWER_NOW, userPrompt } from './protocol.ts';
import type { Observation, Trajectory } from './types.ts';

/** Stands for one image in a user turn; the trainer swaps in the image at the same position of `images`. */
export const IMAGE_TOKEN = '<image>';

export interface SftMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface SftExample {
  messages: SftMessage[];
  /** One path per `<image>` in the messages, in order. */
  images: string[];
}

/**
 * The conversation exactly as the model saw it: the VRAG prompt, each kept reply, and each
 * observation (`<image>` for an image, the text for invalid actions or repeated results). Parts of
 * one turn are joined with nothing between them, as Qwen-VL chat templates render them. A trailing
 * observation no reply answered (a cancelled episode) is left out: examples end with the model.
 */
export function toSftExample(trajectory: Trajectory, imagePath: (imageId: string) => string): SftExample {
  const replies = trajectory.turns.length;
  if (replies === 0) {
    throw new AppError('trajectory-format', 'This episode has no model replies, so there is nothing to train on. Export an episode that ran at least one turn.');
  }
  const prompt = userPrompt(trajectory.question) + (trajectory.config.maxActions === 1 ? ANSWER_NOW : '');
  const messages: SftMessage[] = [{ role: 'user', content: prompt }];
  const images: string[] = [];
  trajectory.turns.forEach((turn, i) => {
    messages.push({ role: 'assistant', content: turn.kept });
    if (i === replies - 1) return;
    const content = observationText(turn.observation, i);
    if (turn.observation.kind === 'image') images.push(imagePath(turn.observation.imageId));
    messages.push({ role: 'user', content });
  });
  return { messages, images };
}

function observationText(observation: Observation, turnIndex: number): string {
  switch (observation.kind) {
    case 'image':
      return IMAGE_TOKEN + (observation.text ?? '');
    case 'text':
      return observation.text;
    case 'none':
      throw new AppError('trajectory-format', `Turn ${turnIndex + 1} of this trajectory has no observation, yet the episode went on after it.`);
  }
}

export interface ImportedSft {
  question: string;
  /** The assistant turns, in order: replay them with a scripted policy to rebuild the episode. */
  replies: string[];
  imageCount: number;
}

/** Reads one SFT example (ours or VRAG-RL's) back into the question and the model's replies. */
export function fromSftExample(example: unknown): ImportedSft {
  const fail = (what: string): never => {
    throw new AppError('trajectory-format', `This is not a VRAG SFT example: ${what}.`);
  };
  const { messages: turns, images } = parseSftExample(example);
  const head = userPrompt('');
  const first = turns[0]!.content;
  if (!first.startsWith(head)) return fail('the first user turn is not the VRAG prompt');
  const asked = first.slice(head.length);
  const question = asked.endsWith(ANSWER_NOW) ? asked.slice(0, -ANSWER_NOW.length) : asked;
  if (question.trim().length === 0) return fail('the prompt has no question');
  const imageCount = turns
    .filter((m) => m.role === 'user')
    .reduce((sum, m) => sum + m.content.split(IMAGE_TOKEN).length - 1, 0);
  if (imageCount !== images.length) {
    return fail(`its messages show ${imageCount} image(s) but "images" lists ${images.length}`);
  }
  return { question, replies: turns.filter((m) => m.role === 'assistant').map((m) => m.content), imageCount };
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
