/**
 * The vocabulary financial reports share whoever wrote them. The same statement goes by several
 * titles (a US filing's "Consolidated Statements of Operations" is the "income statement" or
 * "P&L" a question asks for; IFRS says "statement of financial position" for a balance sheet),
 * and questions use acronyms the filings spell out ("capex", "PP&E", "COGS").
 *
 * A statement title becomes one canonical term (`statement:income`), indexed from a page's
 * headings and read from queries, so a question naming a statement finds the pages titled with
 * it whatever its wording. An acronym widens the query with the words filings use for it.
 */
const STATEMENTS: [term: string, title: RegExp][] = [
  ['statement:income', /\b(?:income statements?|statements? of (?:consolidated )?(?:income|operations|earnings)(?! and comprehensive)|profit (?:and|or|&) loss|p\s*&\s*l\b|statements? of profit)/giu],
  ['statement:balance', /\b(?:balance sheets?|statements? of (?:consolidated )?financial (?:position|condition))/giu],
  ['statement:cash-flows', /\b(?:cash flows? statements?|statements? of (?:consolidated )?cash flows?)/giu],
  ['statement:equity', /\b(?:statements? of (?:changes in )?(?:stockholders|shareholders)['’]? equity|(?:stockholders|shareholders)['’]? equity statements?)/giu],
  ['statement:comprehensive-income', /\bstatements? of (?:consolidated )?(?:\w+ and )?comprehensive (?:income|loss)/giu],
];

/** The canonical terms of the statement titles the text names, with the words that named them. */
export function statementTerms(text: string): { term: string; words: string }[] {
  const out: { term: string; words: string }[] = [];
  for (const [term, title] of STATEMENTS) {
    const match = text.match(title);
    if (match) out.push({ term, words: match[0] });
  }
  return out;
}

const EXPANSIONS: [pattern: RegExp, words: string][] = [
  [/\bcapex\b|\bcapital expenditures?\b/iu, 'capital expenditures purchases of property and equipment additions to property'],
  [/\bpp\s*&\s*e\b|\bppe\b/iu, 'property plant and equipment'],
  [/\bcogs\b/iu, 'cost of goods sold cost of sales cost of revenue'],
  [/\brevenues?\b/iu, 'net sales'],
  [/\beps\b/iu, 'earnings per share'],
  [/\bebitda?\b/iu, 'operating income depreciation amortization'],
  [/\bd\s*&\s*a\b/iu, 'depreciation and amortization'],
  [/\br\s*&\s*d\b/iu, 'research and development'],
  [/\bsg\s*&\s*a\b/iu, 'selling general and administrative'],
  [/\bnet income\b/iu, 'net earnings'],
  [/\bworking capital\b/iu, 'current assets current liabilities'],
  [/\b(?:operating cash flows?|cash flows? from operations)\b/iu, 'net cash provided by operating activities'],
  [/\bfree cash flow\b/iu, 'net cash provided by operating activities capital expenditures'],
];

/** Words filings use for the acronyms and terms of art the query uses. */
export function expansionsOf(query: string): string[] {
  return EXPANSIONS.filter(([pattern]) => pattern.test(query)).map(([, words]) => words);
}
