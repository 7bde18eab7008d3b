/**
 * The model manager: pick a registry model (size, device and f16 info), download and load it with
 * one overall progress bar, load a converted model from a folder, and see or delete the models
 * stored on this device.
 */
import { describeError } from '../errors.ts';
import { deleteCachedModel, folderFilesFromList, importModelFolder, listCachedModels, type CachedModel } from '../models/cache.ts';
import { DEFAULT_VLM, MODELS, findModel, type FileListStatus, type VariantName, type VlmEntry } from '../models/registry.ts';
import { chooseDevice, probeDevice } from '../models/device.ts';
import { modelFileUrl } from '../models/hub.ts';
import type { DownloadSnapshot } from '../models/progress.ts';
import { field, h, onEscape, uid } from './dom.ts';
import { formatBytes, formatDuration, sizeLabel } from './format.ts';
import type { LoadedVlm, VlmSource } from '../models/vlm/load.ts';
import type { Session } from '../session/session.ts';
import type { Settings } from './settings-store.ts';

const VLMS = MODELS.filter((m): m is VlmEntry => m.kind === 'vlm');

const FILE_LIST_NOTE: Record<FileListStatus, string> = {
  exact: 'Files verified (names and sizes).',
  approximate: 'Files verified by name; sizes approximate.',
  unverified: 'File list not verified: the download may fail if the repository differs.',
};

const FOLDER = 'folder:';
const LAST_MODEL_KEY = 'vrag-last-model';

/** What the page says about getting a model: one is needed (first run), the model host is unreachable, or nothing. */
export type ModelNotice = 'needed' | 'unreachable' | null;

export class ModelManager {
  readonly element: HTMLElement;
  private readonly select = h('select', {});
  private readonly note = h('p', { class: 'hint' });
  /** The technical facts of the chosen model (hub id, license, runtime notes), one click away. */
  private readonly details = h('p', { class: 'hint' });
  private readonly loadButton = h('button', { type: 'button' }, 'Download and load');
  private readonly progress = h('progress', { 'aria-label': 'Model download', max: 1 });
  private readonly progressText = h('span', { class: 'progress-text' });
  private readonly progressRow = h('div', { class: 'download', hidden: true }, this.progress, this.progressText);
  private readonly status = h('p', { role: 'status', class: 'model-status' }, 'No model loaded.');
  private readonly deviceLine = h('p', { class: 'hint' }, 'Checking this browser…');
  private readonly folderInput = h('input', { type: 'file', webkitdirectory: true, multiple: true, id: uid('model-folder') });
  private readonly hubInput = h('input', { type: 'text', placeholder: 'owner/name', autocomplete: 'off', spellcheck: false });
  private readonly hubButton = h('button', { type: 'button', class: 'secondary' }, 'Download and load by name');
  private readonly cached = h('ul', { 'aria-label': 'Models on this device', class: 'cached-models', tabindex: -1 });
  private busy = false;
  private variant: VariantName = 'wasm';

  constructor(
    private readonly settings: () => Settings,
    /** Where the model loaded last is remembered, to load it again on the next visit. */
    private readonly storage: Storage,
    /** The session loads the model and owns it (its worker is ended when another loads or the session closes). */
    private readonly session: Pick<Session, 'loadVlm' | 'expectVlm' | 'vlm'>,
    /** What the page should say about getting a model: one is needed (first run), the host is unreachable, or nothing. */
    private readonly onNotice: (notice: ModelNotice) => void,
  ) {
    this.loadButton.addEventListener('click', () => void this.loadSelected());
    this.select.addEventListener('change', () => this.describeSelected());
    this.folderInput.addEventListener('change', () => void this.loadFolder());
    this.hubButton.addEventListener('click', () => void (this.hubInput.value.trim() && this.load({ kind: 'hub', hubId: this.hubInput.value.trim() })));
    this.element = h(
      'div',
      { class: 'model-manager' },
      this.deviceLine,
      field('Vision-language model', this.select),
      this.note,
      h('details', { class: 'model-details' }, h('summary', {}, 'About this model'), this.details),
      h('div', { class: 'actions' }, this.loadButton),
      this.progressRow,
      this.status,
      h('h4', {}, 'Load from a folder'),
      h('p', { class: 'hint' }, 'Offline, or a converted VRAG-RL checkpoint: pick the folder holding config.json, the tokenizer files and onnx/. It is stored on this device and loads without a network.'),
      h('div', { class: 'file-button' }, this.folderInput, h('label', { for: this.folderInput.id }, 'Load a model from a folder')),
      h('h4', {}, 'Models on this device'),
      this.cached,
      h(
        'details',
        { class: 'advanced' },
        h('summary', {}, 'Advanced: another model by its name'),
        field('Model name on the model host', this.hubInput, 'An owner/name id, e.g. onnx-community/Qwen2-VL-2B-Instruct: any Qwen2-VL, Qwen2.5-VL, Qwen3-VL or SmolVLM converted for the browser (an ONNX export for transformers.js).'),
        h('div', { class: 'actions' }, this.hubButton),
      ),
    );
    this.fillSelect([]);
  }

  /** Probes the device, lists the stored models and loads the saved one; the page says it is loading from the start. */
  init(): Promise<void> {
    const saved = this.savedModelName();
    const work = this.start();
    if (saved) this.session.expectVlm(saved, work.then(() => this.session.vlm.value, () => null));
    return work;
  }

  /** The name of the model saved on an earlier visit, as the page shows it. */
  private savedModelName(): string | null {
    const saved = this.storage.getItem(LAST_MODEL_KEY);
    if (!saved) return null;
    return saved.startsWith(FOLDER) ? saved.slice(FOLDER.length) : (VLMS.find((m) => m.id === saved)?.label ?? null);
  }

  private async start(): Promise<void> {
    const choice = chooseDevice(await probeDevice(), this.settings().device);
    this.variant = choice.variant;
    this.deviceLine.textContent = `This browser: ${choice.reason}`;
    this.fillSelect([]);
    const cached = await this.refreshCached();
    if (cached.length === 0) {
      // No request to the model host until the user asks for a download: the first run only says a model is needed.
      this.onNotice('needed');
      return;
    }
    // The model used last, when its files are on this device, loads again by itself.
    const last = this.lastModel(cached);
    if (last) {
      this.select.value = last.value;
      this.describeSelected();
      await this.load(last.source);
    }
  }

  /** Puts the cursor on "Load a model from a folder" (the first-run notice's step). */
  focusFolder(): void {
    this.folderInput.focus();
  }

  /** Puts the cursor on the list of models to download. */
  focusDownload(): void {
    this.select.focus();
  }

  /** The model loaded on an earlier visit, if all of it is still stored here. */
  private lastModel(cached: CachedModel[]): { value: string; source: VlmSource } | null {
    const saved = this.storage.getItem(LAST_MODEL_KEY);
    if (!saved) return null;
    if (saved.startsWith(FOLDER)) {
      const modelId = saved.slice(FOLDER.length);
      return cached.some((m) => m.local && m.modelId === modelId) ? { value: saved, source: { kind: 'folder', modelId } } : null;
    }
    const entry = VLMS.find((m) => m.id === saved);
    return entry && cached.some((m) => !m.local && m.modelId === entry.hubId) ? { value: saved, source: { kind: 'registry', entry } } : null;
  }

  /** Whether the configured hub answers at all (first run: is downloading possible?). */
  async hubReachable(): Promise<boolean> {
    const entry = findModel(DEFAULT_VLM) as VlmEntry;
    try {
      const url = modelFileUrl(this.settings().modelHost, entry.hubId, 'config.json');
      const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(8000) });
      return response.ok || response.status === 401 || response.status === 403;
    } catch {
      return false;
    }
  }

  async refreshCached(): Promise<CachedModel[]> {
    const models = await listCachedModels().catch(() => []);
    this.cached.replaceChildren(
      ...(models.length
        ? models.map((m) => {
            const remove = h('button', { type: 'button', class: 'secondary small' }, `Delete ${m.modelId}`);
            const item = h('li', {}, h('span', { class: 'model-name' }, `${m.modelId} — ${formatBytes(m.bytes)}`, m.local ? h('span', { class: 'badge' }, 'folder') : null), remove);
            remove.addEventListener('click', () => this.confirmRemove(item, remove, m));
            return item;
          })
        : [h('li', { class: 'muted' }, 'None yet.')]),
    );
    this.fillSelect(models.filter((m) => m.local));
    return models;
  }

  private fillSelect(folders: CachedModel[]): void {
    const current = this.select.value;
    this.select.replaceChildren(
      h('optgroup', { label: 'Download' }, ...VLMS.map((m) => h('option', { value: m.id }, `${m.label} — ${sizeLabel(m, this.variant)}`))),
      ...(folders.length
        ? [h('optgroup', { label: 'From a folder (on this device)' }, ...folders.map((m) => h('option', { value: FOLDER + m.modelId }, `${m.modelId} — ${formatBytes(m.bytes)}`)))]
        : []),
    );
    this.select.value = [...this.select.options].some((o) => o.value === current) ? current : DEFAULT_VLM;
    this.describeSelected();
  }

  private describeSelected(): void {
    const value = this.select.value;
    if (value.startsWith(FOLDER)) {
      this.note.textContent = 'Stored on this device from a folder; loads without a network.';
      this.details.textContent = `Folder “${value.slice(FOLDER.length)}”, kept in this browser's model storage.`;
      this.loadButton.textContent = 'Load';
      return;
    }
    const entry = VLMS.find((m) => m.id === value);
    this.loadButton.textContent = 'Download and load';
    if (!entry) return;
    const crops = entry.family.canCrop ? 'It can zoom into parts of a page.' : 'It cannot zoom into parts of a page.';
    this.note.textContent = `Downloads ${sizeLabel(entry, this.variant)} once, then works offline. ${crops}`;
    const files = FILE_LIST_NOTE[entry.fileList];
    this.details.textContent = `${entry.hubId}${entry.revision ? ` @ ${entry.revision.slice(0, 8)}` : ''} · ${entry.license}. ${entry.note ?? ''} ${files}`;
  }

  private async loadSelected(): Promise<void> {
    const value = this.select.value;
    const source: VlmSource = value.startsWith(FOLDER)
      ? { kind: 'folder', modelId: value.slice(FOLDER.length) }
      : { kind: 'registry', entry: VLMS.find((m) => m.id === value)! };
    await this.load(source);
  }

  private async loadFolder(): Promise<void> {
    const list = this.folderInput.files;
    // Not while a model loads (the input is disabled then): storing the folder would overwrite files being read.
    if (!list || list.length === 0 || this.busy) {
      this.folderInput.value = '';
      return;
    }
    const first = list[0] as File & { webkitRelativePath?: string };
    const name = first.webkitRelativePath?.split('/')[0] || 'my-model';
    this.setBusy(true, `Storing the folder “${name}” on this device…`);
    try {
      await importModelFolder(name, folderFilesFromList(list));
    } catch (error) {
      this.setBusy(false, describeError(error), true);
      return;
    } finally {
      this.folderInput.value = '';
    }
    this.busy = false;
    await this.refreshCached();
    this.select.value = FOLDER + name;
    this.describeSelected();
    await this.load({ kind: 'folder', modelId: name });
  }

  /** Loads a model (replacing the loaded one). */
  async load(source: VlmSource): Promise<LoadedVlm | null> {
    if (this.busy) return null;
    const name = source.kind === 'registry' ? source.entry.label : source.kind === 'hub' ? source.hubId : source.modelId;
    this.setBusy(true, `Loading ${name}…`);
    this.progressRow.hidden = source.kind === 'folder';
    this.progress.removeAttribute('value');
    this.progressText.textContent = 'Starting…';
    const settings = this.settings();
    try {
      const loaded = await this.session.loadVlm(source, {
        device: settings.device,
        modelHost: settings.modelHost,
        onProgress: (p) => this.showProgress(p),
        onNotice: (message) => (this.status.textContent = message),
      });
      this.progressRow.hidden = true;
      this.setBusy(false, `Loaded ${loaded.label} on ${loaded.device === 'webgpu' ? 'WebGPU' : 'WASM'} (${loaded.f16 ? 'f16' : 'f32'})`);
      this.deviceLine.textContent = `This browser: ${loaded.deviceReason}`;
      this.onNotice(null);
      if (source.kind === 'registry') this.storage.setItem(LAST_MODEL_KEY, source.entry.id);
      if (source.kind === 'folder') this.storage.setItem(LAST_MODEL_KEY, FOLDER + source.modelId);
      await this.refreshCached();
      return loaded;
    } catch (error) {
      this.progressRow.hidden = true;
      if (source.kind === 'folder') {
        this.setBusy(false, `Could not load ${name}: ${folderAdvice(describeError(error))}`, true);
        this.forgetFolder(source.modelId);
        return null;
      }
      const offline = !(await this.hubReachable());
      const message = offline
        ? `the model host (${this.settings().modelHost}) cannot be reached: this device may be offline. Connect and try again, or use “Load a model from a folder” below.`
        : describeError(error);
      this.setBusy(false, `Could not load ${name}: ${message}`, true);
      if (offline) this.onNotice('unreachable');
      return null;
    }
  }

  /** A folder model that failed to load is not left chosen, nor loaded again on the next visit. */
  private forgetFolder(modelId: string): void {
    if (this.storage.getItem(LAST_MODEL_KEY) === FOLDER + modelId) this.storage.removeItem(LAST_MODEL_KEY);
    if (this.select.value === FOLDER + modelId) {
      this.select.value = DEFAULT_VLM;
      this.describeSelected();
    }
  }

  private showProgress(p: DownloadSnapshot): void {
    if (p.fraction === null) this.progress.removeAttribute('value');
    else this.progress.value = p.fraction;
    const left = p.secondsLeft === null ? 'estimating time' : `${formatDuration(p.secondsLeft)} left`;
    this.progressText.textContent = p.totalBytes > 0 ? `${formatBytes(p.loadedBytes)} of ${formatBytes(p.totalBytes)}, ${left}` : 'Checking files…';
  }

  /** Deleting a model asks first, naming it and its size: a slip must not cost a 1.5 GB download. */
  private confirmRemove(item: HTMLElement, remove: HTMLButtonElement, model: CachedModel): void {
    if (item.querySelector('.confirm-delete')) return;
    const again = model.local ? 'To use it again, load its folder again.' : 'To use it again, it must be downloaded again.';
    const yes = h('button', { type: 'button', class: 'small danger' }, 'Delete');
    const keep = h('button', { type: 'button', class: 'small secondary' }, 'Keep');
    const question = h(
      'div',
      { class: 'confirm-delete', role: 'group', 'aria-label': `Delete ${model.modelId}?` },
      h('p', {}, `Delete ${model.modelId} (${formatBytes(model.bytes)}) from this device? ${again}`),
      h('div', { class: 'actions' }, yes, keep),
    );
    const dismiss = () => {
      question.remove();
      remove.hidden = false;
      remove.focus();
    };
    keep.addEventListener('click', dismiss);
    // Escape answers "keep" here, and does not close the panel.
    onEscape(question, dismiss);
    yes.addEventListener('click', () => void this.remove(model));
    remove.hidden = true;
    item.append(question);
    keep.focus();
  }

  private async remove(model: CachedModel): Promise<void> {
    await deleteCachedModel(model.modelId, model.host);
    if (this.storage.getItem(LAST_MODEL_KEY) === FOLDER + model.modelId && model.local) this.storage.removeItem(LAST_MODEL_KEY);
    await this.refreshCached();
    this.status.classList.remove('error');
    this.status.textContent = `Deleted ${model.modelId} (${formatBytes(model.bytes)}).`;
    // The button pressed is gone: the cursor stays in the list, not lost at the top of the page.
    this.cached.focus();
  }

  private setBusy(busy: boolean, message: string, error = false): void {
    this.busy = busy;
    this.loadButton.disabled = busy;
    this.hubButton.disabled = busy;
    this.folderInput.disabled = busy;
    this.status.textContent = message;
    this.status.classList.toggle('error', error);
  }
}

/** A folder model's load error, with the step that fixes it: pick the folder again (a download cannot bring it back). */
function folderAdvice(message: string): string {
  const reason = message.replace(/\s*Delete the model in the model manager and download it again\.?/g, '').replace(/\s*Load the folder again\.?/g, '').trim();
  return `${reason}${/[.)]$/.test(reason) ? '' : '.'} Pick the folder again with “Load a model from a folder”: it replaces the copy stored here.`;
}
