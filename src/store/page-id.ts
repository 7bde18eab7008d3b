import { AppError } from '../errors.ts';
import type { PageId } from './types.ts';

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
