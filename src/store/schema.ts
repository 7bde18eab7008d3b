/** The IndexedDB schema and its migrations: step N turns a version N-1 database into version N. */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { PageId } from '../page-id.ts';
import type { DocumentRecord, DocumentStatus, EmbeddingKind, EmbeddingRecord, PageBlobs, PageRecord, PageText, RunRecord } from './types.ts';

export interface LibrarySchema extends DBSchema {
  documents: { key: string; value: DocumentRecord; indexes: { 'by-status': DocumentStatus } };
  pages: { key: PageId; value: PageRecord; indexes: { 'by-doc': string } };
  pageBlobs: { key: PageId; value: PageBlobs; indexes: { 'by-doc': string } };
  pageTexts: { key: PageId; value: PageText; indexes: { 'by-doc': string } };
  embeddings: {
    key: [PageId, string, EmbeddingKind];
    value: EmbeddingRecord;
    indexes: { 'by-doc': string; 'by-model': [string, EmbeddingKind] };
  };
  /** Small persisted values (e.g. a document's BM25 index), out-of-line string keys. */
  kv: { key: string; value: unknown };
  /** Questions asked and how they ended (the history), newest found by time. */
  runs: { key: string; value: RunRecord; indexes: { 'by-time': number } };
}

export type LibraryDb = IDBPDatabase<LibrarySchema>;
export type StoreName = StoreNames<LibrarySchema>;
export type UpgradeTransaction = IDBPTransaction<LibrarySchema, StoreName[], 'versionchange'>;

type Migration = (db: LibraryDb, tx: UpgradeTransaction) => void;

const MIGRATIONS: readonly Migration[] = [
  // 1: documents and what each page is made of.
  (db) => {
    db.createObjectStore('documents', { keyPath: 'id' });
    db.createObjectStore('pages', { keyPath: 'id' }).createIndex('by-doc', 'docId');
    db.createObjectStore('pageBlobs', { keyPath: 'pageId' }).createIndex('by-doc', 'docId');
    db.createObjectStore('pageTexts', { keyPath: 'pageId' }).createIndex('by-doc', 'docId');
  },
  // 2: embeddings, persisted indexes, and finding documents by status.
  (db, tx) => {
    tx.objectStore('documents').createIndex('by-status', 'status');
    const embeddings = db.createObjectStore('embeddings', { keyPath: ['pageId', 'modelId', 'kind'] });
    embeddings.createIndex('by-doc', 'docId');
    embeddings.createIndex('by-model', ['modelId', 'kind']);
    db.createObjectStore('kv');
  },
  // 3: the history of questions and their runs.
  (db) => {
    db.createObjectStore('runs', { keyPath: 'id' }).createIndex('by-time', 'startedAt');
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Runs every migration after oldVersion up to newVersion, in order, inside the upgrade transaction. */
export function upgrade(db: LibraryDb, oldVersion: number, newVersion: number, tx: UpgradeTransaction): void {
  for (let version = oldVersion + 1; version <= newVersion; version++) {
    const step = MIGRATIONS[version - 1];
    if (!step) throw new Error(`No migration to schema version ${version}.`);
    step(db, tx);
  }
}
