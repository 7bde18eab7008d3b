import type { Trajectory } from '../agent/types.ts';

// VRAG-RL's format check: greedy and across lines, over everything the model wrote.
const SEARCH = /<search>.*<\/search>/s;
const ANSWER = /<answer>.*<\/answer>/s;

/** Everything the model wrote in the episode, reply after reply. */
export function modelText(trajectory: Trajectory): string {
  return trajectory.turns.map((turn) => turn.reply).join('\n');
}

/** 1 when the model's replies contain both a search and an answer block, else 0 (VRAG-RL). */
export function patternReward(trajectory: Trajectory): 0 | 1 {
  const text = modelText(trajectory);
  return SEARCH.test(text) && ANSWER.test(text) ? 1 : 0;
}

/** As `patternReward`, and every reply was also a valid action. */
export function strictPatternReward(trajectory: Trajectory): 0 | 1 {
  return patternReward(trajectory) === 1 && trajectory.turns.every((turn) => turn.invalid === null) ? 1 : 0;
}
