import { afterAll, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { deleteCachedModel, importModelFolder, LOCAL_FOLDER_HOST, type FolderFile } from '../../src/models/cache.ts';
import { startApp } from '../../src/ui/app.ts';
import { DEFAULT_SETTINGS, saveSettings, SETTINGS_KEY } from '../../src/ui/settings-store.ts';
import { shoot } from './ui-support.ts';
import { modelFolder, SCRIPTED_VLM } from '../support/test-models.ts';

const MODEL = 'ui-scripted-vlm';
const DAMAGED = 'ui-damaged-vlm';
const dbName = `ui-model-${Date.now()}`;

afterAll(async () => {
  localStorage.removeItem(SETTINGS_KEY);
  await deleteCachedModel(MODEL, LOCAL_FOLDER_HOST);
  await deleteCachedModel(DAMAGED, LOCAL_FOLDER_HOST);
  localStorage.removeItem('vrag-last-model');
  indexedDB.deleteDatabase(dbName);
});

it('a model imported from a folder loads from the model manager and answers a question end to end', { timeout: 90_000 }, async () => {
  const files: FolderFile[] = await modelFolder(SCRIPTED_VLM.absolute);
  await importModelFolder(MODEL, files);
  saveSettings(localStorage, { ...DEFAULT_SETTINGS, device: 'wasm', maxActions: 2, maxNewTokens: 96 });
  await page.viewport(1280, 1000);
  const app = startApp(document.body, { libraryName: dbName });
  try {
    await app.modelsReady;
    await userEvent.click(page.getByRole('button', { name: 'Models and settings' }));
    const models = page.getByRole('region', { name: 'Models and settings' });
    await expect.element(models.getByRole('list', { name: 'Models on this device' }).getByText(new RegExp(`^${MODEL} — \\d`))).toBeVisible();
    await expect.element(models.getByRole('button', { name: `Delete ${MODEL}` })).toBeVisible();

    await userEvent.fill(page.getByLabelText('Question', { exact: true }), 'What is on the slide?');
    await userEvent.click(page.getByRole('button', { name: 'Ask' }));
    await expect.element(page.getByRole('region', { name: 'Answer' }).getByText(/No model is loaded yet/)).toBeVisible();
    await userEvent.selectOptions(models.getByLabelText('Vision-language model'), `folder:${MODEL}`);
    await userEvent.click(models.getByRole('button', { name: 'Load', exact: true }));
    await expect.element(models.getByText(`Loaded ${MODEL} on WASM (f32)`), { timeout: 30_000 }).toBeVisible();
    await shoot('ui-models-loaded');

    // The "no model" message left by the early question goes once the model is there.
    expect(page.getByRole('region', { name: 'Answer' }).element().textContent).not.toContain('No model is loaded yet');
    const ask = page.getByRole('region', { name: 'Ask' });
    // Which model, where it runs, and how big it is.
    expect(ask.element().textContent).toMatch(new RegExp(`Answers with ${MODEL} on WASM \\(\\d+(\\.\\d)? [kMG]?B\\)\\.`));
    await userEvent.fill(page.getByLabelText('Question', { exact: true }), 'What is on the slide?');
    await userEvent.click(page.getByRole('button', { name: 'Ask' }));
    // The library is empty: the scripted model searches, finds nothing, and the budget ends the run honestly.
    const answer = page.getByRole('region', { name: 'Answer' });
    await expect.element(answer.getByText('No answer found', { exact: true }), { timeout: 30_000 }).toBeVisible();
    // The run says how far it got, how long it took and how fast the model wrote.
    expect(ask.element().querySelector('.run-status')?.textContent).toMatch(/^Took 2 of at most 2 · \d+(\.\d)? s · about \d+ tokens\/s$/);
    const log = page.getByRole('log', { name: 'Reasoning trace' }).element();
    expect(log.querySelectorAll('article.turn')).toHaveLength(2);
    expect(log.textContent).toContain('MasterCard Outbound Trips CAGR India');
    expect(log.textContent).toContain('The search returned no pages');
    // Why is said once, under the answer; the trace only marks the end.
    expect(answer.element().textContent).toContain('the model did not answer within 2 actions');
    expect(log.querySelector('.end-no-answer')?.textContent).toBe('Ended without an answer.');
    expect(log.textContent).not.toContain('did not answer within');
    expect(log.querySelector('.stream')!.textContent!.length).toBeGreaterThan(0);
    await shoot('ui-ask-scripted-model');
  } finally {
    app.close();
    document.body.replaceChildren();
  }

  // On the next visit the model used last loads again by itself: from the first moment Ask says it
  // is loading (never "no model"), and a question asked meanwhile waits for it, then runs.
  const again = startApp(document.body, { libraryName: dbName });
  try {
    const ask = page.getByRole('region', { name: 'Ask' });
    expect(ask.element().textContent).toContain(`Loading ${MODEL}`);
    expect(ask.element().textContent).not.toContain('No model loaded');
    await userEvent.fill(page.getByLabelText('Question', { exact: true }), 'What is on the slide now?');
    await userEvent.click(page.getByRole('button', { name: 'Ask', exact: true }));
    const answer = page.getByRole('region', { name: 'Answer' });
    await expect.element(answer.getByText(new RegExp(`Waiting for ${MODEL} to finish loading`))).toBeVisible();
    await expect.element(answer.getByText('No answer found', { exact: true }), { timeout: 60_000 }).toBeVisible();
    expect(answer.element().textContent).not.toContain('No model is loaded yet');
    await again.modelsReady;
    await expect.element(page.getByText(new RegExp(`Answers with ${MODEL} on WASM`)), { timeout: 30_000 }).toBeVisible();
    expect(again.session.vlm.value?.label).toBe(MODEL);
    // The question asked before the reload is in the history, and replays from it.
    const earlier = page.getByRole('list', { name: 'History' });
    await expect.element(earlier.getByText('What is on the slide?')).toBeVisible();
    expect(earlier.element().textContent).toContain('No answer found');
    await userEvent.click(earlier.getByRole('button', { name: /What is on the slide\?/ }));
    await expect.element(page.getByText(/Replay of “What is on the slide\?”: step 2 of 2/)).toBeVisible();
  } finally {
    again.close();
    document.body.replaceChildren();
    localStorage.removeItem('vrag-last-model');
  }
});

it('Models and settings is a drawer over the page: keyboard, Escape, delete asks first, a damaged folder is not kept chosen', { timeout: 60_000 }, async () => {
  // A damaged folder, saved as the model used last.
  // A model folder cut short, as an interrupted copy leaves it (its config.json half written).
  await importModelFolder(DAMAGED, [
    { path: 'config.json', data: new Blob(['{"model_type": "qwen2_5_vl", "vision_con']) },
    { path: 'onnx/decoder_model_merged.onnx', data: new Blob([new Uint8Array(64)]) },
  ]);
  localStorage.setItem('vrag-last-model', `folder:${DAMAGED}`);
  saveSettings(localStorage, { ...DEFAULT_SETTINGS, device: 'wasm' });
  await page.viewport(1280, 800);
  const app = startApp(document.body, { libraryName: dbName });
  try {
    await app.modelsReady;
    // The failed load is not left chosen, nor loaded again next time.
    expect(localStorage.getItem('vrag-last-model')).toBeNull();
    const library = page.getByRole('region', { name: 'Library' }).element();
    const widthBefore = library.getBoundingClientRect().width;

    // The header button opens the drawer from the keyboard; the library keeps its width.
    const toggle = page.getByRole('button', { name: 'Models and settings' });
    (toggle.element() as HTMLElement).focus();
    await userEvent.keyboard('{Enter}');
    const models = page.getByRole('region', { name: 'Models and settings' });
    await expect.element(models).toBeVisible();
    const drawer = models.element() as HTMLElement;
    expect(library.getBoundingClientRect().width).toBe(widthBefore);
    for (const name of ['Model that answers', 'Search models', 'Settings']) await expect.element(models.getByRole('heading', { name, exact: true })).toBeVisible();
    // The error says to pick the folder again, never to download it.
    const status = models.element().querySelector('.model-status')?.textContent ?? '';
    expect(status).toMatch(new RegExp(`^Could not load ${DAMAGED}: .*Pick the folder again with “Load a model from a folder”`));
    expect(status).not.toMatch(/download it again/i);
    expect((models.getByLabelText('Vision-language model').element() as HTMLSelectElement).value).not.toBe(`folder:${DAMAGED}`);
    await shoot('ui-models-drawer-1280');

    // Deleting asks first, naming the model and its size; Escape keeps it (and leaves the drawer open).
    const remove = models.getByRole('button', { name: `Delete ${DAMAGED}` });
    await userEvent.click(remove);
    const confirm = models.getByRole('group', { name: `Delete ${DAMAGED}?` });
    await expect.element(confirm.getByText(new RegExp(`^Delete ${DAMAGED} \\(\\d+ B\\) from this device\\? To use it again, load its folder again\\.$`))).toBeVisible();
    await userEvent.keyboard('{Escape}');
    await expect.element(confirm).not.toBeInTheDocument();
    await expect.element(models).toBeVisible();
    expect(document.activeElement).toBe(remove.element());
    // Space presses the button like a click; then confirm with Enter on "Delete".
    await userEvent.keyboard(' ');
    await expect.element(confirm).toBeVisible();
    (confirm.getByRole('button', { name: 'Delete', exact: true }).element() as HTMLElement).focus();
    await userEvent.keyboard('{Enter}');
    await expect.element(models.getByText(`Deleted ${DAMAGED}`, { exact: false })).toBeVisible();
    expect(models.getByRole('list', { name: 'Models on this device' }).element().textContent).not.toContain(DAMAGED);

    // Escape closes the drawer, and the cursor is back on the button that opened it.
    await userEvent.keyboard('{Escape}');
    await expect.poll(() => drawer.hidden).toBe(true);
    expect(document.activeElement).toBe(toggle.element());
    expect(toggle.element().getAttribute('aria-expanded')).toBe('false');

    // On a phone it takes the whole screen.
    await page.viewport(390, 844);
    await userEvent.keyboard(' ');
    await expect.element(models).toBeVisible();
    const box = models.element().getBoundingClientRect();
    expect([box.left, box.width]).toEqual([0, window.innerWidth]);
    await shoot('ui-models-drawer-390');
    await userEvent.click(models.getByRole('button', { name: 'Hide models and settings' }));
    await expect.poll(() => drawer.hidden).toBe(true);

    // "Add documents" opens the file picker with Enter, not only Space.
    const add = page.getByLabelText('Add documents', { exact: true }).element() as HTMLInputElement;
    let opened = 0;
    add.addEventListener('click', (e) => (opened++, e.preventDefault()));
    add.focus();
    await userEvent.keyboard('{Enter}');
    expect(opened).toBe(1);
  } finally {
    app.close();
    document.body.replaceChildren();
    await page.viewport(1280, 1000);
  }
});
