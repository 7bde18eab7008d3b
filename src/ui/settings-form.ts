/** The settings form: every knob of the agent, retrieval, model source and remote endpoint; saved to localStorage. */
import { field, h, uid } from './dom.ts';
import * as v from 'valibot';
import { numberLimits } from '../schemas/parse.ts';
import { SETTINGS_FIELDS } from '../schemas/settings.ts';
import { validateSettings, type Settings } from './settings-store.ts';

type NumberPath = (s: Settings) => number;

export class SettingsForm {
  readonly element: HTMLFormElement;
  private readonly status = h('p', { role: 'status', class: 'form-status' });
  private readonly read: ((s: Settings) => void)[] = [];
  private readonly write: ((s: Settings) => void)[] = [];

  constructor(
    initial: Settings,
    onSave: (settings: Settings) => void,
    /** Checks the remote endpoint typed in the form: a sentence for the user, and the models it serves. */
    testConnection: (draft: Settings) => Promise<{ message: string; models: string[] }> = async () => ({ message: '', models: [] }),
  ) {
    // The form's limits are the schema's: one place says what a setting may be.
    const num = (label: string, get: NumberPath, set: (s: Settings, v: number) => void, schema: v.GenericSchema, hint?: string) => {
      const { min, max, integer } = numberLimits(schema);
      const input = h('input', { type: 'number', inputmode: integer ? 'numeric' : 'decimal', step: integer ? 1 : 0.1, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) });
      this.write.push((s) => (input.value = String(get(s))));
      this.read.push((s) => set(s, input.value.trim() === '' ? NaN : Number(input.value)));
      return field(label, input, hint);
    };
    const text = (label: string, type: string, get: (s: Settings) => string, set: (s: Settings, v: string) => void, hint?: string, list?: HTMLDataListElement) => {
      const input = h('input', { type, autocomplete: 'off', spellcheck: 'false', ...(list ? { list: list.id } : {}) });
      this.write.push((s) => (input.value = get(s)));
      this.read.push((s) => set(s, input.value.trim()));
      return field(label, input, hint);
    };
    const check = (label: string, get: (s: Settings) => boolean, set: (s: Settings, v: boolean) => void, hint?: string) => {
      const input = h('input', { type: 'checkbox' });
      this.write.push((s) => (input.checked = get(s)));
      this.read.push((s) => set(s, input.checked));
      const box = h('label', { class: 'check' }, input, ` ${label}`);
      return hint ? h('div', {}, box, h('p', { class: 'hint' }, hint)) : box;
    };
    const device = h('select', {}, h('option', { value: 'auto' }, 'Automatic'), h('option', { value: 'webgpu' }, 'WebGPU'), h('option', { value: 'wasm' }, 'WASM'));
    this.write.push((s) => (device.value = s.device));
    this.read.push((s) => (s.device = device.value as Settings['device']));

    const boxes = h(
      'select',
      {},
      h('option', { value: 'absolute' }, 'Pixels of the image (Qwen2.5-VL)'),
      h('option', { value: 'relative-1000' }, '0 to 1000 (Qwen2-VL, Qwen3-VL)'),
      h('option', { value: 'relative-1' }, '0 to 1 (fractions of the image)'),
    );
    this.write.push((s) => (boxes.value = s.remote.boxes));
    this.read.push((s) => (s.remote.boxes = boxes.value as Settings['remote']['boxes']));
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
    const group = (legend: string, ...children: HTMLElement[]) => h('fieldset', {}, h('legend', {}, legend), ...children);
    this.element = h(
      'form',
      { class: 'settings-form', novalidate: true },
      group(
        'Answering',
        num('Max actions', (s) => s.maxActions, (s, v) => (s.maxActions = v), SETTINGS_FIELDS.maxActions, 'How many steps (search, zoom, answer) the model may take for one question; the last one must answer.'),
        field('Device', device, 'Where the model runs: WebGPU uses the graphics card, WASM the processor. Applies to the next load.'),
      ),
      // Numbers only someone tuning the agent needs, each with what it does.
      h(
        'details',
        { class: 'advanced' },
        h('summary', {}, 'Advanced settings'),
        group(
          'Agent',
          num('Top-k', (s) => s.topK, (s, v) => (s.topK = v), SETTINGS_FIELDS.topK, 'Pages each search fetches; the model is shown the best one it has not seen yet.'),
          num('Best-of-N samples', (s) => s.bestOfN, (s, v) => (s.bestOfN = v), SETTINGS_FIELDS.bestOfN, 'Above 1: answer N times with some randomness and keep the answer the pages support best (N times slower).'),
          num('Max new tokens', (s) => s.maxNewTokens, (s, v) => (s.maxNewTokens = v), SETTINGS_FIELDS.maxNewTokens, 'The longest reply the model may write in one step.'),
          check('Only allow actions after thinking', (s) => s.constrainActions, (s, v) => (s.constrainActions = v), 'After its thoughts the model may only write <search>, <bbox> or <answer>: fewer wasted steps with small models.'),
        ),
        group(
          'Search',
          num('BM25 weight', (s) => s.weights.bm25, (s, v) => (s.weights.bm25 = v), SETTINGS_FIELDS.bm25, 'How much matching words count when pages are ranked; 0 turns a signal off.'),
          num('Text embedding weight', (s) => s.weights.textDense, (s, v) => (s.weights.textDense = v), SETTINGS_FIELDS.textDense, 'How much matching meaning counts (needs a text search model).'),
          num('Image embedding weight', (s) => s.weights.imageDense, (s, v) => (s.weights.imageDense = v), SETTINGS_FIELDS.imageDense, 'How much what a page looks like counts (needs an image search model).'),
        ),
        group(
          'Images and models',
          num('Min image tokens', (s) => s.minVisualTokens, (s, v) => (s.minVisualTokens = v), SETTINGS_FIELDS.minVisualTokens, 'Each image is resized to between these many visual tokens (VRAG-RL: 256 to 512); more reads finer print, slower.'),
          num('Max image tokens', (s) => s.maxVisualTokens, (s, v) => (s.maxVisualTokens = v), SETTINGS_FIELDS.maxVisualTokens, 'The upper bound of the same range.'),
          text('Model host', 'url', (s) => s.modelHost, (s, v) => (s.modelHost = v), 'The hub or a mirror that models download from; applies to the next load.'),
        ),
      ),
      group(
        'Remote endpoint',
        h('p', { class: 'hint' }, 'An OpenAI-compatible server (e.g. vLLM serving a VRAG-RL checkpoint). Unlike everything else, this sends page images off this device.'),
        text('Remote endpoint URL', 'url', (s) => s.remote.endpoint, (s, v) => (s.remote.endpoint = v)),
        text('Remote API key', 'password', (s) => s.remote.apiKey, (s, v) => (s.remote.apiKey = v)),
        text('Remote model', 'text', (s) => s.remote.model, (s, v) => (s.remote.model = v), 'Test the connection to pick from the models the server serves.', servedModels),
        servedModels,
        field('Box coordinates of that server', boxes, 'Qwen2.5-VL (the VRAG-RL checkpoints) answers in pixels; Qwen2-VL and Qwen3-VL on a 0 to 1000 grid; some servers in fractions (0 to 1).'),
        check('Use the remote endpoint (sends page images to that server)', (s) => s.remote.enabled, (s, v) => (s.remote.enabled = v)),
        h('div', { class: 'actions' }, testButton),
        testStatus,
      ),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save settings')),
      this.status,
    );
    this.set(initial);
    this.element.addEventListener('submit', (e) => {
      e.preventDefault();
      const draft = this.value(initial);
      const problems = validateSettings(draft);
      if (problems.length) {
        // A refused value may sit in the Advanced section: show it.
        this.element.querySelector('details')!.open = true;
        this.status.className = 'form-status error';
        this.status.textContent = problems.join(' ');
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
    });
  }

  set(settings: Settings): void {
    for (const w of this.write) w(settings);
  }

  value(base: Settings): Settings {
    const draft = structuredClone(base);
    for (const r of this.read) r(draft);
    return draft;
  }
}
