/** Runs once before all tests: generates the test models (skipped when already current). */
import { generateTestModels } from '../../scripts/test-models/generate.ts';

export default async function setup(): Promise<void> {
  await generateTestModels();
}
