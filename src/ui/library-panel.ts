/**
 * The library: add documents (pick or drop anywhere on the panel) with a progress bar per file,
 * the document list with thumbnails, page counts, sizes and OCR badges, deletion, interrupted
 * files, and how much storage is used.
 */
import type { AddProgress, AddResult, Library } from '../library/library.ts';
import { requestPersistence, storageEstimate, type DocumentRecord } from '../store/index.ts';
import { blobImage, h, uid } from './dom.ts';
import { formatBytes, formatDuration, plural } from './format.ts';

const ACCEPT = '.pdf,image/png,image/jpeg,image/webp';
const PHASES: Record<AddProgress['phase'], string> = { reading: 'Reading', rendering: 'Rendering', ocr: 'Reading text (OCR)', done: 'Done' };

/** How long a Delete can be undone. */
export const UNDO_MS = 8000;

export class LibraryPanel {
  readonly element: HTMLElement;
  private readonly input = h('input', { type: 'file', multiple: true, accept: ACCEPT, id: uid('add-docs'), class: 'visually-hidden' });
  private readonly progressList = h('ul', { class: 'progress-list', 'aria-label': 'Adding' });
  private readonly cancelButton = h('button', { type: 'button', class: 'secondary small', hidden: true }, 'Cancel adding');
  private readonly status = h('div', { role: 'status', class: 'library-status' });
  private readonly list = h('ul', { 'aria-label': 'Documents', class: 'documents' });
  private readonly storage = h('p', { class: 'storage hint' });
  private readonly interruptedBox = h('div', { class: 'interrupted' });
  private adding: AbortController | null = null;
  /** Documents whose Delete can still be undone: hidden now, removed when the undo time is over. */
  private readonly pendingDeletes = new Map<string, ReturnType<typeof setTimeout>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly library: Library,
    private readonly onDocumentsChanged: () => Promise<void> | void = () => {},
    /** Opens a page in the viewer (a click on a document opens its first page). */
    private readonly onOpen: (pageId: string) => void = () => {},
    private readonly undoMs = UNDO_MS,
  ) {
    this.input.addEventListener('change', () => {
      const files = [...(this.input.files ?? [])];
      this.input.value = '';
      void this.add(files);
    });
    this.cancelButton.addEventListener('click', () => this.adding?.abort());
    this.element = h(
      'div',
      { class: 'library' },
      h('div', { class: 'file-button' }, this.input, h('label', { for: this.input.id }, 'Add documents')),
      h('p', { class: 'hint' }, 'PDFs or page images (PNG, JPEG, WebP). Drop files anywhere here. They stay on this device.'),
      this.progressList,
      this.cancelButton,
      this.status,
      this.interruptedBox,
      this.list,
      this.storage,
    );
    library.store.onChange((change) => {
      if (change.remote && change.type === 'document') void this.refresh();
    });
  }

  /** Makes `zone` accept dropped files. */
  dropZone(zone: HTMLElement): void {
    zone.addEventListener('dragover', (e) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      zone.classList.add('dragging');
    });
    zone.addEventListener('dragleave', (e) => {
      if (!zone.contains(e.relatedTarget as Node | null)) zone.classList.remove('dragging');
    });
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('dragging');
      void this.add([...(e.dataTransfer?.files ?? [])]);
    });
  }

  /** Adds files one batch after another; resolves when this batch is done. */
  add(files: File[]): Promise<void> {
    if (files.length === 0) return Promise.resolve();
    const run = this.queue.then(() => this.addNow(files));
    this.queue = run.catch(() => {});
    return run;
  }

  private async addNow(files: File[]): Promise<void> {
    void requestPersistence().catch(() => false);
    const bars = new Map(
      files.map((f) => {
        const bar = h('progress', { 'aria-label': `${f.name} progress`, max: 1, value: 0 });
        const text = h('span', { class: 'progress-text' }, 'Waiting');
        this.progressList.append(h('li', {}, h('span', { class: 'file-name' }, f.name), bar, text));
        return [f.name, { bar, text }] as const;
      }),
    );
    this.adding = new AbortController();
    this.cancelButton.hidden = false;
    this.status.replaceChildren();
    const started = performance.now();
    const signal = this.adding.signal;
    try {
      const results: AddResult[] = [];
      // One file at a time, so each document is listed (and searchable) as soon as it is done.
      for (const file of files) {
        const [result] = await this.library.addFiles([{ name: file.name, data: file }], (p) => this.showProgress(bars.get(p.file), p), signal);
        results.push(result!);
        bars.get(file.name)?.bar.setAttribute('value', '1');
        if (result!.status === 'added' || result!.status === 'resumed') await this.refresh();
      }
      this.summarise(results, performance.now() - started);
      for (const r of results) {
        if (r.status === 'failed') this.say(r.message ?? `“${r.name}” could not be added.`, 'error');
        else if (r.status === 'duplicate') this.say(`“${r.name}” is already in the library.`);
        else if (r.status === 'cancelled') this.say(`Adding “${r.name}” was cancelled.`);
        else if (r.status === 'resumed') this.say(`“${r.name}” was resumed where it stopped.`);
      }
    } finally {
      this.adding = null;
      this.cancelButton.hidden = true;
      this.progressList.replaceChildren();
      await this.refresh();
    }
  }

  private say(text: string, kind: 'error' | 'info' = 'info'): void {
    this.status.append(h('p', { class: kind }, text));
  }

  private showProgress(row: { bar: HTMLProgressElement; text: HTMLElement } | undefined, p: AddProgress): void {
    if (!row) return;
    // A page being read is half done; a single page being OCR'd shows motion rather than a bar stuck at 50 %.
    if (p.phase === 'ocr' && p.pageCount === 1) row.bar.removeAttribute('value');
    else row.bar.value = p.phase === 'done' ? 1 : p.pageCount ? Math.min(1, (p.page - 0.5) / p.pageCount) : 0;
    row.text.textContent = p.pageCount ? `${PHASES[p.phase]} page ${p.page} of ${p.pageCount}` : PHASES[p.phase];
  }

  /** One line for the whole batch: what was added, how many pages, how many read by OCR, how long it took. */
  private summarise(results: AddResult[], ms: number): void {
    const added = results.filter((r) => r.status === 'added' || r.status === 'resumed');
    if (results.length < 2 && added.length === 1) {
      this.say(`Added “${added[0]!.name}” (${plural(added[0]!.pages ?? 0, 'page')}) in ${formatDuration(ms / 1000)}.`);
      return;
    }
    const pages = added.reduce((n, r) => n + (r.pages ?? 0), 0);
    const failed = results.filter((r) => r.status === 'failed').length;
    if (added.length) this.say(`Added ${plural(added.length, 'document')} (${plural(pages, 'page')}) in ${formatDuration(ms / 1000)}${failed ? `; ${failed} could not be added (below)` : ''}.`);
  }

  async refresh(): Promise<void> {
    const docs = (await this.library.listDocuments()).sort((a, b) => b.addedAt - a.addedAt);
    const ready = docs.filter((d) => d.status === 'ready' && !this.pendingDeletes.has(d.id));
    this.list.replaceChildren(...ready.map((d) => this.item(d)));
    if (ready.length === 0) this.list.append(h('li', { class: 'muted empty' }, 'No documents yet.'));
    this.interruptedBox.replaceChildren();
    for (const { document, pagesDone } of this.adding ? [] : await this.library.interrupted()) {
      const discard = h('button', { type: 'button', class: 'secondary small' }, `Discard ${document.name}`);
      discard.addEventListener('click', () => void this.remove(document));
      this.interruptedBox.append(h('p', { class: 'info' }, `“${document.name}” stopped after ${pagesDone} of ${document.pageCount} pages. Add the file again to resume. `, discard));
    }
    await this.showStorage();
    await this.onDocumentsChanged();
  }

  private item(doc: DocumentRecord): HTMLElement {
    const title = `${doc.name} page 1`;
    const thumb = h('span', { class: 'thumb-img' });
    this.library.store.thumbnail(`${doc.id}:1`).then((blob) => thumb.replaceChildren(blobImage(blob, title)), () => {});
    const remove = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Delete ${doc.name}` }, 'Delete');
    remove.addEventListener('click', () => void this.deleteWithUndo(doc));
    const open = h(
      'button',
      { type: 'button', class: 'doc-open', 'aria-label': `Open ${doc.name}` },
      thumb,
      h(
        'span',
        { class: 'doc-text' },
        h('span', { class: 'doc-name', title: doc.name }, doc.name),
        h('span', { class: 'doc-meta' }, `${doc.pageCount} page${doc.pageCount === 1 ? '' : 's'}`, ' · ', formatBytes(doc.byteSize), doc.ocrPages > 0 ? h('span', { class: 'badge', title: `${doc.ocrPages} pages read with OCR` }, 'OCR') : null),
      ),
    );
    open.addEventListener('click', () => this.onOpen(`${doc.id}:1`));
    return h('li', { class: 'document' }, open, remove);
  }

  /** Hides the document at once and removes it after UNDO_MS, unless Undo is pressed first. */
  private async deleteWithUndo(doc: DocumentRecord): Promise<void> {
    const undo = h('button', { type: 'button', class: 'secondary small' }, 'Undo');
    const timer = setTimeout(() => {
      this.pendingDeletes.delete(doc.id);
      undo.remove();
      void this.remove(doc);
    }, this.undoMs);
    this.pendingDeletes.set(doc.id, timer);
    undo.addEventListener('click', () => {
      clearTimeout(timer);
      this.pendingDeletes.delete(doc.id);
      this.status.replaceChildren(h('p', { class: 'info' }, `Kept “${doc.name}”.`));
      void this.refresh();
    });
    this.status.replaceChildren(h('p', { class: 'info', role: 'status' }, `Deleted “${doc.name}”. `, undo));
    await this.refresh();
    undo.focus();
  }

  private async remove(doc: DocumentRecord): Promise<void> {
    await this.library.deleteDocument(doc.id);
    this.status.replaceChildren(h('p', { class: 'info' }, `Deleted “${doc.name}”.`));
    await this.refresh();
  }

  private async showStorage(): Promise<void> {
    const { usage, quota } = await storageEstimate();
    this.storage.textContent = quota ? `${formatBytes(usage)} used of ${formatBytes(quota)}` : 'Storage use unknown in this browser.';
  }
}
