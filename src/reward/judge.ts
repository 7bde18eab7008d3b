import type { Policy } from '../agent/types.ts';
/**
 * The model-based outcome judge. The prompt follows the structure of VRAG-RL's reward-model
 * prompt (role, the three inputs under headings, the `<judge>` reply format, and the note that
 * extra information is allowed), in our own words.
 */

/** Any model that completes a text prompt: a local VLM worker, an OpenAI-compatible endpoint. */
export type Complete = (prompt: string, signal?: AbortSignal) => Promise<string>;

export interface Verdict {
  correct: boolean;
  /** The judge's whole reply, for inspection. */
  raw: string;
}

export interface Judge {
  /** The verdict, or null when the judge's reply holds no `<judge>` verdict. */
  judge(query: string, reference: string, generated: string, signal?: AbortSignal): Promise<Verdict | null>;
}

export function judgePrompt(query: string, reference: string, generated: string): string {
  return [
    'You are an expert grader of answers given by a question-answering assistant.',
    '',
    'You will see a query, a reference answer and a generated answer. Decide whether the generated answer is correct.',
    '',
    '## Query',
    query,
    '',
    '## Reference Answer',
    reference,
    '',
    '## Generated Answer',
    generated,
    '',
    'Reply in exactly this format:',
    '<judge>True or False</judge>',
    '',
    'Write True if the generated answer is correct, otherwise write False.',
    '',
    'The generated answer may contain more information than the reference answer; it is correct as long as it contains the meaning of the reference answer.',
  ].join('\n');
}

const JUDGE_TAG = /<\s*judge\s*>\s*(true|false)\s*<\s*\/\s*judge\s*>/gi;

/** True or false from the last `<judge>` verdict in a reply (any case, any spacing); null when none. */
export function parseJudge(reply: string): boolean | null {
  const verdicts = [...reply.matchAll(JUDGE_TAG)];
  const last = verdicts.at(-1);
  return last ? last[1]!.toLowerCase() === 'true' : null;
}

/** A judge backed by any text-completion function. */
export function judgeWith(complete: Complete): Judge {
  return {
    async judge(query, reference, generated, signal) {
      const raw = await complete(judgePrompt(query, reference, generated), signal);
      const correct = parseJudge(raw);
      return correct === null ? null : { correct, raw };
    },
  };
}

/** Asks a judge whether an answer is supported by the text of the pages that were retrieved (best-of-N). */
export function supportPrompt(question: string, answer: string, pageTexts: readonly string[]): string {
  const pages = pageTexts.map((t, i) => `### Page ${i + 1}\n${t.slice(0, 2000)}`).join('\n\n');
  return [
    'You check whether an answer is supported by the pages it was drawn from.',
    `## Question\n${question}`,
    `## Answer\n${answer}`,
    `## Pages\n${pages || '(no pages were retrieved)'}`,
    'Reply <judge>True</judge> if the pages support the answer, otherwise <judge>False</judge>.',
  ].join('\n\n');
}

/** Any policy (a local VLM, an OpenAI-compatible endpoint) as a text completion for the judge. */
export function completionFrom(policy: Pick<Policy, 'reply'>): Complete {
  return (prompt, signal) =>
    policy.reply({
      messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
      images: new Map(),
      signal: signal ?? new AbortController().signal,
      onToken: () => {},
    });
}
