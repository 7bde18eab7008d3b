/** The e2e project's global setup: one production build of the app (index.html, service worker) for every e2e file. */
import { buildProductionApp } from './app.ts';

export default async function setup(): Promise<void> {
  await buildProductionApp();
}
