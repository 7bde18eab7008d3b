/** Global setup: the production build the worker, command-line and end-to-end tests run. */
import { buildForTests } from './production-build.ts';

export default function setup(): Promise<void> {
  return buildForTests();
}
