/** Numbers for people: byte sizes and durations. Pure. */
import { downloadBytes, type ModelEntry, type VariantName } from '../models/registry.ts';

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = Math.max(0, bytes);
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return `${value.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'unknown';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The download size on this device, as exactly as it is known. */
export function sizeLabel(entry: ModelEntry, variant: VariantName): string {
  const name = entry.variants[variant] ? variant : 'wasm';
  const bytes = downloadBytes(entry, name);
  if (bytes === null) return 'size unknown';
  return entry.fileList === 'exact' ? formatBytes(bytes) : `about ${formatBytes(bytes)}`;
}

/** The Ask shortcut as a platform writes it: ⌘+Enter on a Mac, iPad or iPhone (Meta for assistive technology), else Ctrl+Enter. */
export function askShortcut(platform: string): { hint: string; keys: string } {
  return /mac|iphone|ipad|ipod/i.test(platform) ? { hint: '⌘+Enter', keys: 'Meta+Enter' } : { hint: 'Ctrl+Enter', keys: 'Control+Enter' };
}

/** The platform's name: the client hints' where the browser gives them, else navigator.platform. */
export function platformName(nav: Navigator): string {
  return (nav as Navigator & { userAgentData?: { platform?: string } }).userAgentData?.platform || nav.platform;
}
