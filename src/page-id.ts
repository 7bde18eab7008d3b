/**
 * Page ids, below every layer: `${docId}:${pageNumber}` (pages count from 1). The store makes
 * them, search scopes and ranks by them, reports label them; this is the one place they are
 * built and taken apart.
 */
import { AppError } from './errors.ts';

export type PageId = `${string}:${number}`;

export function pageIdOf(docId: string, pageNumber: number): PageId {
  return `${docId}:${pageNumber}`;
}

/** Splits `${docId}:${pageNumber}`; throws a readable error for anything else. */
export function parsePageId(pageId: string): { docId: string; pageNumber: number } {
  const colon = pageId.lastIndexOf(':');
  const pageNumber = Number(pageId.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(pageNumber) || pageNumber < 1) {
    throw new AppError('invalid-input', `"${pageId}" is not a page id (expected "<document id>:<page number>").`);
  }
  return { docId: pageId.slice(0, colon), pageNumber };
}

/** The document of a page id the app made (no check: for search's hot loops). */
export function docIdOf(pageId: string): string {
  return pageId.slice(0, pageId.lastIndexOf(':'));
}

/** The page number of a page id the app made (no check: for search's hot loops). */
export function pageNumberOf(pageId: string): number {
  return Number(pageId.slice(pageId.lastIndexOf(':') + 1));
}
