import { afterAll, afterEach, expect, it } from 'vitest';
import { commands, page, userEvent } from 'vitest/browser';
import { remoteAnswerer } from '../../src/policies/answerer.ts';
import { applyConnectPolicy } from '../../src/pwa/csp.ts';
import { startApp, type App } from '../../src/ui/app.ts';
import { SETTINGS_KEY } from '../../src/ui/settings-store.ts';
import type { OpenAiServerOptions } from '../support/openai-server.ts';
import './ui-support.ts';

const server = {
  start: (options: OpenAiServerOptions) => commands.openAiServer({ op: 'start', options }),
  stop: () => commands.openAiServer({ op: 'stop' }),
};
let app: App | null = null;
const dbName = `ui-remote-${Date.now()}`;
afterEach(() => {
  app?.close();
  app = null;
  document.body.replaceChildren();
  document.head.querySelector('meta[data-connect-policy]')?.remove();
  localStorage.removeItem(SETTINGS_KEY);
});
afterAll(async () => {
  await server.stop();
  indexedDB.deleteDatabase(dbName);
});

it('an endpoint saved after the page loaded answers at once: test connection, save, ask, no reload', async () => {
  const { baseUrl } = await server.start({ replies: [{ text: '<think>The library is empty.</think>\n<answer>42</answer>' }], models: ['vrag-rl-7b', 'qwen2.5-vl-7b'] });
  // What main.ts applies at load: this origin and the model host only.
  applyConnectPolicy({ modelHost: 'https://huggingface.co/' });
  app = startApp(document.body, { libraryName: dbName });
  await app.ready;
  await userEvent.click(page.getByRole('button', { name: 'Models and settings' }));
  await userEvent.fill(page.getByLabelText('Remote endpoint URL'), baseUrl);
  await userEvent.fill(page.getByLabelText('Remote model'), 'vrag-rl-7b');
  await userEvent.selectOptions(page.getByLabelText('Box coordinates of that server'), 'relative-1000');
  await userEvent.click(page.getByRole('button', { name: 'Test connection' }));
  await expect.element(page.getByText('Connected: it serves vrag-rl-7b, qwen2.5-vl-7b.')).toBeVisible();
  // The served models are offered in the Remote model field.
  const modelField = page.getByLabelText('Remote model').element() as HTMLInputElement;
  expect([...modelField.list!.options].map((o) => o.value)).toEqual(['vrag-rl-7b', 'qwen2.5-vl-7b']);

  await userEvent.click(page.getByLabelText('Use the remote endpoint (sends page images to that server)'));
  await userEvent.click(page.getByRole('button', { name: 'Save settings' }));
  expect(app.settings().remote).toMatchObject({ enabled: true, model: 'vrag-rl-7b', boxes: 'relative-1000' });
  expect(page.getByRole('region', { name: 'Ask' }).element().textContent).toContain('Answers with vrag-rl-7b (remote endpoint).');
  expect(document.querySelector('.tagline')?.textContent).toContain('go to your remote endpoint');
  // Saved: close the drawer (it lies over the page) and ask.
  await userEvent.keyboard('{Escape}');
  expect(page.getByRole('button', { name: 'Models and settings' }).element().getAttribute('aria-expanded')).toBe('false');

  await userEvent.fill(page.getByLabelText('Question', { exact: true }), 'What is on the slide?');
  await userEvent.click(page.getByRole('button', { name: 'Ask' }));
  await expect.element(page.getByRole('region', { name: 'Answer' }).getByText('42', { exact: true })).toBeVisible();

  // The page itself still may not connect there; a request it makes is blocked and named as such.
  await fetch(`${baseUrl}/models`).catch(() => null);
  // Said in the settings, where the endpoint was saved.
  await userEvent.click(page.getByRole('button', { name: 'Models and settings' }));
  await expect.element(page.getByText(/This page blocked a connection to http:\/\/127\.0\.0\.1:\d+: where it may connect is fixed when it loads/)).toBeVisible();
});

it('reads remote boxes in the convention the settings name', () => {
  const generation = { maxNewTokens: 64, visualTokens: { min: 256, max: 512 } };
  const send = () => Promise.reject(new Error('not sent'));
  expect(remoteAnswerer({ endpoint: 'http://x/v1', model: 'm' }, generation, send).policy.vision.convention).toBe('absolute');
  expect(remoteAnswerer({ endpoint: 'http://x/v1', model: 'm', boxes: 'relative-1000' }, generation, send).policy.vision.convention).toBe('relative-1000');
  expect(remoteAnswerer({ endpoint: 'http://x/v1', model: 'm', boxes: 'relative-1' }, generation, send).policy.vision.convention).toBe('relative-1');
});
