/// <reference lib="webworker" />
/**
 * The service worker: precaches the shell and every runtime asset (ORT WASM, pdf.js worker,
 * CMaps and fonts, OCR models) so the app works offline, and serves them with the
 * cross-origin-isolation headers a static host may not send. Model weights are cached by
 * transformers.js itself in Cache Storage, so there is deliberately no runtime caching rule.
 */
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { withIsolationHeaders } from './isolation.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

// A new build takes over at once (the app keeps no state in the worker), and the first visit is controlled without waiting.
void self.skipWaiting();
clientsClaim();
addPlugins([{ handlerWillRespond: async ({ response }) => withIsolationHeaders(response) }]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));
