/** The page's entry: the connect-src policy for the saved settings, offline support, then the app. */
import '../pwa/register.ts';
import { describeError } from '../errors.ts';
import { applyConnectPolicy } from '../pwa/csp.ts';
import { startApp } from './app.ts';
import { loadSettings, type Settings } from './settings-store.ts';

function connectPolicyFor(settings: Settings): string | null {
  try {
    // The remote endpoint is reached from its own worker (src/policies/remote/relay.ts), not the page.
    const applied = applyConnectPolicy({ modelHost: settings.modelHost });
    return applied.reloadNeeded ? 'Reload the page to let the app reach the new model host.' : null;
  } catch (error) {
    return describeError(error);
  }
}

connectPolicyFor(loadSettings(localStorage));
startApp(document.body, { onSettingsSaved: connectPolicyFor });
