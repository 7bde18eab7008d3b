/**
 * The app shell: Library (left), Ask (centre) and the Models and settings panel, wired to the
 * library, the perception worker, the loaded model and the saved settings.
 */
import { effect } from '@preact/signals-core';
import { describeError } from '../errors.ts';
import type { Library } from '../library/library.ts';
import { endpointOrigin, normalizeEndpoint } from '../policies/remote/settings.ts';
import type { Answerer } from '../policies/answerer.ts';
import type { Ask } from '../session/ask.ts';
import { answerOptions, modelKey, searchOptions } from '../session/options.ts';
import { createSession, type Session } from '../session/session.ts';
import { AskPanel } from './ask-panel.ts';
import { batchArea } from './batch-panel.ts';
import { h, uid } from './dom.ts';
import { formatBytes } from './format.ts';
import { LibraryPanel } from './library-panel.ts';
import { EmbedderPicker } from './embedder-picker.ts';
import { ModelManager, type ModelNotice } from './model-manager.ts';
import { LibraryPages } from './page-source.ts';
import { PageViewer } from './page-viewer.ts';
import { SearchBox } from './search-box.ts';
import type { FormatModel } from './prompt-format.ts';
import { SettingsForm } from './settings-form.ts';
import { loadSettings, saveSettings, type Settings } from './settings-store.ts';

export interface AppOptions {
  /** IndexedDB name of the document library (tests use a fresh one). */
  libraryName?: string;
  storage?: Storage;
  /** Called after settings are saved, e.g. to re-apply the connect-src policy; returns a note for the user or null. */
  onSettingsSaved?: (settings: Settings) => string | null;
  /** How long a deleted document can be brought back (default UNDO_MS). */
  undoDeleteMs?: number;
  /** The model to ask with instead of the session's (tests use a scripted one). */
  answerer?: () => Answerer;
}

export interface App {
  session: Session;
  library: Library;
  libraryPanel: LibraryPanel;
  askPanel: AskPanel;
  models: ModelManager;
  settings: () => Settings;
  /** The document list is shown. */
  ready: Promise<void>;
  /** The model manager has checked the device, the stored models and (first run) the hub. */
  modelsReady: Promise<void>;
  close(): void;
}

function section(title: string, className: string, ...children: HTMLElement[]): HTMLElement {
  const id = uid('area');
  return h('section', { class: `area ${className}`, 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

export function startApp(root: HTMLElement, options: AppOptions = {}): App {
  const storage = options.storage ?? localStorage;
  let settings = loadSettings(storage);
  const current = () => settings;
  const session = createSession(options.libraryName ? { libraryName: options.libraryName } : {});
  const pages = new LibraryPages(session.library);
  const viewer = new PageViewer(pages);
  // The app's one road for a question: session.ask with the saved settings (and the model a test gives, if any).
  const ask: Ask = (question, run = {}) => session.ask(question, { ...answerOptions(settings), answerer: options.answerer, ...run });
  const answerer = options.answerer ?? (() => session.answerer(answerOptions(settings)));
  const askPanel = createAskPanel(session, current, pages, viewer, { answerer, ask });
  const libraryPanel = createLibraryPanel(session.library, askPanel, pages, viewer, options.undoDeleteMs);
  const scoped = () => {
    const { docIds } = askPanel.scope.value;
    return { ...searchOptions(settings), ...(docIds.length ? { docIds } : {}) };
  };
  const searchBox = new SearchBox(() => session.retriever(scoped()), pages, () => settings.topK, (pageId, terms) => viewer.open(pageId, [], terms ? { terms } : {}));
  askPanel.scope.onChange((scope) => searchBox.setScope(scope.docIds, askPanel.scope.summary.textContent ?? ''));
  const banner = new ModelBanner(session, askPanel, current);
  const models = new ModelsArea(session, storage, current, banner, (next) => {
    saveSettings(storage, next);
    settings = next;
    banner.refresh();
    return options.onSettingsSaved?.(next) ?? '';
  });
  const layout = lay(root, { searchBox, libraryPanel, askPanel, models, banner });
  // Batch of questions (issue 29): its own area under Ask, so its scope and buttons are never taken for the question's.
  const batch = batchArea(session.store, ask);
  const batchSection = h('section', { class: 'area batch-area', 'aria-label': 'Batch of questions' }, batch.element);
  askPanel.element.closest('section')?.after(batchSection);

  const ready = libraryPanel.refresh();
  const modelsReady = models.init().catch((error: unknown) => console.warn('model manager', describeError(error)));
  return {
    session,
    library: session.library,
    libraryPanel,
    askPanel,
    models: models.manager,
    settings: current,
    ready,
    modelsReady,
    close() {
      models.close();
      banner.close();
      batch.close();
      batchSection.remove();
      session.close();
      viewer.close();
      layout.remove();
    },
  };
}

function createAskPanel(session: Session, settings: () => Settings, pages: LibraryPages, viewer: PageViewer, road: { answerer: () => Answerer; ask: Ask }): AskPanel {
  return new AskPanel({
    pages,
    ...road,
    modelLoading: () => (settings().remote.enabled ? null : session.vlmLoading.value),
    settings,
    history: session.store,
    reports: session.store,
    viewer,
  });
}

function createLibraryPanel(library: Library, askPanel: AskPanel, pages: LibraryPages, viewer: PageViewer, undoDeleteMs?: number): LibraryPanel {
  return new LibraryPanel(
    library,
    (docs) => (askPanel.scope.setDocuments(docs), pages.refresh()),
    (pageId) => viewer.open(pageId),
    undoDeleteMs,
    (doc) => askPanel.askAbout(doc),
  );
}

/**
 * What the page says about the model: the tagline, the line under Ask naming the model that answers
 * (re-rendered whenever a model loads, an observable of the session, or settings change), the
 * remote endpoint's warning and the offline notice.
 */
class ModelBanner {
  readonly tagline = h('p', { class: 'muted tagline' });
  /** Where the offline notice goes (in the Ask panel). */
  readonly offline = h('div', { class: 'offline-slot' });
  private readonly stopModelLine: () => void;

  constructor(
    private readonly session: Session,
    private readonly askPanel: AskPanel,
    private readonly settings: () => Settings,
  ) {
    askPanel.notice.append(this.offline);
    this.stopModelLine = effect(() => this.showModel());
    this.refresh();
  }

  /** Re-renders after the settings changed. */
  refresh(): void {
    const settings = this.settings();
    this.askPanel.setRemote(settings.remote.enabled ? remoteOrigin(settings) : null);
    // With a remote endpoint the model runs elsewhere: no download is needed, and page images do leave the device.
    this.offline.hidden = settings.remote.enabled;
    this.tagline.textContent = settings.remote.enabled
      ? 'Ask your documents. A vision-language model thinks, searches, zooms and answers — page images it looks at go to your remote endpoint.'
      : 'Ask your documents. A vision-language model thinks, searches, zooms and answers — nothing leaves this device.';
    this.showModel();
  }

  /** The notice on getting a model: needed (first run, nothing asked of the network), the host unreachable, or none. */
  setNotice(notice: ModelNotice, open: (focus: 'folder' | 'download') => void): void {
    const host = this.settings().modelHost;
    this.offline.replaceChildren(...(notice === 'needed' ? [modelNeeded(open)] : notice === 'unreachable' ? [offlineAlert(host, () => open('folder'))] : []));
  }

  close(): void {
    this.stopModelLine();
  }

  private showModel(): void {
    const settings = this.settings();
    const vlm = this.session.vlm.value;
    const loading = this.session.vlmLoading.value;
    if (!settings.remote.enabled && loading) {
      const percent = loading.fraction === null ? '' : ` (${Math.round(loading.fraction * 100)} %)`;
      this.askPanel.setModel(null, `Loading ${loading.name}${percent}…`);
      return;
    }
    this.askPanel.setModel(
      settings.remote.enabled ? `${settings.remote.model || 'the remote model'} (remote endpoint)` : vlm ? `${vlm.label} on ${vlm.device === 'webgpu' ? 'WebGPU' : 'WASM'} (${formatBytes(vlm.modelBytes)})` : null,
    );
  }

}

/**
 * "Models and settings": a drawer over the page (the whole screen on a phone), never a column that
 * squeezes the library. Three groups in plain words: the model that answers, the search models and
 * the settings. The close button or Escape closes it, and the cursor goes back to the header button.
 */
class ModelsArea {
  readonly element: HTMLElement;
  readonly manager: ModelManager;
  readonly toggle: HTMLButtonElement;
  private readonly embedders: EmbedderPicker;
  private readonly saveNote = h('p', { class: 'hint', role: 'note' });
  private readonly onBlocked = (e: SecurityPolicyViolationEvent) => {
    // A connection the page's policy refused is the policy's doing, not a server that is down: say so.
    if (e.effectiveDirective !== 'connect-src') return;
    this.saveNote.textContent = `This page blocked a connection to ${blockedOrigin(e.blockedURI)}: where it may connect is fixed when it loads. Reload the page to apply the model host in your settings.`;
  };
  /** Called when the area opens or closes. */
  onToggle: (open: boolean) => void = () => {};
  private readonly stopFormat: () => void;

  constructor(session: Session, storage: Storage, settings: () => Settings, banner: ModelBanner, save: (next: Settings) => string) {
    // The panel opens on click, long after it is set up below.
    this.manager = new ModelManager(settings, storage, session, (notice) => banner.setNotice(notice, (focus) => this.openAt(focus)));
    this.embedders = new EmbedderPicker(session, settings);
    const form = new SettingsForm(
      settings(),
      (next) => {
        this.saveNote.textContent = save(next);
        form.setModel(formatModel(session, next), next);
      },
      (draft) => testConnection(session, draft),
    );
    // The prompt format shown is the one kept for the model that answers, whenever another loads.
    this.stopFormat = effect(() => form.setModel(formatModel(session, settings()), settings()));
    document.addEventListener('securitypolicyviolation', this.onBlocked);
    const panelId = uid('models');
    this.toggle = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': panelId }, 'Models and settings');
    const closePanel = h('button', { type: 'button', class: 'secondary small close-panel', 'aria-label': 'Hide models and settings', title: 'Close (Esc)' }, 'Close');
    const group = (title: string, hint: string, ...children: HTMLElement[]) => {
      const id = uid('models-group');
      // Not a region of its own: "Model that answers" must not be taken for the Answer.
      return h('div', { class: 'models-group' }, h('h3', { id }, title), h('p', { class: 'hint' }, hint), ...children);
    };
    this.element = section(
      'Models and settings',
      'models-area drawer',
      closePanel,
      group('Model that answers', 'It reads the pages, zooms into them and writes the answer. It runs on this device.', this.manager.element),
      group('Search models', 'Optional: they find pages by meaning and by what they look like, on top of matching words.', this.embedders.element),
      group('Settings', 'Kept in this browser.', form.element, this.saveNote),
    );
    this.element.id = panelId;
    this.element.hidden = true;
    this.toggle.addEventListener('click', () => this.setOpen(this.element.hidden !== false));
    closePanel.addEventListener('click', () => this.setOpen(false));
    this.element.addEventListener('keydown', (e) => {
      // Escape closes the drawer unless a control inside used it (an open select, say).
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      this.setOpen(false);
    });
  }

  init(): Promise<void> {
    return Promise.all([this.manager.init(), this.embedders.init()]).then(() => undefined);
  }

  setOpen(open: boolean): void {
    this.element.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    this.onToggle(open);
    if (open) this.element.querySelector<HTMLElement>('select, input, button:not(.close-panel)')?.focus();
    else this.toggle.focus();
  }

  /** Opens the area with the cursor on loading a folder or on the models to download. */
  openAt(focus: 'folder' | 'download'): void {
    this.setOpen(true);
    if (focus === 'folder') this.manager.focusFolder();
    else this.manager.focusDownload();
  }

  close(): void {
    this.stopFormat();
    document.removeEventListener('securitypolicyviolation', this.onBlocked);
  }
}

/** Puts the areas on the page: skip link, header, Library and Ask, and the Models and settings drawer over them. */
function lay(
  root: HTMLElement,
  parts: { searchBox: SearchBox; libraryPanel: LibraryPanel; askPanel: AskPanel; models: ModelsArea; banner: ModelBanner },
): { remove(): void } {
  // Search first: with many documents it stays above the fold, and before every Delete button in tab order.
  const libraryArea = section('Library', 'library-area', parts.searchBox.element, parts.libraryPanel.element);
  // A file dropped anywhere on the page is added to the library; the browser never opens it in the tab.
  const stopDrops = parts.libraryPanel.dropZone(root.ownerDocument, libraryArea);
  const askArea = section('Ask', 'ask-area', parts.askPanel.element);
  askArea.id = 'ask';
  // The drawer overlays the page: the library and Ask keep their widths whether it is open or not.
  const main = h('main', { class: 'app' }, libraryArea, askArea);
  parts.models.onToggle = (open) => root.ownerDocument.documentElement.classList.toggle('drawer-open', open);
  const skip = h('a', { href: '#ask', class: 'skip-link' }, 'Skip to the question');
  skip.addEventListener('click', (e) => {
    e.preventDefault();
    parts.askPanel.question.focus();
  });
  const header = h(
    'header',
    { class: 'app-header' },
    h('div', { class: 'brand' }, h('h1', {}, 'VRAG ', h('span', { class: 'muted' }, 'in the browser')), parts.banner.tagline),
    parts.models.toggle,
  );
  root.append(skip, header, main, parts.models.element);
  return {
    remove() {
      skip.remove();
      header.remove();
      main.remove();
      parts.models.element.remove();
      root.ownerDocument.documentElement.classList.remove('drawer-open');
      stopDrops();
    },
  };
}

/** The model whose prompt format the settings show: the endpoint's when it is used, else the loaded VLM (none: null). */
function formatModel(session: Session, settings: Settings): FormatModel | null {
  if (settings.remote.enabled) return { key: modelKey({ endpoint: settings.remote }), label: `${settings.remote.model || 'the remote model'} (remote endpoint)` };
  const vlm = session.vlm.value;
  return vlm ? { key: modelKey(vlm), label: vlm.label } : null;
}

function blockedOrigin(uri: string): string {
  try {
    return new URL(uri).origin;
  } catch {
    return uri;
  }
}

function remoteOrigin(settings: Settings): string | null {
  try {
    return endpointOrigin(normalizeEndpoint(settings.remote.endpoint));
  } catch {
    return null;
  }
}

/** Says whether the endpoint in the form answers as an OpenAI-compatible server, in plain words, and what it serves. */
async function testConnection(session: Session, draft: Settings): Promise<{ message: string; models: string[] }> {
  const endpoint = normalizeEndpoint(draft.remote.endpoint);
  const models = await session.listEndpointModels({ endpoint, apiKey: draft.remote.apiKey });
  const wanted = draft.remote.model.trim();
  const serves = models.length ? `it serves ${models.join(', ')}` : 'it lists no models';
  const message = !wanted
    ? `Connected: ${serves}. Enter one of them as the remote model.`
    : models.includes(wanted)
      ? `Connected: ${serves}.`
      : `Connected, but “${wanted}” is not among its models: ${serves}.`;
  return { message, models };
}

/** First run: a model is needed; how to get one, without asking the network anything yet. */
function modelNeeded(open: (focus: 'folder' | 'download') => void): HTMLElement {
  const folder = h('button', { type: 'button', class: 'small' }, 'Load a model from a folder');
  const download = h('button', { type: 'button', class: 'small secondary' }, 'Download a model');
  folder.addEventListener('click', () => open('folder'));
  download.addEventListener('click', () => open('download'));
  return h(
    'div',
    { role: 'note', class: 'offline', 'aria-label': 'A model is needed' },
    h('p', {}, h('strong', {}, 'A model is needed to answer questions.'), ' Your documents and search work without one. Load a converted model folder from this device (a VRAG-RL checkpoint, say), or download one once (Qwen3-VL 2B is 1.5 GB); nothing is fetched until you choose.'),
    h('div', { class: 'actions' }, folder, download),
  );
}

function offlineAlert(host: string, openModels: () => void): HTMLElement {
  const load = h('button', { type: 'button', class: 'small' }, 'Load a model from a folder');
  load.addEventListener('click', openModels);
  return h(
    'div',
    { role: 'alert', class: 'offline' },
    h('p', {}, h('strong', {}, 'No model could be downloaded.'), ` The model host (${host}) is unreachable: this device may be offline, or a firewall blocks it. Your documents and search still work.`),
    h(
      'ol',
      {},
      h('li', {}, 'On a connected computer, download a converted model folder, e.g. onnx-community/Qwen3-VL-2B-Instruct-ONNX (config.json, the tokenizer files and the onnx/ folder).'),
      h('li', {}, 'Copy the folder to this device.'),
      h('li', {}, 'Open “Models and settings” and choose “Load a model from a folder”. It is stored here and loads offline from then on.'),
    ),
    load,
  );
}
