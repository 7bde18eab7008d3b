/** BM25 over pages held in memory (tests): grouped into documents by their page ids' `${docId}:` prefix. */
import { searchDocuments } from '../../src/retrieval/text/bm25.ts';
import { indexDocument, type IndexPage } from '../../src/retrieval/text/term-index.ts';

export function inMemoryTextSearcher(pages: readonly IndexPage[]) {
  const byDoc = new Map<string, IndexPage[]>();
  for (const page of pages) {
    const docId = page.pageId.includes(':') ? page.pageId.slice(0, page.pageId.lastIndexOf(':')) : page.pageId;
    byDoc.set(docId, [...(byDoc.get(docId) ?? []), page]);
  }
  const documents = [...byDoc].map(([docId, docPages]) => indexDocument(docId, docPages));
  return {
    search: (query: string, k: number, docIds?: readonly string[]) =>
      searchDocuments(docIds ? documents.filter((d) => docIds.includes(d.docId)) : documents, query, k),
  };
}
