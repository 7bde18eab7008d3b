/**
 * Search models: a text embedder for page text and an image embedder for page images. Loading one
 * makes it a search signal and embeds the pages already in the library.
 */
import { describeError } from '../errors.ts';
import type { EmbeddingKind } from '../library/library.ts';
import type { Session } from '../session/session.ts';
import { listCachedModels, readModelFolder } from '../models/cache.ts';
import { embedderFamilyFor, modelTypeOf } from '../models/families/index.ts';
import { MODELS, type EmbedderEntry } from '../models/registry.ts';
import type { EmbedderSource } from '../models/embed/load.ts';
import { field, h } from './dom.ts';
import { plural, sizeLabel } from './format.ts';
import type { Settings } from './settings-store.ts';

const FOLDER = 'folder:';
const LABEL: Record<EmbeddingKind, string> = { text: 'Text search model', image: 'Image search model' };
const HINT: Record<EmbeddingKind, string> = {
  text: 'Finds pages whose text means what you ask, in other words too (a text embedder).',
  image: 'Finds pages by what they look like: charts, photos, layouts (an image embedder).',
};

class EmbedderRow {
  readonly element: HTMLElement;
  private readonly select = h('select', {});
  private readonly button: HTMLButtonElement;
  private readonly status = h('p', { role: 'status', class: 'hint' }, 'Not loaded: search uses words only.');

  constructor(
    private readonly kind: EmbeddingKind,
    private readonly session: Session,
    private readonly settings: () => Settings,
  ) {
    this.button = h('button', { type: 'button', class: 'secondary' }, `Load ${LABEL[kind].toLowerCase()}`);
    this.button.addEventListener('click', () => void this.load());
    this.element = h('div', { class: 'embedder' }, field(LABEL[kind], this.select, HINT[kind]), h('div', { class: 'actions' }, this.button), this.status);
  }

  async fill(): Promise<void> {
    const entries = MODELS.filter((m): m is EmbedderEntry => m.kind === 'embedder' && m.family.modality === this.kind);
    // Only folders whose config.json names an embedder of this kind: a vision-language model is never offered here.
    const folders = await embedderFolders(this.kind);
    this.select.replaceChildren(
      ...entries.map((e) => h('option', { value: e.id }, `${e.label} — ${sizeLabel(e, 'wasm')}`)),
      ...folders.map((f) => h('option', { value: FOLDER + f.modelId }, `${f.modelId} (folder)`)),
    );
  }

  private async load(): Promise<void> {
    const value = this.select.value;
    const entry = MODELS.find((m): m is EmbedderEntry => m.kind === 'embedder' && m.id === value);
    const source: EmbedderSource = entry ? { kind: 'registry', entry } : { kind: 'folder', modelId: value.slice(FOLDER.length), modality: this.kind };
    this.button.disabled = true;
    this.status.textContent = `Loading ${entry?.label ?? value.slice(FOLDER.length)}…`;
    try {
      const loaded = await this.session.loadEmbedder(source, { device: this.settings().device, modelHost: this.settings().modelHost });
      const embedded = await this.session.library.backfillEmbeddings(this.kind, (done, total) => (this.status.textContent = `Embedding pages: ${done} of ${total}…`));
      this.status.textContent = `Loaded ${loaded.modelId} (${loaded.info.dims} dimensions) on ${loaded.info.device === 'webgpu' ? 'WebGPU' : 'WASM'}; ${plural(embedded, 'page')} embedded.`;
    } catch (error) {
      this.status.textContent = `Could not load it: ${describeError(error)}`;
    } finally {
      this.button.disabled = false;
    }
  }
}

/** Stored folders whose config.json model_type is an embedder family of `kind` (text or image). */
async function embedderFolders(kind: EmbeddingKind) {
  const local = (await listCachedModels()).filter((m) => m.local);
  const configs = await Promise.all(local.map((m) => readModelFolder(m.modelId).then((f) => f.config, () => null)));
  return local.filter((_, i) => embedderFamilyFor(modelTypeOf(configs[i]))?.modality === kind);
}

export class EmbedderPicker {
  readonly element: HTMLElement;
  private readonly rows: EmbedderRow[];

  constructor(session: Session, settings: () => Settings) {
    this.rows = (['text', 'image'] as const).map((kind) => new EmbedderRow(kind, session, settings));
    this.element = h(
      'div',
      { class: 'embedders' },
      ...this.rows.map((r) => r.element),
    );
  }

  init(): Promise<void> {
    return Promise.all(this.rows.map((r) => r.fill())).then(() => undefined);
  }
}
