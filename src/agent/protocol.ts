/**
 * The VRAG-RL text protocol, byte for byte as the checkpoints were trained on it, so real
 * VRAG-trained models work unchanged. Pure functions: no model, no DOM.
 */
import type { BBox } from '../perception/geometry.ts';
import type { Action, InvalidReason } from '../schemas/trajectory.ts';

const PROMPT_HEAD =
  'Answer the given question. You must conduct reasoning inside <think> and </think> first every time you get new information. After reasoning, if you find you lack some knowledge, you can call a search engine by <search> query </search> and user will return the searched results. Every time you retrieve an image, you have the option to crop it to obtain a clearer view, the format for coordinates is <bbox>[x1, y1, x2, y2]</bbox>. You can search as many times as your want. If you find no further external knowledge needed, you can directly provide the answer inside <answer> and </answer>, without detailed illustrations. For example, <answer> Beijing </answer>. Question: ';

/** The first user turn of every episode. */
export function userPrompt(question: string): string {
  return PROMPT_HEAD + question;
}

/** An earlier question of a thread and the answer it got. */
export interface EarlierTurn {
  question: string;
  answer: string;
}

/** How many earlier questions a follow-up carries (the newest ones): enough context, a short prompt. */
export const FOLLOW_UP_CONTEXT = 3;

/**
 * The question text of a follow-up: the earlier questions and answers, then the new question
 * ("Earlier: Q: … A: …\nNow: …"). It goes into `userPrompt` like any question, so the prompt stays
 * byte-exact around it. With nothing earlier it is the question itself.
 */
export function followUpQuestion(earlier: readonly EarlierTurn[], question: string): string {
  const recent = earlier.slice(-FOLLOW_UP_CONTEXT);
  if (recent.length === 0) return question;
  const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
  return `Earlier: ${recent.map((t) => `Q: ${oneLine(t.question)} A: ${oneLine(t.answer)}`).join(' ')}\nNow: ${question}`;
}

/** Added to the observation that precedes the last reply the budget allows. */
export const ANSWER_NOW = 'please answer the question now with answer in <answer> ... </answer>';

export const INVALID_PREFIX = 'Your previous action is invalid.';

/** The text observation sent back after an invalid action. `problem` says what was wrong. */
export function invalidActionObservation(problem: string): string {
  return (
    `${INVALID_PREFIX} ${problem} ` +
    'You must conduct reasoning inside <think> and </think> first, then take exactly one action: ' +
    'search with <search> query </search>, crop the latest image with <bbox>[x1, y1, x2, y2]</bbox> ' +
    '(four non-negative numbers with x1 < x2 and y1 < y2), or answer with <answer> answer </answer>. ' +
    'Please try again.'
  );
}

// Actions are described once, by the trajectory file's schema.
export type { Action, InvalidReason };

export interface ParsedReply {
  /** Content of the first <think> block, trimmed; null when there is none. */
  thought: string | null;
  /** The first action in the reply, or null when it is missing or malformed. */
  action: Action | null;
  /** Why `action` is null, with a sentence for the model. */
  invalid: { reason: InvalidReason; problem: string } | null;
  /** What stays in the conversation: the reply's think and action blocks joined by a newline. */
  kept: string;
}

const THINK = /<think>(.*?)<\/think>/s;
const ACTION = /<(search|answer|bbox)>(.*?)<\/\1>/s;

export function parseReply(reply: string): ParsedReply {
  const think = THINK.exec(reply);
  const act = ACTION.exec(reply);
  const thought = think ? think[1]!.trim() : null;
  const blocks = [think?.[0], act?.[0]].filter((b): b is string => b !== undefined);
  // A reply with no tags at all is kept verbatim so the model can see what it said.
  const kept = blocks.length > 0 ? blocks.join('\n') : reply.trim();
  if (!act) {
    return invalid(thought, kept, 'no-action', 'It contains no <search>, <bbox> or <answer> action.');
  }
  const tag = act[1] as Action['kind'];
  const content = act[2]!.trim();
  if (tag === 'search') {
    if (!content) return invalid(thought, kept, 'empty-search', 'The search query is empty.');
    return { thought, action: { kind: 'search', query: content }, invalid: null, kept };
  }
  if (tag === 'answer') {
    if (!content) return invalid(thought, kept, 'empty-answer', 'The answer is empty.');
    return { thought, action: { kind: 'answer', text: content }, invalid: null, kept };
  }
  const bbox = parseBBox(content);
  if (typeof bbox === 'string') return invalid(thought, kept, 'bad-bbox', bbox);
  return { thought, action: { kind: 'bbox', bbox }, invalid: null, kept };
}

/** Parses `[x1, y1, x2, y2]`; returns the box, or a sentence saying what is wrong with it. */
export function parseBBox(text: string): BBox | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `The box "${text}" is not a JSON array of four numbers.`;
  }
  if (!Array.isArray(value) || value.length !== 4 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return `The box "${text}" is not a JSON array of four numbers.`;
  }
  const [x1, y1, x2, y2] = value as [number, number, number, number];
  if (Math.min(x1, y1, x2, y2) < 0) return `The box "${text}" has a negative coordinate.`;
  if (x2 <= x1 || y2 <= y1) return `The box "${text}" needs x2 > x1 and y2 > y1.`;
  return [x1, y1, x2, y2];
}

function invalid(thought: string | null, kept: string, reason: InvalidReason, problem: string): ParsedReply {
  return { thought, action: null, invalid: { reason, problem }, kept };
}

/** The tags that open an action, in the order the prompt lists them. */
export const ACTION_OPENERS = ['<search>', '<bbox>', '<answer>'] as const;

/** Stop strings for a model's reply: it ends with its first action, so it never invents its own observations. */
export const ACTION_STOPS = ['</search>', '</bbox>', '</answer>'] as const;

/** Constrained decoding for the protocol: right after a thought, an action must begin. */
export const ACTION_CONSTRAINT = { after: '</think>', openers: ACTION_OPENERS };

/**
 * Where the first complete action in `text` ends (just after its closing tag), or -1.
 * Generation stops there so a model never invents its own observations.
 */
export function endOfFirstAction(text: string): number {
  const match = ACTION.exec(text);
  return match ? match.index + match[0].length : -1;
}
