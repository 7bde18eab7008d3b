import { afterAll, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { deleteCachedModel, importModelFolder, LOCAL_FOLDER_HOST } from '../../src/models/cache.ts';
import { parseTrajectory } from '../../src/schemas/trajectory.ts';
import { startApp, type App } from '../../src/ui/app.ts';
import { DEFAULT_SETTINGS, loadSettings, saveSettings, SETTINGS_KEY } from '../../src/ui/settings-store.ts';
import { serializePdf } from '../support/pdf.ts';
import { modelFolder } from '../support/test-models.ts';
import { shoot } from './ui-support.ts';

/** The generated general model: it replies in the `tools` format (JSON objects), the slide episode's four steps. */
const MODEL = 'ui-tools-vlm';
const dbName = `ui-prompt-format-${Date.now()}`;
const QUESTION = 'What is the CAGR of outbound trips from India?';
const TOOLS = 'Tool calls in JSON (for general instruction-tuned models)';

afterAll(async () => {
  localStorage.removeItem(SETTINGS_KEY);
  localStorage.removeItem('vrag-last-model');
  await deleteCachedModel(MODEL, LOCAL_FOLDER_HOST);
  indexedDB.deleteDatabase(dbName);
});

/** A one-page PDF the shape of the slide the scripted model's boxes were written for (4:3), with the words its search asks for. */
function tripsPdf(): File {
  const text = 'BT /F1 28 Tf 60 600 Td (MasterCard Outbound Trips CAGR India 13.0%) Tj ET';
  const font = '/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1024 768] /Contents 3 0 R /Resources << /Font << ${font} >> >> >>`,
  ];
  return new File([serializePdf(objects)], 'trips.pdf', { type: 'application/pdf' });
}

/** Asks and waits for the run to be kept in the history: its trajectory, as stored. */
async function ask(app: App) {
  const before = (await app.session.store.listRuns()).length;
  await userEvent.fill(page.getByLabelText('Question', { exact: true }), QUESTION);
  await userEvent.click(page.getByRole('button', { name: 'Ask', exact: true }));
  let runs = await app.session.store.listRuns();
  for (const started = performance.now(); runs.length === before; runs = await app.session.store.listRuns()) {
    if (performance.now() - started > 60_000) throw new Error('timed out waiting for the run in the history');
    await new Promise((r) => setTimeout(r, 100));
  }
  return parseTrajectory(runs[0]!.trajectory);
}

it('the prompt format is a setting of the model: a general model asked in tool-call JSON answers, and the choice is kept for it', { timeout: 120_000 }, async () => {
  await importModelFolder(MODEL, await modelFolder('scripted-tools-qwen2.5-vl'));
  saveSettings(localStorage, { ...DEFAULT_SETTINGS, device: 'wasm', maxActions: 4 });
  await page.viewport(1280, 900);
  const app = startApp(document.body, { libraryName: dbName });
  try {
    await app.ready;
    await userEvent.upload(page.getByLabelText('Add documents'), [tripsPdf()]);
    await expect.element(page.getByRole('button', { name: 'Open trips.pdf' }), { timeout: 30_000 }).toBeVisible();
    await app.modelsReady;
    await userEvent.click(page.getByRole('button', { name: 'Models and settings', exact: true }));
    const models = page.getByRole('region', { name: 'Models and settings' });
    const format = models.getByRole('group', { name: 'Prompt format' });
    const vragChoice = format.getByRole('radio', { name: 'VRAG (for VRAG-trained checkpoints)' });
    const toolsChoice = format.getByRole('radio', { name: TOOLS });
    // No model yet: nothing to choose the format of.
    await expect.element(toolsChoice).toBeDisabled();
    await userEvent.selectOptions(models.getByLabelText('Vision-language model'), `folder:${MODEL}`);
    await userEvent.click(models.getByRole('button', { name: 'Load', exact: true }));
    await expect.element(models.getByText(`Loaded ${MODEL} on WASM (f32)`), { timeout: 30_000 }).toBeVisible();
    // Every model starts in the VRAG format, and the line under the choice names the model it is for.
    await expect.element(toolsChoice).toBeEnabled();
    await expect.element(vragChoice).toBeChecked();
    await expect.element(format.getByText(new RegExp(`^How the app talks to ${MODEL}\\. Kept for each model\\.`))).toBeVisible();

    // Asked in VRAG's tags, this general model's JSON replies are no actions: no answer.
    await userEvent.click(page.getByRole('button', { name: 'Hide models and settings' }));
    const vrag = await ask(app);
    expect(vrag.promptStyle ?? 'vrag').toBe('vrag');
    expect(vrag.outcome.status).not.toBe('answered');

    await userEvent.click(page.getByRole('button', { name: 'Models and settings', exact: true }));
    await userEvent.click(toolsChoice);
    (format.element() as HTMLElement).scrollIntoView({ block: 'center' });
    await shoot('ui-prompt-format');
    await userEvent.click(models.getByRole('button', { name: 'Save settings' }));
    await expect.element(models.getByText('Settings saved.')).toBeVisible();
    expect(loadSettings(localStorage).promptStyles).toEqual([[MODEL, 'tools']]);
    await userEvent.click(page.getByRole('button', { name: 'Hide models and settings' }));

    // In tool-call JSON it searches, zooms twice and answers; the trajectory records the style.
    const tools = await ask(app);
    expect(tools.promptStyle).toBe('tools');
    expect(tools.outcome).toMatchObject({ status: 'answered', answer: '13.0%' });
    expect(tools.turns.map((t) => t.action?.kind)).toEqual(['search', 'bbox', 'bbox', 'answer']);
    await expect.element(page.getByRole('region', { name: 'Answer' }).getByText('13.0%', { exact: true })).toBeVisible();
  } finally {
    app.close();
    document.body.replaceChildren();
  }

  // Next visit: the model loads again by itself, and its format is still the one chosen for it.
  const again = startApp(document.body, { libraryName: dbName });
  try {
    await again.modelsReady;
    await expect.element(page.getByText(new RegExp(`Answers with ${MODEL} on WASM`)), { timeout: 30_000 }).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Models and settings', exact: true }));
    await expect.element(page.getByRole('region', { name: 'Models and settings' }).getByRole('radio', { name: TOOLS })).toBeChecked();
  } finally {
    again.close();
    document.body.replaceChildren();
  }
});
