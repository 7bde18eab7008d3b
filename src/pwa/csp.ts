/**
 * The runtime half of the Content-Security-Policy: index.html's static meta policy covers scripts,
 * workers, images, styles and forms but leaves connections open, because the model host and the
 * remote endpoint are settings. At start-up the page appends a second meta policy with
 * `connect-src`; browsers enforce every policy, so from then on the page may connect only to this
 * origin and the model host.
 *
 * A policy can never be loosened once applied: after the user changes the model host, the new
 * policy takes effect on the next reload (`reloadNeeded`). The remote endpoint is not in it: the
 * page reaches it through its own worker (src/policies/remote/relay.ts), so it works once saved.
 */
import { connectPolicy, type ConnectPolicySettings } from '../connect-policy.ts';

export { connectPolicy, connectSources, type ConnectPolicySettings } from '../connect-policy.ts';

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
