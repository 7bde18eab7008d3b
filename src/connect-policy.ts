/**
 * Which origins the app may connect to: its own and the configured model host (the remote model
 * endpoint has its own worker, src/policies/remote/relay.ts). Pure (no DOM), below every layer
 * because both sides need it: the page applies it as a `connect-src` Content-Security-Policy
 * (src/pwa/csp.ts); the model workers, which do not inherit the page's policy, check every
 * download with `allowedBy` (src/models/env.ts).
 */
import { AppError } from './errors.ts';

export interface ConnectPolicySettings {
  /** Hub host (or mirror) models are downloaded from, e.g. `https://huggingface.co/`. */
  modelHost: string;
}

/** Hosts that serve the Hugging Face Hub. */
const HUB_HOSTS = new Set(['huggingface.co', 'hf.co']);

/**
 * `…/resolve/main/<file>` on the Hub answers with a 302 to a download host, and CSP checks every
 * redirect target. huggingface.co/.well-known/meta.json lists them, all under hf.co: LFS
 * (cdn-lfs.hf.co, cdn-lfs-us-1.hf.co, …), Xet (cas-bridge.xethub.hf.co, transfer.xethub.hf.co) and
 * the regional CDN (us.aws.cdn.hf.co, …). The set changes over time (each change has broken apps
 * that listed hosts one by one), so one wildcard covers the domain Hugging Face owns.
 */
const HUB_DOWNLOAD_SOURCES = ['https://*.hf.co'];

/**
 * Local reads only: `blob:` and `data:` URLs never leave the device (object URLs of the user's
 * own files and page images are fetched by the image loaders).
 */
const LOCAL_SOURCES = ["'self'", 'blob:', 'data:'];

function originOf(url: string, what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new AppError('invalid-config', `${what} “${url}” is not a web address; enter one like https://huggingface.co/.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new AppError('invalid-config', `${what} “${url}” must start with https:// (or http:// for a server on this computer).`);
  }
  return parsed;
}

/** The sources of the `connect-src` directive, in a stable order without duplicates. */
export function connectSources(settings: ConnectPolicySettings): string[] {
  const model = originOf(settings.modelHost, 'Model host');
  const sources = [...LOCAL_SOURCES, model.origin];
  if (HUB_HOSTS.has(model.hostname)) sources.push(...HUB_DOWNLOAD_SOURCES);
  return [...new Set(sources)];
}

/** The whole policy text, e.g. `connect-src 'self' blob: data: https://huggingface.co https://*.hf.co`. */
export function connectPolicy(settings: ConnectPolicySettings): string {
  return `connect-src ${connectSources(settings).join(' ')}`;
}

/**
 * Whether `url` may be fetched under these sources (`'self'` being `selfOrigin`, none in Node). Workers do not
 * inherit the page's meta policy, so code that fetches inside a worker checks with this.
 */
export function allowedBy(sources: readonly string[], url: string, selfOrigin: string | null): boolean {
  const target = selfOrigin ? new URL(url, selfOrigin) : new URL(url);
  return sources.some((source) => {
    if (source === "'self'") return selfOrigin !== null && target.origin === selfOrigin;
    if (source === 'blob:' || source === 'data:') return target.protocol === source;
    const wildcard = /^(https?:)\/\/\*\.(.+)$/.exec(source);
    if (wildcard) return target.protocol === wildcard[1] && target.hostname.endsWith(`.${wildcard[2]}`);
    return target.origin === source;
  });
}
