import { describe, expect, it } from 'vitest';
import { allowedBy, connectPolicy, connectSources } from '../../src/connect-policy.ts';
import { AppError } from '../../src/errors.ts';

describe('connect-src policy', () => {
  it('allows this origin, local URLs, the Hub and the hosts it redirects downloads to', () => {
    expect(connectPolicy({ modelHost: 'https://huggingface.co/' })).toBe("connect-src 'self' blob: data: https://huggingface.co https://*.hf.co");
  });

  it('allows only the mirror for a non-Hub model host, path and port kept out of the origin', () => {
    expect(connectSources({ modelHost: 'https://hf-mirror.example.org:8443/models/' })).toEqual(["'self'", 'blob:', 'data:', 'https://hf-mirror.example.org:8443']);
  });

  it('rejects hosts that are not http(s) addresses with an actionable message', () => {
    expect(() => connectPolicy({ modelHost: 'huggingface.co' })).toThrow(AppError);
    expect(() => connectPolicy({ modelHost: 'huggingface.co' })).toThrow(/not a web address/);
    expect(() => connectPolicy({ modelHost: 'ftp://x.example/' })).toThrow(/must start with https:\/\//);
  });

  it('cannot be widened by a crafted host: quotes, spaces and semicolons never reach the policy', () => {
    expect(connectPolicy({ modelHost: "https://evil.example/; connect-src *" })).toBe("connect-src 'self' blob: data: https://evil.example");
    expect(connectPolicy({ modelHost: "https://a.example/ 'unsafe-inline'" })).toBe("connect-src 'self' blob: data: https://a.example");
  });
});

describe('the same rule inside workers (they do not inherit the page policy)', () => {
  const hub = connectSources({ modelHost: 'https://huggingface.co/' });
  const self = 'http://localhost:5173';
  it('allows the app, the model host and its download hosts; nothing else', () => {
    expect(allowedBy(hub, '/assets/ort.wasm', self)).toBe(true);
    expect(allowedBy(hub, 'https://huggingface.co/org/model/resolve/main/config.json', self)).toBe(true);
    expect(allowedBy(hub, 'https://cas-bridge.xethub.hf.co/x', self)).toBe(true);
    expect(allowedBy(hub, 'https://hf.co.evil.example/x', self)).toBe(false);
    expect(allowedBy(hub, 'http://cdn-lfs.hf.co/x', self)).toBe(false);
    expect(allowedBy(hub, 'https://example.com/track', self)).toBe(false);
    expect(allowedBy(hub, 'http://localhost:5174/', self)).toBe(false);
  });

  it('model downloads refuse any other host with a clear error', async () => {
    const { env } = await import('@huggingface/transformers');
    const { configureModelEnv } = await import('../../src/models/env.ts');
    configureModelEnv({ remoteHost: 'https://hf-mirror.example.org/', allowRemote: true });
    await expect(env.fetch('https://huggingface.co/org/model/resolve/main/config.json')).rejects.toThrow(
      /Blocked a request to https:\/\/huggingface\.co: models may only come from https:\/\/hf-mirror\.example\.org\//,
    );
  });
});
