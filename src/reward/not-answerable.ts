import { lightNormalize, normalizeAnswer } from './normalize.ts';

/** MMLongBench-Doc marks questions the document cannot answer with the reference "Not answerable". */
export function isNotAnswerable(reference: string): boolean {
  return normalizeAnswer(reference) === 'not answerable';
}

const SAYS_NOT_ANSWERABLE = new RegExp(
  [
    String.raw`\b(?:not|un)\s?answerable\b`,
    String.raw`\b(?:cannot|can ?not|can't|could not|couldn't|unable to) (?:be )?(?:answer|answered|determine|determined|find|found|tell|know)\b`,
    String.raw`\bunknown\b`,
    String.raw`\b(?:is|are|was|were) not (?:mentioned|provided|stated|specified|given|available|shown|included|found|listed|reported)\b`,
    String.raw`\b(?:does|do|did)(?: not|n't) (?:say|mention|provide|specify|state|contain|show|include|give|list)\b`,
    String.raw`\bno (?:information|answer|data|mention|relevant)\b`,
    String.raw`\b(?:insufficient|not enough) (?:information|data|evidence)\b`,
    String.raw`\bn/a\b`,
    '无法回答|无法确定|无法得知|未提及|没有提到|没有相关|不知道|未知',
  ].join('|'),
);

/** Whether an answer says the question cannot be answered (in English or Chinese). */
export function saysNotAnswerable(answer: string): boolean {
  return SAYS_NOT_ANSWERABLE.test(lightNormalize(answer).replace(/’/g, "'"));
}
