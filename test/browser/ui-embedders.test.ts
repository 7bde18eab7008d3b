import { afterAll, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { deleteCachedModel, importModelFolder, LOCAL_FOLDER_HOST } from '../../src/models/cache.ts';
import { startApp } from '../../src/ui/app.ts';
import { DEFAULT_SETTINGS, saveSettings, SETTINGS_KEY } from '../../src/ui/settings-store.ts';
import { fetchShared } from '../support/scripted.ts';
import { modelFolder } from '../support/test-models.ts';

const MODEL = 'ui-text-embedder';
/** A vision-language model's folder (config.json says qwen2_5_vl): never offered as a search model. */
const VLM_FOLDER = 'ui-embedders-vlm';
const dbName = `ui-embedders-${Date.now()}`;

afterAll(async () => {
  localStorage.removeItem(SETTINGS_KEY);
  await deleteCachedModel(MODEL, LOCAL_FOLDER_HOST);
  await deleteCachedModel(VLM_FOLDER, LOCAL_FOLDER_HOST);
  indexedDB.deleteDatabase(dbName);
});

it('a text search model loaded from the models panel embeds the pages already in the library', { timeout: 90_000 }, async () => {
  await importModelFolder(MODEL, await modelFolder('Xenova/multilingual-e5-small'));
  await importModelFolder(VLM_FOLDER, [
    { path: 'config.json', data: new Blob([JSON.stringify({ model_type: 'qwen2_5_vl' })]) },
    { path: 'onnx/decoder_model_merged.onnx', data: new Blob([new Uint8Array(16)]) },
  ]);
  saveSettings(localStorage, { ...DEFAULT_SETTINGS, device: 'wasm' });
  const app = startApp(document.body, { libraryName: dbName });
  try {
    await app.ready;
    const [result] = await app.library.addFiles([{ name: 'slide.jpg', data: await fetchShared('corpora/vrag-slides/slide_1_1024.jpg') }]);
    expect(result!.status).toBe('added');
    await app.modelsReady;
    await userEvent.click(page.getByRole('button', { name: 'Models and settings' }));
    const models = page.getByRole('region', { name: 'Models and settings' });
    // Each search model is offered only folders of its kind (by config.json's model_type): a VLM folder is in neither list.
    const offered = (label: string) => [...(models.getByLabelText(label).element() as HTMLSelectElement).options].map((o) => o.value);
    expect(offered('Text search model')).toContain(`folder:${MODEL}`);
    expect(offered('Text search model')).not.toContain(`folder:${VLM_FOLDER}`);
    expect(offered('Image search model')).not.toContain(`folder:${VLM_FOLDER}`);
    expect(offered('Image search model')).not.toContain(`folder:${MODEL}`);
    await userEvent.selectOptions(models.getByLabelText('Text search model'), `folder:${MODEL}`);
    await userEvent.click(models.getByRole('button', { name: 'Load text search model' }));
    await expect.element(models.getByText(`Loaded ${MODEL} (32 dimensions) on WASM; 1 page embedded.`), { timeout: 30_000 }).toBeVisible();
    const hits = await app.library.asRetriever().search('superconsumers', 5);
    expect(hits[0]!.signals).toEqual(expect.arrayContaining(['bm25', 'text-dense']));
  } finally {
    app.close();
    document.body.replaceChildren();
  }
});
