/**
 * The plain baseline every retrieval report is measured against: per page text, lower-cased
 * `[a-z0-9]+` tokens, Okapi BM25 with k1 = 1.5 and b = 0.75, nothing else. (The issue's figures
 * used `pdftotext -layout`; here the pages' text is the app's own, from pdf.js or OCR.)
 */
import type { ScoredPage } from '../retrieval/types.ts';

const K1 = 1.5;
const B = 0.75;
const tokens = (text: string) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];

export function baselineBm25(pages: readonly { pageId: string; text: string }[]): (query: string, k: number) => ScoredPage[] {
  const counts = pages.map((p) => {
    const terms = tokens(p.text);
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    return { tf, length: terms.length };
  });
  const df = new Map<string, number>();
  for (const { tf } of counts) for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const average = counts.reduce((sum, c) => sum + c.length, 0) / Math.max(1, counts.length) || 1;
  return (query, k) => {
    const terms = tokens(query);
    return counts
      .map(({ tf, length }, i) => {
        let score = 0;
        for (const t of terms) {
          const n = df.get(t);
          const f = tf.get(t);
          if (!n || !f) continue;
          score += Math.log(1 + (pages.length - n + 0.5) / (n + 0.5)) * ((f * (K1 + 1)) / (f + K1 * (1 - B + (B * length) / average)));
        }
        return { pageId: pages[i]!.pageId, score };
      })
      .filter((p) => p.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
  };
}
