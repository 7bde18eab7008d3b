import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anls, levenshtein } from '../../src/reward/anls.ts';
import { judgePrompt, judgeWith, parseJudge } from '../../src/reward/judge.ts';
import { listMatch, listReadings } from '../../src/reward/list.ts';
import { normalizeAnswer } from '../../src/reward/normalize.ts';
import { saysNotAnswerable } from '../../src/reward/not-answerable.ts';
import { numericMatch } from '../../src/reward/numeric.ts';
import { findQuantities, parseQuantity } from '../../src/reward/quantity.ts';
import { ruleOutcome, type AnswerFormat } from '../../src/reward/rule-outcome.ts';
import { sharedPath } from '../support/shared.ts';

describe('judge prompt and verdicts', () => {
  it('puts the three inputs under headings and asks for a <judge> verdict, allowing extra information', () => {
    const prompt = judgePrompt('How many stores?', '12', 'There are 12 stores.');
    expect(prompt).toContain('## Query\nHow many stores?\n');
    expect(prompt).toContain('## Reference Answer\n12\n');
    expect(prompt).toContain('## Generated Answer\nThere are 12 stores.\n');
    expect(prompt).toContain('<judge>True or False</judge>');
    expect(prompt).toMatch(/may contain more information than the reference answer/);
    expect(prompt).toMatch(/contains the meaning of the reference answer/);
  });

  it('parses verdicts in any case and spacing; the last one wins; none is null', () => {
    expect(parseJudge('<judge>True</judge>')).toBe(true);
    expect(parseJudge('<judge>False</judge>')).toBe(false);
    expect(parseJudge('<JUDGE> true </Judge>')).toBe(true);
    expect(parseJudge('< judge >\nFALSE\n</ judge >')).toBe(false);
    expect(parseJudge('<judge>True</judge> on reflection <judge>False</judge>')).toBe(false);
    expect(parseJudge('<judge>False</judge>\n<judge>TRUE</judge>')).toBe(true);
    // The format line echoed back is not a verdict.
    expect(parseJudge('Format: <judge>True or False</judge>. <judge>true</judge>')).toBe(true);
    expect(parseJudge('<judge>True or False</judge>')).toBeNull();
    expect(parseJudge('The answer is correct.')).toBeNull();
    expect(parseJudge('<judge>maybe</judge>')).toBeNull();
  });

  it('judgeWith sends the prompt to the completion function and returns its verdict and reply', async () => {
    const sent: string[] = [];
    const judge = judgeWith(async (prompt) => {
      sent.push(prompt);
      return prompt.includes('## Generated Answer\nParis') ? 'ok <judge>True</judge>' : 'hmm';
    });
    expect(await judge.judge('Capital of France?', 'Paris', 'Paris')).toEqual({ correct: true, raw: 'ok <judge>True</judge>' });
    expect(await judge.judge('Capital of France?', 'Paris', 'Lyon')).toBeNull();
    expect(sent[0]).toBe(judgePrompt('Capital of France?', 'Paris', 'Paris'));
  });
});

describe('normalisation and exact match', () => {
  it('lower-cases, drops punctuation, articles and extra spaces, applies NFKC', () => {
    expect(normalizeAnswer('  The  Berlin School, of Psychology! ')).toBe('berlin school of psychology');
    expect(normalizeAnswer('ＡＢＣ　１２')).toBe('abc 12'); // full-width letters, digits and space
    expect(normalizeAnswer('an apple (a fruit)')).toBe('apple fruit');
    expect(normalizeAnswer('3.5, 1,200 and 2015-03-24.')).toBe('3.5 1,200 and 2015-03-24');
  });

  it('compares Chinese without spaces', () => {
    expect(normalizeAnswer('阿里 云 网络。')).toBe('阿里云网络');
    expect(ruleOutcome('阿里云网络', '阿里 云网络')).toEqual({ correct: true, score: 1, method: 'exact' });
  });

  it('accepts the reference appearing whole inside a longer answer', () => {
    expect(ruleOutcome('Europe', 'The answer is Europe.', 'Str')).toMatchObject({ correct: true, method: 'exact' });
    expect(ruleOutcome('Europe', 'Europeans', 'Str').method).toBe('anls');
  });
});

describe('ANLS', () => {
  it('levenshtein over code points', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('网络', '网路')).toBe(1);
  });

  it('is 1 − lev/maxlen below the 0.5 threshold, 0 at or above it, best over acceptable answers', () => {
    // lev("subtask", "subtasks") = 1, max length 8: 1 − 1/8 = 0.875
    expect(anls(['Subtask'], 'subtasks')).toBeCloseTo(0.875, 10);
    // lev("kitten", "sitting") = 3, max length 7: 3/7 = 0.43 < 0.5, so 1 − 3/7 = 0.5714286
    expect(anls(['kitten'], 'sitting')).toBeCloseTo(4 / 7, 10);
    // lev("abcd", "abxy") = 2, 2/4 = 0.5 is not below the threshold: 0
    expect(anls(['abcd'], 'abxy')).toBe(0);
    expect(anls(['abcd', 'abcx'], 'abcx')).toBe(1);
    expect(anls([''], '')).toBe(1);
    expect(anls(['kitten'], 'sitting', 0.4)).toBe(0);
  });

  it('is the method for text references without digits', () => {
    // lev("less well-off", "less well off") = 1, length 13: 1 − 1/13; but punctuation normalised equal first
    expect(ruleOutcome('Less well-off', 'less well off', 'Str')).toMatchObject({ correct: true, method: 'exact' });
    expect(ruleOutcome('Poor Financial Condition', 'poor financial conditions', 'Str')).toMatchObject({
      correct: true,
      method: 'anls',
      score: 1 - 1 / 25,
    });
    expect(ruleOutcome('Rick Scott', 'Jeb Bush', 'Str')).toEqual({ correct: false, score: 0, method: 'anls' });
    // Digits mean a near miss is a different answer.
    expect(ruleOutcome('0-375 miles', '0-376 miles', 'Str')).toEqual({ correct: false, score: 0, method: 'exact' });
  });
});

describe('quantities', () => {
  const q = (text: string) => parseQuantity(text);

  it('parses separators, decimals, signs, currencies, multipliers and units', () => {
    expect(q('1,234,567.89')).toMatchObject({ value: 1234567.89, unit: null, scaled: false });
    expect(q('(1,234)')).toMatchObject({ value: -1234, written: -1234 });
    expect(q('($12.5)')).toMatchObject({ value: -12.5, unit: 'USD' });
    expect(q('-3.5')).toMatchObject({ value: -3.5 });
    expect(q('−7')).toMatchObject({ value: -7 }); // U+2212 minus sign
    expect(q('$12.5 bn')).toMatchObject({ value: 12.5e9, written: 12.5, scaled: true, unit: 'USD' });
    expect(q('12,500 million')).toMatchObject({ value: 12.5e9, scaled: true, unit: null });
    expect(q('€3k')).toMatchObject({ value: 3000, unit: 'EUR' });
    expect(q('2.3M')).toMatchObject({ value: 2.3e6 });
    expect(q('4 billion USD')).toMatchObject({ value: 4e9, unit: 'USD' });
    expect(q('37%')).toMatchObject({ value: 0.37, written: 37, unit: '%' });
    expect(q('37 per cent')).toMatchObject({ value: 0.37, unit: '%' });
    expect(q('2.5 km')).toMatchObject({ value: 2500, written: 2.5, unit: 'm' });
    expect(q('90 minutes')).toMatchObject({ value: 5400, unit: 's' });
    expect(q('¥300')).toMatchObject({ value: 300, unit: 'CNY|JPY' });
    expect(q('.5')).toMatchObject({ value: 0.5 });
    expect(q('12.')).toMatchObject({ value: 12 });
  });

  it('is null for anything that is not just one quantity', () => {
    for (const text of ['2015-03-24', '14:04 CET', 'yes', '12 and 13', 'about 12', '2.5-3cm', '']) {
      expect(q(text), text).toBeNull();
    }
  });

  it('finds every quantity in a sentence and ignores hyphens inside dates and words', () => {
    expect(findQuantities('Revenue rose 12% to $3.4bn in 2019-20, from ($2.1bn)').map((f) => f.value)).toEqual([
      0.12, 3.4e9, 2019, 20, -2.1e9,
    ]);
    expect(findQuantities('COVID-19').map((f) => f.value)).toEqual([19]);
  });
});

describe('numeric match', () => {
  it('matches across multipliers, separators and relative tolerance (1% by default)', () => {
    expect(numericMatch('12.5 bn', '12,500 million')).toBe(true);
    expect(numericMatch('1375500.00', 'about $1.38 million')).toBe(true); // 0.33% apart
    expect(numericMatch('1375500.00', '1.4 million')).toBe(false); // 1.8% apart
    expect(numericMatch('1375500.00', '1.4 million', 0.02)).toBe(true);
    expect(numericMatch('3.049', 'It is 3.05.')).toBe(true);
    expect(numericMatch('-1234', '(1,234)')).toBe(true);
    expect(numericMatch('1234', '(1,234)')).toBe(false);
    expect(numericMatch('0', 'zero point: 0')).toBe(true);
  });

  it('treats percentages and bare numbers as the same number either way', () => {
    expect(numericMatch('37%', '0.37')).toBe(true);
    expect(numericMatch('0.37', '37%')).toBe(true);
    expect(numericMatch('12%', 'twelve: 12')).toBe(true);
    expect(numericMatch('0.105', '10.5%')).toBe(true);
    expect(numericMatch('5.4%', '5.4 percent')).toBe(true);
    expect(numericMatch('37%', '0.38')).toBe(false);
  });

  it('requires units to agree when both sides state one, converting within a dimension', () => {
    expect(numericMatch('$12.5 bn', '12.5 billion dollars')).toBe(true);
    expect(numericMatch('$12.5 bn', '€12.5 bn')).toBe(false);
    expect(numericMatch('$12.5 bn', '12.5 bn')).toBe(true); // only one side states a unit
    expect(numericMatch('2.5 km', '2500 metres')).toBe(true);
    expect(numericMatch('2.5 km', '2.5 kg')).toBe(false);
    expect(numericMatch('90 minutes', '1.5 hours')).toBe(true);
    expect(numericMatch('¥300', '300 yuan')).toBe(true);
    expect(numericMatch('300 yen', '300 yuan')).toBe(false);
    expect(numericMatch('37%', '$37')).toBe(false);
  });

  it('accepts the number as written when only one side has a multiplier (tables "in millions")', () => {
    expect(numericMatch('253.3', 'Revenue was $253.3 million')).toBe(true);
    expect(numericMatch('12.5 bn', '12.5')).toBe(true);
    expect(numericMatch('12.5 bn', '12.5 million')).toBe(false);
  });

  it('is null when the reference is not a number', () => {
    expect(numericMatch('Europe', '12')).toBeNull();
  });
});

describe('list answers', () => {
  it('reads bracketed literals and plain separated lists', () => {
    expect(listReadings("['Jun', 'Aug']")).toEqual([['Jun', 'Aug']]);
    expect(listReadings(`["Women's health", 'x']`)).toEqual([["Women's health", 'x']]);
    expect(listReadings('1,234; 5,678')).toEqual([['1,234', '5,678']]);
    expect(listReadings('yellow, black and white')).toEqual([
      ['yellow', 'black and white'],
      ['yellow', 'black', 'white'],
    ]);
    expect(listReadings('- Circle\n- Rectangle')).toEqual([['Circle', 'Rectangle']]);
  });

  it('matches items in any order, all of them and no extra', () => {
    expect(listMatch("['Jun', 'Aug']", 'Aug, Jun')).toEqual({ correct: true, score: 1 });
    expect(listMatch("['yellow', 'black and white']", 'Black and white, yellow')).toEqual({ correct: true, score: 1 });
    expect(listMatch("['Circle', 'Rectangle']", 'circle, rectangle and triangle')).toEqual({ correct: false, score: 0 });
    expect(listMatch("['Circle', 'Rectangle']", 'circle')).toEqual({ correct: false, score: 0 });
    expect(listMatch("['90%', '42%', '39%']", '39%, 0.9 and 42%').correct).toBe(true);
    expect(listMatch("['0', '0']", '0, 0').correct).toBe(true);
    expect(listMatch("['0', '0']", '0, 1').correct).toBe(false);
    expect(listMatch("['2015-03-24', '2015-03-25']", '2015-03-25, 2015-03-24').correct).toBe(true);
    // The weakest pair's ANLS: lev("rectangle", "rectangles") = 1 over 10: 0.9
    expect(listMatch("['Circle', 'Rectangle']", 'rectangles; circle').score).toBeCloseTo(0.9, 10);
  });
});

describe('not answerable', () => {
  it('recognises answers that decline, in English and Chinese', () => {
    for (const text of [
      'Not answerable',
      'This question is unanswerable from the document.',
      'The document does not mention it.',
      "The answer can't be determined.",
      'Unknown',
      'The information is not provided in the report.',
      'There is not enough information.',
      '无法回答',
    ]) {
      expect(saysNotAnswerable(text), text).toBe(true);
    }
    for (const text of ['Europe', '12', 'It is known to be 12.', 'Yes, it is answerable: 5']) {
      expect(saysNotAnswerable(text), text).toBe(false);
    }
  });

  it('a "Not answerable" reference is matched only by a declining answer', () => {
    expect(ruleOutcome('Not answerable', 'The slides do not say.', 'None')).toEqual({ correct: true, score: 1, method: 'exact' });
    expect(ruleOutcome('Not answerable', '42', 'None')).toEqual({ correct: false, score: 0, method: 'exact' });
  });
});

describe('ruleOutcome picks the method per answer format', () => {
  it('Int is exact, Float tolerant, text falls back when an Int reference is not a number', () => {
    expect(ruleOutcome('1251', '1250', 'Int')).toEqual({ correct: false, score: 0, method: 'numeric' });
    expect(ruleOutcome('1251', 'There were 1,251 of them', 'Int')).toEqual({ correct: true, score: 1, method: 'numeric' });
    expect(ruleOutcome('41.67', '41.7', 'Float')).toMatchObject({ correct: true, method: 'numeric' });
    expect(ruleOutcome('41.67', '41.7', 'Float', { tolerance: 0.0001 })).toMatchObject({ correct: false });
    expect(ruleOutcome('yes', 'Yes', 'Int')).toMatchObject({ correct: true, method: 'exact' });
    expect(ruleOutcome('14:04 CET', '14:04 CET', 'Int')).toMatchObject({ correct: true, method: 'exact' });
  });

  it('without a format: bracketed references are lists, numbers numeric, the rest text', () => {
    expect(ruleOutcome("['a', 'b']", 'b, a').method).toBe('list');
    expect(ruleOutcome('12%', '0.12').method).toBe('numeric');
    expect(ruleOutcome('Europe', 'Europe').method).toBe('exact');
  });

  it('every MMLongBench-Doc reference matches itself under its own format', () => {
    const questions = JSON.parse(readFileSync(sharedPath('corpora/mmlongbench-dev/questions.json'), 'utf8')) as {
      answer: string;
      answer_format: AnswerFormat;
    }[];
    expect(questions.length).toBeGreaterThan(80);
    for (const { answer, answer_format } of questions) {
      const generated = answer === 'Not answerable' ? 'The document does not say.' : answer;
      expect(ruleOutcome(answer, generated, answer_format), `${answer_format}: ${answer}`).toMatchObject({ correct: true, score: 1 });
    }
  });
});
