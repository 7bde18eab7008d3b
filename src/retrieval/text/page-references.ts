/**
 * Pages a question names itself ("the chart on page 14", "page two", "on the cover", "the last
 * page"): they are where its answer is, whatever words they hold.
 */
const NUMBER_WORDS = new Map(
  `one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty`
    .split(' ')
    .map((word, i) => [word, i + 1] as const)
    .concat(`first second third fourth fifth sixth seventh eighth ninth tenth`.split(' ').map((word, i) => [word, i + 1] as const)),
);
const NUMBER = `(\\d{1,4}|${[...NUMBER_WORDS.keys()].join('|')})`;
const PAGE_THEN_NUMBER = new RegExp(`\\b(?:pages?|pp?\\.|slides?)\\s*${NUMBER}((?:\\s*(?:,|and|&|-|to)\\s*${NUMBER})*)`, 'gi');
const NUMBER_THEN_PAGE = new RegExp(`\\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\\d{1,4}(?:st|nd|rd|th))\\s+(?:page|slide)\\b`, 'gi');

export interface PageReferences {
  /** 1-based page numbers. */
  pages: number[];
  /** The question names the last page. */
  last: boolean;
}

const value = (word: string) => NUMBER_WORDS.get(word.toLowerCase()) ?? Number.parseInt(word, 10);

export function pageReferences(question: string): PageReferences {
  const pages = new Set<number>();
  for (const match of question.matchAll(PAGE_THEN_NUMBER)) {
    pages.add(value(match[1]!));
    const rest = match[2] ?? '';
    const range = /^\s*(?:-|to)\s*(\S+)$/i.exec(rest);
    const end = range ? value(range[1]!) : NaN;
    if (Number.isInteger(end) && end > value(match[1]!) && end - value(match[1]!) <= 20) for (let p = value(match[1]!); p <= end; p++) pages.add(p);
    else for (const [item] of rest.matchAll(new RegExp(NUMBER, 'gi'))) pages.add(value(item));
  }
  for (const match of question.matchAll(NUMBER_THEN_PAGE)) pages.add(value(match[1]!));
  if (/\b(?:front\s+)?cover\b|\btitle\s+(?:page|slide)\b/i.test(question)) pages.add(1);
  return { pages: [...pages].filter((p) => Number.isInteger(p) && p > 0).sort((a, b) => a - b), last: /\b(?:last|final)\s+(?:page|slide)\b/i.test(question) };
}
