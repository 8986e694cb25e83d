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
// Meanwhile (a task later, once the chunks are asked for), the date formatter's one-off set-up:
// the profile's zone on a reload; after sign-in any zone does, the set-up is the same (lib/format.ts).
setTimeout(() => prepareTimeZone(loadMe()?.timeZone ?? 'UTC'));
