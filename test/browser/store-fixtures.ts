/** Shared set-up for the document store browser tests: real IndexedDB, one database per test. */
import { deleteDB, wrap, type IDBPDatabase } from 'idb';
import { contentHash } from '../../src/store/hash.ts';
import { DocumentStore } from '../../src/store/document-store.ts';
import type { LibrarySchema } from '../../src/store/schema.ts';
import type { DocumentMeta, PageInput } from '../../src/store/types.ts';

export function uniqueDbName(label: string): string {
  return `store-test-${label}-${crypto.randomUUID()}`;
}

/** A library on its own fresh database; `dispose` closes it and deletes the database. */
export function freshLibrary(label: string): { library: DocumentStore; name: string; dispose: () => Promise<void> } {
  const name = uniqueDbName(label);
  const library = new DocumentStore(name);
  return {
    library,
    name,
    dispose: async () => {
      library.close();
      await deleteDB(name);
    },
  };
}

/** Incompressible bytes: Chromium compresses IndexedDB values, so filled arrays would not take space. */
export function noise(bytes: number): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(bytes, i + 65536)));
  return data;
}

/** Metadata for a made-up file whose id is the real content hash of its bytes. */
export async function fileMeta(name: string, pageCount: number): Promise<DocumentMeta> {
  const bytes = noise(1024);
  return { id: await contentHash(bytes), name, mimeType: 'application/pdf', byteSize: bytes.byteLength, pageCount };
}

export function pageInput(pageNumber: number, options: { imageBytes?: Uint8Array<ArrayBuffer>; ocr?: boolean } = {}): PageInput {
  const image = options.imageBytes ?? new TextEncoder().encode(`image of page ${pageNumber}`);
  return {
    page: { pageNumber, width: 800, height: 600, ocr: options.ocr ?? false },
    text: {
      text: `text of page ${pageNumber}`,
      lines: [{ text: `text of page ${pageNumber}`, box: [10, 20, 300, 40], score: 0.98, words: [{ text: 'text', box: [10, 20, 60, 40], score: 0.99 }] }],
    },
    blobs: { image: new Blob([image], { type: 'image/png' }), thumbnail: new Blob([`thumb ${pageNumber}`], { type: 'image/webp' }) },
    embeddings: [
      { modelId: 'dense', kind: 'text', dims: 4, values: new Float32Array([pageNumber, 0.5, -0.25, 1]) },
      { modelId: 'colpali', kind: 'multi', dims: 3, values: new Float32Array([pageNumber, 1, 2, 3, 4, 5]), encoding: 'int8' },
    ],
  };
}

/** How many records each store of the database holds, read through a separate raw connection. */
export async function recordCounts(name: string, factory: IDBFactory = indexedDB): Promise<Record<string, number>> {
  const db = (await wrap(factory.open(name))) as unknown as IDBPDatabase<LibrarySchema>;
  try {
    const counts: Record<string, number> = {};
    for (const store of db.objectStoreNames) counts[store] = await db.count(store);
    return counts;
  } finally {
    db.close();
  }
}

export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
