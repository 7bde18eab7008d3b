/** The settings form: every knob of the agent, retrieval, model source and remote endpoint; saved to localStorage. */
import { field, h, uid } from './dom.ts';
import * as v from 'valibot';
import { numberLimits } from '../schemas/parse.ts';
import { FIELD_NAMES, SETTINGS_FIELDS } from '../schemas/settings.ts';
import { PromptFormatField, type FormatModel } from './prompt-format.ts';
import { validateSettings, type Settings } from './settings-store.ts';

type NumberPath = (s: Settings) => number;

/** The labels a person reads; the precise term each stands for is in its hint. */
const LABELS = {
  topK: 'Pages per search',
  bestOfN: 'Tries to compare',
  maxNewTokens: 'Longest reply per step',
  bm25: 'Weight of matching words',
  textDense: 'Weight of matching meaning',
  imageDense: 'Weight of page appearance',
  minVisualTokens: 'Least detail of page images (visual tokens)',
  maxVisualTokens: 'Most detail of page images (visual tokens)',
  modelHost: 'Download models from',
} as const;

/** The schema's names for fields (in its sentences), and the labels the form shows for them: a refusal names the field the person sees. */
const SCHEMA_NAMES = (Object.keys(LABELS) as (keyof typeof LABELS)[]).map((key) => [FIELD_NAMES[key], LABELS[key]] as const);

function inFormWords(problem: string): string {
  return SCHEMA_NAMES.reduce((text, [name, label]) => text.replaceAll(name, `“${label}”`), problem);
}
/** Checks the remote endpoint typed in the form: a sentence for the user, and the models it serves. */
type TestConnection = (draft: Settings) => Promise<{ message: string; models: string[] }>;

const group = (legend: string, ...children: HTMLElement[]) => h('fieldset', {}, h('legend', {}, legend), ...children);

export class SettingsForm {
  readonly element: HTMLFormElement;
  private readonly status = h('p', { role: 'status', class: 'form-status' });
  private readonly read: ((s: Settings) => void)[] = [];
  private readonly write: ((s: Settings) => void)[] = [];
  private readonly promptFormat = new PromptFormatField();

  constructor(initial: Settings, onSave: (settings: Settings) => void, testConnection: TestConnection = async () => ({ message: '', models: [] })) {
    this.element = h(
      'form',
      { class: 'settings-form', novalidate: true },
      this.answering(),
      this.advanced(),
      this.remote(initial, testConnection),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save settings')),
      this.status,
    );
    this.set(initial);
    this.element.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit(initial, onSave);
    });
  }

  /** The model that answers now (null: none), whose prompt format the form shows as saved. */
  setModel(model: FormatModel | null, saved: Settings): void {
    this.promptFormat.setModel(model, saved);
  }

  set(settings: Settings): void {
    for (const w of this.write) w(settings);
  }

  value(base: Settings): Settings {
    const draft = structuredClone(base);
    for (const r of this.read) r(draft);
    return draft;
  }

  /** What everyone may want: the step budget, the device and how the model is talked to. */
  private answering(): HTMLElement {
    this.write.push((s) => this.promptFormat.write(s));
    this.read.push((s) => this.promptFormat.read(s));
    const device = this.select<Settings['device']>(
      (s) => s.device,
      (s, v) => (s.device = v),
      ['auto', 'Automatic'],
      ['webgpu', 'Graphics card (WebGPU)'],
      ['wasm', 'Processor (WASM)'],
    );
    return group(
      'Answering',
      this.num('Max actions', (s) => s.maxActions, (s, v) => (s.maxActions = v), SETTINGS_FIELDS.maxActions, 'How many steps (search, zoom, answer) the model may take for one question; the last one must answer.'),
      field('Device', device, 'Where the model runs: the graphics card (WebGPU) is faster, the processor (WASM) works everywhere. Automatic picks. Applies to the next load.'),
      this.promptFormat.element,
    );
  }

  /** Numbers only someone tuning the agent needs, each with what it does. */
  private advanced(): HTMLElement {
    return h(
      'details',
      { class: 'advanced' },
      h('summary', {}, 'Advanced settings'),
      h('p', { class: 'hint' }, 'For tuning how the model works; the defaults suit most documents.'),
      group(
        'Steps and answers',
        this.num(LABELS.topK, (s) => s.topK, (s, v) => (s.topK = v), SETTINGS_FIELDS.topK, 'How many pages each search brings back; the model is shown the best one it has not seen yet (top-k).'),
        this.num(LABELS.bestOfN, (s) => s.bestOfN, (s, v) => (s.bestOfN = v), SETTINGS_FIELDS.bestOfN, 'Above 1: answer that many times with some randomness and keep the answer the pages support best; each try takes as long as one answer (best-of-N sampling).'),
        this.num(LABELS.maxNewTokens, (s) => s.maxNewTokens, (s, v) => (s.maxNewTokens = v), SETTINGS_FIELDS.maxNewTokens, 'The longest reply the model may write in one step, in tokens (word pieces; max new tokens).'),
        this.check('Only allow actions after thinking', (s) => s.constrainActions, (s, v) => (s.constrainActions = v), 'After its thoughts the model may only write <search>, <bbox> or <answer>: fewer wasted steps with small models (constrained decoding; VRAG prompt format only).'),
      ),
      group(
        'Finding pages',
        this.num(LABELS.bm25, (s) => s.weights.bm25, (s, v) => (s.weights.bm25 = v), SETTINGS_FIELDS.bm25, 'How much pages containing your words count when pages are ranked; 0 turns it off (BM25 weight).'),
        this.num(LABELS.textDense, (s) => s.weights.textDense, (s, v) => (s.weights.textDense = v), SETTINGS_FIELDS.textDense, 'How much text that means the same thing counts; needs a text search model (text embedding weight).'),
        this.num(LABELS.imageDense, (s) => s.weights.imageDense, (s, v) => (s.weights.imageDense = v), SETTINGS_FIELDS.imageDense, 'How much what a page looks like counts; needs an image search model (image embedding weight).'),
      ),
      group(
        'Page images and downloads',
        this.num(LABELS.minVisualTokens, (s) => s.minVisualTokens, (s, v) => (s.minVisualTokens = v), SETTINGS_FIELDS.minVisualTokens, 'The model sees each page or crop at no less than this detail: more reads finer print but is slower (min image tokens; VRAG-RL uses 256).'),
        this.num(LABELS.maxVisualTokens, (s) => s.maxVisualTokens, (s, v) => (s.maxVisualTokens = v), SETTINGS_FIELDS.maxVisualTokens, 'And at no more than this detail: larger images are shrunk to it (max image tokens; VRAG-RL uses 512).'),
        this.text(LABELS.modelHost, 'url', (s) => s.modelHost, (s, v) => (s.modelHost = v), 'The address models are downloaded from: the Hugging Face hub or a mirror of it (model host). Applies to the next load.'),
      ),
    );
  }

  /** The opt-in remote endpoint, with a Test connection button that offers the models the server serves. */
  private remote(initial: Settings, testConnection: TestConnection): HTMLElement {
    const boxes = this.select<Settings['remote']['boxes']>(
      (s) => s.remote.boxes,
      (s, v) => (s.remote.boxes = v),
      ['absolute', 'Pixels of the image (Qwen2.5-VL)'],
      ['relative-1000', '0 to 1000 (Qwen2-VL, Qwen3-VL)'],
      ['relative-1', '0 to 1 (fractions of the image)'],
    );
    // The models the server said it serves, offered in the Remote model field once tested.
    const servedModels = h('datalist', { id: uid('served-models') });
    const testButton = h('button', { type: 'button', class: 'secondary small' }, 'Test connection');
    const testStatus = h('p', { role: 'status', class: 'hint' });
    testButton.addEventListener('click', () => {
      testButton.disabled = true;
      testStatus.textContent = 'Connecting…';
      void testConnection(this.value(initial)).then(
        ({ message, models }) => {
          testStatus.textContent = message;
          servedModels.replaceChildren(...models.map((m) => h('option', { value: m })));
        },
        (error: unknown) => (testStatus.textContent = error instanceof Error ? error.message : String(error)),
      ).finally(() => (testButton.disabled = false));
    });
    return group(
      'Remote endpoint',
      h('p', { class: 'hint' }, 'An OpenAI-compatible server (e.g. vLLM serving a VRAG-RL checkpoint). Unlike everything else, this sends page images off this device.'),
      this.text('Remote endpoint URL', 'url', (s) => s.remote.endpoint, (s, v) => (s.remote.endpoint = v)),
      this.text('Remote API key', 'password', (s) => s.remote.apiKey, (s, v) => (s.remote.apiKey = v)),
      this.text('Remote model', 'text', (s) => s.remote.model, (s, v) => (s.remote.model = v), 'Test the connection to pick from the models the server serves.', servedModels),
      servedModels,
      field('Box coordinates of that server', boxes, 'Qwen2.5-VL (the VRAG-RL checkpoints) answers in pixels; Qwen2-VL and Qwen3-VL on a 0 to 1000 grid; some servers in fractions (0 to 1).'),
      this.check('Use the remote endpoint (sends page images to that server)', (s) => s.remote.enabled, (s, v) => (s.remote.enabled = v)),
      h('div', { class: 'actions' }, testButton),
      testStatus,
    );
  }

  private submit(initial: Settings, onSave: (settings: Settings) => void): void {
    const draft = this.value(initial);
    const problems = validateSettings(draft);
    if (problems.length) {
      // A refused value may sit in the Advanced section: show it.
      this.element.querySelector('details')!.open = true;
      this.status.className = 'form-status error';
      this.status.textContent = problems.map(inFormWords).join(' ');
      return;
    }
    try {
      onSave(draft);
      this.status.className = 'form-status ok';
      this.status.textContent = 'Settings saved.';
    } catch (error) {
      this.status.className = 'form-status error';
      this.status.textContent = error instanceof Error ? error.message : String(error);
    }
  }

  /** A number field whose limits are the schema's: one place says what a setting may be. */
  private num(label: string, get: NumberPath, set: (s: Settings, v: number) => void, schema: v.GenericSchema, hint?: string): HTMLElement {
    const { min, max, integer } = numberLimits(schema);
    const input = h('input', { type: 'number', inputmode: integer ? 'numeric' : 'decimal', step: integer ? 1 : 0.1, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) });
    this.write.push((s) => (input.value = String(get(s))));
    this.read.push((s) => set(s, input.value.trim() === '' ? NaN : Number(input.value)));
    return field(label, input, hint);
  }

  private text(label: string, type: string, get: (s: Settings) => string, set: (s: Settings, v: string) => void, hint?: string, list?: HTMLDataListElement): HTMLElement {
    const input = h('input', { type, autocomplete: 'off', spellcheck: 'false', ...(list ? { list: list.id } : {}) });
    this.write.push((s) => (input.value = get(s)));
    this.read.push((s) => set(s, input.value.trim()));
    return field(label, input, hint);
  }

  private check(label: string, get: (s: Settings) => boolean, set: (s: Settings, v: boolean) => void, hint?: string): HTMLElement {
    const input = h('input', { type: 'checkbox' });
    this.write.push((s) => (input.checked = get(s)));
    this.read.push((s) => set(s, input.checked));
    const box = h('label', { class: 'check' }, input, ` ${label}`);
    return hint ? h('div', {}, box, h('p', { class: 'hint' }, hint)) : box;
  }

  /** A choice among fixed values, each as [value, label]. */
  private select<T extends string>(get: (s: Settings) => T, set: (s: Settings, v: T) => void, ...options: [T, string][]): HTMLSelectElement {
    const select = h('select', {}, ...options.map(([value, label]) => h('option', { value }, label)));
    this.write.push((s) => (select.value = get(s)));
    this.read.push((s) => set(s, select.value as T));
    return select;
  }
}
