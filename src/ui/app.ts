/**
 * The app shell: Library (left), Ask (centre) and the Models and settings panel, wired to the
 * library, the perception worker, the loaded model and the saved settings.
 */
import { effect } from '@preact/signals-core';
import { describeError } from '../errors.ts';
import { listRemoteModels } from '../policies/remote/models-list.ts';
import type { Library } from '../library/library.ts';
import { endpointOrigin, normalizeEndpoint } from '../policies/remote/settings.ts';
import { createSession, type Session } from '../session/session.ts';
import { AskPanel, type Policies } from './ask-panel.ts';
import { h, uid } from './dom.ts';
import { formatBytes } from './format.ts';
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
  /** How long a deleted document can be brought back (default UNDO_MS). */
  undoDeleteMs?: number;
  /** Policies to ask with instead of the session's (tests use a scripted one). */
  policies?: () => Policies;
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
  const session = createSession(options.libraryName ? { libraryName: options.libraryName } : {});
  const library = session.library;
  // Each search reads the saved weights: nothing shared is changed when they do. Without ids it searches every document.
  const retriever = (docIds?: readonly string[]) =>
    session.retriever({ weights: { bm25: settings.weights.bm25, 'text-dense': settings.weights.textDense, 'image-dense': settings.weights.imageDense }, ...(docIds ? { docIds } : {}) });

  const pages = new LibraryPages(library);
  const viewer = new PageViewer(pages);
  const searchBox = new SearchBox(retriever, pages, () => settings.topK, (pageId) => viewer.open(pageId));

  const offline = h('div', { class: 'offline-slot' });
  const models = new ModelManager(
    () => settings,
    storage,
    (loaded) => session.useVlm(loaded),
    // The panel opens on click, long after it is set up below.
    (isOffline) => offline.replaceChildren(...(isOffline ? [offlineAlert(settings.modelHost, () => setOpen(true))] : [])),
  );

  const askPanel = new AskPanel({
    pages,
    retriever,
    perception: session.perception,
    policies: options.policies ?? (() => policiesFor(settings, session)),
    settings: () => settings,
    support: session.supportScorer(),
    history: session.store,
    viewer,
  });
  askPanel.notice.append(offline);
  const libraryPanel = new LibraryPanel(
    library,
    (docs) => (askPanel.scope.setDocuments(docs), pages.refresh()),
    (pageId) => viewer.open(pageId),
    options.undoDeleteMs,
    (doc) => askPanel.askAbout(doc),
  );
  const tagline = h('p', { class: 'muted tagline' });
  const showRemote = () => {
    askPanel.setRemote(settings.remote.enabled ? remoteOrigin(settings) : null);
    // With a remote endpoint the model runs elsewhere: no download is needed, and page images do leave the device.
    offline.hidden = settings.remote.enabled;
    tagline.textContent = settings.remote.enabled
      ? 'Ask your documents. A vision-language model thinks, searches, zooms and answers — page images it looks at go to your remote endpoint.'
      : 'Ask your documents. A vision-language model thinks, searches, zooms and answers — nothing leaves this device.';
    showModel();
  };
  // Which model answers, next to Ask: re-rendered whenever a model loads (an observable of the session) or settings change.
  const showModel = () => {
    const vlm = session.vlm.value;
    askPanel.setModel(settings.remote.enabled ? `${settings.remote.model || 'the remote model'} (remote endpoint)` : vlm ? `${vlm.label} on ${vlm.device === 'webgpu' ? 'WebGPU' : 'WASM'} (${formatBytes(vlm.modelBytes)})` : null);
  };
  const stopModelBadge = effect(showModel);
  showRemote();

  const saveNote = h('p', { class: 'hint', role: 'note' });
  // A connection the page's policy refused is the policy's doing, not a server that is down: say so.
  const onBlocked = (e: SecurityPolicyViolationEvent) => {
    if (e.effectiveDirective !== 'connect-src') return;
    saveNote.textContent = `This page blocked a connection to ${blockedOrigin(e.blockedURI)}: where it may connect is fixed when it loads. Reload the page to apply the model host in your settings.`;
  };
  document.addEventListener('securitypolicyviolation', onBlocked);
  const form = new SettingsForm(
    settings,
    (next) => {
      saveSettings(storage, next);
      settings = next;
      showRemote();
      saveNote.textContent = options.onSettingsSaved?.(next) ?? '';
    },
    testConnection,
  );

  const panelId = uid('models');
  const toggle = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': panelId }, 'Models and settings');
  const closePanel = h('button', { type: 'button', class: 'secondary small close-panel', 'aria-label': 'Hide models and settings' }, 'Hide');
  const embedders = new EmbedderPicker(session, () => settings);
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

  // Search first: with many documents it stays above the fold, and before every Delete button in tab order.
  const libraryArea = section('Library', 'library-area', searchBox.element, libraryPanel.element);
  libraryPanel.dropZone(libraryArea);
  const askArea = section('Ask', 'ask-area', askPanel.element);
  askArea.id = 'ask';
  const main = h('main', { class: 'app' }, libraryArea, askArea, modelsArea);
  const skip = h('a', { href: '#ask', class: 'skip-link' }, 'Skip to the question');
  skip.addEventListener('click', (e) => {
    e.preventDefault();
    askPanel.question.focus();
  });
  const header = h(
    'header',
    { class: 'app-header' },
    h('div', { class: 'brand' }, h('h1', {}, 'VRAG ', h('span', { class: 'muted' }, 'in the browser')), tagline),
    toggle,
  );
  root.append(skip, header, main);

  const ready = libraryPanel.refresh();
  const modelsReady = Promise.all([models.init(), embedders.init()])
    .then(() => undefined)
    .catch((error: unknown) => console.warn('model manager', describeError(error)));

  return {
    session,
    library,
    libraryPanel,
    askPanel,
    models,
    settings: () => settings,
    ready,
    modelsReady,
    close() {
      document.removeEventListener('securitypolicyviolation', onBlocked);
      stopModelBadge();
      session.close();
      viewer.close();
      skip.remove();
      header.remove();
      main.remove();
    },
  };
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
async function testConnection(draft: Settings): Promise<{ message: string; models: string[] }> {
  const endpoint = normalizeEndpoint(draft.remote.endpoint);
  const models = await listRemoteModels({ endpoint, apiKey: draft.remote.apiKey });
  const wanted = draft.remote.model.trim();
  const serves = models.length ? `it serves ${models.join(', ')}` : 'it lists no models';
  const message = !wanted
    ? `Connected: ${serves}. Enter one of them as the remote model.`
    : models.includes(wanted)
      ? `Connected: ${serves}.`
      : `Connected, but “${wanted}” is not among its models: ${serves}.`;
  return { message, models };
}

function policiesFor(settings: Settings, session: Session): Policies {
  const generation = {
    maxNewTokens: settings.maxNewTokens,
    visualTokens: { min: settings.minVisualTokens, max: settings.maxVisualTokens },
    constrainActions: settings.constrainActions,
  };
  return session.policies(generation, settings.remote.enabled ? settings.remote : null);
}

function offlineAlert(host: string, openModels: () => void): HTMLElement {
  const load = h('button', { type: 'button', class: 'small' }, 'Load a model');
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
