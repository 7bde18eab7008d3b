import { describe, expect, it } from 'vitest';
import { serializeTrajectory } from '../../src/agent/trajectory.ts';
import { AppError } from '../../src/errors.ts';
import { numberLimits } from '../../src/schemas/parse.ts';
import { DEFAULT_SETTINGS, parseSettings, SETTINGS_FIELDS, settingsProblems } from '../../src/schemas/settings.ts';
import { parseSftExample } from '../../src/schemas/sft.ts';
import { parseTrajectory } from '../../src/schemas/trajectory.ts';
import { trajectoryOf, turnOf } from '../support/trajectories.ts';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).message;
  }
  throw new Error('expected an AppError');
}

describe('settings schema', () => {
  it('fills every missing field with its default and keeps what is valid', () => {
    expect(parseSettings({})).toEqual(DEFAULT_SETTINGS);
    const parsed = parseSettings({ topK: 7, weights: { bm25: 2 } });
    expect(parsed?.topK).toBe(7);
    expect(parsed?.weights).toEqual({ bm25: 2, textDense: 1, imageDense: 1 });
  });

  it('names each problem in one sentence', () => {
    expect(settingsProblems({ ...DEFAULT_SETTINGS, topK: 0 })).toEqual(['Top-k must be a whole number from 1 to 100.']);
    expect(settingsProblems({ ...DEFAULT_SETTINGS, maxActions: 2.5 })).toEqual(['Max actions must be a whole number from 1 to 50.']);
    expect(settingsProblems({ ...DEFAULT_SETTINGS, minVisualTokens: 600, maxVisualTokens: 500 })).toEqual(['Max image tokens must be at least Min image tokens.']);
    expect(settingsProblems({ ...DEFAULT_SETTINGS, remote: { enabled: true, endpoint: '', apiKey: '', model: '' } })).toEqual([
      'To use the remote endpoint, enter its URL and the model name it serves.',
    ]);
    expect(settingsProblems(DEFAULT_SETTINGS)).toEqual([]);
  });

  it('refuses saved data that is not settings instead of loading it', () => {
    expect(parseSettings({ device: 'tpu' })).toBeNull();
    expect(parseSettings({ modelHost: 'ftp://example.org' })).toBeNull();
  });

  it('gives the form the same limits it checks', () => {
    expect(numberLimits(SETTINGS_FIELDS.topK)).toEqual({ min: 1, max: 100, integer: true });
    expect(numberLimits(SETTINGS_FIELDS.bm25)).toEqual({ min: 0, max: 10, integer: false });
  });
});

describe('trajectory schema', () => {
  const trajectory = trajectoryOf('Who?', [turnOf(0, '<think>t</think><answer>Ada</answer>')]);

  it('reads back what the app writes', () => {
    const read = parseTrajectory(serializeTrajectory(trajectory));
    expect(read.turns[0]?.action).toEqual({ kind: 'answer', text: 'Ada' });
    expect(read.outcome).toEqual({ status: 'answered', answer: 'Ada' });
  });

  it('reads version 1 files as version 2 with a grid factor of 1', () => {
    const v1 = JSON.parse(serializeTrajectory(trajectory));
    v1.version = 1;
    delete v1.vision.pixelBounds.factor;
    const read = parseTrajectory(JSON.stringify(v1));
    expect(read.version).toBe(2);
    expect(read.vision.pixelBounds.factor).toBe(1);
  });

  it('names the field that is wrong, with its path', () => {
    const bad = JSON.parse(serializeTrajectory(trajectory));
    delete bad.turns[0].reply;
    expect(messageOf(() => parseTrajectory(JSON.stringify(bad)))).toBe('This file is not a trajectory exported by this app: "turns[0].reply" is missing.');
    bad.turns[0].reply = 3;
    expect(messageOf(() => parseTrajectory(JSON.stringify(bad)))).toBe(
      'This file is not a trajectory exported by this app: "turns[0].reply" should be text but is a number.',
    );
  });

  it('checks actions, boxes and refusal reasons as the agent writes them, and keeps only the fields it knows', () => {
    const crop = trajectoryOf('Where?', [turnOf(0, '<think>t</think><bbox>[1, 2, 30, 40]</bbox>')]);
    const written = JSON.parse(serializeTrajectory(crop));
    expect(parseTrajectory(JSON.stringify(written)).turns[0]?.action).toEqual({ kind: 'bbox', bbox: [1, 2, 30, 40] });
    const fiveNumbers = structuredClone(written);
    fiveNumbers.turns[0].action.bbox = [1, 2, 30, 40, 5];
    expect(messageOf(() => parseTrajectory(JSON.stringify(fiveNumbers)))).toContain('"turns[0].action.bbox" should hold four numbers (a box)');
    const threeNumbers = structuredClone(written);
    threeNumbers.turns[0].action.bbox = [1, 2, 30];
    expect(messageOf(() => parseTrajectory(JSON.stringify(threeNumbers)))).toContain('"turns[0].action.bbox" should hold four numbers (a box)');
    const unknownReason = structuredClone(written);
    unknownReason.turns[0].invalid = { reason: 'too-late', problem: 'x' };
    expect(messageOf(() => parseTrajectory(JSON.stringify(unknownReason)))).toContain('"turns[0].invalid.reason"');
    const offImage = structuredClone(written);
    offImage.turns[0].invalid = { reason: 'off-image', problem: 'The box lies outside the image.' };
    expect(parseTrajectory(JSON.stringify(offImage)).turns[0]?.invalid?.reason).toBe('off-image');
    const extra = structuredClone(written);
    extra.turns[0].note = 'not a field';
    expect(parseTrajectory(JSON.stringify(extra)).turns[0]).not.toHaveProperty('note');
  });

  it('refuses an observation of an image the file does not hold', () => {
    const bad = JSON.parse(serializeTrajectory(trajectory));
    bad.turns[0].observation = { kind: 'image', imageId: 'img-9' };
    expect(messageOf(() => parseTrajectory(JSON.stringify(bad)))).toContain('"turns[0].observation" shows image img-9, which is not in "images"');
  });

  it('says plainly when the file is not JSON or not an object', () => {
    expect(messageOf(() => parseTrajectory('{'))).toBe('This file is not valid JSON, so it cannot be a trajectory.');
    expect(messageOf(() => parseTrajectory('[1,2]'))).toBe('This file is not a trajectory exported by this app: it is not a JSON object.');
  });
});

describe('SFT example schema', () => {
  it('checks that turns alternate, starting with the user', () => {
    const ok = { messages: [{ role: 'user', content: '<image>q' }, { role: 'assistant', content: 'a' }], images: ['p.png'] };
    expect(parseSftExample(ok).images).toEqual(['p.png']);
    const swapped = { messages: [{ role: 'assistant', content: 'a' }] };
    expect(messageOf(() => parseSftExample(swapped))).toBe('This is not a VRAG SFT example: "messages[0].role" should be user (turns alternate, starting with the user).');
    expect(messageOf(() => parseSftExample({ messages: [] }))).toBe('This is not a VRAG SFT example: "messages" is empty.');
  });
});
