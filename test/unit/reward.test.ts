import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReply } from '../../src/agent/protocol.ts';
import type { SearchRecord, Trajectory } from '../../src/agent/types.ts';
import { finalAnswer } from '../../src/reward/answer.ts';
import { combineReward, scoreTrajectory, scoreWithOutcome, VRAG_REWARD_WEIGHTS } from '../../src/reward/composite.ts';
import { judgeWith, type Complete } from '../../src/reward/judge.ts';
import { trajectoryOutcome } from '../../src/reward/outcome.ts';
import { patternReward, strictPatternReward } from '../../src/reward/pattern.ts';
import { goldPages, retrievalNdcg, retrievedPages } from '../../src/reward/retrieval.ts';
import { ruleOutcome } from '../../src/reward/rule-outcome.ts';
import { sharedPath } from '../support/shared.ts';
import { trajectoryOf as buildTrajectory, turnOf } from '../support/trajectories.ts';

/** One model reply; `shown` is the page a search showed (null: nothing new came back). */
interface Step {
  reply: string;
  shown?: string | null;
}

/** A trajectory whose searches showed the given pages. */
function trajectoryOf(question: string, steps: (Step | string)[]): Trajectory {
  const turns = steps.map((step, index) => {
    const { reply, shown } = typeof step === 'string' ? { reply: step, shown: undefined } : step;
    const action = parseReply(reply).action;
    const search: SearchRecord | undefined =
      action?.kind === 'search'
        ? { query: action.query, results: shown ? [{ pageId: shown, score: 1 }] : [], shownPageId: shown ?? null }
        : undefined;
    return turnOf(index, reply, {
      ...(search ? { search } : {}),
      observation: search?.shownPageId ? { kind: 'image', imageId: `img-${index}` } : { kind: 'none' },
    });
  });
  return buildTrajectory(question, turns);
}

const search = (query: string, shown: string | null): Step => ({
  reply: `<think>look it up</think><search>${query}</search>`,
  shown,
});
const crop = '<think>zoom</think><bbox>[10, 10, 200, 200]</bbox>';
const answer = (text: string) => `<think>done</think><answer>${text}</answer>`;

describe('retrieval NDCG', () => {
  it('follows the pages searches showed, in turn order, skipping crops and empty searches', () => {
    const trajectory = trajectoryOf('q', [search('a', 'doc:3'), crop, search('b', null), search('c', 'doc:7'), answer('x')]);
    expect(retrievedPages(trajectory)).toEqual(['doc:3', 'doc:7']);
  });

  it('gold first, a miss, gold third', () => {
    // rel = [1, 0, 1]: DCG = 1/log2(2) + 0/log2(3) + 1/log2(4) = 1 + 0 + 0.5 = 1.5
    // ideal = [1, 1, 0]: IDCG = 1 + 1/log2(3) = 1.6309298
    // NDCG = 1.5 / 1.6309298 = 0.9197208
    expect(retrievalNdcg(['g1', 'x', 'g2'], goldPages(['g1', 'g2']))).toBeCloseTo(0.9197208, 6);
  });

  it('the only gold page second', () => {
    // rel = [0, 1]: DCG = 1/log2(3) = 0.6309298; ideal = [1, 0]: IDCG = 1
    expect(retrievalNdcg(['x', 'g1'], goldPages(['g1']))).toBeCloseTo(0.6309298, 6);
  });

  it('IDCG keeps every gold page when fewer pages were retrieved (VRAG-RL), unless truncated', () => {
    // rel = [1]: DCG = 1. VRAG-RL's ideal list is [1] * 3 + [0] * (1 - 3) = [1, 1, 1]:
    // IDCG = 1 + 1/log2(3) + 1/log2(4) = 1 + 0.6309298 + 0.5 = 2.1309298, NDCG = 0.4692787
    const gold = goldPages(['g1', 'g2', 'g3']);
    expect(retrievalNdcg(['g1'], gold)).toBeCloseTo(0.4692787, 6);
    // Truncated: min(3, 1) = 1 one, IDCG = 1, NDCG = 1
    expect(retrievalNdcg(['g1'], gold, 'truncated')).toBe(1);
    // rel = [0, 1]: DCG = 1/log2(3) = 0.6309298
    // VRAG-RL: ideal = [1] * 3 + [0] * (2 - 3) = [1, 1, 1], IDCG = 2.1309298, NDCG = 0.2960819
    expect(retrievalNdcg(['x', 'g2'], gold)).toBeCloseTo(0.2960819, 6);
    // truncated: min(3, 2) = 2 ones, ideal = [1, 1], IDCG = 1.6309298, NDCG = 0.3868528
    expect(retrievalNdcg(['x', 'g2'], gold, 'truncated')).toBeCloseTo(0.3868528, 6);
  });

  it('is 1 for a perfect list, 0 without gold pages, 0 for nothing retrieved, and counts a page once', () => {
    expect(retrievalNdcg(['g1', 'g2', 'x'], goldPages(['g2', 'g1']))).toBe(1);
    expect(retrievalNdcg(['g1'], goldPages([]))).toBe(0);
    expect(retrievalNdcg([], goldPages(['g1']))).toBe(0);
    expect(retrievalNdcg([], goldPages(['g1']), 'truncated')).toBe(0);
    // rel = [1, 0] (the repeat is not relevant again): DCG = 1, IDCG = 1
    expect(retrievalNdcg(['g1', 'g1'], goldPages(['g1']))).toBe(1);
  });

  it('scores a trajectory over what it was shown', () => {
    const trajectory = trajectoryOf('q', [search('a', 'x'), crop, search('b', 'g1'), answer('y')]);
    // The retrieval part of the reward, as the composite reward takes it: NDCG of the pages shown.
    expect(retrievalNdcg(retrievedPages(trajectory), goldPages(['g1']))).toBeCloseTo(0.6309298, 6);
  });
});

describe('pattern', () => {
  it('needs both a search and an answer in the raw replies', () => {
    expect(patternReward(trajectoryOf('q', [search('a', 'p'), answer('x')]))).toBe(1);
    expect(patternReward(trajectoryOf('q', [answer('x')]))).toBe(0);
    expect(patternReward(trajectoryOf('q', [search('a', 'p'), search('b', 'p2')]))).toBe(0);
  });

  it('reads the raw replies, so a search written after an answer in the same reply still counts', () => {
    // The loop acts on the answer only, but VRAG-RL checks the text the model wrote.
    const trajectory = trajectoryOf('q', ['<think>t</think><answer>x</answer><search>more</search>']);
    expect(trajectory.turns[0]!.action?.kind).toBe('answer');
    expect(patternReward(trajectory)).toBe(1);
  });

  it('strict: every reply must also be a valid action', () => {
    const withInvalid = trajectoryOf('q', [search('a', 'p'), '<think>hm</think><bbox>[5, 5, 1]</bbox>', answer('x')]);
    expect(withInvalid.turns[1]!.invalid?.reason).toBe('bad-bbox');
    expect(patternReward(withInvalid)).toBe(1);
    expect(strictPatternReward(withInvalid)).toBe(0);
    expect(strictPatternReward(trajectoryOf('q', [search('a', 'p'), crop, answer('x')]))).toBe(1);
    expect(strictPatternReward(trajectoryOf('q', [answer('x')]))).toBe(0);
  });
});

describe('final answer', () => {
  it('is the last <answer> the model wrote, trimmed', () => {
    expect(finalAnswer(trajectoryOf('q', [answer(' first '), search('a', 'p'), answer(' second ')]))).toBe('second');
    expect(finalAnswer(trajectoryOf('q', ['<answer>a</answer> then <answer> b </answer>']))).toBe('b');
    expect(finalAnswer(trajectoryOf('q', [search('a', 'p')]))).toBeNull();
    expect(finalAnswer(trajectoryOf('q', ['<answer>unclosed']))).toBeNull();
  });

  it('reads the VRAG-RL SFT trajectories', () => {
    const sft = JSON.parse(readFileSync(sharedPath('fixtures/vrag_search_sft.json'), 'utf8')) as {
      messages: { role: string; content: string }[];
    }[];
    for (const example of sft) {
      const replies = example.messages.filter((m) => m.role === 'assistant').map((m) => m.content);
      const trajectory = trajectoryOf('q', replies.map((reply, i) => ({ reply, shown: `page:${i + 1}` })));
      expect(patternReward(trajectory)).toBe(1);
      expect(strictPatternReward(trajectory)).toBe(1);
      const last = replies.at(-1)!;
      expect(finalAnswer(trajectory)).toBe(last.slice(last.indexOf('<answer>') + 8, last.indexOf('</answer>')).trim());
    }
  });
});

/**
 * A judge model played by rules: it reads the prompt it is given (so the prompt must carry the
 * three sections) and replies in the judge format, reasoning first.
 */
const ruleJudgeModel: Complete = async (prompt) => {
  const section = (name: string) => prompt.split(`## ${name}\n`)[1]!.split('\n\n')[0]!;
  const verdict = ruleOutcome(section('Reference Answer'), section('Generated Answer')).correct;
  return `<think>Compare them. The format is <judge>True or False</judge>.</think>\n<judge>${verdict ? 'True' : 'False'}</judge>`;
};

describe('outcome', () => {
  const good = trajectoryOf('Which region grew fastest?', [search('growth by region', 'deck:4'), answer('Europe')]);

  it('asks the judge with the question, the reference and the last answer', async () => {
    const prompts: string[] = [];
    const judge = judgeWith(async (prompt, signal) => {
      prompts.push(prompt);
      return ruleJudgeModel(prompt, signal);
    });
    const outcome = await trajectoryOutcome(good, { reference: 'Europe', judge });
    expect(outcome).toMatchObject({ correct: true, score: 1, source: 'judge', answer: 'Europe' });
    expect(outcome.judgeRaw).toContain('<judge>True</judge>');
    expect(prompts[0]).toContain('Which region grew fastest?');
    const wrong = await trajectoryOutcome(good, { reference: 'Asia', judge });
    expect(wrong).toMatchObject({ correct: false, score: 0, source: 'judge' });
  });

  it('falls back to the rules when there is no judge or it gives no verdict', async () => {
    expect(await trajectoryOutcome(good, { reference: 'europe.' })).toMatchObject({
      correct: true,
      source: 'rule',
      method: 'exact',
    });
    const mute = judgeWith(async () => 'I think it is right.');
    expect(await trajectoryOutcome(good, { reference: 'Europe', judge: mute })).toMatchObject({
      correct: true,
      source: 'rule',
      judgeGaveNoVerdict: true,
    });
  });

  it('does not ask anyone when the model never answered', async () => {
    const calls: string[] = [];
    const judge = judgeWith(async (prompt) => (calls.push(prompt), '<judge>True</judge>'));
    const outcome = await trajectoryOutcome(trajectoryOf('q', [search('a', 'p')]), { reference: 'x', judge });
    expect(outcome).toEqual({ score: 0, correct: false, source: 'no-answer', answer: null });
    expect(calls).toEqual([]);
  });

  it('passes the abort signal to the judge and stops when it has fired', async () => {
    const controller = new AbortController();
    const seen: (AbortSignal | undefined)[] = [];
    const judge = judgeWith(async (prompt, signal) => (seen.push(signal), ruleJudgeModel(prompt)));
    await trajectoryOutcome(good, { reference: 'Europe', judge, signal: controller.signal });
    expect(seen).toEqual([controller.signal]);
    controller.abort();
    await expect(trajectoryOutcome(good, { reference: 'Europe', judge, signal: controller.signal })).rejects.toMatchObject({
      code: 'cancelled',
    });
  });
});

describe('composite', () => {
  const gold = goldPages(['deck:4']);

  it('is 0.7 outcome + 0.1 pattern + 0.2 retrieval', async () => {
    const trajectory = trajectoryOf('q', [search('a', 'deck:9'), search('b', 'deck:4'), answer('Europe')]);
    const reward = await scoreTrajectory(trajectory, { gold, reference: 'Europe', judge: judgeWith(ruleJudgeModel) });
    // retrieval: rel = [0, 1], DCG = 1/log2(3) = 0.6309298, IDCG = 1
    // composite = 0.7 * 1 + 0.1 * 1 + 0.2 * 0.6309298 = 0.9261860
    expect(reward.retrieval).toBeCloseTo(0.6309298, 6);
    expect(reward.composite).toBeCloseTo(0.926186, 6);
    expect(reward).toMatchObject({ pattern: 1, strictPattern: 1, retrievedPages: ['deck:9', 'deck:4'], weights: VRAG_REWARD_WEIGHTS });
    expect(reward.outcome.source).toBe('judge');
  });

  it('a wrong answer still earns pattern and retrieval', async () => {
    const trajectory = trajectoryOf('q', [search('a', 'deck:4'), answer('Asia')]);
    const reward = await scoreTrajectory(trajectory, { gold, reference: 'Europe' });
    // 0.7 * 0 + 0.1 * 1 + 0.2 * 1 = 0.3
    expect(reward.composite).toBeCloseTo(0.3, 10);
    expect(reward.outcome).toMatchObject({ source: 'rule', correct: false });
  });

  it('is 0 when the pattern is 0, even for a right answer on the gold page', async () => {
    const noSearch = trajectoryOf('q', [answer('Europe')]);
    const reward = await scoreTrajectory(noSearch, { gold, reference: 'Europe' });
    expect(reward.outcome.correct).toBe(true);
    expect(reward.composite).toBe(0);
    expect(combineReward({ outcome: 1, pattern: 0, retrieval: 1 })).toBe(0);
  });

  it('strict pattern gates on invalid turns; weights are configurable and checked', () => {
    const trajectory = trajectoryOf('q', [search('a', 'deck:4'), '<think>x</think>no action', answer('Europe')]);
    const outcome = { score: 1, correct: true, source: 'rule', method: 'exact', answer: 'Europe' } as const;
    expect(scoreWithOutcome(trajectory, { gold, outcome }).composite).toBeCloseTo(1, 10);
    expect(scoreWithOutcome(trajectory, { gold, outcome, strictPattern: true })).toMatchObject({ composite: 0, pattern: 0 });
    const weights = { outcome: 0.5, pattern: 0, retrieval: 0.5 };
    // 0.5 * 1 + 0 * 1 + 0.5 * 1 = 1; the pattern still gates with weight 0
    expect(scoreWithOutcome(trajectory, { gold, outcome, weights }).composite).toBe(1);
    expect(() => combineReward({ outcome: 1, pattern: 1, retrieval: 1 }, { ...weights, outcome: -1 })).toThrow(/outcome reward weight/);
  });

  it('uses the rule score for free-text answers (ANLS partial credit)', async () => {
    const trajectory = trajectoryOf('q', [search('a', 'deck:4'), answer('Florida Departmnt of Health')]);
    const reward = await scoreTrajectory(trajectory, { gold, reference: 'Florida Department of Health', answerFormat: 'Str' });
    // lev = 1 over max length 28: ANLS = 1 - 1/28 = 0.9642857; composite = 0.7 * 0.9642857 + 0.1 + 0.2 = 0.975
    expect(reward.outcome).toMatchObject({ method: 'anls', correct: true });
    expect(reward.outcome.score).toBeCloseTo(27 / 28, 10);
    expect(reward.composite).toBeCloseTo(0.975, 10);
  });
});
