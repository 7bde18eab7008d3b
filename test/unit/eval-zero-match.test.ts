import { describe, expect, it } from 'vitest';
import { measureZeroMatch, occurs, vocabulary, ZERO_MATCH_CANDIDATES, zeroMatchQueries } from '../../src/eval/zero-match.ts';

describe('zero-match queries', () => {
  it('is a fixed list of about 30 word pairs', () => {
    expect(ZERO_MATCH_CANDIDATES.length).toBe(30);
    expect(new Set(ZERO_MATCH_CANDIDATES).size).toBe(30);
    for (const query of ZERO_MATCH_CANDIDATES) expect(query).toMatch(/^[a-z]+ [a-z]+$/);
  });

  it('finds a word whole or as the start of a longer word, case-insensitively, never inside one', () => {
    const words = vocabulary(['Quarterly REPORT: quartets, Penguins', 'pre-volcanic']);
    expect(occurs(words, 'quartet')).toBe(true); // "quartets"
    expect(occurs(words, 'penguin')).toBe(true); // "Penguins"
    expect(occurs(words, 'report')).toBe(true);
    expect(occurs(words, 'volcan')).toBe(true); // "volcanic", a word of its own after the hyphen
    expect(occurs(words, 'olcanic')).toBe(false); // inside a word is not a match
    expect(occurs(words, 'zebra')).toBe(false);
    expect(occurs([], 'zebra')).toBe(false);
  });

  it('keeps only the candidates none of whose words is in the library', () => {
    const words = vocabulary(['A xylophone and a walrus.', 'Mermaids']);
    const kept = zeroMatchQueries(words);
    expect(kept).not.toContain('xylophone quartet');
    expect(kept).not.toContain('walrus trombone');
    expect(kept).not.toContain('mermaid toboggan');
    expect(kept).toContain('penguin volcano');
    expect(kept).toHaveLength(27);
  });

  it('counts the pages the search returns over the queries and names the worst one', async () => {
    const searched: string[] = [];
    const report = await measureZeroMatch(['penguin notes'], async (query) => {
      searched.push(query);
      return query === 'zebra teapot' ? ['a.pdf#1', 'a.pdf#2', 'b.pdf#3', 'b.pdf#4'] : query === 'koala banjo' ? ['a.pdf#9'] : [];
    });
    expect(searched).not.toContain('penguin volcano');
    expect(report).toMatchObject({ queries: 29, excluded: 1, pagesReturned: 5, worst: { query: 'zebra teapot', pages: 4, topPages: ['a.pdf#1', 'a.pdf#2', 'b.pdf#3'] } });
    expect(report.perQuery).toHaveLength(29);
  });

  it('reports no worst query when nothing comes back', async () => {
    const report = await measureZeroMatch([], async () => []);
    expect(report).toMatchObject({ queries: 30, excluded: 0, pagesReturned: 0, worst: null });
  });
});
