import { afterEach, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { parseTrajectory } from '../../src/schemas/trajectory.ts';
import { startApp, type App } from '../../src/ui/app.ts';
import { handWrittenPdf } from '../support/pdf.ts';
import { ScriptedPolicy } from '../support/scripted.ts';
import { shoot } from './ui-support.ts';

let app: App | null = null;
const dbName = `ui-scope-${Date.now()}-${Math.random().toString(36).slice(2)}`;
const QUESTION = 'What share of the travel market is online?';

afterEach(() => {
  app?.close();
  app = null;
  document.body.replaceChildren();
  indexedDB.deleteDatabase(dbName);
});

/** Two pages of the same sentence: both documents match the question's words. */
const pdf = (name: string, sentence: string) =>
  new File([handWrittenPdf(2, { content: `BT /F1 18 Tf 20 200 Td (${sentence}) Tj ET`, fonts: '/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>' })], name, { type: 'application/pdf' });

const open = (options: Parameters<typeof startApp>[1] = {}) =>
  startApp(document.body, {
    libraryName: dbName,
    undoDeleteMs: 200,
    answerer: () => ({
      policy: new ScriptedPolicy(['<think>Find the slide.</think><search>travel market share</search>', '<think>Once more.</think><search>travel market share online</search>', '<think>Found.</think><answer>37%</answer>']),
      sampling: null,
    }),
    ...options,
  });

it('"Ask about this document" limits the question to it: the search, the trace and the history say so', { timeout: 90_000 }, async () => {
  await page.viewport(1280, 900);
  app = open();
  await app.ready;
  const library = page.getByRole('region', { name: 'Library' });
  await userEvent.upload(page.getByLabelText('Add documents'), [pdf('slides.pdf', 'Travel market share online slides'), pdf('report.pdf', 'Travel market share annual report')]);
  await expect.element(library.getByRole('button', { name: 'Open report.pdf' }), { timeout: 30_000 }).toBeVisible();
  await expect.element(library.getByRole('button', { name: 'Open slides.pdf' })).toBeVisible();
  const docs = await app.library.listDocuments();
  const slidesId = docs.find((d) => d.name === 'slides.pdf')!.id;
  // Unscoped, the question's words find pages of both documents.
  const everywhere = await app.session.retriever().search('travel market share', 10);
  expect(new Set(everywhere.map((r) => r.pageId.split(':')[0])).size).toBe(2);

  const ask = page.getByRole('region', { name: 'Ask' });
  await expect.element(ask.getByText('Searching: all documents')).toBeVisible();
  // From the keyboard: the document's row, → to its Ask button, Enter.
  (library.getByRole('button', { name: 'Open slides.pdf' }).element() as HTMLElement).focus();
  await userEvent.keyboard('{ArrowRight}');
  expect(document.activeElement?.getAttribute('aria-label')).toBe('Ask about slides.pdf');
  await userEvent.keyboard('{Enter}');
  expect(document.activeElement).toBe(page.getByLabelText('Question', { exact: true }).element());
  await expect.element(ask.getByText('Searching: 1 of 2 documents: slides.pdf')).toBeVisible();
  // The library's search follows the same scope, and says so.
  await userEvent.fill(page.getByLabelText('Search pages'), 'travel market share');
  const searchResults = library.getByRole('list', { name: 'Search results' });
  await expect.element(searchResults.getByRole('img', { name: 'slides.pdf page 1' })).toBeVisible();
  const listed = [...searchResults.element().querySelectorAll('li')].map((li) => li.textContent ?? '');
  expect(listed.length).toBeGreaterThan(0);
  expect(listed.every((text) => text.startsWith('slides.pdf page'))).toBe(true);
  await expect.element(library.getByText('Searching: 1 of 2 documents: slides.pdf')).toBeVisible();
  // A result opens its page with the words the search matched marked on it.
  await userEvent.click(searchResults.getByTitle('Open slides.pdf page 1'));
  const viewer = page.getByRole('dialog', { name: 'slides.pdf page 1' });
  await expect.element(viewer.getByText(/words your search matched are marked on this page/)).toBeVisible();
  expect(viewer.element().querySelectorAll('.match-box').length).toBeGreaterThanOrEqual(3);
  await userEvent.keyboard('{Escape}');
  await expect.element(viewer).not.toBeInTheDocument();

  // The scope's popover: every document as a checkbox, the picked one checked; Escape closes it.
  await userEvent.click(ask.getByRole('button', { name: 'Choose documents' }));
  const scope = ask.getByRole('group', { name: 'Documents to search' });
  await expect.element(scope.getByRole('checkbox', { name: 'slides.pdf' })).toBeChecked();
  await expect.element(scope.getByRole('checkbox', { name: 'report.pdf' })).not.toBeChecked();
  await expect.element(scope.getByRole('checkbox', { name: 'All documents' })).not.toBeChecked();
  expect(document.activeElement).toBe(scope.getByRole('checkbox', { name: 'All documents' }).element());
  await shoot('ui-scope-popover');
  // Space on "All documents" searches everything; unticking report.pdf then leaves slides.pdf alone.
  await userEvent.keyboard(' ');
  await expect.element(ask.getByText('Searching: all documents')).toBeVisible();
  await userEvent.click(scope.getByRole('checkbox', { name: 'report.pdf' }));
  await expect.element(ask.getByText('Searching: 1 of 2 documents: slides.pdf')).toBeVisible();
  await userEvent.keyboard('{Escape}');
  await expect.element(scope).not.toBeInTheDocument();
  expect(document.activeElement).toBe(ask.getByRole('button', { name: 'Choose documents' }).element());

  await userEvent.fill(page.getByLabelText('Question', { exact: true }), QUESTION);
  await userEvent.click(ask.getByRole('button', { name: 'Ask' }));
  await expect.element(page.getByRole('region', { name: 'Answer' }).getByText('37%', { exact: true })).toBeVisible();
  const log = page.getByRole('log', { name: 'Reasoning trace' });
  expect(log.element().querySelector('.trace-note')?.textContent).toBe('Searching 1 document: slides.pdf');
  // Every page the searches found is one of slides.pdf's.
  const found = [...log.element().querySelectorAll('ul[aria-label="Pages found"] img')].map((img) => img.getAttribute('alt'));
  expect(found.length).toBeGreaterThan(0);
  expect(found.every((alt) => alt?.startsWith('slides.pdf page'))).toBe(true);
  const history = page.getByRole('list', { name: 'History' });
  await expect.element(history.getByText(/37% · in slides\.pdf · /)).toBeVisible();
  await shoot('ui-scope-answered');
  const [run] = await app.session.store.listRuns();
  expect(run!.scope).toEqual({ docIds: [slidesId], names: ['slides.pdf'] });
  const results = parseTrajectory(run!.trajectory).turns.flatMap((t) => t.search?.results ?? []);
  expect(results.length).toBeGreaterThan(0);
  expect(results.every((r) => r.pageId.startsWith(`${slidesId}:`))).toBe(true);
  // An entry from before scopes were kept: it searched all documents.
  const { scope: _, ...older } = run!;
  const oldTrajectory = JSON.stringify({ ...JSON.parse(run!.trajectory), question: 'An older question?' });
  await app.session.store.saveRun({ ...older, id: 'run-old', question: 'An older question?', startedAt: run!.startedAt - 1000, trajectory: oldTrajectory });

  // After a reload the entry still names its document, and opening it brings its scope back.
  app.close();
  document.body.replaceChildren();
  app = open();
  await app.ready;
  const again = page.getByRole('region', { name: 'Ask' });
  await expect.element(again.getByText('Searching: all documents')).toBeVisible();
  await userEvent.click(page.getByRole('list', { name: 'History' }).getByRole('button', { name: new RegExp(QUESTION.replace('?', '\\?')) }));
  await expect.element(page.getByText(/Replay of “What share .*”: step 3 of 3/)).toBeVisible();
  expect([...document.querySelectorAll('.trace-note')].map((n) => n.textContent)).toContain('Searched 1 document: slides.pdf');
  await expect.element(again.getByText('Searching: 1 of 2 documents: slides.pdf')).toBeVisible();
  await userEvent.click(page.getByRole('list', { name: 'History' }).getByRole('button', { name: /An older question\?/ }));
  await expect.element(page.getByText(/Replay of “An older question\?”/)).toBeVisible();
  expect([...document.querySelectorAll('.trace-note')].map((n) => n.textContent)).toContain('Searched all documents');
  await expect.element(again.getByText('Searching: all documents')).toBeVisible();

  // A document deleted from the library leaves the scope; an empty scope searches all, and says so.
  await userEvent.click(page.getByRole('region', { name: 'Library' }).getByRole('button', { name: 'Ask about slides.pdf' }));
  await expect.element(again.getByText('Searching: 1 of 2 documents: slides.pdf')).toBeVisible();
  await userEvent.click(page.getByRole('region', { name: 'Library' }).getByRole('button', { name: 'Delete slides.pdf' }));
  await expect.element(again.getByText('Searching: all documents')).toBeVisible();
  await expect.element(again.getByText('The documents picked are no longer in the library: all documents are searched.')).toBeVisible();
  await expect.poll(async () => (await app!.library.listDocuments()).length, { timeout: 10_000, interval: 100 }).toBe(1);
});
