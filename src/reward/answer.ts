import type { Trajectory } from '../agent/types.ts';
import { modelText } from './pattern.ts';

/**
 * The text inside the last `<answer>…</answer>` the model wrote, trimmed; null when there is none.
 * As VRAG-RL reads it: the last closing tag, then the last opening tag before it.
 */
export function finalAnswer(trajectory: Trajectory): string | null {
  return lastAnswerIn(modelText(trajectory));
}

export function lastAnswerIn(text: string): string | null {
  const end = text.lastIndexOf('</answer>');
  if (end === -1) return null;
  const start = text.lastIndexOf('<answer>', end);
  if (start === -1) return null;
  return text.slice(start + '<answer>'.length, end).trim();
}
