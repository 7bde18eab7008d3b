/**
 * The layer map of README.md ("Architecture"), kept by a test so it cannot drift from the code.
 * Every import of src/ and workers/ is read with Vite's own parser (oxc): static imports,
 * re-exports, dynamic imports and the worker entries named by `new URL('…', import.meta.url)`.
 * Each must follow MAY_IMPORT: there are no exceptions. And the page must never load the model
 * runtimes: nothing its entries import reaches transformers.js, ONNX Runtime or pdf.js, which run
 * in workers only.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseSync } from 'vite';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * What each layer may import (besides itself), bottom to top. `base` is the files at src/'s root:
 * errors, shapes (sizes, rects, raw images, box conventions, pixel bounds), page ids, data URLs, the
 * connection policy. It imports nothing of the app.
 */
const BELOW_SESSION = ['base', 'rpc', 'vectors', 'export', 'store', 'perception', 'models', 'retrieval', 'ingest', 'schemas', 'agent', 'reward', 'policies', 'library'];
const EVAL = ['base', 'vectors', 'export', 'store', 'perception', 'models', 'retrieval', 'schemas', 'agent', 'reward', 'policies', 'session'];

const MAY_IMPORT: Record<string, readonly string[]> = {
  base: [],
  vectors: ['base'],
  export: ['base'],
  rpc: ['base'],
  store: ['base', 'vectors'],
  perception: ['base', 'rpc'],
  models: ['base', 'rpc', 'vectors'],
  retrieval: ['base', 'rpc', 'store', 'vectors'],
  ingest: ['base', 'rpc', 'perception', 'models'],
  schemas: ['base', 'models'],
  agent: ['base', 'perception', 'models', 'retrieval', 'schemas', 'export'],
  reward: ['base', 'agent'],
  policies: ['base', 'rpc', 'perception', 'models', 'agent'],
  library: ['base', 'vectors', 'store', 'retrieval', 'ingest', 'models'],
  pwa: ['base'],
  // Reports of answers (HTML, Markdown, batch tables), from trajectories and stored pages.
  report: ['base', 'export', 'store', 'perception', 'agent', 'reward'],
  // The composition root: everything below it, and the table of worker entries.
  session: [...BELOW_SESSION, 'workers'],
  // The apps, which nothing imports: the evaluation, the headless page (cli) and the app's page (ui).
  eval: EVAL,
  cli: [...EVAL, 'ingest', 'library', 'report', 'eval'],
  ui: [...BELOW_SESSION, 'report', 'session', 'pwa'],
  // Entry files: each exposes one worker API of src/ through src/rpc.
  workers: ['rpc', 'perception', 'models', 'retrieval', 'ingest', 'policies'],
};

/** Page entries (index.html, eval/index.html): what they import runs on the page. */
const PAGE_ENTRIES = ['src/ui/main.ts', 'src/cli/page.ts'];

/** Runtimes that run in workers only. */
const WORKER_ONLY_PACKAGES = ['@huggingface/transformers', 'onnxruntime-web', 'pdfjs-dist'];

interface Edge {
  from: string;
  /** A repository path for relative imports, else the package name. */
  to: string;
  /**
   * 'type': erased at build time (`import type`, `export type`); 'worker': a worker entry
   * (`new URL('…', import.meta.url)` or a `?worker` import), another bundle; 'asset': a file's URL
   * (`?url`), not code; 'code': loaded with the importer.
   */
  kind: 'code' | 'type' | 'worker' | 'asset';
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

function edgesOf(file: string): Edge[] {
  const source = readFileSync(file, 'utf8');
  const { module, errors } = parseSync(file, source);
  if (errors.length > 0) throw new Error(`${file}: ${errors[0]!.message}`);
  const from = relative(ROOT, file);
  const edge = (specifier: string, kind: Edge['kind']): Edge => {
    const [path, query = ''] = specifier.split('?') as [string, string?];
    const to = path.startsWith('.') ? relative(ROOT, resolve(dirname(file), path)) : packageName(path);
    return { from, to, kind: /\bworker\b/.test(query) ? 'worker' : /\b(url|raw)\b/.test(query) ? 'asset' : kind };
  };
  const statement = (span: { start: number; end: number }) => source.slice(span.start, span.end);
  const edges: Edge[] = [];
  for (const entry of module.staticImports) edges.push(edge(entry.moduleRequest.value, /^import\s+type\b/.test(statement(entry)) ? 'type' : 'code'));
  for (const entry of module.staticExports) {
    for (const item of entry.entries) if (item.moduleRequest) edges.push(edge(item.moduleRequest.value, /^export\s+type\b/.test(statement(entry)) ? 'type' : 'code'));
  }
  for (const entry of module.dynamicImports) {
    const literal = /^(['"`])([^'"`$]+)\1$/.exec(statement(entry.moduleRequest));
    if (!literal) throw new Error(`${from}: a dynamic import of a computed path cannot be checked (${statement(entry)})`);
    edges.push(edge(literal[2]!, 'code'));
  }
  for (const match of source.matchAll(/new\s+URL\(\s*(['"])(\.[^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g)) edges.push(edge(match[2]!, 'worker'));
  return edges;
}

/** A file's layer: `src/<folder>/…` is that folder, a file at src/'s root is `base`, `workers/…` is `workers`. */
function layerOf(path: string): string | null {
  const parts = path.split('/');
  if (parts[0] === 'workers') return 'workers';
  if (parts[0] !== 'src') return null;
  return parts.length === 2 ? 'base' : parts[1]!;
}

const FILES = [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'workers'))];
const EDGES = FILES.flatMap(edgesOf);
const isFile = (to: string) => to.startsWith('src/') || to.startsWith('workers/');

/** Edges between files of two layers that the map does not allow, as `from -> to`. */
function forbiddenEdges(edges: readonly Edge[]): string[] {
  const forbidden = new Set<string>();
  for (const { from, to } of edges.filter((e) => isFile(e.to))) {
    const [source, target] = [layerOf(from)!, layerOf(to)!];
    if (source !== target && !MAY_IMPORT[source]!.includes(target)) forbidden.add(`${from} -> ${to}`);
  }
  return [...forbidden].sort();
}

describe('the layer map', () => {
  it('finds the imports it checks (the parser and the paths work)', () => {
    expect(FILES.length).toBeGreaterThan(100);
    expect(EDGES).toContainEqual({ from: 'src/models/vlm/load.ts', to: 'src/models/registry.ts', kind: 'code' });
    expect(EDGES).toContainEqual({ from: 'src/models/vlm/types.ts', to: 'src/shapes.ts', kind: 'type' });
    expect(EDGES).toContainEqual({ from: 'src/models/ort-assets.ts', to: 'onnxruntime-web', kind: 'asset' });
    expect(EDGES.filter((e) => e.kind === 'worker' && e.to === 'workers/vlm.worker.ts')).toHaveLength(1);
    for (const edge of EDGES.filter((e) => isFile(e.to))) expect(existsSync(join(ROOT, edge.to)), `${edge.from} -> ${edge.to}`).toBe(true);
  });

  it('places every folder of src/ on the map', () => {
    const layers = new Set(FILES.map((f) => layerOf(relative(ROOT, f))!));
    expect([...layers].filter((layer) => !(layer in MAY_IMPORT))).toEqual([]);
  });

  it('has no import across layers that the map forbids', () => {
    expect(forbiddenEdges(EDGES)).toEqual([]);
    // The check itself: a model file importing the agent, or the agent importing the session, is flagged (type imports too).
    const upward: Edge[] = [
      { from: 'src/models/vlm/load.ts', to: 'src/agent/types.ts', kind: 'type' },
      { from: 'src/agent/episode.ts', to: 'src/session/session.ts', kind: 'code' },
    ];
    expect(forbiddenEdges([...EDGES, ...upward])).toEqual(['src/agent/episode.ts -> src/session/session.ts', 'src/models/vlm/load.ts -> src/agent/types.ts']);
  });

  it('keeps the heavy runtimes in their layers: transformers.js in models, ONNX Runtime in models and ingest, pdf.js in ingest', () => {
    const users = (pkg: string) => [...new Set(EDGES.filter((e) => e.to === pkg && e.kind !== 'type').map((e) => layerOf(e.from)))].sort();
    expect(users('@huggingface/transformers')).toEqual(['models']);
    expect(users('onnxruntime-web')).toEqual(['ingest', 'models']);
    expect(users('pdfjs-dist')).toEqual(['ingest']);
  });

  it('the page never loads the model runtimes: its imports reach no transformers.js, ONNX Runtime or pdf.js', () => {
    const bySource = new Map<string, Edge[]>();
    for (const edge of EDGES) bySource.set(edge.from, [...(bySource.get(edge.from) ?? []), edge]);
    const reached = new Map<string, string | null>(PAGE_ENTRIES.map((entry) => [entry, null]));
    const queue = [...PAGE_ENTRIES];
    const leaks: string[] = [];
    const chain = (file: string): string => {
      const via = reached.get(file);
      return via ? `${chain(via)} -> ${file}` : file;
    };
    while (queue.length > 0) {
      const file = queue.shift()!;
      // Type-only imports are erased, a worker entry is its own bundle, an asset is a URL.
      for (const edge of bySource.get(file) ?? []) {
        if (edge.kind !== 'code') continue;
        if (WORKER_ONLY_PACKAGES.includes(edge.to)) leaks.push(`${chain(file)} -> ${edge.to}`);
        else if (isFile(edge.to) && !reached.has(edge.to)) {
          reached.set(edge.to, file);
          queue.push(edge.to);
        }
      }
    }
    expect(reached.size).toBeGreaterThan(50);
    expect(leaks).toEqual([]);
  });
});
