import { detectEnvironment } from './environment.ts';

const list = document.querySelector<HTMLDListElement>('#environment')!;

function row(term: string, value: string): void {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  list.append(dt, dd);
}

void detectEnvironment().then((env) => {
  row('WebGPU', env.webgpu ? `available${env.shaderF16 ? ' (f16 shaders)' : ''}` : 'not available: models run on WASM (slower)');
  row('OffscreenCanvas', env.offscreenCanvas ? 'available' : 'missing: cropping cannot work in this browser');
  row('Storage', env.quotaBytes ? `${formatBytes(env.usageBytes)} used of ${formatBytes(env.quotaBytes)}` : 'unknown');
});

function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (bytes >= 1000 && i < units.length - 1) (bytes /= 1000), i++;
  return `${bytes.toFixed(i ? 1 : 0)} ${units[i]}`;
}
