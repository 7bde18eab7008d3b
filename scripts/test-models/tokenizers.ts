/** tokenizer.json files in the Hugging Face `tokenizers` format: a byte-level BPE (Qwen/GPT-2 style) and a WordPiece (BERT). */

/** GPT-2's reversible byte -> printable character table used by byte-level BPE. */
function bytesToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = printable.includes(b) ? String.fromCharCode(b) : String.fromCharCode(256 + extra++);
  }
  return table;
}

function addedToken(id: number, content: string, special = true) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special };
}

const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };

/** GPT-2's pre-tokeniser pattern (ByteLevel with use_regex): merges only ever apply inside one piece. */
const PIECES = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * A byte-level BPE over the 256 byte symbols (ids 0..255), with merges for the pieces of a few
 * protocol words (so generated tokens are the ones tokenising the same text gives back), then
 * added tokens that stay whole (as Qwen's `<think>`/`</think>`), then the special tokens.
 */
export function byteLevelBpe(specialTokens: string[], words: string[], addedTokens: string[] = []) {
  const byteChars = bytesToUnicode();
  // Maps while building (a piece such as `constructor` or `__proto__` is a key like any other), an object in the file.
  const vocab = new Map<string, number>();
  byteChars.forEach((c, i) => vocab.set(c, i));
  const merges: string[] = [];
  const encodeWord = (w: string) => [...new TextEncoder().encode(w)].map((b) => byteChars[b]!);
  for (const word of words.flatMap((w) => w.match(PIECES) ?? [])) {
    // Left-to-right merges build each piece from its bytes: "a b" -> "ab", "ab c" -> "abc", ...
    const symbols = encodeWord(word);
    if (symbols.length < 2) continue;
    let acc = symbols[0]!;
    for (const s of symbols.slice(1)) {
      const merged = acc + s;
      if (!vocab.has(merged)) {
        merges.push(`${acc} ${s}`);
        vocab.set(merged, vocab.size);
      }
      acc = merged;
    }
  }
  const firstAdded = vocab.size;
  const firstSpecial = firstAdded + addedTokens.length;
  const added = [
    ...addedTokens.map((t, i) => addedToken(firstAdded + i, t, false)),
    ...specialTokens.map((t, i) => addedToken(firstSpecial + i, t)),
  ];
  return {
    json: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: added,
      normalizer: { type: 'NFC' },
      pre_tokenizer: BYTE_LEVEL,
      post_processor: BYTE_LEVEL,
      decoder: BYTE_LEVEL,
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: '',
        end_of_word_suffix: '',
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: false,
        vocab: Object.fromEntries(vocab),
        merges,
      },
    },
    vocabSize: firstSpecial + specialTokens.length,
    id: (token: string) =>
      specialTokens.includes(token) ? firstSpecial + specialTokens.indexOf(token) : firstAdded + addedTokens.indexOf(token),
  };
}

/** A lower-casing WordPiece with BERT's normaliser and pre-tokeniser (CJK characters split one by one). */
export function wordPiece(words: string[]) {
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const pieces = new Set<string>();
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  for (const c of chars) pieces.add(c).add(`##${c}`);
  for (const c of '.,;:!?%$()[]{}<>/\\-_+=*&#@\'"') pieces.add(c);
  for (const w of words) pieces.add(w);
  const vocab = new Map([...specials, ...pieces].map((t, i) => [t, i]));
  const special = (t: string) => ({ id: t, ids: [vocab.get(t)!], tokens: [t] });
  return {
    json: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: specials.map((t) => addedToken(vocab.get(t)!, t)),
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
        pair: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
          { Sequence: { id: 'B', type_id: 1 } },
          { SpecialToken: { id: '[SEP]', type_id: 1 } },
        ],
        special_tokens: { '[CLS]': special('[CLS]'), '[SEP]': special('[SEP]') },
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab) },
    },
    vocabSize: vocab.size,
  };
}

const META = '\u2581';

/**
 * An XLM-R style SentencePiece Unigram tokenizer (multilingual-e5's kind): NFKC, `▁` word
 * boundaries, `<s> … </s>` around every text. Its real 250k-piece file was not found, so the
 * pieces are a few hundred: letters, digits, CJK characters and the given words.
 */
export function xlmrUnigram(words: string[]) {
  const specials = ['<s>', '<pad>', '</s>', '<unk>'];
  const pieces = new Map<string, number>();
  const add = (piece: string, score: number) => pieces.has(piece) || pieces.set(piece, score);
  for (const w of words) add(META + w.toLowerCase(), -5);
  for (const w of words) add(w.toLowerCase(), -7);
  for (const c of 'abcdefghijklmnopqrstuvwxyz0123456789.,;:!?%$()[]-/') {
    add(c, -10);
    add(META + c, -9);
  }
  for (const c of '云网络计算中国数据服务') add(c, -8);
  add(META, -6);
  const vocab: [string, number][] = [...specials.map((s) => [s, 0] as [string, number]), ...pieces, ['<mask>', 0]];
  const id = (t: string) => vocab.findIndex(([p]) => p === t);
  const special = (t: string) => ({ id: t, ids: [id(t)], tokens: [t] });
  return {
    json: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [...specials, '<mask>'].map((t) => addedToken(id(t), t)),
      normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Lowercase' }, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }] },
      pre_tokenizer: { type: 'Metaspace', replacement: META, add_prefix_space: true, prepend_scheme: 'always', split: true },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
        pair: [
          { SpecialToken: { id: '<s>', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '</s>', type_id: 0 } },
          { SpecialToken: { id: '</s>', type_id: 0 } },
          { Sequence: { id: 'B', type_id: 0 } },
          { SpecialToken: { id: '</s>', type_id: 0 } },
        ],
        special_tokens: { '<s>': special('<s>'), '</s>': special('</s>') },
      },
      decoder: { type: 'Metaspace', replacement: META, add_prefix_space: true, prepend_scheme: 'always', split: true },
      model: { type: 'Unigram', unk_id: id('<unk>'), vocab, byte_fallback: false },
    },
    vocabSize: vocab.length,
  };
}

/**
 * A Gemma-style SentencePiece BPE (SigLIP2's kind): spaces become `▁`, unknown characters fall back
 * to byte tokens, `<eos>` ends every text. Its real 256k-piece file was not found.
 */
export function gemmaBpe(words: string[]) {
  const specials = ['<pad>', '<eos>', '<bos>', '<unk>', '<mask>', '<start_of_turn>', '<end_of_turn>'];
  const vocab = new Map<string, number>();
  for (const s of specials) vocab.set(s, vocab.size);
  for (let b = 0; b < 256; b++) vocab.set(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, vocab.size);
  const merges: string[] = [];
  const chars = new Set<string>([META, ...'abcdefghijklmnopqrstuvwxyz0123456789']);
  for (const w of words) for (const c of w.toLowerCase()) chars.add(c);
  for (const c of chars) vocab.set(c, vocab.size);
  for (const w of words) {
    const symbols = [...(META + w.toLowerCase())];
    let acc = symbols[0]!;
    for (const s of symbols.slice(1)) {
      const merged = acc + s;
      if (!vocab.has(merged)) {
        merges.push(`${acc} ${s}`);
        vocab.set(merged, vocab.size);
      }
      acc = merged;
    }
  }
  const special = (t: string) => ({ id: t, ids: [vocab.get(t)!], tokens: [t] });
  return {
    json: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: specials.map((t) => addedToken(vocab.get(t)!, t)),
      normalizer: { type: 'Sequence', normalizers: [{ type: 'Lowercase' }, { type: 'Replace', pattern: { String: ' ' }, content: META }] },
      pre_tokenizer: null,
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<eos>', type_id: 0 } }],
        pair: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<eos>', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '<eos>', type_id: 1 } }],
        special_tokens: { '<eos>': special('<eos>') },
      },
      decoder: {
        type: 'Sequence',
        decoders: [{ type: 'Replace', pattern: { String: META }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }],
      },
      model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: true, ignore_merges: false, vocab: Object.fromEntries(vocab), merges },
    },
    vocabSize: vocab.size,
  };
}
