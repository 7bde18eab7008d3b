/**
 * Browser commands: run in Node next to the browser, for what a page cannot do to itself.
 * Call them from browser tests through `commands` of 'vitest/browser'.
 */
import type { CDPSession, Page } from 'playwright';
import type { BrowserCommand } from 'vitest/node';

// DevTools overrides last as long as the session that set them, so sessions are kept per page.
const sessions = new WeakMap<Page, Promise<CDPSession>>();

function devtools(page: Page): Promise<CDPSession> {
  let session = sessions.get(page);
  if (!session) sessions.set(page, (session = page.context().newCDPSession(page)));
  return session;
}

/**
 * Overrides this origin's storage quota (null restores it). Chromium enforces the override on
 * writes, but navigator.storage.estimate() keeps reporting the real quota.
 */
export const setStorageQuota: BrowserCommand<[quotaBytes: number | null]> = async (context, quotaBytes) => {
  if (context.provider.name !== 'playwright') throw new Error('setStorageQuota needs the playwright provider');
  const page = (context as unknown as { page: Page }).page;
  const origin = new URL(page.url()).origin;
  const cdp = await devtools(page);
  await cdp.send('Storage.overrideQuotaForOrigin', quotaBytes === null ? { origin } : { origin, quotaSize: quotaBytes });
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    setStorageQuota: (quotaBytes: number | null) => Promise<void>;
  }
}

import { runOpenAiServerCommand, type OpenAiServerCommand, type OpenAiServerCommandResult } from './openai-server.ts';

/** Starts, inspects and stops a local OpenAI-compatible test server (one per test file). */
export const openAiServer: BrowserCommand<[command: OpenAiServerCommand]> = (context, command) =>
  runOpenAiServerCommand(context.testPath ?? context.sessionId, command);

declare module 'vitest/browser' {
  interface BrowserCommands {
    openAiServer: <C extends OpenAiServerCommand>(command: C) => Promise<OpenAiServerCommandResult<C>>;
  }
}
