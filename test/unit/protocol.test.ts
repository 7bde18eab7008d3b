import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANSWER_NOW, INVALID_PREFIX, invalidActionObservation, parseBBox, parseReply, userPrompt } from '../../src/agent/protocol.ts';
import { sharedPath } from '../support/shared.ts';

interface SftExample {
  messages: { role: 'user' | 'assistant'; content: string }[];
  images: string[];
}
const sft = JSON.parse(readFileSync(sharedPath('fixtures/vrag_search_sft.json'), 'utf8')) as SftExample[];

describe('userPrompt', () => {
  it('is byte for byte the first user turn of the VRAG-RL SFT data', () => {
    for (const example of sft) {
      const first = example.messages[0]!.content;
      const question = first.slice(first.indexOf('Question: ') + 'Question: '.length);
      expect(userPrompt(question)).toBe(first);
    }
  });
});

describe('parseReply on the VRAG-RL SFT fixtures', () => {
  const written = [
    [
      { kind: 'search', query: 'person congratulated for GROSS INCOME becoming TOTALLY GROSS INCOME' },
      { kind: 'bbox', bbox: [437, 276, 719, 495] },
      { kind: 'answer' },
    ],
    [
      { kind: 'search', query: 'David Cooperrider known for' },
      { kind: 'bbox', bbox: [555, 108, 727, 432] },
      { kind: 'search', query: 'David Cooperrider appreciative inquiry' },
      { kind: 'answer' },
    ],
    [
      { kind: 'search', query: 'three types of node in self-healing high-bandwidth clustered storage filesystem' },
      { kind: 'search', query: 'three types of node in HDFS architecture' },
      { kind: 'bbox', bbox: [68, 127, 666, 470] },
      { kind: 'answer' },
    ],
  ];

  sft.forEach((example, e) => {
    it(`example ${e + 1}: every assistant turn yields the action written there`, () => {
      const replies = example.messages.filter((m) => m.role === 'assistant').map((m) => m.content);
      const parsed = replies.map(parseReply);
      expect(parsed.map((p) => p.invalid)).toEqual(replies.map(() => null));
      expect(parsed.map((p) => p.action)).toMatchObject(written[e]!);
      parsed.forEach((p, i) => {
        expect(p.thought).toBeTruthy();
        // These replies hold only tag blocks, so what is kept is the reply itself.
        expect(p.kept).toBe(replies[i]);
      });
      const answer = parsed.at(-1)!.action;
      expect(answer?.kind === 'answer' && answer.text.length).toBeGreaterThan(10);
    });
  });

  it('image observations in the fixtures are exactly one <image> per user turn', () => {
    for (const example of sft) {
      const observations = example.messages.slice(1).filter((m) => m.role === 'user');
      expect(observations.every((m) => m.content === '<image>')).toBe(true);
      expect(observations.length).toBe(example.images.length);
    }
  });
});

describe('parseReply', () => {
  it('takes the first think block and the FIRST action, across newlines', () => {
    const reply = 'preamble <think>line one\nline two</think> chatter <search> q1 </search><answer>a</answer>';
    const p = parseReply(reply);
    expect(p.thought).toBe('line one\nline two');
    expect(p.action).toEqual({ kind: 'search', query: 'q1' });
    expect(p.kept).toBe('<think>line one\nline two</think>\n<search> q1 </search>');
  });

  it('drops text outside tags from what is kept', () => {
    const p = parseReply('Sure! <think>t</think>\nHere you go: <answer> Beijing </answer> Hope that helps.');
    expect(p.kept).toBe('<think>t</think>\n<answer> Beijing </answer>');
    expect(p.action).toEqual({ kind: 'answer', text: 'Beijing' });
  });

  it('needs matching open and close tags', () => {
    expect(parseReply('<think>x</think><search>q</answer>').action).toBeNull();
    expect(parseReply('<search>q</search>').action).toEqual({ kind: 'search', query: 'q' });
  });

  it.each([
    ['no action tag', '<think>I am thinking</think>', 'no-action'],
    ['plain text', 'The answer is 42', 'no-action'],
    ['empty search', '<think>t</think><search>  </search>', 'empty-search'],
    ['empty answer', '<think>t</think><answer></answer>', 'empty-answer'],
    ['bbox not JSON', '<think>t</think><bbox>(1, 2, 3, 4)</bbox>', 'bad-bbox'],
    ['bbox of three', '<think>t</think><bbox>[1, 2, 3]</bbox>', 'bad-bbox'],
    ['bbox with a string', '<think>t</think><bbox>[1, "2", 3, 4]</bbox>', 'bad-bbox'],
    ['bbox negative', '<think>t</think><bbox>[-1, 2, 30, 40]</bbox>', 'bad-bbox'],
    ['bbox x2<=x1', '<think>t</think><bbox>[30, 2, 30, 40]</bbox>', 'bad-bbox'],
    ['bbox y2<=y1', '<think>t</think><bbox>[1, 50, 30, 40]</bbox>', 'bad-bbox'],
  ])('%s is invalid (%s)', (_name, reply, reason) => {
    const p = parseReply(reply);
    expect(p.action).toBeNull();
    expect(p.invalid?.reason).toBe(reason);
    expect(p.invalid?.problem.length).toBeGreaterThan(5);
  });

  it('keeps a reply with no tags verbatim so the model sees what it said', () => {
    expect(parseReply('  just words ').kept).toBe('just words');
  });
});

describe('parseBBox', () => {
  it('accepts four finite non-negative numbers, decimals included', () => {
    expect(parseBBox('[0, 0.5, 10, 20.25]')).toEqual([0, 0.5, 10, 20.25]);
  });
  it('rejects non-finite values that JSON cannot carry', () => {
    expect(typeof parseBBox('[0, 0, Infinity, 5]')).toBe('string');
    expect(typeof parseBBox('[0, 0, 1e999, 5]')).toBe('string');
  });
});

describe('observations', () => {
  it('an invalid-action observation starts with the fixed prefix and restates the format', () => {
    const text = invalidActionObservation('The box is bad.');
    expect(text.startsWith(`${INVALID_PREFIX} The box is bad.`)).toBe(true);
    for (const tag of ['<think>', '<search>', '<bbox>[x1, y1, x2, y2]</bbox>', '<answer>']) expect(text).toContain(tag);
    expect(text).toMatch(/try again/i);
  });
  it('the answer-now note is the reference text', () => {
    expect(ANSWER_NOW).toBe('please answer the question now with answer in <answer> ... </answer>');
  });
});
