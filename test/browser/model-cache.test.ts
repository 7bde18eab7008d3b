import { afterAll, expect, it } from 'vitest';
import { deleteCachedModel, folderFilesFromHandle, importModelFolder, listCachedModels } from '../../src/models/cache.ts';
import { startEmbedWorker } from '../../src/models/embed/client.ts';
import { loadEmbedder } from '../../src/models/embed/load.ts';
import { LOCAL_FOLDER_HOST, LOCAL_FOLDER_SOURCE } from '../../src/models/hub.ts';
import { startVlmWorker } from '../../src/models/vlm/client.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';
import { modelFolder, Q4_EXTERNAL_VARIANT, registryEmbedderRequest, SCRIPTED_VLM } from '../support/test-models.ts';

afterAll(async () => {
  await deleteCachedModel('my-vrag-checkpoint', LOCAL_FOLDER_HOST);
  await deleteCachedModel('my-e5', LOCAL_FOLDER_HOST);
});

it('a model folder picked by the user is stored once and loads offline through transformers.js, external data included', async () => {
  const files = await modelFolder(SCRIPTED_VLM.relative1000);
  expect(files.some((f) => f.path.endsWith('.onnx_data'))).toBe(true);
  const imported = await importModelFolder('my-vrag-checkpoint', files);
  expect(imported).toMatchObject({ files: files.length, local: true });

  const listed = (await listCachedModels()).find((m) => m.modelId === 'my-vrag-checkpoint');
  expect(listed).toEqual(imported);

  // Loads with remote models off and no local path: only the cache can serve it.
  const client = startVlmWorker(() => {}, APP_WORKERS.vlm);
  try {
    const files = { variant: Q4_EXTERNAL_VARIANT, expected: {} };
    const info = await client.load({ modelId: 'my-vrag-checkpoint', device: 'wasm', files, source: LOCAL_FOLDER_SOURCE });
    expect(info).toMatchObject({ modelId: 'my-vrag-checkpoint', modelType: 'qwen3_vl' });
    const result = await client.generate({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], images: [], maxNewTokens: 64, stop: ['</search>'] }, () => {});
    expect(result).toMatchObject({ stop: 'stop-string', text: expect.stringMatching(/<search>.*<\/search>$/) });
  } finally {
    client.terminate();
  }

  expect(await deleteCachedModel('my-vrag-checkpoint', LOCAL_FOLDER_HOST)).toBe(files.length);
  expect((await listCachedModels()).some((m) => m.modelId === 'my-vrag-checkpoint')).toBe(false);
});

it('a folder from the File System Access API is read recursively', async () => {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle('picked-model', { create: true });
  const onnx = await dir.getDirectoryHandle('onnx', { create: true });
  for (const [parent, name, text] of [[dir, 'config.json', '{}'], [onnx, 'model.onnx', 'x']] as const) {
    const writable = await (await parent.getFileHandle(name, { create: true })).createWritable();
    await writable.write(text);
    await writable.close();
  }
  const files = await folderFilesFromHandle(dir);
  expect(files.map((f) => f.path).sort()).toEqual(['config.json', 'onnx/model.onnx']);
  await root.removeEntry('picked-model', { recursive: true });
});

it('a folder that is not a converted model is refused with what to pick instead', async () => {
  await expect(importModelFolder('x', [{ path: 'README.md', data: new Blob(['hi']) }])).rejects.toThrow(/no config\.json/);
  await expect(importModelFolder('x', [{ path: 'config.json', data: new Blob(['{}']) }])).rejects.toThrow(/no \.onnx files/);
});

it('an e5 model loaded from a folder embeds with its family\'s query: / passage: prefixes, exactly as the registry\'s e5', async () => {
  await importModelFolder('my-e5', await modelFolder('Xenova/multilingual-e5-small'));
  const folder = await loadEmbedder({ kind: 'folder', modelId: 'my-e5', modality: 'text' }, { device: 'wasm', modelHost: 'https://huggingface.co/', createWorker: APP_WORKERS.embed });
  const registry = startEmbedWorker(APP_WORKERS.embed);
  try {
    await registry.load(await registryEmbedderRequest('multilingual-e5-small', 'wasm'));
    for (const role of ['query', 'document'] as const) {
      const [fromFolder, fromRegistry] = await Promise.all([folder.client.embedTexts(['travel'], role), registry.embedTexts(['travel'], role)]);
      expect([role, Array.from(fromFolder.data)]).toEqual([role, Array.from(fromRegistry.data)]);
    }
  } finally {
    folder.client.terminate();
    registry.terminate();
  }
});
