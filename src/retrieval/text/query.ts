/**
 * A search query's terms, each with the word the user typed. Sentences that tell the answerer
 * what to do rather than what to find ("Give a response to the question by relying on the details
 * shown in the cash flow statement.", "Round your answer to two decimal places.") keep only their
 * content words ("cash flow statement"): their instruction words would otherwise weigh like the
 * question's own.
 */
import { analyze } from './analyze.ts';
import { expansionsOf, statementTerms } from './financial-terms.ts';

/** What an acronym's spelt-out form weighs next to the query's own words. */
const EXPANSION_WEIGHT = 0.5;

export interface QueryWord {
  /** The indexed form (stemmed, numbers normalised). */
  term: string;
  /** The word as the query wrote it. */
  word: string;
  /** 1 for the query's own words; less for words added for them (an acronym's spelt-out form). */
  weight: number;
  /** Added by the app rather than written by the user: a query is not judged unmatched for lacking it. */
  optional: boolean;
}

export interface Query {
  /** Distinct terms, in order of first use. */
  words: QueryWord[];
  /** Adjacent pairs within a sentence, as the index keys them ("cash flow"). */
  phrases: string[];
}

const TOKEN = /[\p{L}\p{N}][\p{L}\p{N}.,'’‐‑-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;

/** First words of a sentence that gives an instruction. */
const IMPERATIVES = new Set(
  `give answer round calculate compute base please use using utilize respond provide express assume assuming consider
  report extract rely refer show state list keep write return format note focus`.split(/\s+/),
);
const INSTRUCTION_CUES = /\b(?:your answer|your response|the question|decimal places?|in units of|answer in|respond with|in (?:a|one) (?:short )?(?:sentence|word|phrase))\b/i;

/** Words that, inside an instruction, only say how to answer. */
const INSTRUCTION_WORDS = new Set(
  `give giving response respond responding question questions answer answers answering rely relying relied detail details
  shown show showing provided provide providing primarily mainly mostly based base basing judgment judgments judgement
  judgements information utilize utilizing use using calculate calculating calculation extract extracting round rounding
  rounded decimal place places unit units percent percents please assume assuming consider considering focus located
  locate found find sentence sentences word words phrase short brief form format one two three four five six answerable
  reported report stated state also only primarily within outlined`.split(/\s+/),
);

export function parseQuery(query: string): Query {
  const words = new Map<string, QueryWord>();
  const phrases = new Set<string>();
  for (const sentence of query.normalize('NFKC').split(/(?<=[.?!;])\s+|\n+/)) {
    const instruction = isInstruction(sentence);
    // Runs of kept words: a dropped instruction word breaks a phrase.
    const runs: string[][] = [[]];
    for (const [token] of sentence.matchAll(TOKEN)) {
      if (instruction && INSTRUCTION_WORDS.has(token.toLowerCase())) runs.push([]);
      else runs.at(-1)!.push(token);
    }
    for (const run of runs) {
      const surface = new Map<string, string>();
      for (const token of run) for (const term of analyze(token, { query: true })) if (!surface.has(term)) surface.set(term, token);
      const terms = analyze(run.join(' '), { query: true });
      terms.forEach((term, i) => {
        if (!words.has(term)) words.set(term, { term, word: surface.get(term) ?? term, weight: 1, optional: false });
        if (i > 0 && terms[i - 1] !== term) phrases.add(`${terms[i - 1]} ${term}`);
      });
    }
  }
  for (const { term, words: named } of statementTerms(query)) words.set(term, { term, word: named, weight: 1, optional: true });
  for (const expansion of expansionsOf(query)) {
    for (const term of analyze(expansion, { query: true })) if (!words.has(term)) words.set(term, { term, word: term, weight: EXPANSION_WEIGHT, optional: true });
  }
  return { words: [...words.values()], phrases: [...phrases] };
}

function isInstruction(sentence: string): boolean {
  const first = /[\p{L}]+/u.exec(sentence)?.[0]?.toLowerCase() ?? '';
  return IMPERATIVES.has(first) || INSTRUCTION_CUES.test(sentence);
}
