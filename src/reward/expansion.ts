/**
 * Data expansion, as VRAG-RL builds SFT data: several trajectories per question, each scored with
 * the composite reward, and the best one kept for training when it scores high enough. Pure.
 */

/**
 * Which of a question's samples to train on: the highest composite reward (the earliest on ties,
 * so the greedy first sample wins a draw), or null when even the best is below `minComposite`.
 */
export function sampleToKeep(composites: readonly number[], minComposite: number): number | null {
  let best = -1;
  for (const [i, composite] of composites.entries()) {
    if (!Number.isFinite(composite)) continue;
    if (best < 0 || composite > composites[best]!) best = i;
  }
  return best >= 0 && composites[best]! >= minComposite ? best : null;
}
