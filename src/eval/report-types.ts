/** The parts of the evaluation report about data construction: experts, expansion, the training and corpus exports. Types, and the words the report uses. */
import type { ExpertFigures, StyleFigures } from './experts.ts';

/** The run's documents as VRAG-RL's search engine and reward expect them, zipped (`img/…` and `rag_dataset.json`). */
export interface CorpusExport {
  zipBase64: string;
  pages: number;
  questions: number;
}

/** How the episodes were produced, when it is not the plain one-model VRAG run. */
export interface Construction {
  goldGuided: boolean;
  /** Present when goldGuided: the figures are not comparable. */
  note?: string;
  experts: ExpertReport[];
}

/** One expert's share of the episodes: its replies, how many were invalid actions, and how the episodes it took part in went. */
export type ExpertReport = ExpertFigures;

/** The figures per expert and per prompt style, over the episodes `episodes` names. */
export interface ExpertsReport {
  episodes: string;
  byExpert: ExpertFigures[];
  byStyle: StyleFigures[];
}

/** Data expansion (`samples` > 1): every question's samples scored, and which one was kept for SFT. */
export interface ExpansionReport extends ExpertsReport {
  samples: number;
  /** The SFT bar (--export-sft); null when nothing was exported. */
  minComposite: number | null;
  /** Questions whose best sample was kept. */
  kept: number;
  /** Per question: every sample's composite reward (the first is the greedy episode) and the index kept, or null. */
  questions: { id: string; composites: number[]; kept: number | null }[];
}

export interface TrainingExport {
  /** The VRAG-RL SFT bundle (data.json + images), base64-encoded zip; absent when no episode qualified. */
  sftZipBase64?: string;
  episodes: number;
  /** The questions in the VRAG-RL RAG dataset format. */
  ragDataset: { examples: unknown[] };
}

/** What the per-expert figures of the first samples say they cover. */
export const FIRST_SAMPLE_EPISODES = 'the first (greedy) episode of each question: the one every accuracy figure comes from';
