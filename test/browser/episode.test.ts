import { afterAll, describe, expect, it } from 'vitest';
import { runEpisode, type EpisodeOptions } from '../../src/agent/episode.ts';
import { ANSWER_NOW, INVALID_PREFIX, userPrompt } from '../../src/agent/protocol.ts';
import { serializeTrajectory } from '../../src/agent/trajectory.ts';
import { parseTrajectory } from '../../src/schemas/trajectory.ts';
import type { AgentEvent, ContentPart, PolicyRequest } from '../../src/agent/types.ts';
import { modelInputSize } from '../../src/perception/geometry.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';
import { FixedRankingRetriever, ScriptedPolicy } from '../support/scripted.ts';

const perception = startPerceptionWorker(APP_WORKERS.perception);
afterAll(() => perception.terminate());

const SLIDES = ['slide_6_1024.jpg', 'slide_7_1024.jpg', 'aliyun4_4.jpg', 'slide_10_1024.jpg'];
const retriever = () =>
  new FixedRankingRetriever({
    'travel market share': SLIDES,
    'cloud network': ['aliyun4_4.jpg', 'aliyun4_7.jpg'],
    'only two': ['slide_6_1024.jpg', 'slide_7_1024.jpg'],
  });

function episode(policy: ScriptedPolicy, extra: Partial<EpisodeOptions> = {}) {
  const events: AgentEvent[] = [];
  const run = runEpisode({
    question: 'What share of the travel market is online?',
    policy,
    retriever: retriever(),
    perception,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { run, events };
}

const lastUserText = (request: PolicyRequest) =>
  request.messages
    .at(-1)!
    .content.filter((p): p is Extract<ContentPart, { type: 'text' }> => p.type === 'text')
    .map((p) => p.text)
    .join('\n');

async function pagePixel(blob: Blob, x: number, y: number): Promise<number[]> {
  const bitmap = await createImageBitmap(blob, x, y, 1, 1);
  const ctx = new OffscreenCanvas(1, 1).getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  return Array.from(ctx.getImageData(0, 0, 1, 1).data);
}

describe('agent episodes on real slide images', () => {
  it('search -> crop -> crop of the crop -> answer, with the geometry chain back to the page', async () => {
    const policy = new ScriptedPolicy([
      '<think>I need the market slide.</think>\n<search>travel market share</search>',
      'Let me zoom. <think>The chart is on the right.</think>\n<bbox>[300, 100, 600, 400]</bbox>',
      '<think>Closer.</think><bbox>[100, 100, 300, 300]</bbox>',
      '<think>It reads 37%.</think>\n<answer> 37% </answer>',
    ]);
    const { run, events } = episode(policy);
    const { outcome, trajectory, images } = await run;

    expect(outcome).toEqual({ status: 'answered', answer: '37%' });
    expect(trajectory.turns.map((t) => t.action?.kind)).toEqual(['search', 'bbox', 'bbox', 'answer']);
    expect(trajectory.turns[0]!.search?.shownPageId).toBe('slide_6_1024.jpg');

    const [page, crop1, crop2] = trajectory.images;
    expect(page).toMatchObject({ kind: 'page', pageId: 'slide_6_1024.jpg', sourceSize: { width: 1024, height: 768 } });
    expect(page!.inputSize).toEqual(modelInputSize({ width: 1024, height: 768 }));
    // Absolute boxes are in the model's input pixels: map, pad 56, clamp.
    const sx = 1024 / page!.inputSize.width;
    const sy = 768 / page!.inputSize.height;
    const x1 = Math.floor(300 * sx - 56);
    const y1 = Math.floor(100 * sy - 56);
    expect(crop1).toMatchObject({ kind: 'crop', parentId: page!.id, bbox: [300, 100, 600, 400] });
    expect(crop1!.rect).toEqual({ x: x1, y: y1, width: Math.ceil(600 * sx + 56) - x1, height: Math.ceil(400 * sy + 56) - y1 });
    expect(crop1!.region).toMatchObject({ x: x1, y: y1 });
    // The second box is in the first crop's input pixels and lands inside the first crop on the page.
    expect(crop2).toMatchObject({ kind: 'crop', parentId: crop1!.id, pageId: 'slide_6_1024.jpg' });
    const r2 = crop2!.region;
    expect(r2.x).toBe(crop1!.region.x + crop2!.rect!.x);
    expect(r2.y).toBe(crop1!.region.y + crop2!.rect!.y);
    expect(r2.x + r2.width).toBeLessThanOrEqual(crop1!.region.x + crop1!.region.width);

    // The deepest crop's pixels are the page's pixels at its region.
    const pageBlob = await images.get(page!.id)!.source;
    const cropBlob = await images.get(crop2!.id)!.source;
    for (const [dx, dy] of [[0, 0], [10, 20], [crop2!.sourceSize.width - 1, crop2!.sourceSize.height - 1]] as const) {
      expect(await pagePixel(cropBlob, dx, dy)).toEqual(await pagePixel(pageBlob, r2.x + dx, r2.y + dy));
    }

    // What the model was shown: the VRAG prompt, kept replies without outside text, then one image per turn.
    const [first, second, , fourth] = policy.requests;
    expect(first!.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: userPrompt('What share of the travel market is online?') }] }]);
    expect(second!.messages.at(-2)).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: '<think>I need the market slide.</think>\n<search>travel market share</search>' }],
    });
    expect(second!.messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'image', imageId: page!.id }] });
    expect(fourth!.messages[3]).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: '<think>The chart is on the right.</think>\n<bbox>[300, 100, 600, 400]</bbox>' }],
    });
    expect(fourth!.images.get(crop2!.id)!.input.width).toBe(crop2!.inputSize.width);

    // The event stream carries everything the UI renders, in order.
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'turn')).toHaveLength(4);
    expect(types).toContain('token');
    expect(events.filter((e) => e.type === 'image').map((e) => (e as { image: { id: string } }).image.id)).toEqual([
      page!.id,
      crop1!.id,
      crop2!.id,
    ]);
    expect(types.at(-2)).toBe('answer');
    expect(events.at(-1)).toEqual({ type: 'end', outcome });
    const streamed = events.filter((e) => e.type === 'token' && e.index === 3).map((e) => (e as { text: string }).text);
    expect(streamed.join('')).toBe('<think>It reads 37%.</think>\n<answer> 37% </answer>');
  });

  it('shows each page at most once; when all top results were seen it says so in text', async () => {
    const search = '<think>again</think><search>only two</search>';
    const policy = new ScriptedPolicy([search, search, search, '<think>done</think><answer>x</answer>']);
    const { trajectory } = await episode(policy).run;
    const shown = trajectory.turns.map((t) => t.search?.shownPageId);
    expect(shown.slice(0, 3)).toEqual(['slide_6_1024.jpg', 'slide_7_1024.jpg', null]);
    const third = trajectory.turns[2]!.observation;
    expect(third.kind).toBe('text');
    expect(third.kind === 'text' && third.text).toMatch(/All 2 top results .* already shown/);
    expect(trajectory.images.map((i) => i.pageId)).toEqual(['slide_6_1024.jpg', 'slide_7_1024.jpg']);
  });

  it('a search with no results is a text observation, not an error', async () => {
    const policy = new ScriptedPolicy(['<think>t</think><search>nothing matches this</search>', '<answer>unknown</answer>']);
    const { outcome, trajectory } = await episode(policy).run;
    expect(outcome.status).toBe('answered');
    expect(trajectory.turns[0]!.observation).toMatchObject({ kind: 'text', text: expect.stringMatching(/no pages/) });
  });

  it('every invalid form becomes an invalid-action observation and the loop goes on', async () => {
    const invalidReplies = [
      '<think>crop first</think><bbox>[10, 10, 50, 50]</bbox>', // no image yet
      'I think the answer is in the chart.', // no action at all
      '<think>t</think><bbox>10, 10, 50, 50</bbox>', // not JSON
      '<think>t</think><bbox>[10, 10, 50]</bbox>', // three numbers
      '<think>t</think><bbox>[-5, 10, 50, 60]</bbox>', // negative
      '<think>t</think><bbox>[50, 10, 50, 60]</bbox>', // x2 <= x1
      '<think>t</think><bbox>[10, 60, 50, 60]</bbox>', // y2 <= y1
    ];
    const policy = new ScriptedPolicy([
      ...invalidReplies,
      '<think>ok</think><search>travel market share</search>',
      '<think>off the page</think><bbox>[5000, 5000, 6000, 6000]</bbox>',
      '<think>fine</think><answer>37%</answer>',
    ]);
    const { run, events } = episode(policy, { config: { maxActions: 12 } });
    const { outcome, trajectory } = await run;
    expect(outcome.status).toBe('answered');
    const reasons = trajectory.turns.map((t) => t.invalid?.reason ?? null);
    expect(reasons).toEqual([
      'no-image',
      'no-action',
      'bad-bbox',
      'bad-bbox',
      'bad-bbox',
      'bad-bbox',
      'bad-bbox',
      null,
      'off-image',
      null,
    ]);
    for (const turn of trajectory.turns.filter((t) => t.invalid)) {
      expect(turn.observation.kind).toBe('text');
      expect(turn.observation.kind === 'text' && turn.observation.text.startsWith(INVALID_PREFIX)).toBe(true);
    }
    // The model saw the invalid observation as its next user turn.
    expect(lastUserText(policy.requests[1]!)).toMatch(/^Your previous action is invalid\. There is no image to crop yet/);
    expect(events.filter((e) => e.type === 'invalid')).toHaveLength(8);
  });

  it('a model that cannot ground boxes is told crops are unavailable', async () => {
    const policy = new ScriptedPolicy(
      ['<think>t</think><search>cloud network</search>', '<think>t</think><bbox>[1, 1, 20, 20]</bbox>', '<answer>a</answer>'],
      { convention: 'relative-1000', pixelBounds: { minPixels: 1, maxPixels: 512 * 28 * 28, factor: 1 }, canCrop: false },
    );
    const { trajectory } = await episode(policy).run;
    expect(trajectory.turns[1]!.invalid?.reason).toBe('cannot-crop');
    expect(trajectory.images).toHaveLength(1);
    // The 5334x3000 cloud slide is prepared within the model's bounds.
    expect(trajectory.images[0]!.sourceSize).toEqual({ width: 5334, height: 3000 });
    expect(trajectory.images[0]!.inputSize.width * trajectory.images[0]!.inputSize.height).toBeLessThanOrEqual(512 * 28 * 28);
  });

  it('ends with "no answer found" when the budget runs out, after asking for an answer', async () => {
    const policy = new ScriptedPolicy(['<think>more</think><search>travel market share</search>']);
    const { outcome, trajectory } = await episode(policy, { config: { maxActions: 4 } }).run;
    expect(outcome.status).toBe('no-answer');
    expect(outcome.message).toMatch(/No answer found/);
    expect(policy.requests).toHaveLength(4);
    expect(lastUserText(policy.requests[3]!)).toBe(ANSWER_NOW);
    expect(lastUserText(policy.requests[2]!)).not.toContain(ANSWER_NOW);
    expect(trajectory.turns.at(-1)!.observation).toEqual({ kind: 'none' });
  });

  it('with a budget of one, the question itself asks for the answer', async () => {
    const policy = new ScriptedPolicy(['<think>t</think><search>travel market share</search>']);
    const { outcome } = await episode(policy, { config: { maxActions: 1 } }).run;
    expect(outcome.status).toBe('no-answer');
    expect(lastUserText(policy.requests[0]!)).toContain(ANSWER_NOW);
  });

  it('cancels mid-turn at once, even when the model ignores the signal', async () => {
    const controller = new AbortController();
    const policy = new ScriptedPolicy([
      '<think>t</think><search>travel market share</search>',
      (request) => {
        request.onToken('<think>I am slo');
        queueMicrotask(() => controller.abort());
        return new Promise<string>(() => {}); // never resolves
      },
    ]);
    const { run, events } = episode(policy, { signal: controller.signal });
    const { outcome, trajectory } = await run;
    expect(outcome.status).toBe('cancelled');
    expect(trajectory.turns).toHaveLength(1);
    expect(events.at(-1)).toEqual({ type: 'end', outcome });
    expect(policy.requests[1]!.signal.aborted).toBe(true);
  });

  it('an already aborted signal ends before the model is asked', async () => {
    const controller = new AbortController();
    controller.abort();
    const policy = new ScriptedPolicy(['<answer>a</answer>']);
    const { outcome } = await episode(policy, { signal: controller.signal }).run;
    expect(outcome.status).toBe('cancelled');
    expect(policy.requests).toHaveLength(0);
  });

  it('a failing model ends the episode with its message, not an exception', async () => {
    const policy = new ScriptedPolicy([
      () => {
        throw new Error('The model ran out of GPU memory.');
      },
    ]);
    const { run, events } = episode(policy);
    const { outcome } = await run;
    expect(outcome).toEqual({ status: 'error', message: 'The model ran out of GPU memory.' });
    expect(events.some((e) => e.type === 'error')).toBe(true);
  });

  it('the trajectory serialises to JSON and round-trips', async () => {
    const policy = new ScriptedPolicy([
      '<think>a</think><search>travel market share</search>',
      '<think>b</think><bbox>[10, 10, 200, 200]</bbox>',
      '<think>c</think><answer>yes</answer>',
    ]);
    const { trajectory } = await episode(policy).run;
    const json = serializeTrajectory(trajectory);
    expect(parseTrajectory(json)).toEqual(trajectory);
    expect(trajectory.turns.every((t) => t.timings.modelMs >= 0 && t.timings.observeMs >= 0)).toBe(true);
    expect(() => parseTrajectory('{"format":"other"}')).toThrow(/not a trajectory/);
    expect(() => parseTrajectory('not json')).toThrow(/not valid JSON/);
  });
});
