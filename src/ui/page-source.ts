/** How the UI names and shows a page: "<document name> page <n>", its thumbnail and full image. */
import type { Library } from '../library/library.ts';
import type { Rect } from '../perception/geometry.ts';
import { parsePageId } from '../store/index.ts';

export interface PageLabel {
  name: string;
  pageNumber: number;
}

export interface PageSource {
  label(pageId: string): PageLabel;
  thumbnail(pageId: string): Promise<Blob>;
  image(pageId: string): Promise<Blob>;
  /** Pages in the page's document (for previous / next); absent where pages are not browsable. */
  pageCount?(pageId: string): number | null;
  /** The page's text, whether OCR read it, and where each line lies (page-image pixels). */
  text?(pageId: string): Promise<PageTextView | null>;
}

export interface PageTextView {
  text: string;
  ocr: boolean;
  lines: TextLineView[];
}

/** A line of page text and where it lies (page-image pixels); `words` when the reader boxed each word. */
export interface TextLineView {
  text: string;
  box: Rect;
  words?: { text: string; box: Rect }[];
}

export const pageTitle = ({ name, pageNumber }: PageLabel) => `${name} page ${pageNumber}`;

/** Pages of the library; document names are refreshed whenever the document list changes. */
export class LibraryPages implements PageSource {
  private names = new Map<string, string>();
  private counts = new Map<string, number>();

  constructor(private readonly library: Library) {}

  async refresh(): Promise<void> {
    const documents = await this.library.listDocuments();
    this.names = new Map(documents.map((d) => [d.id, d.name]));
    this.counts = new Map(documents.map((d) => [d.id, d.pageCount]));
  }

  label(pageId: string): PageLabel {
    try {
      const { docId, pageNumber } = parsePageId(pageId);
      return { name: this.names.get(docId) ?? `Document ${docId.slice(0, 8)}`, pageNumber };
    } catch {
      return { name: pageId, pageNumber: 1 };
    }
  }

  thumbnail(pageId: string): Promise<Blob> {
    return this.library.store.thumbnail(pageId);
  }

  image(pageId: string): Promise<Blob> {
    return this.library.store.pageImage(pageId);
  }

  pageCount(pageId: string): number | null {
    try {
      return this.counts.get(parsePageId(pageId).docId) ?? null;
    } catch {
      return null;
    }
  }

  async text(pageId: string): Promise<PageTextView | null> {
    const [text, page] = await Promise.all([this.library.store.getPageText(pageId), this.library.store.getPage(pageId)]);
    if (!text) return null;
    const rect = ([x1, y1, x2, y2]: readonly number[]): Rect => ({ x: x1!, y: y1!, width: x2! - x1!, height: y2! - y1! });
    const lines = (text.lines ?? []).map((line) => ({
      text: line.text,
      box: rect(line.box),
      ...(line.words?.length ? { words: line.words.map((w) => ({ text: w.text, box: rect(w.box) })) } : {}),
    }));
    return { text: text.text, ocr: page?.ocr ?? false, lines };
  }
}
