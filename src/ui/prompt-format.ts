/**
 * "Prompt format" in the settings: how the app talks to the model that answers, kept for each model
 * (`promptStyles` in the settings, keyed by `modelKey`). VRAG's tags suit VRAG-trained checkpoints;
 * a general instruction-tuned model may do better with the tools described and JSON replies.
 */
import type { PromptStyle } from '../agent/styles.ts';
import { promptStyleFor, withPromptStyle } from '../session/options.ts';
import { h, uid } from './dom.ts';
import type { Settings } from './settings-store.ts';

/** The model the format applies to: its key in the settings and its name in words. */
export interface FormatModel {
  key: string;
  label: string;
}

const OPTIONS: [PromptStyle, string][] = [
  ['vrag', 'VRAG (for VRAG-trained checkpoints)'],
  ['tools', 'Tool calls in JSON (for general instruction-tuned models)'],
];

const KEPT = 'Kept for each model. If a general model’s steps come back as invalid actions, try tool calls in JSON.';

/** Two choices, as radio buttons whose labels wrap in the narrow drawer. */
export class PromptFormatField {
  readonly element: HTMLFieldSetElement;
  private readonly radios: [PromptStyle, HTMLInputElement][];
  private readonly hint = h('p', { class: 'hint', id: uid('format-hint') });
  private model: FormatModel | null = null;
  /** The formats saved for every model: a save changes only the shown model's. */
  private saved: Settings['promptStyles'] = [];

  constructor() {
    const name = uid('prompt-format');
    this.radios = OPTIONS.map(([value]) => [value, h('input', { type: 'radio', name, value })]);
    this.element = h(
      'fieldset',
      { class: 'choice', 'aria-describedby': this.hint.id },
      h('legend', {}, 'Prompt format'),
      ...this.radios.map(([value, input], i) => h('label', { class: 'check', 'data-style': value }, input, ` ${OPTIONS[i]![1]}`)),
      this.hint,
    );
    this.setModel(null, { promptStyles: [] });
  }

  /** Shows the format kept for the model that answers now; with none, the choice waits for one. */
  setModel(model: FormatModel | null, saved: Pick<Settings, 'promptStyles'>): void {
    this.model = model;
    this.element.disabled = !model;
    this.write(saved);
    this.hint.textContent = model ? `How the app talks to ${model.label}. ${KEPT}` : `Load a model to choose how the app talks to it. ${KEPT}`;
  }

  write(settings: Pick<Settings, 'promptStyles'>): void {
    this.saved = settings.promptStyles;
    const style = this.model ? promptStyleFor(new Map(settings.promptStyles), this.model.key) : 'vrag';
    for (const [value, input] of this.radios) input.checked = value === style;
  }

  read(draft: Settings): void {
    const chosen = this.radios.find(([, input]) => input.checked)?.[0];
    draft.promptStyles = this.model && chosen ? withPromptStyle({ promptStyles: this.saved }, this.model.key, chosen) : this.saved;
  }
}
