/**
 * A policy that knows the answers, for checking the evaluation harness itself (its scores must be
 * perfect). It searches with the evidence page's own words, one gold page after another, then
 * answers with the reference. Never offered to users.
 */
import type { Policy, PolicyRequest, VisionSpec } from '../agent/types.ts';
import { QWEN2_5_VL, visionSpec } from '../models/families/index.ts';

export interface OracleKnowledge {
  question: string;
  reference: string;
  /** Text of each gold page, in order (empty for unanswerable questions). */
  goldTexts: string[];
}

/** The page's most distinctive words as a query: its longer words, without repeats. */
export function queryFromPage(text: string, words = 40): string {
  const seen = new Set<string>();
  const picked: string[] = [];
  for (const word of text.split(/\s+/)) {
    const w = word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    if (w.length < 4 || seen.has(w.toLowerCase())) continue;
    seen.add(w.toLowerCase());
    picked.push(w);
    if (picked.length === words) break;
  }
  return picked.join(' ');
}

export class OraclePolicy implements Policy {
  readonly name = 'oracle';
  readonly vision: VisionSpec = visionSpec(QWEN2_5_VL);
  private turn = 0;

  constructor(private readonly knowledge: OracleKnowledge) {}

  async reply(request: PolicyRequest): Promise<string> {
    const { goldTexts, question, reference } = this.knowledge;
    const i = this.turn++;
    let reply: string;
    if (goldTexts.length === 0 && i === 0) reply = `<think>Let me look for it.</think>\n<search>${question}</search>`;
    else if (i < goldTexts.length) {
      reply = `<think>The evidence should be on a page saying this.</think>\n<search>${queryFromPage(goldTexts[i]!) || question}</search>`;
    } else reply = `<think>I have seen the evidence.</think>\n<answer>${reference}</answer>`;
    request.onToken(reply);
    return reply;
  }
}
