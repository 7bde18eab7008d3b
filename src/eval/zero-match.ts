/**
 * Precision where there is nothing to find: queries whose words appear nowhere in the library
 * should return no page at all (goal 0). The queries are a fixed list of ordinary word pairs,
 * kept to those none of whose words occurs in the library's text, as a whole word or as the
 * start of a longer word ("quartet" is present when a page says "quartets"). Pure.
 */

/** Ordinary English nouns in pairs no real document is likely to hold; filtered per library at run time. */
export const ZERO_MATCH_CANDIDATES: readonly string[] = [
  'xylophone quartet',
  'penguin volcano',
  'giraffe trampoline',
  'walrus trombone',
  'pancake glacier',
  'hedgehog lighthouse',
  'kangaroo violin',
  'octopus saddle',
  'flamingo harpsichord',
  'cactus submarine',
  'pelican marmalade',
  'tortoise chandelier',
  'accordion iceberg',
  'zebra teapot',
  'gorilla snowflake',
  'porcupine tuba',
  'lobster hammock',
  'raccoon bagpipe',
  'caterpillar bonfire',
  'mermaid toboggan',
  'koala banjo',
  'dolphin waffle',
  'squirrel cathedral',
  'ostrich pudding',
  'jellyfish maraca',
  'hamster igloo',
  'moose harmonica',
  'peacock avalanche',
  'armadillo lantern',
  'unicorn spaghetti',
];

/** Lower-cased words: runs of letters and digits, in any script. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The library's vocabulary, sorted, so "does any word start with w" is one binary search. */
export function vocabulary(texts: Iterable<string>): string[] {
  const words = new Set<string>();
  for (const text of texts) for (const word of wordsOf(text)) words.add(word);
  return [...words].sort();
}

/** True when some word of the sorted vocabulary equals `word` or begins with it. */
export function occurs(sortedVocabulary: readonly string[], word: string): boolean {
  let low = 0;
  let high = sortedVocabulary.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sortedVocabulary[middle]! < word) low = middle + 1;
    else high = middle;
  }
  return low < sortedVocabulary.length && sortedVocabulary[low]!.startsWith(word);
}

/** The candidates none of whose words occurs in the library (whole or as a prefix), in list order. */
export function zeroMatchQueries(sortedVocabulary: readonly string[], candidates: readonly string[] = ZERO_MATCH_CANDIDATES): string[] {
  return candidates.filter((query) => wordsOf(query).every((word) => !occurs(sortedVocabulary, word)));
}

export interface ZeroMatchReport {
  /** How many queries were run (the candidates left after filtering). */
  queries: number;
  /** How many candidates were left out because one of their words is in the library. */
  excluded: number;
  /** Pages returned over all the queries: every one is a false match (goal 0). */
  pagesReturned: number;
  /** The query that returned the most pages, with its pages; null when none returned any. */
  worst: { query: string; pages: number; topPages: string[] } | null;
  /** Every query run and how many pages it returned. */
  perQuery: { query: string; pages: number }[];
}

/**
 * Runs every query that has no match in the library through `search` (the retriever the
 * questions use) and counts the pages that come back.
 */
export async function measureZeroMatch(
  texts: Iterable<string>,
  search: (query: string) => Promise<string[]>,
  candidates: readonly string[] = ZERO_MATCH_CANDIDATES,
): Promise<ZeroMatchReport> {
  const queries = zeroMatchQueries(vocabulary(texts), candidates);
  const perQuery: ZeroMatchReport['perQuery'] = [];
  let worst: ZeroMatchReport['worst'] = null;
  for (const query of queries) {
    const pages = await search(query);
    perQuery.push({ query, pages: pages.length });
    if (pages.length > (worst?.pages ?? 0)) worst = { query, pages: pages.length, topPages: pages.slice(0, 3) };
  }
  return {
    queries: queries.length,
    excluded: candidates.length - queries.length,
    pagesReturned: perQuery.reduce((n, q) => n + q.pages, 0),
    worst,
    perQuery,
  };
}
