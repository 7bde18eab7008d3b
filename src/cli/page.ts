/** The headless entry page: exposes the command-line tools' in-browser halves to scripts/headless. */
import { describeError } from '../errors.ts';
import { runEvaluation, type EvalConfig } from '../eval/runner.ts';
import { ask, type AskConfig } from './ask.ts';

type Outcome<T> = { ok: true; value: T } | { ok: false; message: string; code?: string };

declare global {
  interface Window {
    /** Set by scripts/headless (Playwright's exposeFunction): the tools' progress lines. */
    vragLog?: (line: string) => void;
    vragHeadless?: HeadlessApi;
  }
}

const log = (line: string) => window.vragLog?.(line);

async function settle<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { ok: false, message: describeError(error), ...(code ? { code } : {}) };
  }
}

const api = {
  ask: (config: AskConfig) => settle(() => ask(config, log)),
  evaluate: (config: EvalConfig) => settle(() => runEvaluation(config, log)),
};

export type HeadlessApi = typeof api;
window.vragHeadless = api;
