import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toRagDatasetExample, toSftExample, type SftExample } from '../../src/agent/sft.ts';
import { fromSftExample } from '../support/sft.ts';
import { ANSWER_NOW, invalidActionObservation, parseReply, userPrompt } from '../../src/agent/protocol.ts';
import { DEFAULT_AGENT_CONFIG, type ImageRecord, type Observation, type Trajectory } from '../../src/agent/types.ts';
import { AppError } from '../../src/errors.ts';
import { parseQuestions } from '../../src/eval/questions.ts';
import { pageRegion } from '../../src/perception/geometry.ts';
import { sharedPath } from '../support/shared.ts';
import { trajectoryOf, turnOf } from '../support/trajectories.ts';

const SFT = JSON.parse(readFileSync(sharedPath('fixtures/vrag_search_sft.json'), 'utf8')) as SftExample[];
const RAG = JSON.parse(readFileSync(sharedPath('fixtures/vrag_rag_dataset.json'), 'utf8')) as { examples: unknown[] };

function image(id: string, kind: ImageRecord['kind']): ImageRecord {
  const size = { width: 1024, height: 768 };
  return { id, kind, pageId: 'slide.jpg', sourceSize: size, inputSize: size, region: pageRegion(size) };
}

/** A trajectory as runEpisode records it: each raw reply parsed, then its observation. */
function trajectory(question: string, steps: [reply: string, observation: Observation][], maxActions = 10): Trajectory {
  const turns = steps.map(([reply, observation], index) => turnOf(index, reply, { observation }));
  const images = steps.flatMap(([, o]) => (o.kind === 'image' ? [image(o.imageId, 'page')] : []));
  return trajectoryOf(question, turns, {
    policy: 'scripted',
    config: { ...DEFAULT_AGENT_CONFIG, maxActions },
    images,
    outcome: { status: 'answered', answer: 'x' },
  });
}

function expectAppError(work: () => unknown, code: string, message: RegExp) {
  let error: unknown = null;
  try {
    work();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  expect((error as AppError).message).toMatch(message);
}

describe('toSftExample', () => {
  it("reproduces VRAG-RL's search SFT example byte for byte for search -> bbox -> answer", () => {
    const target = SFT[0]!;
    const question = target.messages[0]!.content.slice(userPrompt('').length);
    const [search, bbox, answer] = target.messages.filter((m) => m.role === 'assistant').map((m) => m.content);
    // Raw replies carry text outside the tags; only the kept blocks may reach the example.
    const t = trajectory(question, [
      [`Let me look this up.\n${search!}\n<information>hallucinated</information>`, { kind: 'image', imageId: 'img1' }],
      [`${bbox!} trailing words`, { kind: 'image', imageId: 'img2' }],
      [answer!, { kind: 'none' }],
    ]);
    const paths: Record<string, string> = { img1: target.images[0]!, img2: target.images[1]! };
    const example = toSftExample(t, (id) => paths[id]!);
    expect(JSON.stringify(example)).toBe(JSON.stringify(target));
  });

  it('keeps text observations as text and adds the answer-now note where the model saw it', () => {
    const t = trajectory(
      'Q?',
      [
        ['no tags at all', { kind: 'text', text: invalidActionObservation('It contains no action.') }],
        ['<think>a</think><search>q</search>', { kind: 'image', imageId: 'img1', text: ANSWER_NOW }],
        ['<think>b</think><answer>B</answer>', { kind: 'none' }],
      ],
      3,
    );
    const example = toSftExample(t, (id) => `images/1-${id}.png`);
    expect(example).toEqual({
      messages: [
        { role: 'user', content: userPrompt('Q?') },
        { role: 'assistant', content: 'no tags at all' },
        { role: 'user', content: invalidActionObservation('It contains no action.') },
        { role: 'assistant', content: '<think>a</think>\n<search>q</search>' },
        { role: 'user', content: `<image>${ANSWER_NOW}` },
        { role: 'assistant', content: '<think>b</think>\n<answer>B</answer>' },
      ],
      images: ['images/1-img1.png'],
    });
    const oneShot = toSftExample(trajectory('Q?', [['<answer>A</answer>', { kind: 'none' }]], 1), String);
    expect(oneShot.messages[0]!.content).toBe(userPrompt('Q?') + ANSWER_NOW);
  });

  it('ends with the last reply: an observation nobody answered (cancelled episode) is left out', () => {
    const t = trajectory('Q?', [
      ['<think>a</think><search>q</search>', { kind: 'image', imageId: 'img1' }],
      ['<think>b</think><search>r</search>', { kind: 'image', imageId: 'img2' }],
    ]);
    const example = toSftExample(t, (id) => id);
    expect(example.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(example.images).toEqual(['img1']);
  });

  it('refuses an episode without replies', () => {
    expectAppError(() => toSftExample(trajectory('Q?', []), String), 'trajectory-format', /no model replies/);
  });
});

describe('fromSftExample', () => {
  it("reads every example of VRAG-RL's SFT data", () => {
    for (const example of SFT) {
      const imported = fromSftExample(example);
      expect(userPrompt(imported.question)).toBe(example.messages[0]!.content);
      expect(imported.replies).toEqual(example.messages.filter((m) => m.role === 'assistant').map((m) => m.content));
      expect(imported.imageCount).toBe(example.images.length);
    }
    expect(fromSftExample(SFT[0]).question).toBe(
      'What is the name of the person who is congratulated because his GROSS INCOME has just become A TOTALLY GROSS INCOME?',
    );
  });

  it('round-trips our own export, answer-now note included', () => {
    const t = trajectory(
      'Which year?',
      [
        ['<think>a</think><search>q</search>', { kind: 'image', imageId: 'img1', text: ANSWER_NOW }],
        ['<think>b</think><answer>2011</answer>', { kind: 'none' }],
      ],
      2,
    );
    expect(fromSftExample(toSftExample(t, (id) => `${id}.jpg`))).toEqual({
      question: 'Which year?',
      replies: ['<think>a</think>\n<search>q</search>', '<think>b</think>\n<answer>2011</answer>'],
      imageCount: 1,
    });
    const oneShot = toSftExample(trajectory('Now?', [['<answer>A</answer>', { kind: 'none' }]], 1), String);
    expect(fromSftExample(oneShot).question).toBe('Now?');
  });

  it('explains what is wrong with a malformed example', () => {
    const good = SFT[0]!;
    const cases: [unknown, RegExp][] = [
      [[good], /not a JSON object/],
      [{ images: [] }, /"messages" is missing/],
      [{ ...good, images: [1] }, /"images\[0\]" should be text but is a number/],
      [{ ...good, messages: [good.messages[1], good.messages[0]] }, /"messages\[0\].role" should be user \(turns alternate/],
      [{ ...good, messages: [{ role: 'user', content: 'Hello' }] }, /not the VRAG prompt/],
      [{ ...good, messages: [{ role: 'user', content: userPrompt('  ') }] }, /no question/],
      [{ ...good, messages: [good.messages[0], { role: 'assistant', content: 3 }] }, /"messages\[1\].content" should be text but is a number/],
      [{ ...good, images: good.images.slice(1) }, /show 2 image\(s\) but "images" lists 1/],
    ];
    for (const [example, message] of cases) expectAppError(() => fromSftExample(example), 'trajectory-format', message);
  });
});

describe('toRagDatasetExample', () => {
  it("builds VRAG-RL's RAG dataset records, which the eval question reader accepts", () => {
    const [first, , third] = RAG.examples;
    expect(
      toRagDatasetExample(
        0,
        'According to the report, how do 5% of the Latinos see economic upward mobility for their children?',
        'Less well-off',
        'PH_2016.06.08_Economy-Final.pdf',
        [5],
        { source_type: ['Chart'], doc_type: 'Research report / Introduction', answer_format: 'Str' },
      ),
    ).toEqual(first);
    const built = toRagDatasetExample(
      2,
      'How much is the Trading Operating Profit in 2011 according to the Nestle 2011 Full Year Roadshow presentation?',
      '12.5 bn',
      '2012-02-20fy11roadshow-120221022442-phpapp02_95.pdf',
      [5],
      { query_type: 'Single-Hop_Single-Span' },
    );
    expect(JSON.stringify(built)).toBe(JSON.stringify(third));
    const [read] = parseQuestions({ examples: [toRagDatasetExample('q7', 'Q?', 'A', 'doc.pdf', [2, 3])] }).questions;
    expect(read).toMatchObject({ id: 'q7', question: 'Q?', answer: 'A', gold: [{ file: 'doc.pdf', pages: [2, 3] }] });
  });

  it('rejects page numbers that are not 1-based integers and metadata that would override them', () => {
    expectAppError(() => toRagDatasetExample(1, 'Q?', 'A', 'doc.pdf', [0]), 'invalid-input', /Page 0 is not a page number/);
    expectAppError(() => toRagDatasetExample(1, 'Q?', 'A', 'doc.pdf', [1.5]), 'invalid-input', /Page 1.5/);
    expectAppError(() => toRagDatasetExample(1, ' ', 'A', 'doc.pdf', [1]), 'invalid-input', /needs a question/);
    expectAppError(() => toRagDatasetExample(1, 'Q?', 'A', 'doc.pdf', [1], { file_name: 'x' }), 'invalid-input', /own arguments/);
  });
});
