import { useCallback, useEffect, useState } from 'react';
import { ApiClient } from './api/client';
import { early } from './api/early';
import type { Me } from './api/types';
import { clearKey, loadKey, loadMe, saveSession } from './api/session';
import { SessionContext, type Session } from './context';
import { useRoute } from './hooks';
import type { Route } from './lib/router';
import { ME_PATH } from './lib/requests';
import { Login } from './screens/Login';
import { loadedScreen, loadScreenModule, screenOf, type ScreenModule, type ScreenName } from './screens/load';
import { ErrorNote, Loading } from './components/Status';

/** The screen's module (its own chunk): at once when src/main.tsx or an earlier visit loaded it. */
function useScreenModule(name: ScreenName | null): { module: unknown; error: Error | null } {
  const [state, setState] = useState<{ module: unknown; error: Error | null }>(() => ({ module: name ? (loadedScreen(name) ?? null) : null, error: null }));
  useEffect(() => {
    if (!name || state.module) return;
    let live = true;
    loadScreenModule(name).then(
      (module) => live && setState({ module, error: null }),
      (error: unknown) => live && setState({ module: null, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      live = false;
    };
  }, [name, state.module]);
  return state;
}

const NAV: { name: Route['name']; href: string; label: string }[] = [
  { name: 'overview', href: '#/', label: 'Overview' },
  { name: 'flows', href: '#/flows', label: 'Flow Interactions' },
  { name: 'interactions', href: '#/interactions', label: 'CC Interactions' },
  { name: 'sessions', href: '#/sessions', label: 'Workflow Sessions' },
];
const SECTION: Partial<Record<Route['name'], Route['name']>> = { flow: 'flows', interaction: 'interactions' };

function Screen({ route }: { route: Route }) {
  const { module, error } = useScreenModule(screenOf(route.name));
  if (route.name === 'not-found')
    return (
      <main id="main" className="page">
        <h1>Not found</h1>
        <p>
          <a href="#/">Back to the overview</a>
        </p>
      </main>
    );
  if (!module)
    return (
      <main id="main" className="page" tabIndex={-1}>
        {error ? <ErrorNote error={error} /> : <Loading what="the screen" />}
      </main>
    );
  const m = <N extends ScreenName>() => module as ScreenModule<N>;
  switch (route.name) {
    case 'overview': {
      const { Overview } = m<'overview'>();
      return <Overview query={route.query} />;
    }
    case 'flows': {
      const { FlowList } = m<'flows'>();
      return <FlowList query={route.query} />;
    }
    case 'flow': {
      const { FlowDetail } = m<'flow'>();
      return <FlowDetail id={route.id} query={route.query} />;
    }
    case 'interactions': {
      const { InteractionList } = m<'interactions'>();
      return <InteractionList query={route.query} />;
    }
    case 'interaction': {
      const { InteractionPage } = m<'interaction'>();
      return <InteractionPage id={route.id} />;
    }
    case 'sessions': {
      const { WorkflowSessions } = m<'sessions'>();
      return <WorkflowSessions query={route.query} />;
    }
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
  // Right after sign-in the tab has no profile yet, but the entry asked for it before React
  // loaded (src/main.tsx): when that answer is in, it is the check, and the screen is drawn in
  // the first render too, instead of an empty render, the check, then the screen.
  const [restored] = useState(() => {
    const key = loadKey();
    if (!key) return null;
    const kept = loadMe();
    if (kept) return { key, me: kept, checked: false };
    const arrived = early.peek(ME_PATH, key) as Me | undefined;
    return arrived ? { key, me: arrived, checked: true } : null;
  });
  const [session, setSession] = useState<Session | null>(() => (restored ? { api: clientFor(restored.key), me: restored.me } : null));
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
    if (restored?.checked) {
      saveSession(restored.key, restored.me);
      return;
    }
    const key = loadKey();
    if (!key) return;
    signIn(key, loadMe())
      .catch(() => undefined)
      .finally(() => setRestoring(false));
  }, [signIn, restored]);

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
            {/* Operators only: nobody sees an option the server would refuse. */}
            {me.operator ? (
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
      <Screen route={route} key={route.name === 'flow' || route.name === 'interaction' ? `${route.name}/${route.id}` : route.name} />
    </SessionContext.Provider>
  );
}
