/**
 * Constrained decoding to a set of openers: right after a marker (e.g. `</think>`), only tokens
 * that continue one of the openers are allowed. Pure: works on decoded token strings. The tokens
 * that can ever be allowed are found once per model, so a constrained step only touches those.
 */
import type { OpenerConstraint } from './types.ts';

/**
 * The text the constraint applies to: what follows the last marker while no opener is complete.
 * Returns null when generation is free (before the marker, or once an opener has been written).
 */
export function pendingOpener(generated: string, constraint: OpenerConstraint): string | null {
  const end = generated.lastIndexOf(constraint.after);
  if (end < 0) return null;
  const after = generated.slice(end + constraint.after.length);
  return constraint.openers.some((o) => after.includes(o)) ? null : after;
}

/** Whether appending `piece` to `pending` keeps the text on the way to (or past) an opener. */
export function continuesOpener(pending: string, piece: string, openers: readonly string[]): boolean {
  const candidate = (pending + piece).trimStart();
  // One run of whitespace may separate the marker from the opener; then the opener must start.
  if (candidate === '') return pending === '' && piece.length > 0;
  return openers.some((o) => o.startsWith(candidate) || candidate.startsWith(o));
}

/**
 * Token ids that could ever be allowed: whitespace, pieces of an opener, or pieces that start
 * with one. Everything else is masked at every constrained step without being looked at.
 */
export function openerCandidates(tokenTexts: readonly string[], openers: readonly string[]): Int32Array {
  const ids: number[] = [];
  // A piece can continue an opener when it lies inside one, or begins with one of its suffixes.
  const suffixes = [...new Set(openers.flatMap((o) => Array.from(o, (_, k) => o.slice(k))))];
  tokenTexts.forEach((text, id) => {
    const trimmed = text.trimStart();
    if (text.length === 0) return;
    if (trimmed === '' || openers.some((o) => o.includes(trimmed)) || suffixes.some((s) => trimmed.startsWith(s))) ids.push(id);
  });
  return Int32Array.from(ids);
}

/** Sets every disallowed token's logit to -Infinity; `candidates` from `openerCandidates`. */
export function maskToOpeners(
  logits: Float32Array,
  pending: string,
  tokenTexts: readonly string[],
  candidates: Int32Array,
  openers: readonly string[],
): void {
  const keep: [number, number][] = [];
  for (const id of candidates) {
    if (id < logits.length && continuesOpener(pending, tokenTexts[id] ?? '', openers)) keep.push([id, logits[id]!]);
  }
  logits.fill(-Infinity);
  for (const [id, value] of keep) logits[id] = value;
}
