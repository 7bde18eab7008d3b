/** The e2e project's global setup: the shared production build (index.html with the service worker). */
import { buildForTests } from '../../support/production-build.ts';

export default function setup(): Promise<void> {
  return buildForTests();
}
