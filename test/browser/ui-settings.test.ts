import { afterEach, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { SettingsForm } from '../../src/ui/settings-form.ts';
import { DEFAULT_SETTINGS, loadSettings, saveSettings, SETTINGS_KEY, type Settings } from '../../src/ui/settings-store.ts';
import './ui-support.ts';

afterEach(() => {
  localStorage.removeItem(SETTINGS_KEY);
  document.body.replaceChildren();
});

function mount(initial: Settings) {
  const saved: Settings[] = [];
  const form = new SettingsForm(initial, (next) => {
    saveSettings(localStorage, next);
    saved.push(next);
  });
  document.body.append(form.element);
  return saved;
}

it('settings typed into the form are saved to localStorage and come back in a new form', async () => {
  const saved = mount(loadSettings(localStorage));
  await userEvent.fill(page.getByLabelText('Max actions'), '6');
  // The numbers only an expert tunes wait behind "Advanced settings", each with a line on what it does.
  await expect.element(page.getByLabelText('Pages per search')).not.toBeVisible();
  await userEvent.click(page.getByText('Advanced settings'));
  await expect.element(page.getByText(/How many pages each search brings back/)).toBeVisible();
  // Plain words in the labels; the precise term stays in each one's hint.
  const labels = [...document.querySelectorAll('label, legend, summary')].map((l) => l.textContent).join(' | ');
  expect(labels).not.toMatch(/BM25|image tokens|top-k|DeepStack|transformers\.js|embedding/i);
  await expect.element(page.getByText(/\(BM25 weight\)/)).toBeVisible();
  await expect.element(page.getByText(/\(min image tokens; VRAG-RL uses 256\)/)).toBeVisible();
  await userEvent.fill(page.getByLabelText('Pages per search'), '4');
  await userEvent.fill(page.getByLabelText('Weight of matching words'), '0.5');
  await userEvent.fill(page.getByLabelText('Weight of page appearance'), '0');
  await userEvent.fill(page.getByLabelText('Most detail of page images (visual tokens)'), '1024');
  await userEvent.fill(page.getByLabelText('Download models from'), 'https://hf-mirror.example/');
  await userEvent.selectOptions(page.getByLabelText('Device'), 'Processor (WASM)');
  await userEvent.fill(page.getByLabelText('Tries to compare'), '3');
  await userEvent.click(page.getByLabelText('Only allow actions after thinking'));
  await userEvent.fill(page.getByLabelText('Remote endpoint URL'), 'http://gpu-box:8000/v1');
  await userEvent.fill(page.getByLabelText('Remote model'), 'vrag');
  await userEvent.selectOptions(page.getByLabelText('Box coordinates of that server'), 'relative-1000');
  await userEvent.click(page.getByLabelText('Use the remote endpoint (sends page images to that server)'));
  await userEvent.click(page.getByRole('button', { name: 'Save settings' }));
  await expect.element(page.getByText('Settings saved.')).toBeVisible();

  const expected: Settings = {
    ...DEFAULT_SETTINGS,
    maxActions: 6,
    topK: 4,
    weights: { bm25: 0.5, textDense: 1, imageDense: 0 },
    maxVisualTokens: 1024,
    modelHost: 'https://hf-mirror.example/',
    device: 'wasm',
    bestOfN: 3,
    constrainActions: true,
    remote: { enabled: true, endpoint: 'http://gpu-box:8000/v1', apiKey: '', model: 'vrag', boxes: 'relative-1000' },
  };
  expect(saved).toEqual([expected]);
  expect(JSON.parse(localStorage.getItem(SETTINGS_KEY)!)).toEqual(expected);

  document.body.replaceChildren();
  mount(loadSettings(localStorage));
  await expect.element(page.getByLabelText('Max actions')).toHaveValue(6);
  await expect.element(page.getByLabelText('Download models from')).toHaveValue('https://hf-mirror.example/');
  await expect.element(page.getByLabelText('Device')).toHaveValue('wasm');
  await expect.element(page.getByLabelText('Use the remote endpoint (sends page images to that server)')).toBeChecked();
});

it('invalid values are refused with the reason and nothing is saved', async () => {
  const saved = mount(DEFAULT_SETTINGS);
  await userEvent.fill(page.getByLabelText('Max actions'), '0');
  await userEvent.click(page.getByText('Advanced settings'));
  await userEvent.fill(page.getByLabelText('Least detail of page images (visual tokens)'), '900');
  await userEvent.click(page.getByText('Advanced settings')); // closed again: the refusal opens it
  await userEvent.click(page.getByRole('button', { name: 'Save settings' }));
  await expect.element(page.getByLabelText('Least detail of page images (visual tokens)')).toBeVisible();
  await expect.element(page.getByText(/Max actions must be a whole number from 1 to 50\. “Most detail of page images \(visual tokens\)” must be at least “Least detail of page images \(visual tokens\)”\./)).toBeVisible();
  expect(saved).toEqual([]);
  expect(localStorage.getItem(SETTINGS_KEY)).toBeNull();
});
