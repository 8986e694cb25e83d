import { early } from './api/early';
import { loadKey, loadMe } from './api/session';
import { prepareTimeZone } from './lib/format';
import { firstRequests, ME_PATH } from './lib/requests';
import { parseHash } from './lib/router';
import { preloadScreen } from './screens/load';
import './styles.css';

/**
 * The entry is small on purpose: before React is even fetched, it asks the API for what the
 * screen being opened shows first (and for the caller's profile when the tab has none yet), and
 * loads that screen's chunk beside React's. The requests run while the browser
 * compiles React; the screen then takes their answers (api/early.ts).
 */
const route = parseHash(window.location.hash);
const key = loadKey();
if (key) early.start(key, [...(loadMe() ? [] : [ME_PATH]), ...firstRequests(route)]);
// React starts once its chunk and the screen's are both in: the first render draws the screen.
void Promise.all([import('./start'), preloadScreen(route.name)]).then(([m]) => m.start(document.getElementById('root')!));
// Meanwhile, ICU's one-off load (the tab's first date formatter) is made by a worker, on another
// thread, so the main thread does not pay for it (lib/intl-warm.ts): the profile's zone on a
// reload; after sign-in any zone does, the load is the same.
const zone = loadMe()?.timeZone ?? 'UTC';
try {
  new Worker(new URL('./lib/intl-warm.ts', import.meta.url)).postMessage(zone);
} catch {
  setTimeout(() => prepareTimeZone(zone));
}
