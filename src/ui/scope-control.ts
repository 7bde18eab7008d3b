/**
 * Which documents a question searches, next to the question box: a line that says it ("Searching:
 * all documents", "Searching: 2 of 7 documents") and a popover of checkboxes to change it. A
 * document that leaves the library leaves the scope; a scope left empty falls back to all
 * documents, and says so.
 */
import { h, uid } from './dom.ts';
import { plural } from './format.ts';

export interface ScopeDoc {
  id: string;
  name: string;
}

/** The documents searched, with their names when asked; no ids means all documents. */
export interface Scope {
  docIds: string[];
  names: string[];
}

export const ALL_DOCUMENTS: Scope = { docIds: [], names: [] };

/** The line at the top of a trace: "Searched 1 document: slides.pdf". */
export function scopeLine(scope: Scope, live: boolean): string {
  const verb = live ? 'Searching' : 'Searched';
  return scope.docIds.length ? `${verb} ${plural(scope.names.length, 'document')}: ${scope.names.join(', ')}` : `${verb} all documents`;
}

export class ScopeControl {
  readonly element: HTMLElement;
  /** Describes the question box: the scope is read out with it. */
  readonly summary = h('span', { class: 'scope-summary', id: uid('scope'), 'aria-live': 'polite' });
  private readonly toggle = h('button', { type: 'button', class: 'secondary small', 'aria-expanded': 'false' }, 'Choose documents');
  private readonly all = h('input', { type: 'checkbox' });
  private readonly options = h('div', { class: 'scope-options' });
  private readonly popover: HTMLElement;
  private readonly note = h('p', { class: 'hint scope-note', role: 'status' });
  /** The library's documents in its order, by id. */
  private docs = new Map<string, string>();
  private readonly boxes = new Map<string, HTMLInputElement>();
  private readonly listeners: ((scope: Scope) => void)[] = [];
  /** The documents picked; null is all of them (an empty set also searches all, and says so). */
  private picked: Set<string> | null = null;
  private readonly outside = (e: PointerEvent) => {
    if (!this.element.contains(e.target as Node)) this.setOpen(false, false);
  };

  constructor() {
    const done = h('button', { type: 'button', class: 'small' }, 'Done');
    this.popover = h(
      'div',
      { class: 'scope-popover', id: uid('scope-popover'), hidden: true },
      h('fieldset', {}, h('legend', {}, 'Documents to search'), h('label', { class: 'check scope-all' }, this.all, 'All documents'), this.options),
      done,
    );
    this.toggle.setAttribute('aria-controls', this.popover.id);
    this.toggle.addEventListener('click', () => this.setOpen(this.popover.hidden !== false, false));
    done.addEventListener('click', () => this.setOpen(false, true));
    this.all.addEventListener('change', () => this.pick(this.all.checked ? null : new Set()));
    this.element = h('div', { class: 'scope', hidden: true }, h('div', { class: 'scope-line' }, this.summary, this.toggle, this.popover), this.note);
    this.element.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape' || this.popover.hidden) return;
      e.preventDefault();
      this.setOpen(false, true);
    });
    this.element.addEventListener('focusout', (e) => {
      if (e.relatedTarget instanceof Node && !this.element.contains(e.relatedTarget)) this.setOpen(false, false);
    });
    this.sync();
  }

  /** The scope a question asked now uses. */
  get value(): Scope {
    const ids = this.picked ? [...this.docs.keys()].filter((id) => this.picked!.has(id)) : [];
    return { docIds: ids, names: ids.map((id) => this.docs.get(id)!) };
  }

  /** Calls `listener` with the scope whenever it may have changed (the library search follows it). */
  onChange(listener: (scope: Scope) => void): void {
    this.listeners.push(listener);
  }

  /** The library's documents changed: the list follows, and a document no longer there leaves the scope. */
  setDocuments(docs: readonly ScopeDoc[]): void {
    this.docs = new Map(docs.map((d) => [d.id, d.name]));
    const focused = this.options.contains(document.activeElement) ? (document.activeElement as HTMLInputElement).value : null;
    this.boxes.clear();
    this.options.replaceChildren(
      ...docs.map((doc) => {
        const box = h('input', { type: 'checkbox', value: doc.id });
        box.addEventListener('change', () => this.toggleDoc(doc.id, box.checked));
        this.boxes.set(doc.id, box);
        return h('label', { class: 'check' }, box, h('span', { class: 'scope-name' }, doc.name));
      }),
    );
    if (focused !== null) this.boxes.get(focused)?.focus();
    if (this.picked?.size) {
      const gone = [...this.picked].filter((id) => !this.docs.has(id));
      for (const id of gone) this.picked.delete(id);
      if (gone.length && this.picked.size === 0) {
        this.picked = null;
        this.note.textContent = 'The documents picked are no longer in the library: all documents are searched.';
      }
    }
    this.sync();
  }

  /** "Ask about this document": that document alone. */
  only(doc: ScopeDoc): void {
    if (!this.docs.has(doc.id)) this.docs.set(doc.id, doc.name);
    this.setOpen(false, false);
    this.pick(new Set([doc.id]));
  }

  /** The scope of a question from the history, less the documents no longer here. */
  restore(scope: Scope): void {
    const here = scope.docIds.filter((id) => this.docs.has(id));
    this.pick(here.length ? new Set(here) : null);
    if (scope.docIds.length && !here.length) this.note.textContent = 'The documents this question searched are no longer in the library: all documents are searched.';
    else if (here.length < scope.docIds.length) this.note.textContent = `${plural(scope.docIds.length - here.length, 'document')} this question searched ${scope.docIds.length - here.length === 1 ? 'is' : 'are'} no longer in the library.`;
  }

  private toggleDoc(id: string, on: boolean): void {
    const picked = new Set(this.picked ?? this.docs.keys());
    if (on) picked.add(id);
    else picked.delete(id);
    this.pick(picked.size === this.docs.size ? null : picked);
  }

  private pick(picked: Set<string> | null): void {
    this.picked = picked;
    this.note.textContent = picked?.size === 0 ? 'No document picked: all documents are searched.' : '';
    this.sync();
  }

  private sync(): void {
    const { docIds, names } = this.value;
    const total = this.docs.size;
    this.element.hidden = total === 0;
    this.summary.textContent = !docIds.length
      ? 'Searching: all documents'
      : `Searching: ${docIds.length} of ${plural(total, 'document')}${docIds.length === 1 ? `: ${names[0]}` : ''}`;
    this.summary.title = names.join('\n');
    this.all.checked = this.picked === null;
    for (const [id, box] of this.boxes) box.checked = this.picked === null || this.picked.has(id);
    const scope = this.value;
    for (const listener of this.listeners) listener(scope);
  }

  private setOpen(open: boolean, refocus: boolean): void {
    if (open === (this.popover.hidden === false)) return;
    this.popover.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    if (open) {
      document.addEventListener('pointerdown', this.outside);
      this.all.focus();
    } else {
      document.removeEventListener('pointerdown', this.outside);
      if (refocus) this.toggle.focus();
    }
  }
}
