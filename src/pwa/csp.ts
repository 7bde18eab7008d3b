/**
 * The runtime half of the Content-Security-Policy: index.html's static meta policy covers scripts,
 * workers, images, styles and forms but leaves connections open, because the model host and the
 * remote endpoint are settings. At start-up the page appends a second meta policy with
 * `connect-src`; browsers enforce every policy, so from then on a request may go only to this
 * origin, the model host and (when enabled) the remote endpoint.
 *
 * A policy can never be loosened once applied: after the user changes the model host or the
 * remote endpoint, the new policy takes effect on the next reload (`reloadNeeded`).
 */
import { allowedBy, connectPolicy, type ConnectPolicySettings } from './connect-policy.ts';

export { connectPolicy, connectSources, type ConnectPolicySettings } from './connect-policy.ts';

const MARKER = 'data-connect-policy';

export interface AppliedConnectPolicy {
  /** The policy now in force. */
  policy: string;
  /** True when a different policy was already in force: reload the page to apply `policy`. */
  reloadNeeded: boolean;
}

export function applyConnectPolicy(settings: ConnectPolicySettings, doc: Document = document): AppliedConnectPolicy {
  const policy = connectPolicy(settings);
  const existing = doc.head.querySelector<HTMLMetaElement>(`meta[${MARKER}]`);
  if (existing) return { policy: existing.content, reloadNeeded: existing.content !== policy };
  const meta = doc.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = policy;
  meta.setAttribute(MARKER, '');
  doc.head.append(meta);
  return { policy, reloadNeeded: false };
}

/** Whether the connect policy in force on this page lets it fetch `url` (true when none is applied). */
export function pagePolicyAllows(url: string, doc: Document = document): boolean {
  const applied = doc.head.querySelector<HTMLMetaElement>(`meta[${MARKER}]`)?.content;
  if (!applied) return true;
  const sources = applied.replace(/^connect-src\s+/, '').split(/\s+/);
  return allowedBy(sources, url, doc.location.origin);
}
