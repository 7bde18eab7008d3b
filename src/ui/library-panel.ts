/**
 * The library: add documents (pick, or drop anywhere on the page) with a progress bar per file,
 * the document list with thumbnails, page counts, sizes and OCR badges, deletion, interrupted
 * files, and how much storage is used.
 */
import { deckName, type AddProgress, type AddResult, type Library } from '../library/library.ts';
import { requestPersistence, storageEstimate, type DocumentRecord } from '../store/index.ts';
import { describeError } from '../errors.ts';
import { blobImage, h, onEscape, uid } from './dom.ts';
import { formatBytes, formatDuration, plural } from './format.ts';

const ACCEPT = '.pdf,image/png,image/jpeg,image/webp,.txt,.md,.markdown,text/plain,text/markdown';
const isImage = (f: File) => /^image\//.test(f.type) || /\.(png|jpe?g|webp)$/i.test(f.name);
const PHASES: Record<AddProgress['phase'], string> = { reading: 'Reading', rendering: 'Rendering', ocr: 'Reading text (OCR)', done: 'Done' };

/** One file's line while it is added; `ocrFrom` is when its OCR started, for the estimate. */
interface ProgressRow {
  bar: HTMLProgressElement;
  text: HTMLElement;
  ocrFrom?: { page: number; at: number };
}

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
  /** The question asked when several images arrive together: one deck, or one document each. */
  private readonly deckChoice = h('div', { class: 'deck-choice', hidden: true });
  private adding: AbortController | null = null;
  /** Documents whose Delete can still be undone: hidden now, removed when the undo time is over. */
  private readonly pendingDeletes = new Map<string, ReturnType<typeof setTimeout>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly library: Library,
    /** Called with the documents listed whenever the list is drawn. */
    private readonly onDocumentsChanged: (docs: DocumentRecord[]) => Promise<void> | void = () => {},
    /** Opens a page in the viewer (a click on a document opens its first page). */
    private readonly onOpen: (pageId: string) => void = () => {},
    private readonly undoMs = UNDO_MS,
    /** "Ask about this document" (no such button without it). */
    private readonly onAsk: ((doc: DocumentRecord) => void) | null = null,
  ) {
    this.input.addEventListener('change', () => {
      const files = [...(this.input.files ?? [])];
      this.input.value = '';
      this.addFromUser(files);
    });
    // "Add documents" opens the file picker with Enter as well as Space, like any button.
    this.input.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' || e.repeat) return;
      e.preventDefault();
      this.input.click();
    });
    this.cancelButton.addEventListener('click', () => this.adding?.abort());
    this.element = h(
      'div',
      { class: 'library' },
      h('div', { class: 'file-button' }, this.input, h('label', { for: this.input.id }, 'Add documents')),
      h('p', { class: 'hint' }, `PDFs or page images (PNG, JPEG, WebP). Drop files anywhere here. They stay on this device. In the list, ↑ and ↓ move between documents and → reaches ${onAsk ? 'Ask, ' : ''}Rename and Delete (F2 renames).`),
      this.deckChoice,
      this.progressList,
      this.cancelButton,
      this.status,
      this.interruptedBox,
      this.list,
      this.storage,
    );
    library.store.onChange((change) => {
      if (change.remote && change.type === 'document') this.background(this.refresh());
    });
  }

  /**
   * Makes `zone` (the whole page) take dropped files, never letting the browser open them in the
   * tab; `highlight` is the area that shows a drop is welcome. Returns what undoes it.
   */
  dropZone(zone: HTMLElement | Document, highlight: HTMLElement): () => void {
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') === true;
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      highlight.classList.add('dragging');
    };
    const leave = (e: DragEvent) => {
      if (!e.relatedTarget || !(e.relatedTarget instanceof Node) || !highlight.ownerDocument.contains(e.relatedTarget)) highlight.classList.remove('dragging');
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      highlight.classList.remove('dragging');
      this.addFromUser([...(e.dataTransfer?.files ?? [])]);
    };
    const events: [string, (e: DragEvent) => void][] = [['dragover', over], ['dragleave', leave], ['drop', drop]];
    for (const [name, handler] of events) zone.addEventListener(name, handler as EventListener);
    return () => {
      for (const [name, handler] of events) zone.removeEventListener(name, handler as EventListener);
    };
  }

  /**
   * Adds files one batch after another; resolves when this batch is done. Several images at once
   * are first offered as one deck (`asDeck` answers that in advance).
   */
  async add(files: File[], asDeck?: boolean): Promise<void> {
    if (files.length === 0) return;
    const images = files.filter(isImage);
    const deck = images.length >= 2 && (asDeck ?? (await this.askDeck(images.length)));
    const run = this.queue.then(() => this.addNow(files, deck ? images : []));
    this.queue = run.catch(() => {});
    return run;
  }

  /** Files picked or dropped: what cannot be reported per file (a library closed meanwhile) still is. */
  private addFromUser(files: File[]): void {
    this.add(files).catch((error: unknown) => this.say(describeError(error), 'error'));
  }

  private askDeck(count: number): Promise<boolean> {
    return new Promise((answer) => {
      const one = h('button', { type: 'button' }, 'One document');
      const each = h('button', { type: 'button', class: 'secondary' }, 'Separate documents');
      const choose = (deck: boolean) => {
        this.deckChoice.hidden = true;
        this.deckChoice.replaceChildren();
        answer(deck);
      };
      one.addEventListener('click', () => choose(true));
      each.addEventListener('click', () => choose(false));
      this.deckChoice.replaceChildren(
        h('p', { id: uid('deck') }, `${count} page images: keep them together as one document (a deck, pages in file-name order), or add each on its own?`),
        h('div', { class: 'actions' }, one, each),
      );
      this.deckChoice.setAttribute('role', 'group');
      this.deckChoice.setAttribute('aria-labelledby', this.deckChoice.firstElementChild!.id);
      this.deckChoice.hidden = false;
      one.focus();
    });
  }

  private async addNow(files: File[], deck: File[]): Promise<void> {
    void requestPersistence().catch(() => false);
    const singles = files.filter((f) => !deck.includes(f));
    const rowNames = [...singles.map((f) => f.name), ...(deck.length ? [deckName(deck.map((f) => f.name))] : [])];
    const bars = new Map(
      rowNames.map((name) => {
        const bar = h('progress', { 'aria-label': `${name} progress`, max: 1, value: 0 });
        const text = h('span', { class: 'progress-text' }, 'Waiting');
        this.progressList.append(h('li', {}, h('span', { class: 'file-name' }, name), bar, text));
        return [name, { bar, text } as ProgressRow] as const;
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
      const done = async (result: AddResult) => {
        results.push(result);
        bars.get(result.name)?.bar.setAttribute('value', '1');
        if (result.status === 'added' || result.status === 'resumed') await this.refresh();
      };
      for (const file of singles) {
        const [result] = await this.library.addFiles([{ name: file.name, data: file }], (p) => this.showProgress(bars.get(p.file), p), signal);
        await done(result!);
      }
      if (deck.length) await done(await this.library.addDeck(deck.map((f) => ({ name: f.name, data: f })), (p) => this.showProgress(bars.get(p.file), p), signal));
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

  private showProgress(row: ProgressRow | undefined, p: AddProgress): void {
    if (!row) return;
    // OCR is the slow part: once a page has been read, the pages left get a time estimate.
    let left = '';
    if (p.phase === 'ocr' && p.pageCount > 1) {
      row.ocrFrom ??= { page: p.page, at: performance.now() };
      const pagesDone = p.page - row.ocrFrom.page;
      if (pagesDone > 0) left = ` · about ${formatDuration((((performance.now() - row.ocrFrom.at) / pagesDone) * (p.pageCount - p.page + 1)) / 1000)} left`;
    }
    // A page being read is half done; a single page being OCR'd shows motion rather than a bar stuck at 50 %.
    if (p.phase === 'ocr' && p.pageCount === 1) row.bar.removeAttribute('value');
    else row.bar.value = p.phase === 'done' ? 1 : p.pageCount ? Math.min(1, (p.page - 0.5) / p.pageCount) : 0;
    row.text.textContent = p.pageCount ? `${PHASES[p.phase]} page ${p.page} of ${p.pageCount}${left}` : PHASES[p.phase];
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
    // The list is drawn anew; someone moving through it with the keyboard keeps their place.
    const focused = this.list.contains(document.activeElement) ? document.activeElement!.getAttribute('aria-label') : null;
    this.list.replaceChildren(...ready.map((d) => this.item(d)));
    if (focused) this.list.querySelector<HTMLElement>(`[aria-label="${CSS.escape(focused)}"]`)?.focus();
    if (ready.length === 0) this.list.append(h('li', { class: 'muted empty' }, 'No documents yet.'));
    this.interruptedBox.replaceChildren();
    for (const { document, pagesDone } of this.adding ? [] : await this.library.interrupted()) {
      const discard = h('button', { type: 'button', class: 'secondary small' }, `Discard ${document.name}`);
      discard.addEventListener('click', () => this.background(this.remove(document)));
      this.interruptedBox.append(h('p', { class: 'info' }, `“${document.name}” stopped after ${pagesDone} of ${document.pageCount} pages. Add the file again to resume. `, discard));
    }
    await this.showStorage();
    await this.onDocumentsChanged(ready);
  }

  private item(doc: DocumentRecord): HTMLElement {
    const title = `${doc.name} page 1`;
    const thumb = h('span', { class: 'thumb-img' });
    this.library.store.thumbnail(`${doc.id}:1`).then((blob) => thumb.replaceChildren(blobImage(blob, title)), () => {});
    // One Tab stop per row: Ask and Delete are reached with the arrow keys (Delete also with the Delete key), rows with up and down.
    const remove = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Delete ${doc.name}`, tabindex: -1 }, 'Delete');
    remove.addEventListener('click', () => this.background(this.deleteWithUndo(doc)));
    const open = h(
      'button',
      { type: 'button', class: 'doc-open', 'aria-label': `Open ${doc.name}` },
      thumb,
      h(
        'span',
        { class: 'doc-text' },
        h('span', { class: 'doc-name', title: doc.name }, doc.name),
        h('span', { class: 'doc-meta' }, plural(doc.pageCount, 'page'), ' · ', formatBytes(doc.byteSize), doc.ocrPages > 0 ? h('span', { class: 'badge', title: `${plural(doc.ocrPages, 'page')} read with OCR` }, 'OCR') : null),
      ),
    );
    open.addEventListener('click', () => this.onOpen(`${doc.id}:1`));
    const onAsk = this.onAsk;
    const ask = onAsk ? h('button', { type: 'button', class: 'secondary small', 'aria-label': `Ask about ${doc.name}`, title: 'Ask about this document', tabindex: -1 }, 'Ask') : null;
    ask?.addEventListener('click', () => onAsk!(doc));
    const rename = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Rename ${doc.name}`, tabindex: -1 }, 'Rename');
    const row = h('li', { class: 'document' });
    rename.addEventListener('click', () => this.startRename(doc, row, open));
    const buttons = [open, ...(ask ? [ask] : []), rename, remove];
    const move = (from: HTMLButtonElement, step: 1 | -1) => buttons[buttons.indexOf(from) + step]?.focus();
    open.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight') move(open, 1);
      else if (e.key === 'Delete') this.background(this.deleteWithUndo(doc));
      else if (e.key === 'F2') this.startRename(doc, row, open);
      else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') this.moveRow(open, e.key === 'ArrowDown' ? 1 : -1);
      else return;
      e.preventDefault();
    });
    for (const button of buttons.slice(1)) {
      button.addEventListener('keydown', (e) => {
        if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
        e.preventDefault();
        move(button, e.key === 'ArrowRight' ? 1 : -1);
      });
    }
    row.append(...buttons);
    return row;
  }

  /** Swaps the row for a name box: Enter keeps the new name, Escape the old one. */
  private startRename(doc: DocumentRecord, row: HTMLElement, open: HTMLElement): void {
    const input = h('input', { type: 'text', value: doc.name, 'aria-label': `New name for ${doc.name}`, maxlength: 200, autocomplete: 'off' });
    const save = h('button', { type: 'submit', class: 'small' }, 'Save');
    const cancel = h('button', { type: 'button', class: 'secondary small' }, 'Cancel');
    const form = h('form', { class: 'rename' }, input, save, cancel);
    const previous = [...row.childNodes];
    const restore = () => {
      row.replaceChildren(...previous);
      open.focus();
    };
    cancel.addEventListener('click', restore);
    onEscape(input, restore);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const name = input.value;
      this.library.store.renameDocument(doc.id, name).then(
        async () => {
          await this.refresh();
          this.list.querySelector<HTMLElement>(`[aria-label="${CSS.escape(`Open ${name.replace(/\s+/g, ' ').trim()}`)}"]`)?.focus();
        },
        (error: unknown) => {
          this.say(describeError(error), 'error');
          input.focus();
        },
      );
    });
    row.replaceChildren(form);
    input.focus();
    input.select();
  }

  private moveRow(from: HTMLElement, step: 1 | -1): void {
    const rows = [...this.list.querySelectorAll<HTMLElement>('.doc-open')];
    rows[rows.indexOf(from) + step]?.focus();
  }

  /** Hides the document at once and removes it after UNDO_MS, unless Undo is pressed first. */
  private async deleteWithUndo(doc: DocumentRecord): Promise<void> {
    const undo = h('button', { type: 'button', class: 'secondary small' }, 'Undo');
    const timer = setTimeout(() => {
      this.pendingDeletes.delete(doc.id);
      undo.remove();
      this.background(this.remove(doc));
    }, this.undoMs);
    this.pendingDeletes.set(doc.id, timer);
    undo.addEventListener('click', () => {
      clearTimeout(timer);
      this.pendingDeletes.delete(doc.id);
      this.status.replaceChildren(h('p', { class: 'info' }, `Kept “${doc.name}”.`));
      this.background(this.refresh());
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

  /** Work started by an event (a click, another tab, a timer): a failure is said here, not lost. */
  private background(work: Promise<void>): void {
    work.catch((error: unknown) => this.say(error instanceof Error ? error.message : String(error), 'error'));
  }

  private async showStorage(): Promise<void> {
    const { usage, quota } = await storageEstimate();
    this.storage.textContent = quota ? `${formatBytes(usage)} used of ${formatBytes(quota)}` : 'Storage use unknown in this browser.';
  }
}
