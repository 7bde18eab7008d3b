import type { Trajectory } from '../agent/types.ts';
import { throwIfAborted } from '../errors.ts';
import { finalAnswer } from './answer.ts';
import type { Judge } from './judge.ts';
import { ruleOutcome, type AnswerFormat, type RuleMethod } from './rule-outcome.ts';

export interface OutcomeScore {
  /** What the composite uses: 1 or 0 from a judge, the rule's score otherwise. */
  score: number;
  correct: boolean;
  /** Who decided: the judge model, the rule fallback, or nobody because there was no answer. */
  source: 'judge' | 'rule' | 'no-answer';
  /** The rule used, when `source` is 'rule'. */
  method?: RuleMethod;
  /** The judge's reply, when the judge decided. */
  judgeRaw?: string;
  /** True when a judge was asked but its reply held no verdict, so the rule decided. */
  judgeGaveNoVerdict?: boolean;
  /** The text of the last `<answer>`, or null when the model never answered. */
  answer: string | null;
}

export interface OutcomeOptions {
  reference: string;
  /** The question put to the judge; the trajectory's own question by default. */
  question?: string;
  answerFormat?: AnswerFormat;
  /** Without a judge, or when its reply holds no verdict, the rule-based match decides. */
  judge?: Judge;
  /** Relative tolerance for rule-based numeric matching. */
  tolerance?: number;
  signal?: AbortSignal;
}

/** Whether the trajectory's final answer is right. Errors from the judge (network, cancel) propagate. */
export async function trajectoryOutcome(trajectory: Trajectory, options: OutcomeOptions): Promise<OutcomeScore> {
  const answer = finalAnswer(trajectory);
  if (!answer) return { score: 0, correct: false, source: 'no-answer', answer };
  if (options.judge) {
    throwIfAborted(options.signal);
    const question = options.question ?? trajectory.question;
    const verdict = await options.judge.judge(question, options.reference, answer, options.signal);
    if (verdict) return { score: verdict.correct ? 1 : 0, correct: verdict.correct, source: 'judge', judgeRaw: verdict.raw, answer };
  }
  const rule = ruleOutcome(options.reference, answer, options.answerFormat, { tolerance: options.tolerance });
  const outcome: OutcomeScore = { score: rule.score, correct: rule.correct, source: 'rule', method: rule.method, answer };
  return options.judge ? { ...outcome, judgeGaveNoVerdict: true } : outcome;
}
