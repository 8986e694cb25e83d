import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { ApiClient } from './api/client';
import { early } from './api/early';
import type { Me } from './api/types';
import { clearKey, loadKey, loadMe, saveSession } from './api/session';
import { SessionContext, type Session } from './context';
import { useRoute } from './hooks';
import type { Route } from './lib/router';
import { ME_PATH } from './lib/requests';
import { Login } from './screens/Login';
import { loadScreen } from './screens/load';
import { Loading } from './components/Status';

// One chunk per screen (screens/load.ts); src/main.tsx has already started the current one.
const Overview = lazy(() => loadScreen.overview().then((m) => ({ default: m.Overview })));
const FlowList = lazy(() => loadScreen.flows().then((m) => ({ default: m.FlowList })));
const FlowDetail = lazy(() => loadScreen.flow().then((m) => ({ default: m.FlowDetail })));
const InteractionList = lazy(() => loadScreen.interactions().then((m) => ({ default: m.InteractionList })));
const InteractionPage = lazy(() => loadScreen.interaction().then((m) => ({ default: m.InteractionPage })));
const WorkflowSessions = lazy(() => loadScreen.sessions().then((m) => ({ default: m.WorkflowSessions })));

const NAV: { name: Route['name']; href: string; label: string }[] = [
  { name: 'overview', href: '#/', label: 'Overview' },
  { name: 'flows', href: '#/flows', label: 'Flow Interactions' },
  { name: 'interactions', href: '#/interactions', label: 'CC Interactions' },
  { name: 'sessions', href: '#/sessions', label: 'Workflow Sessions' },
];
const SECTION: Partial<Record<Route['name'], Route['name']>> = { flow: 'flows', interaction: 'interactions' };

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'overview':
      return <Overview query={route.query} />;
    case 'flows':
      return <FlowList query={route.query} />;
    case 'flow':
      return <FlowDetail id={route.id} query={route.query} />;
    case 'interactions':
      return <InteractionList query={route.query} />;
    case 'interaction':
      return <InteractionPage id={route.id} />;
    case 'sessions':
      return <WorkflowSessions />;
    case 'not-found':
      return (
        <main id="main" className="page">
          <h1>Not found</h1>
          <p>
            <a href="#/">Back to the overview</a>
          </p>
        </main>
      );
  }
}

export function App() {
  const route = useRoute();
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback((why: string | null) => {
    clearKey();
    setSession(null);
    setNotice(why);
  }, []);
  // A 401 on any call means the key was revoked or mistyped: back to the sign-in form.
  const clientFor = useCallback((key: string) => new ApiClient(key, () => signOut('Your API key was not accepted (revoked or mistyped). Sign in again.'), early), [signOut]);

  // A reload of a signed-in tab draws the screen in the very first render, with the profile
  // kept beside the key; the key is re-checked in the background (no extra round trip first).
  const [session, setSession] = useState<Session | null>(() => {
    const key = loadKey();
    const me = loadMe();
    return key && me ? { api: clientFor(key), me } : null;
  });
  const [restoring, setRestoring] = useState(() => session === null && loadKey() !== null);

  const signIn = useCallback(
    async (key: string, shown: Me | null = null) => {
      const api = clientFor(key);
      const me = await api.get<Me>(ME_PATH);
      // The re-check of a restored session changes nothing on screen when the profile is the same.
      if (shown && JSON.stringify(shown) === JSON.stringify(me)) return;
      saveSession(key, me);
      setNotice(null);
      setSession({ api, me });
    },
    [clientFor],
  );

  useEffect(() => {
    const key = loadKey();
    if (!key) return;
    signIn(key, loadMe())
      .catch(() => undefined)
      .finally(() => setRestoring(false));
  }, [signIn]);

  const section = SECTION[route.name] ?? route.name;
  if (restoring) return null;
  if (!session) return <Login onSignIn={signIn} notice={notice} />;
  const { me } = session;
  return (
    <SessionContext.Provider value={session}>
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">cxfold</span>
        <nav aria-label="Screens">
          <ul>
            {NAV.map((n) => (
              <li key={n.name}>
                <a href={n.href} aria-current={section === n.name ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
            {/* Admin-only: supervisors never see an option the server would refuse. */}
            {me.role === 'admin' ? (
              <li>
                <a href="/admin/queues" target="_blank" rel="noreferrer">
                  Queue board ↗
                </a>
              </li>
            ) : null}
          </ul>
        </nav>
        <span className="who" data-testid="who">
          {me.tenant} · {me.role === 'admin' ? 'Admin' : `Supervisor (${me.queues.map((q) => q.name).join(', ') || 'no queues'})`} · {me.timeZone}
        </span>
        <button type="button" onClick={() => signOut(null)}>
          Sign out
        </button>
      </header>
      <Suspense
        fallback={
          <main id="main" className="page" tabIndex={-1}>
            <Loading what="the screen" />
          </main>
        }
      >
        <Screen route={route} key={route.name === 'flow' || route.name === 'interaction' ? `${route.name}/${route.id}` : route.name} />
      </Suspense>
    </SessionContext.Provider>
  );
}
