/** The command-line tests run the shared production build's headless page (test/support/production-build.ts). */
import { generateTestModels } from '../../scripts/test-models/generate.ts';
import { buildForTests } from '../support/production-build.ts';

export default async function setup(): Promise<void> {
  await generateTestModels();
  await buildForTests();
}
