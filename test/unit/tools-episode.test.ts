/** The agent loop with prompt styles, a grounding expert and gold-guided search, on fake pixels (Node). */
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../src/agent/episode.ts';
import { withGrounder, withStyle } from '../../src/agent/experts.ts';
import { INVALID_PREFIX } from '../../src/agent/protocol.ts';
import { asVragTrajectory, toSftExample } from '../../src/agent/sft.ts';
import { fromSftExample } from '../support/sft.ts';
import { finalAnswer } from '../../src/reward/answer.ts';
import { patternReward } from '../../src/reward/pattern.ts';
import { serializeTrajectory } from '../../src/agent/trajectory.ts';
import { GROUNDING_HINT, TOOLS_SYSTEM_PROMPT } from '../../src/agent/tools-protocol.ts';
import type { ContentPart, PolicyRequest } from '../../src/agent/types.ts';
import { modelInputSize, pageRegion, VRAG_PIXEL_BOUNDS, type Rect } from '../../src/perception/geometry.ts';
import type { Perception, PreparedImage } from '../../src/perception/types.ts';
import type { RankedPage, Retriever } from '../../src/retrieval/types.ts';
import { parseTrajectory } from '../../src/schemas/trajectory.ts';
import { QWEN25_VISION, ScriptedPolicy } from '../support/scripted.ts';

const PAGE = { width: 1000, height: 800 };

/** Pages of 1000×800 with no pixels: the loop's geometry without decoding. */
const perception: Perception = {
  async preparePage(page, bounds) {
    return prepared(page, { x: 0, y: 0, width: PAGE.width, height: PAGE.height }, bounds);
  },
  async crop(parent, rect, bounds) {
    return prepared(parent.page, { x: parent.region.x + rect.x, y: parent.region.y + rect.y, width: rect.width, height: rect.height }, bounds);
  },
};

function prepared(page: Blob, rect: Rect, bounds: typeof VRAG_PIXEL_BOUNDS): PreparedImage {
  const size = { width: rect.width, height: rect.height };
  const input = modelInputSize(size, bounds);
  return { source: Promise.resolve(page), page, sourceSize: size, input: { ...input, data: new Uint8ClampedArray(0) }, region: { ...pageRegion(PAGE), ...rect, scale: 1 }, pageKey: 'k' };
}

class Pages implements Retriever {
  constructor(private readonly ranking: string[]) {}
  async search(_query: string, k: number): Promise<RankedPage[]> {
    return this.ranking.slice(0, k).map((pageId, i) => ({ pageId, score: 1 / (i + 1) }));
  }
  async pageImage(pageId: string): Promise<Blob> {
    return new Blob([pageId], { type: 'image/jpeg' });
  }
}

const texts = (request: PolicyRequest) => request.messages.flatMap((m) => m.content.filter((p): p is Extract<ContentPart, { type: 'text' }> => p.type === 'text').map((p) => p.text));

describe('prompt styles and experts in the agent loop', () => {
  it('a tools-style policy gets the system prompt, its JSON replies drive the episode, and malformed JSON is answered as an invalid action', async () => {
    const policy = new ScriptedPolicy([
      'Let me search.\n```json\n{"think": "find the table", "search": "table"}\n```',
      '{"think": "oops", "bbox": [1, 2, 3',
      '{"think": "the table", "bbox": [100, 100, 400, 300], "description": "table"} trailing words',
      '{"think": "it says 7", "answer": "7"}',
    ]);
    const { outcome, trajectory } = await runEpisode({ question: 'How many?', policy: withStyle(policy, 'tools'), retriever: new Pages(['a', 'b']), perception });
    expect(outcome).toEqual({ status: 'answered', answer: '7' });
    expect(trajectory.promptStyle).toBe('tools');
    expect(trajectory.turns.map((t) => t.action?.kind ?? t.invalid?.reason)).toEqual(['search', 'no-action', 'bbox', 'answer']);
    const first = policy.requests[0]!;
    expect(first.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(texts(first)).toEqual([TOOLS_SYSTEM_PROMPT, 'Question: How many?']);
    // Only the JSON object stays in the conversation; the invalid reply is answered in the JSON style.
    expect(texts(policy.requests[1]!)[2]).toBe('{"think": "find the table", "search": "table"}');
    expect(texts(policy.requests[2]!).at(-1)).toMatch(/^Your previous action is invalid\..*exactly one JSON object/s);
    // The round trip keeps the style; the SFT export is the VRAG format, the failed reply left out.
    const back = parseTrajectory(serializeTrajectory(trajectory));
    expect(back.promptStyle).toBe('tools');
    expect(() => parseTrajectory(JSON.stringify({ ...trajectory, promptStyle: 'json' }))).toThrow(/promptStyle.*"vrag" or "tools"/);
    const example = toSftExample(back, (id) => `${id}.jpg`);
    expect(example.messages.map((m) => m.content)).toEqual([
      expect.stringMatching(/^Answer the given question\..*Question: How many\?$/s),
      '<think>find the table</think>\n<search>table</search>',
      '<image>',
      '<think>the table</think>\n<bbox>[100, 100, 400, 300]</bbox>',
      '<image>',
      '<think>it says 7</think>\n<answer>7</answer>',
    ]);
    expect(example.images).toEqual(['img1.jpg', 'img2.jpg']);
    expect(fromSftExample(example)).toMatchObject({ question: 'How many?', imageCount: 2 });
    // The rewards read VRAG tags: the episode is scored through its VRAG view.
    expect(finalAnswer(trajectory)).toBeNull();
    expect([finalAnswer(asVragTrajectory(trajectory)), patternReward(asVragTrajectory(trajectory))]).toEqual(['7', 1]);
    expect(asVragTrajectory(trajectory).turns[1]!.reply).toBe('{"think": "oops", "bbox": [1, 2, 3');
  });

  it('a grounder answers the turn after each search, told to crop, and its box is read in its own convention', async () => {
    const reasoner = new ScriptedPolicy([
      '{"think": "search", "search": "table"}',
      '{"think": "zoom more", "bbox": [10, 10, 200, 100]}',
      '{"think": "done", "answer": "13.0%"}',
    ]);
    // A 0..1000 grounder: the box is the page's right half.
    const grounder = new ScriptedPolicy(['<think>the table is on the right</think>\n<bbox>[500, 0, 1000, 1000]</bbox>'], { ...QWEN25_VISION, convention: 'relative-1000' });
    const policy = withGrounder(withStyle(reasoner, 'tools'), withStyle(grounder, 'vrag'));
    const { outcome, trajectory } = await runEpisode({ question: 'CAGR?', policy, retriever: new Pages(['p1']), perception });
    expect(outcome.status).toBe('answered');
    expect(trajectory.turns.map((t) => t.expert ?? 'reasoner')).toEqual(['reasoner', 'grounder', 'reasoner', 'reasoner']);
    expect(trajectory.grounder).toMatchObject({ promptStyle: 'vrag', vision: { convention: 'relative-1000' } });
    // The grounder sees the VRAG prompt, the reasoner's search re-tagged, the page and the hint.
    const asked = grounder.requests[0]!;
    expect(texts(asked)[1]).toBe('<think>search</think>\n<search>table</search>');
    expect(texts(asked).at(-1)).toBe(GROUNDING_HINT);
    expect(trajectory.turns[0]!.observation).toMatchObject({ kind: 'image', hint: GROUNDING_HINT });
    // The reasoner sees the grounder's box as JSON.
    expect(texts(reasoner.requests[1]!)).toContain('{"think":"the table is on the right","bbox":[500,0,1000,1000]}');
    // 0..1000 on a 1000×800 page: x from 500 (less the 56 px pad), the full height.
    expect(trajectory.images[1]).toMatchObject({ kind: 'crop', bbox: [500, 0, 1000, 1000], rect: { x: 444, y: 0, width: 556, height: 800 } });
    // In the SFT data the grounder's box is in the reasoner's convention (absolute pixels of the page's model input), without the hint.
    const input = trajectory.images[0]!.inputSize;
    const example = toSftExample(parseTrajectory(serializeTrajectory(trajectory)), (id) => id);
    expect(example.messages[2]!.content).toBe('<image>');
    expect(example.messages[3]!.content).toBe(`<think>the table is on the right</think>\n<bbox>[${Math.round(input.width / 2)}, 0, ${input.width}, ${input.height}]</bbox>`);
  });

  it('gold-guided search shows the first unseen gold page, else the first unseen page, and the trajectory says so', async () => {
    const policy = new ScriptedPolicy(['<think>a</think><search>q</search>', '<think>b</think><search>q</search>', '<think>c</think><search>q</search>', '<think>d</think><answer>x</answer>']);
    const { trajectory } = await runEpisode({ question: 'Q', policy, retriever: new Pages(['p1', 'g2', 'p3', 'g4']), perception, config: { goldPages: ['g4', 'g2'] } });
    expect(trajectory.turns.slice(0, 3).map((t) => t.search?.shownPageId)).toEqual(['g2', 'g4', 'p1']);
    expect(trajectory.goldGuided).toBe(true);
    expect(trajectory.config).not.toHaveProperty('goldPages');
    const plain = await runEpisode({ question: 'Q', policy: new ScriptedPolicy(['<think>a</think><search>q</search>', '<think>d</think><answer>x</answer>']), retriever: new Pages(['p1', 'g2']), perception });
    expect(plain.trajectory.turns[0]!.search?.shownPageId).toBe('p1');
    expect(plain.trajectory).not.toHaveProperty('goldGuided');
    expect(plain.trajectory).not.toHaveProperty('promptStyle');
    expect(INVALID_PREFIX).toBe('Your previous action is invalid.');
  });
});
