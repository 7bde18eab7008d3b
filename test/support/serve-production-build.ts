/**
 * A dev-server plugin for the browser tests: the production build's files under
 * /__production__/, byte for byte. The dev server would otherwise transform the minified
 * bundles (and Vitest instruments their dynamic imports), which is no longer the code users run.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { Plugin } from 'vite';
import { PRODUCTION_BUILD } from './production-build.ts';

export const PRODUCTION_PREFIX = '/__production__/';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.txt': 'text/plain',
};

export function serveProductionBuild(): Plugin {
  return {
    name: 'serve-production-build',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const url = request.url ?? '';
        if (!url.startsWith(PRODUCTION_PREFIX)) return next();
        const path = normalize(join(PRODUCTION_BUILD, decodeURIComponent(url.slice(PRODUCTION_PREFIX.length).split('?')[0]!)));
        if (!path.startsWith(PRODUCTION_BUILD) || !existsSync(path) || !statSync(path).isFile()) {
          response.statusCode = 404;
          response.end('not in the production build');
          return;
        }
        response.setHeader('content-type', TYPES[extname(path)] ?? 'application/octet-stream');
        response.setHeader('content-length', statSync(path).size);
        createReadStream(path).pipe(response);
      });
    },
  };
}
