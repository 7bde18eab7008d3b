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

/**
 * A model's token table for the constraint: every token decoded on its own (built on first use,
 * once per model: about 0.2 s for Qwen's 151,936 tokens), and per set of openers the few tokens
 * that can ever continue one, so a constrained step looks at those only.
 */
export class OpenerTable {
  private texts: string[] | null = null;
  private readonly candidates = new Map<string, Int32Array>();

  constructor(
    private readonly size: number,
    private readonly decodeOne: (id: number) => string,
  ) {}

  for(openers: readonly string[]): { texts: string[]; candidates: Int32Array } {
    this.texts ??= Array.from({ length: this.size }, (_, id) => this.decodeOne(id));
    const key = openers.join('\u0000');
    let candidates = this.candidates.get(key);
    if (!candidates) this.candidates.set(key, (candidates = openerCandidates(this.texts, openers)));
    return { texts: this.texts, candidates };
  }

  /** Masks `logits` to the openers when the reply so far (`generated`) is right after the marker. */
  mask(generated: string, constraint: OpenerConstraint, logits: Float32Array): void {
    const pending = pendingOpener(generated, constraint);
    if (pending === null) return;
    const { texts, candidates } = this.for(constraint.openers);
    maskToOpeners(logits, pending, texts, candidates, constraint.openers);
  }
}
