import { describe, expect, it } from 'vitest';
import { boxesArg, expertArg, styleArg, UsageError } from '../../scripts/headless/args.ts';

const url = (path: string) => `file://${path}`;

describe('eval expert flags', () => {
  it('--reasoner and --grounder take oracle, an endpoint with its model name, or a registry id', () => {
    expect(expertArg({ grounder: ['oracle'] }, 'grounder', url)).toEqual({ kind: 'oracle' });
    expect(expertArg({ grounder: ['http://127.0.0.1:8000/v1'], 'grounder-model': ['qwen2.5-vl-72b'], 'grounder-key': ['k'] }, 'grounder', url)).toEqual({
      kind: 'endpoint',
      endpoint: 'http://127.0.0.1:8000/v1',
      model: 'qwen2.5-vl-72b',
      apiKey: 'k',
    });
    expect(expertArg({ reasoner: ['qwen3-vl-2b'] }, 'reasoner', url)).toEqual({ kind: 'registry', id: 'qwen3-vl-2b' });
    expect(expertArg({}, 'grounder', url)).toBeNull();
    expect(() => expertArg({ grounder: ['https://x/v1'] }, 'grounder', url)).toThrow(/--grounder-model <name>/);
    expect(() => expertArg({ 'reasoner-model': ['m'] }, 'reasoner', url)).toThrow(UsageError);
  });

  it('styles and box conventions are checked with a sentence on each choice', () => {
    expect(styleArg({ 'prompt-style': ['tools'] }, 'prompt-style')).toBe('tools');
    expect(styleArg({}, 'prompt-style')).toBeUndefined();
    expect(() => styleArg({ 'prompt-style': ['json'] }, 'prompt-style')).toThrow(/--prompt-style is vrag .* or tools .*got "json"/);
    expect(boxesArg({ 'grounder-boxes': ['relative-1000'] }, 'grounder-boxes')).toBe('relative-1000');
    expect(() => boxesArg({ 'grounder-boxes': ['0..1000'] }, 'grounder-boxes')).toThrow(UsageError);
  });
});
