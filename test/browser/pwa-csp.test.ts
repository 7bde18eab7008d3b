import { afterEach, describe, expect, it } from 'vitest';
import { applyConnectPolicy } from '../../src/pwa/csp.ts';

/** A same-origin frame of its own, so the policy under test does not restrict the test runner's page. */
async function freshFrame(): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.srcdoc = '<!doctype html><html><head></head><body></body></html>';
  const loaded = new Promise((done) => frame.addEventListener('load', done, { once: true }));
  document.body.append(frame);
  await loaded;
  return frame;
}

function violations(win: Window): SecurityPolicyViolationEvent[] {
  const seen: SecurityPolicyViolationEvent[] = [];
  win.document.addEventListener('securitypolicyviolation', (e) => seen.push(e));
  return seen;
}

afterEach(() => document.querySelectorAll('iframe').forEach((f) => f.remove()));

describe('connect policy in Chromium', () => {
  it('blocks a fetch to another origin after applyConnectPolicy while same-origin fetches work', async () => {
    const frame = await freshFrame();
    const win = frame.contentWindow!;
    const seen = violations(win);
    const applied = applyConnectPolicy({ modelHost: 'https://huggingface.co/' }, win.document);
    expect(applied).toEqual({ policy: "connect-src 'self' blob: data: https://huggingface.co https://*.hf.co", reloadNeeded: false });

    const same = await win.fetch(new URL('/', location.href).href);
    expect(same.ok).toBe(true);

    await expect(win.fetch('https://elsewhere.example/data.json')).rejects.toThrow('Failed to fetch');
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]!.effectiveDirective).toBe('connect-src');
    expect(seen[0]!.blockedURI).toBe('https://elsewhere.example/data.json');
  });

  it('allows the model host it is given, and a changed policy needs a reload', async () => {
    const frame = await freshFrame();
    const win = frame.contentWindow!;
    const seen = violations(win);
    // A different origin of this very server (127.0.0.1 vs localhost) stands in for a model mirror.
    const here = new URL(location.href);
    const other = new URL(location.href);
    other.hostname = here.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1';
    const mirror = `${other.origin}/`;

    applyConnectPolicy({ modelHost: mirror }, win.document);
    const reached = await win.fetch(mirror).then((r) => r.status, (e: Error) => e.name);
    expect(typeof reached).toBe('number'); // the server answered (any status): not blocked
    expect(seen).toHaveLength(0);

    const again = applyConnectPolicy({ modelHost: 'https://huggingface.co/' }, win.document);
    expect(again.reloadNeeded).toBe(true);
    expect(win.document.head.querySelectorAll('meta[http-equiv="Content-Security-Policy"]')).toHaveLength(1);
  });

  it('keeps blob: reads working (object URLs of the user files)', async () => {
    const frame = await freshFrame();
    const win = frame.contentWindow as Window & typeof globalThis;
    applyConnectPolicy({ modelHost: 'https://huggingface.co/' }, win.document);
    const url = win.URL.createObjectURL(new win.Blob(['page']));
    expect(await (await win.fetch(url)).text()).toBe('page');
  });
});
