/**
 * A stand-in for the model hub on localhost: serves `<root>/<model>/<file>` at
 * `/<model>/resolve/<revision>/<file>`, the URLs transformers.js and the app request from
 * huggingface.co, with Range support as the hub has. Records every path asked for.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface LocalHub {
  url: string;
  /** Repository paths requested so far, e.g. `onnx-community/x/config.json`. */
  requested: string[];
  close(): Promise<void>;
}

export async function serveHub(root: string): Promise<LocalHub> {
  const requested: string[] = [];
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const match = /^\/(.+?)\/resolve\/[^/]+\/(.+)$/.exec(pathname);
    const path = match ? normalize(join(root, match[1]!, match[2]!)) : '';
    if (match) requested.push(`${match[1]}/${match[2]}`);
    if (!match || !path.startsWith(root) || !existsSync(path) || !statSync(path).isFile()) {
      response.writeHead(404).end('Entry not found');
      return;
    }
    const body = readFileSync(path);
    const type = path.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
    if (range) {
      const [start, end] = [Number(range[1]), Math.min(Number(range[2]), body.length - 1)];
      response.writeHead(206, { 'content-type': type, 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end - start + 1 });
      response.end(body.subarray(start, end + 1));
      return;
    }
    response.writeHead(200, { 'content-type': type, 'content-length': body.length });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, requested, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
