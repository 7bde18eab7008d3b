/** Runs once before all tests: generates the tiny test models (skipped when already current). */
import { generateTestModels } from '../../scripts/test-models/generate.ts';

export default function setup(): void {
  generateTestModels();
}
