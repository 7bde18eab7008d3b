/** The test models' generated tokenizers hold every word they are given, whatever its name (issue 26). */
import { describe, expect, it } from 'vitest';
import { byteLevelBpe, gemmaBpe, wordPiece } from '../../scripts/test-models/tokenizers.ts';

const WORDS = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'page'];

function vocabOf(tokenizer: { json: { model: unknown } }): Record<string, number> {
  return (tokenizer.json.model as { vocab: Record<string, number> }).vocab;
}

describe('generated tokenizers', () => {
  it.each([
    // Byte-level BPE merges whole pre-tokenised pieces (`__proto__` is three: "__", "proto", "__").
    ['byte-level BPE', () => byteLevelBpe(['<|endoftext|>'], WORDS), ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__', 'proto', 'page']],
    ['WordPiece', () => wordPiece(WORDS), WORDS],
    ['Gemma BPE', () => gemmaBpe(WORDS), WORDS.map((w) => `\u2581${w.toLowerCase()}`)],
  ])('%s: words named like Object.prototype members are pieces of their own, with distinct ids', (_, make, pieces) => {
    const vocab = vocabOf(make());
    for (const piece of pieces) expect([piece, Object.hasOwn(vocab, piece) && typeof vocab[piece]]).toEqual([piece, 'number']);
    const ids = Object.values(vocab);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
