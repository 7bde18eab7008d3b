/** How the UI names and shows a page: "<document name> page <n>", its thumbnail and full image. */
import type { Library } from '../library/library.ts';
import { parsePageId } from '../store/index.ts';

export interface PageLabel {
  name: string;
  pageNumber: number;
}

export interface PageSource {
  label(pageId: string): PageLabel;
  thumbnail(pageId: string): Promise<Blob>;
  image(pageId: string): Promise<Blob>;
}

export const pageTitle = ({ name, pageNumber }: PageLabel) => `${name} page ${pageNumber}`;

/** Pages of the library; document names are refreshed whenever the document list changes. */
export class LibraryPages implements PageSource {
  private names = new Map<string, string>();

  constructor(private readonly library: Library) {}

  async refresh(): Promise<void> {
    this.names = new Map((await this.library.listDocuments()).map((d) => [d.id, d.name]));
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
}
