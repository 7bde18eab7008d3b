/** The page's entry: the connect-src policy for the saved settings, offline support, then the app. */
import '../pwa/register.ts';
import { describeError } from '../errors.ts';
import { applyConnectPolicy } from '../pwa/csp.ts';
import { startApp } from './app.ts';
import { loadSettings, type Settings } from './settings-store.ts';

function connectPolicyFor(settings: Settings): string | null {
  try {
    const applied = applyConnectPolicy({ modelHost: settings.modelHost, ...(settings.remote.enabled ? { remoteEndpoint: settings.remote.endpoint } : {}) });
    return applied.reloadNeeded ? 'Reload the page to let the app reach the new model host or remote endpoint.' : null;
  } catch (error) {
    return describeError(error);
  }
}

connectPolicyFor(loadSettings(localStorage));
startApp(document.body, { onSettingsSaved: connectPolicyFor });
