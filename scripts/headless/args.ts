/** Small helpers shared by the command-line tools: arguments, document lists, model specs. */
import { existsSync, readdirSync, statSync, accessSync, constants } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';

export class UsageError extends Error {}

const DOCUMENT_TYPES = new Set(['.pdf', '.png', '.jpg', '.jpeg', '.webp', '.txt', '.md', '.markdown']);

/** Parses `--name value` pairs (repeatable) and positional arguments. */
export function parseArgs(argv: string[], flags: readonly string[], switches: readonly string[] = []) {
  const values: Record<string, string[]> = {};
  const on = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (switches.includes(name)) on.add(name);
    else if (flags.includes(name)) {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value.`);
      (values[name] ??= []).push(value);
    } else throw new UsageError(`Unknown option --${name}.`);
  }
  return { values, on, positional };
}

/** Files named directly, or the documents inside named folders; unreadable paths are errors. */
export function documentFiles(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new UsageError(`Cannot read ${path}: no such file or folder.`);
    if (statSync(path).isDirectory()) {
      const inside = readdirSync(path)
        .filter((f) => DOCUMENT_TYPES.has(extname(f).toLowerCase()))
        .sort()
        .map((f) => join(path, f));
      if (inside.length === 0) throw new UsageError(`${path} holds no PDF, image, text or Markdown files.`);
      files.push(...inside);
      continue;
    }
    try {
      accessSync(path, constants.R_OK);
    } catch {
      throw new UsageError(`Cannot read ${path}: permission denied.`);
    }
    files.push(path);
  }
  return files.map((f) => resolve(f));
}

/** `--endpoint <url> --endpoint-model <name> [--endpoint-key <key>]`: an OpenAI-compatible server as the policy. */
export function endpointArg(values: Record<string, string[]>) {
  const endpoint = values.endpoint?.[0];
  if (!endpoint) {
    if (values['endpoint-model'] || values['endpoint-key']) throw new UsageError('--endpoint-model and --endpoint-key go with --endpoint <url>.');
    return null;
  }
  if (values.model) throw new UsageError('Pass --model or --endpoint, not both.');
  const model = values['endpoint-model']?.[0];
  if (!model) throw new UsageError('--endpoint needs --endpoint-model <the name the server serves>.');
  return { kind: 'endpoint' as const, endpoint, model, ...(values['endpoint-key'] ? { apiKey: values['endpoint-key'][0]! } : {}) };
}

/** A model argument: a folder holding config.json (its files are handed to the page), or a registry id. */
export function modelArg(model: string, fileUrl: (path: string) => string) {
  if (existsSync(join(model, 'config.json'))) {
    const root = resolve(model);
    const files = listFiles(root).map((path) => ({ path: relative(root, path), url: fileUrl(path) }));
    return { kind: 'folder' as const, id: basename(root), files };
  }
  return { kind: 'registry' as const, id: model };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : entry.isFile() ? [path] : [];
  });
}

/**
 * An expert of `eval` (`--reasoner` or `--grounder`): `oracle`, an endpoint URL (with
 * `--<role>-model <name>` and optionally `--<role>-key <key>`), a model folder or a registry id.
 */
export function expertArg(values: Record<string, string[]>, role: 'reasoner' | 'grounder', fileUrl: (path: string) => string) {
  const value = values[role]?.[0];
  if (value === undefined) {
    if (values[`${role}-model`] || values[`${role}-key`]) throw new UsageError(`--${role}-model and --${role}-key go with --${role} <endpoint url>.`);
    return null;
  }
  if (value === 'oracle') return { kind: 'oracle' as const };
  if (/^https?:\/\//i.test(value)) {
    const model = values[`${role}-model`]?.[0];
    if (!model) throw new UsageError(`--${role} ${value} is an endpoint: name the model it serves with --${role}-model <name>.`);
    return { kind: 'endpoint' as const, endpoint: value, model, ...(values[`${role}-key`] ? { apiKey: values[`${role}-key`]![0]! } : {}) };
  }
  return modelArg(value, fileUrl);
}

const STYLES = ['vrag', 'tools'] as const;
const BOXES = ['absolute', 'relative-1000', 'relative-1'] as const;

/** `--<flag> vrag|tools`, or undefined when not given. */
export function styleArg(values: Record<string, string[]>, flag: string): (typeof STYLES)[number] | undefined {
  const value = values[flag]?.[0];
  if (value === undefined) return undefined;
  if (!(STYLES as readonly string[]).includes(value)) throw new UsageError(`--${flag} is vrag (VRAG-RL's tags, for VRAG-trained checkpoints) or tools (the tool-description prompt with JSON replies, for general models); got "${value}".`);
  return value as (typeof STYLES)[number];
}

/** `--grounder-boxes absolute|relative-1000|relative-1`, or undefined. */
export function boxesArg(values: Record<string, string[]>, flag: string): (typeof BOXES)[number] | undefined {
  const value = values[flag]?.[0];
  if (value === undefined) return undefined;
  if (!(BOXES as readonly string[]).includes(value)) throw new UsageError(`--${flag} is absolute (input pixels), relative-1000 or relative-1; got "${value}".`);
  return value as (typeof BOXES)[number];
}
