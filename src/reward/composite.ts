import type { Trajectory } from '../agent/types.ts';
import { AppError } from '../errors.ts';
import { trajectoryOutcome, type OutcomeOptions, type OutcomeScore } from './outcome.ts';
import { patternReward, strictPatternReward } from './pattern.ts';
import { retrievalNdcg, retrievedPages, type GoldPages } from './retrieval.ts';

export interface RewardWeights {
  outcome: number;
  pattern: number;
  retrieval: number;
}

/** VRAG-RL's mix: 0.7 · outcome + 0.1 · pattern + 0.2 · retrieval NDCG. */
export const VRAG_REWARD_WEIGHTS: Readonly<RewardWeights> = { outcome: 0.7, pattern: 0.1, retrieval: 0.2 };

export interface TrajectoryReward {
  composite: number;
  outcome: OutcomeScore;
  /** The pattern value the composite used (strict or not, as asked). */
  pattern: 0 | 1;
  strictPattern: 0 | 1;
  retrieval: number;
  /** The pages the retrieval NDCG was computed over, in order. */
  retrievedPages: string[];
  weights: RewardWeights;
}

export interface CompositeOptions {
  gold: GoldPages;
  weights?: RewardWeights;
  /** Also require every reply to be a valid action for the pattern part (and the gate). */
  strictPattern?: boolean;
}

/**
 * The weighted sum, gated as in VRAG-RL: a trajectory without both a search and an answer
 * scores 0 whatever its other parts are.
 */
export function combineReward(parts: { outcome: number; pattern: number; retrieval: number }, weights = VRAG_REWARD_WEIGHTS): number {
  checkWeights(weights);
  if (parts.pattern === 0) return 0;
  return weights.outcome * parts.outcome + weights.pattern * parts.pattern + weights.retrieval * parts.retrieval;
}

/** All parts and the composite, for an outcome already decided (synchronous, pure). */
export function scoreWithOutcome(trajectory: Trajectory, options: CompositeOptions & { outcome: OutcomeScore }): TrajectoryReward {
  const weights = { ...(options.weights ?? VRAG_REWARD_WEIGHTS) };
  const strictPattern = strictPatternReward(trajectory);
  const pattern = options.strictPattern ? strictPattern : patternReward(trajectory);
  const pages = retrievedPages(trajectory);
  const retrieval = retrievalNdcg(pages, options.gold);
  const composite = combineReward({ outcome: options.outcome.score, pattern, retrieval }, weights);
  return { composite, outcome: options.outcome, pattern, strictPattern, retrieval, retrievedPages: pages, weights };
}

/** Decides the outcome (judge, else rules) and scores the trajectory. */
export async function scoreTrajectory(
  trajectory: Trajectory,
  options: CompositeOptions & OutcomeOptions,
): Promise<TrajectoryReward> {
  const outcome = await trajectoryOutcome(trajectory, options);
  return scoreWithOutcome(trajectory, { ...options, outcome });
}

function checkWeights(weights: RewardWeights): void {
  for (const [name, value] of Object.entries(weights)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new AppError('invalid-config', `The ${name} reward weight must be a number of at least 0, not ${value}.`);
    }
  }
}
