/** Figures per expert and per prompt style, the sample kept by data expansion, and their tables in the HTML report. */
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/agent/protocol.ts';
import type { PromptStyle } from '../../src/agent/styles.ts';
import type { TurnRecord } from '../../src/agent/types.ts';
import { figuresByExpert, figuresByStyle, type FigureEpisode } from '../../src/eval/experts.ts';
import { reportHtml } from '../../src/eval/report-html.ts';
import { summariseEvaluation } from '../../src/eval/summary.ts';
import { QWEN2_5_VL } from '../../src/models/families/index.ts';
import { visionSpec, VRAG_VISUAL_TOKENS } from '../../src/models/families/types.ts';
import { sampleToKeep } from '../../src/reward/expansion.ts';

function turn(index: number, action: Action | null, expert?: 'grounder'): TurnRecord {
  return {
    index,
    reply: '',
    kept: '',
    thought: null,
    action,
    invalid: action ? null : { reason: 'no-action', problem: 'no action' },
    ...(expert ? { expert } : {}),
    observation: { kind: 'none' },
    timings: { startedAt: 0, modelMs: 0, observeMs: 0 },
  };
}

const search: Action = { kind: 'search', query: 'q' };
const box: Action = { kind: 'bbox', bbox: [1, 2, 3, 4] };
const answer: Action = { kind: 'answer', text: 'a' };

function episode(turns: TurnRecord[], scores: { status: string; outcome: number; ndcg: number; answerable?: boolean }, styles: { reasoner?: PromptStyle; grounder?: PromptStyle } = {}): FigureEpisode {
  return {
    trajectory: {
      policy: 'reasoner-model',
      ...(styles.reasoner ? { promptStyle: styles.reasoner } : {}),
      ...(styles.grounder ? { grounder: { policy: 'grounder-model', vision: visionSpec(QWEN2_5_VL, VRAG_VISUAL_TOKENS), promptStyle: styles.grounder } } : {}),
      turns,
    },
    status: scores.status,
    outcome: scores.outcome,
    ndcg: scores.ndcg,
    answerable: scores.answerable ?? true,
  };
}

describe('figures per expert and per prompt style', () => {
  // A tools reasoner with a vrag grounder: right and answered with the grounder's help; wrong after an invalid reply without it; unanswerable and unfinished.
  const withGrounder = episode([turn(0, search), turn(1, box, 'grounder'), turn(2, answer)], { status: 'answered', outcome: 1, ndcg: 1 }, { reasoner: 'tools', grounder: 'vrag' });
  const alone = episode([turn(0, search), turn(1, null), turn(2, answer)], { status: 'answered', outcome: 0, ndcg: 0.5 }, { reasoner: 'tools', grounder: 'vrag' });
  const unfinished = episode([turn(0, null)], { status: 'no-answer', outcome: 0, ndcg: 0, answerable: false }, { reasoner: 'tools', grounder: 'vrag' });
  const episodes = [withGrounder, alone, unfinished];

  it('an expert counts the episodes it replied in and its own invalid replies; the reasoner every episode', () => {
    const seeds = [
      { role: 'reasoner' as const, label: 'Reasoner A', promptStyle: 'tools' as const },
      { role: 'grounder' as const, label: 'Grounder B', promptStyle: 'vrag' as const },
    ];
    const [reasoner, grounder, ...rest] = figuresByExpert(episodes, seeds);
    expect(rest).toEqual([]);
    expect(reasoner).toEqual({ role: 'reasoner', label: 'Reasoner A', promptStyle: 'tools', episodes: 3, replies: 6, invalidReplies: 2, invalidActionRate: 2 / 6, finishRate: 2 / 3, accuracy: 1 / 3, ndcg: 0.75 });
    expect(grounder).toEqual({ role: 'grounder', label: 'Grounder B', promptStyle: 'vrag', episodes: 1, replies: 1, invalidReplies: 0, invalidActionRate: 0, finishRate: 1, accuracy: 1, ndcg: 1 });
  });

  it('a configured expert that never replied is listed with nothing to show; without seeds experts are named by their policy', () => {
    const [, grounder] = figuresByExpert([alone], [
      { role: 'reasoner', label: 'R', promptStyle: 'tools' },
      { role: 'grounder', label: 'G', promptStyle: 'vrag' },
    ]);
    expect(grounder).toMatchObject({ label: 'G', episodes: 0, replies: 0, invalidActionRate: 0 });
    expect(grounder!.accuracy).toBeNaN();
    expect(figuresByExpert([withGrounder]).map((e) => `${e.role}:${e.label}:${e.promptStyle}`)).toEqual(['reasoner:reasoner-model:tools', 'grounder:grounder-model:vrag']);
  });

  it('an episode that ended before any reply is still the reasoner’s (older trajectories without a style are vrag)', () => {
    const [reasoner] = figuresByExpert([episode([], { status: 'error', outcome: 0, ndcg: 0 })]);
    expect(reasoner).toMatchObject({ role: 'reasoner', promptStyle: 'vrag', episodes: 1, replies: 0, finishRate: 0, accuracy: 0 });
  });

  it('per style: the replies written in it and the episodes holding any', () => {
    const [tools, vrag] = figuresByStyle(episodes);
    expect(tools).toEqual({ promptStyle: 'tools', episodes: 3, replies: 6, invalidReplies: 2, invalidActionRate: 2 / 6, finishRate: 2 / 3, accuracy: 1 / 3, ndcg: 0.75 });
    expect(vrag).toEqual({ promptStyle: 'vrag', episodes: 1, replies: 1, invalidReplies: 0, invalidActionRate: 0, finishRate: 1, accuracy: 1, ndcg: 1 });
  });

  it('the HTML report shows both tables, and the expansion with the sample kept', () => {
    const byExpert = figuresByExpert(episodes, [{ role: 'reasoner', label: 'Reasoner A', promptStyle: 'tools' }]);
    const byStyle = figuresByStyle(episodes);
    const summary = summariseEvaluation([
      { id: 'q1', question: 'Q?', reference: 'a', answerable: true, evidenceSources: [], retrieval: {}, episode: { status: 'answered', answer: 'a', turns: 3, invalidTurns: 0, timeMs: 1, retrievedPages: [], scores: { outcome: 1, outcomeMethod: 'rule:exact', pattern: 1, patternStrict: 1, retrieval: 1, composite: 1 } } },
    ]);
    const html = reportHtml('t', {}, summary, [], undefined, {
      experts: { episodes: 'the first samples', byExpert, byStyle },
      expansion: { samples: 2, minComposite: 0.5, kept: 1, questions: [{ id: 'q1', composites: [0.4, 0.9], kept: 1 }], episodes: 'all samples', byExpert, byStyle },
    });
    expect(html).toContain('<h3>Per expert and prompt style</h3>');
    expect(html).toContain('<td>Reasoner A</td><td>reasoner</td><td>tools</td><td>3</td><td>6</td><td>0.333</td><td>0.667</td><td>0.333</td><td>0.750</td>');
    expect(html).toContain('<td>grounder-model</td><td>grounder</td><td>vrag</td><td>1</td>');
    expect(html).toContain('Data expansion: 2 samples per question');
    expect(html).toContain('<td>q1</td><td>0.40 · 0.90</td><td>sample 2</td>');
  });
});

describe('data expansion keeps the best sample', () => {
  it('the highest composite, the earliest on ties, only at or above the bar', () => {
    expect(sampleToKeep([0.2, 0.9, 0.5], 0.5)).toBe(1);
    expect(sampleToKeep([0.9, 0.9], 0)).toBe(0);
    expect(sampleToKeep([0.3, 0.4], 0.5)).toBeNull();
    expect(sampleToKeep([0.5], 0.5)).toBe(0);
    expect(sampleToKeep([Number.NaN, 0.1], 0)).toBe(1);
    expect(sampleToKeep([], 0)).toBeNull();
  });
});
