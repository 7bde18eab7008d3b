/**
 * The app shell: Library (left), Ask (centre) and the Models and settings panel, wired to the
 * library, the perception worker, the loaded model and the saved settings.
 */
import { AppError, describeError } from '../errors.ts';
import { startIngestWorker } from '../ingest/client.ts';
import { Library } from '../library/library.ts';
import { localPolicies, remotePolicies } from '../policies/pair.ts';
import { endpointOrigin, normalizeEndpoint } from '../policies/remote/settings.ts';
import { startPerceptionWorker } from '../perception/client.ts';
import { startSearchWorker } from '../retrieval/search-client.ts';
import { DocumentLibrary } from '../store/index.ts';
import { AskPanel, type Policies } from './ask-panel.ts';
import { h, uid } from './dom.ts';
import { LibraryPanel } from './library-panel.ts';
import { EmbedderPicker } from './embedder-picker.ts';
import { ModelManager } from './model-manager.ts';
import { LibraryPages } from './page-source.ts';
import { PageViewer } from './page-viewer.ts';
import { SearchBox } from './search-box.ts';
import { SettingsForm } from './settings-form.ts';
import { loadSettings, saveSettings, type Settings } from './settings-store.ts';

export interface AppOptions {
  /** IndexedDB name of the document library (tests use a fresh one). */
  libraryName?: string;
  storage?: Storage;
  /** Called after settings are saved, e.g. to re-apply the connect-src policy; returns a note for the user or null. */
  onSettingsSaved?: (settings: Settings) => string | null;
}

export interface App {
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
  const ingest = startIngestWorker();
  const search = startSearchWorker();
  const perception = startPerceptionWorker();
  const library = new Library({ store: new DocumentLibrary(options.libraryName), ingest, search });
  const applyWeights = () => library.setWeights({ bm25: settings.weights.bm25, 'text-dense': settings.weights.textDense, 'image-dense': settings.weights.imageDense });
  applyWeights();

  const pages = new LibraryPages(library);
  const viewer = new PageViewer(pages);
  const libraryPanel = new LibraryPanel(library, () => pages.refresh());
  const searchBox = new SearchBox(() => library.asRetriever(), pages, () => settings.topK, (pageId) => viewer.open(pageId));

  const offline = h('div', { class: 'offline-slot' });
  const models = new ModelManager(
    () => settings,
    () => {},
    (isOffline) => offline.replaceChildren(...(isOffline ? [offlineAlert(settings.modelHost)] : [])),
  );

  const askPanel = new AskPanel({
    pages,
    retriever: () => library.asRetriever(),
    perception,
    policies: () => policiesFor(settings, models),
    settings: () => settings,
    pageTexts: (ids) => Promise.all(ids.map(async (id) => (await library.store.getPageText(id).catch(() => undefined))?.text ?? '')),
    viewer,
  });
  askPanel.notice.append(offline);
  const showRemote = () => askPanel.setRemote(settings.remote.enabled ? remoteOrigin(settings) : null);
  showRemote();

  const saveNote = h('p', { class: 'hint', role: 'note' });
  const form = new SettingsForm(settings, (next) => {
    saveSettings(storage, next);
    settings = next;
    applyWeights();
    showRemote();
    saveNote.textContent = options.onSettingsSaved?.(next) ?? '';
  });

  const panelId = uid('models');
  const toggle = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': panelId }, 'Models and settings');
  const closePanel = h('button', { type: 'button', class: 'secondary small close-panel', 'aria-label': 'Hide models and settings' }, 'Hide');
  const embedders = new EmbedderPicker(library, () => settings);
  const modelsArea = section('Models and settings', 'models-area', closePanel, models.element, embedders.element, h('h3', {}, 'Settings'), form.element, saveNote);
  modelsArea.id = panelId;
  modelsArea.hidden = true;
  const setOpen = (open: boolean) => {
    modelsArea.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    main.classList.toggle('with-models', open);
    if (open) modelsArea.querySelector<HTMLElement>('select, input, button:not(.close-panel)')?.focus();
    else toggle.focus();
  };
  toggle.addEventListener('click', () => setOpen(modelsArea.hidden !== false));
  closePanel.addEventListener('click', () => setOpen(false));

  const libraryArea = section('Library', 'library-area', libraryPanel.element, searchBox.element);
  libraryPanel.dropZone(libraryArea);
  const main = h('main', { class: 'app' }, libraryArea, section('Ask', 'ask-area', askPanel.element), modelsArea);
  const header = h(
    'header',
    { class: 'app-header' },
    h('div', { class: 'brand' }, h('h1', {}, 'VRAG ', h('span', { class: 'muted' }, 'in the browser')), h('p', { class: 'muted tagline' }, 'Ask your documents. A vision-language model thinks, searches, zooms and answers — nothing leaves this device.')),
    toggle,
  );
  root.append(header, main);

  const ready = libraryPanel.refresh();
  const modelsReady = Promise.all([models.init(), embedders.init()])
    .then(() => undefined)
    .catch((error: unknown) => console.warn('model manager', describeError(error)));

  return {
    library,
    libraryPanel,
    askPanel,
    models,
    settings: () => settings,
    ready,
    modelsReady,
    close() {
      models.loaded?.client.terminate();
      library.close();
      ingest.terminate();
      search.terminate();
      perception.terminate();
      viewer.close();
      header.remove();
      main.remove();
    },
  };
}

function remoteOrigin(settings: Settings): string | null {
  try {
    return endpointOrigin(normalizeEndpoint(settings.remote.endpoint));
  } catch {
    return null;
  }
}

function policiesFor(settings: Settings, models: ModelManager): Policies {
  const options = {
    maxNewTokens: settings.maxNewTokens,
    visualTokens: { min: settings.minVisualTokens, max: settings.maxVisualTokens },
    constrainActions: settings.constrainActions,
  };
  if (settings.remote.enabled) return remotePolicies(settings.remote, options);
  const loaded = models.loaded;
  if (!loaded) {
    throw new AppError('model-missing', 'No model is loaded yet. Open “Models and settings” to download one, or load one from a folder.');
  }
  return localPolicies(loaded, options);
}

function offlineAlert(host: string): HTMLElement {
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
  );
}
