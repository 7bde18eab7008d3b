/** Schema migrations and several connections at once (two connections in one page behave like two tabs). */
import { deleteDB, openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { DocumentStore } from '../../src/store/document-store.ts';
import { SCHEMA_VERSION, upgrade, type LibrarySchema } from '../../src/store/schema.ts';
import type { DocumentRecord, StoreChange } from '../../src/store/types.ts';
import { fileMeta, pageInput, rejectionOf, uniqueDbName } from './store-fixtures.ts';

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

function newName(label: string): string {
  const name = uniqueDbName(label);
  cleanup.push(() => deleteDB(name));
  return name;
}

function open(name: string, options?: ConstructorParameters<typeof DocumentStore>[1]): DocumentStore {
  const library = new DocumentStore(name, options);
  cleanup.push(() => library.close());
  return library;
}

/** Opens the database at an older schema version, as an earlier build of the app would have. */
function openAtVersion(name: string, version: number) {
  return openDB<LibrarySchema>(name, version, { upgrade: (db, oldV, newV, tx) => upgrade(db, oldV, newV ?? version, tx) });
}

describe('schema migrations', () => {
  it('upgrades a version 1 database in place, keeping its documents and pages', async () => {
    expect(SCHEMA_VERSION).toBe(3);
    const name = newName('migrate');
    const meta = await fileMeta('old.pdf', 2);
    const v1 = await openAtVersion(name, 1);
    expect([...v1.objectStoreNames].sort()).toEqual(['documents', 'pageBlobs', 'pageTexts', 'pages']);
    const old: DocumentRecord = { ...meta, addedAt: 1, status: 'ingesting', pagesDone: 1, ocrPages: 0 };
    await v1.put('documents', old);
    await v1.put('pages', { id: `${meta.id}:1`, docId: meta.id, pageNumber: 1, width: 10, height: 10, ocr: false });
    v1.close();

    const library = open(name);
    // interruptedDocuments reads the by-status index that version 2 added to the existing store.
    expect(await library.interruptedDocuments()).toEqual([{ document: old, pagesDone: 1, resumeFrom: 2 }]);
    await library.putPage(meta.id, pageInput(2));
    await library.finishDocument(meta.id);
    expect((await library.embeddings('dense', 'text')).map((e) => e.pageId)).toEqual([`${meta.id}:2`]);
    await library.saveValue('bm25', '{}');
    // Version 3 added the history of questions.
    await library.saveRun({ id: 'r1', question: 'Q?', startedAt: 1, status: 'answered', answer: 'A', trajectory: '{}' });
    await library.saveRun({ id: 'r2', question: 'Q2?', startedAt: 2, status: 'no-answer', trajectory: '{}' });
    expect((await library.listRuns()).map((r) => r.id)).toEqual(['r2', 'r1']);

    const raw = await openDB<LibrarySchema>(name);
    expect(raw.version).toBe(SCHEMA_VERSION);
    expect([...raw.objectStoreNames].sort()).toEqual(['documents', 'embeddings', 'kv', 'pageBlobs', 'pageTexts', 'pages', 'runs']);
    expect([...raw.transaction('embeddings').store.indexNames].sort()).toEqual(['by-doc', 'by-model']);
    raw.close();
  });
});

describe('several tabs', () => {
  it('steps aside for another tab upgrading the database, then says to reload', async () => {
    const name = newName('upgrade');
    const library = open(name);
    await library.beginDocument(await fileMeta('a.pdf', 1));

    const blocked = vi.fn();
    const newer = await openDB(name, SCHEMA_VERSION + 1, { blocked });
    expect(blocked).not.toHaveBeenCalled();
    newer.close();

    const error = await rejectionOf(library.listDocuments());
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('storage-failed');
    expect((error as AppError).message).toMatch(/newer version of this app in another tab\. Reload this page/);
  });

  it('lets another tab delete the database, then reopens it lazily', async () => {
    const name = newName('reopen');
    const library = open(name);
    await library.beginDocument(await fileMeta('a.pdf', 1));
    const blocked = vi.fn();
    await deleteDB(name, { blocked });
    expect(blocked).not.toHaveBeenCalled();

    expect(await library.listDocuments()).toEqual([]);
    const meta = await fileMeta('b.pdf', 1);
    await library.beginDocument(meta);
    expect((await library.listDocuments()).map((d) => d.id)).toEqual([meta.id]);
  });

  it('waits while an old tab blocks the upgrade, reports it, and proceeds once that tab closes', async () => {
    const name = newName('blocked');
    const oldTab = await openAtVersion(name, 1); // an old build that never closes on versionchange
    let reportBlocked!: () => void;
    const wasBlocked = new Promise<void>((resolve) => (reportBlocked = resolve));
    const library = open(name, { onBlocked: () => reportBlocked() });

    const listing = library.listDocuments();
    await wasBlocked;
    oldTab.close();
    expect(await listing).toEqual([]);
  });

  it('broadcasts every change to the other tab', async () => {
    const name = newName('broadcast');
    const tabA = open(name);
    const tabB = open(name);
    const seenByA: StoreChange[] = [];
    const seenByB: StoreChange[] = [];
    tabA.onChange((c) => seenByA.push(c));
    const unsubscribe = tabB.onChange((c) => seenByB.push(c));

    const meta = await fileMeta('shared.pdf', 1);
    await tabA.beginDocument(meta);
    await tabA.putPage(meta.id, pageInput(1));
    await tabA.finishDocument(meta.id);
    await tabA.saveValue('bm25', '{}');
    await tabA.deleteDocument(meta.id);

    const expected = [
      { type: 'document', docId: meta.id, status: 'ingesting' },
      { type: 'page', docId: meta.id, pageNumber: 1 },
      { type: 'document', docId: meta.id, status: 'ready' },
      { type: 'value', key: 'bm25' },
      { type: 'document', docId: meta.id, status: 'deleted' },
    ];
    await vi.waitFor(() => expect(seenByB).toHaveLength(expected.length));
    expect(seenByB).toEqual(expected.map((c) => ({ ...c, remote: true })));
    expect(seenByA).toEqual(expected.map((c) => ({ ...c, remote: false })));

    unsubscribe();
    await tabA.saveValue('bm25', '[]');
    await vi.waitFor(() => expect(seenByA).toHaveLength(expected.length + 1));
    expect(seenByB).toHaveLength(expected.length);
  });

  it('two tabs writing pages of one document at once count every page exactly once', async () => {
    const name = newName('concurrent');
    const tabA = open(name);
    const tabB = open(name);
    const meta = await fileMeta('big.pdf', 10);
    await tabA.beginDocument(meta);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? tabA : tabB).putPage(meta.id, pageInput(i + 1, { ocr: i < 3 }))),
    );
    expect(await tabB.finishDocument(meta.id)).toMatchObject({ pagesDone: 10, ocrPages: 3, status: 'ready' });
    expect(await tabA.getPages(meta.id)).toHaveLength(10);
  });
});
