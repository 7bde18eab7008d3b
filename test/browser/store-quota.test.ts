/** A full disk, for real: the origin's quota is shrunk through DevTools while pages are written. */
import { afterAll, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { AppError } from '../../src/errors.ts';
import { contentHash } from '../../src/store/hash.ts';
import { DocumentStore } from '../../src/store/document-store.ts';
import { storageEstimate } from '../../src/store/quota.ts';
import { fileMeta, noise, pageInput, recordCounts, uniqueDbName } from './store-fixtures.ts';

/** The Storage Buckets API (Chromium 122+; not in TypeScript's DOM types yet). */
interface StorageBuckets {
  open(name: string): Promise<{ indexedDB: IDBFactory }>;
  delete(name: string): Promise<void>;
}
const buckets = (navigator as unknown as { storageBuckets: StorageBuckets }).storageBuckets;

const PAGE_IMAGE_BYTES = 512 * 1024;
const bucketName = uniqueDbName('quota').toLowerCase();

afterAll(async () => {
  await commands.setStorageQuota(null);
  await buckets.delete(bucketName);
});

// Chromium caches an IndexedDB bucket's free space for up to 30 s after checking it, so a quota
// override is ignored for a while by a bucket that has written recently (the default bucket, which
// other tests share). The library therefore gets a fresh Storage Bucket, opened after the override.
it('a full disk fails the page with storage-full and loses nothing stored before', async () => {
  const { usage } = await storageEstimate();
  await commands.setStorageQuota(usage + 4 * PAGE_IMAGE_BYTES);
  const factory = (await buckets.open(bucketName)).indexedDB;
  const library = new DocumentStore('vrag-library', { indexedDB: factory });

  // A finished document whose page images must survive byte for byte.
  const kept = await fileMeta('kept.pdf', 2);
  const keptImages = [noise(PAGE_IMAGE_BYTES), noise(PAGE_IMAGE_BYTES)];
  await library.beginDocument(kept);
  for (const [i, image] of keptImages.entries()) await library.putPage(kept.id, pageInput(i + 1, { imageBytes: image }));
  await library.finishDocument(kept.id);

  const big = await fileMeta('big.pdf', 100);
  await library.beginDocument(big);
  let stored = 0;
  let failure: unknown;
  while (stored < 40 && !failure) {
    try {
      await library.putPage(big.id, pageInput(stored + 1, { imageBytes: noise(PAGE_IMAGE_BYTES) }));
      stored++;
    } catch (error) {
      failure = error;
    }
  }
  // The override is origin-wide: lift it at once so test files running in parallel are not hit.
  await commands.setStorageQuota(null);
  expect(failure).toBeInstanceOf(AppError);
  expect((failure as AppError).code).toBe('storage-full');
  expect((failure as AppError).message).toMatch(/storage is full.*deleting documents/s);
  expect(stored).toBeGreaterThan(0);

  // The failed page left nothing behind; the pages before it and the finished document are intact.
  expect(await recordCounts('vrag-library', factory)).toMatchObject({
    documents: 2,
    pages: 2 + stored,
    pageBlobs: 2 + stored,
    pageTexts: 2 + stored,
    embeddings: 2 * (2 + stored),
  });
  const [interrupted] = await library.interruptedDocuments();
  expect(interrupted).toMatchObject({ pagesDone: stored, resumeFrom: stored + 1 });
  for (const [i, image] of keptImages.entries()) {
    const blob = await library.pageImage(`${kept.id}:${i + 1}`);
    expect(await contentHash(await blob.arrayBuffer())).toBe(await contentHash(image));
  }
  expect((await library.listDocuments()).map((d) => [d.name, d.status])).toEqual([
    ['kept.pdf', 'ready'],
    ['big.pdf', 'ingesting'],
  ]);

  // Deleting works on a full disk (Chromium frees the blob files lazily, so room returns later).
  await library.deleteDocument(big.id);
  expect(await recordCounts('vrag-library', factory)).toMatchObject({ documents: 1, pages: 2, pageBlobs: 2, embeddings: 4 });
  library.close();
});
