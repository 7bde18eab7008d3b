/** Builds the headless app once for all command-line tests (they then reuse it). */
import { buildApp } from '../../scripts/headless/app.ts';
import { generateTestModels } from '../../scripts/test-models/generate.ts';

export default async function setup(): Promise<void> {
  generateTestModels();
  await buildApp(true);
}
