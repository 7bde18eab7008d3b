/**
 * The embedder families: one entry each, with what differs between them (which transformers.js
 * classes run them, how their text side is tokenised, the prefixes they were trained with).
 */
import type { EmbedderFamily } from './types.ts';

const TEXT_SESSIONS = ['model'];
const TWO_TOWERS = ['text_model', 'vision_model'];

/**
 * BERT / XLM-R text encoders, mean-pooled and normalised: the family of multilingual-e5, trained
 * for retrieval with "query: " before a question and "passage: " before a page, so every model of
 * the family gets them, from the registry or from a folder.
 */
export const E5: EmbedderFamily = {
  kind: 'embedder',
  name: 'BERT / XLM-R',
  // config.json writes XLM-R as "xlm-roberta"; some exports use the Python class's spelling.
  modelTypes: ['bert', 'xlm-roberta', 'xlm_roberta'],
  modality: 'text',
  sessions: TEXT_SESSIONS,
  towers: 'feature-extraction',
  textPadding: { padding: true, truncation: true },
  prefixes: { query: 'query: ', document: 'passage: ' },
};

/** SigLIP / SigLIP2: the text tower was trained on 64-token inputs padded to that length, and only works so. */
export const SIGLIP: EmbedderFamily = {
  kind: 'embedder',
  name: 'SigLIP',
  modelTypes: ['siglip'],
  modality: 'image',
  sessions: TWO_TOWERS,
  towers: 'siglip',
  textPadding: { padding: 'max_length', truncation: true, max_length: 64 },
};

export const JINA_CLIP: EmbedderFamily = {
  kind: 'embedder',
  name: 'jina-clip',
  modelTypes: ['jina_clip'],
  modality: 'image',
  sessions: TWO_TOWERS,
  towers: 'jina_clip',
  textPadding: { padding: true, truncation: true },
};

export const CLIP: EmbedderFamily = {
  kind: 'embedder',
  name: 'CLIP',
  modelTypes: ['clip'],
  modality: 'image',
  sessions: TWO_TOWERS,
  towers: 'clip',
  textPadding: { padding: true, truncation: true },
};
