/**
 * Reading SFT examples back (tests only): the app writes VRAG-RL's SFT format (src/agent/sft.ts)
 * and never reads it; tests read the examples it wrote, or VRAG-RL's, to check them.
 */
import { ANSWER_NOW, userPrompt } from '../../src/agent/protocol.ts';
import { IMAGE_TOKEN } from '../../src/agent/sft.ts';
import { AppError } from '../../src/errors.ts';
import { parseSftExample } from '../../src/schemas/sft.ts';

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
