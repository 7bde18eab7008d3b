/**
 * Action-constrained decoding: right after `</think>`, only tokens that continue one of the three
 * action openers are allowed. Pure: works on decoded token strings.
 */
import { ACTION_OPENERS } from '../../agent/protocol.ts';

const OPENED = /<(search|bbox|answer)>/;

/**
 * The text the constraint applies to: what follows the last `</think>`, while no opener is complete.
 * Returns null when generation is free (still thinking, or an action has begun).
 */
export function pendingOpener(generated: string): string | null {
  const end = generated.lastIndexOf('</think>');
  if (end < 0) return null;
  const after = generated.slice(end + '</think>'.length);
  return OPENED.test(after) ? null : after;
}

/** Whether appending `piece` to `pending` keeps the text on the way to (or past) an action opener. */
export function continuesOpener(pending: string, piece: string): boolean {
  const candidate = (pending + piece).trimStart();
  // One run of whitespace may separate </think> from the action; then the opener must start.
  if (candidate === '') return pending === '' && piece.length > 0;
  return ACTION_OPENERS.some((o) => o.startsWith(candidate) || candidate.startsWith(o));
}

/** Sets every disallowed token's logit to -Infinity. `tokenTexts[i]` is token i decoded alone. */
export function maskToOpeners(logits: Float32Array, pending: string, tokenTexts: readonly string[]): void {
  for (let i = 0; i < logits.length; i++) {
    if (!continuesOpener(pending, tokenTexts[i] ?? '')) logits[i] = -Infinity;
  }
}
