/**
 * A batch of questions and its results, kept in the library's key-value store (`saveValue` /
 * `loadValue`, no schema change) so a batch resumes after a reload: the questions, the documents
 * picked, and one row per finished question with its trajectory (replayable, and the report's
 * source). Rows are saved as each question finishes.
 */
import type { BatchQuestion, BatchRow } from './batch.ts';

export const BATCH_KEY = 'batch:current';

export interface StoredBatchRow extends BatchRow {
  /** The trajectory as JSON (serializeTrajectory); absent when the question failed before an episode ran. */
  trajectory?: string;
  /** Why it failed, for an 'error' row. */
  message?: string;
}

export interface StoredBatch {
  id: string;
  createdAt: number;
  questions: BatchQuestion[];
  /** The documents searched; empty ids: every document. */
  scope: { docIds: string[]; names: string[] };
  /** Results by question index; null where the question has not finished. */
  rows: (StoredBatchRow | null)[];
  /** 'running' when the page went away mid-batch: it resumes with the first unfinished question. */
  state: 'running' | 'stopped' | 'done';
}

interface KeyValues {
  loadValue<T = unknown>(key: string): Promise<T | undefined>;
  saveValue(key: string, value: unknown): Promise<void>;
  deleteValue(key: string): Promise<void>;
}

export async function loadBatch(store: KeyValues): Promise<StoredBatch | null> {
  const batch = await store.loadValue<StoredBatch>(BATCH_KEY);
  return batch && Array.isArray(batch.questions) && Array.isArray(batch.rows) ? batch : null;
}

export function saveBatch(store: KeyValues, batch: StoredBatch): Promise<void> {
  return store.saveValue(BATCH_KEY, batch);
}

export function clearBatch(store: KeyValues): Promise<void> {
  return store.deleteValue(BATCH_KEY);
}

/** The index of the first question without a result, or -1 when all are done. */
export function nextQuestion(batch: Pick<StoredBatch, 'rows' | 'questions'>): number {
  return batch.questions.findIndex((_, i) => !batch.rows[i]);
}
