import type { Route } from '../lib/router';

/**
 * Each screen is its own chunk, loaded when its route is first shown: the first screen needs
 * its own code and React, not the code of the other five. src/main.tsx loads the current
 * route's chunk beside React's and starts React once both are in, so the first render draws
 * the screen itself. No React.lazy: a lazy component suspends on its first render even when
 * its module is already loaded, and React then holds the fallback for up to 300 ms (measured:
 * the screen's first render came about 280 ms after the shell's).
 */
export const loadScreen = {
  overview: () => import('./Overview'),
  flows: () => import('./FlowList'),
  flow: () => import('./FlowDetail'),
  interactions: () => import('./InteractionList'),
  interaction: () => import('./InteractionPage'),
  sessions: () => import('./WorkflowSessions'),
};

export type ScreenName = keyof typeof loadScreen;
export type ScreenModule<N extends ScreenName> = Awaited<ReturnType<(typeof loadScreen)[N]>>;

const loaded = new Map<ScreenName, unknown>();

/** Loads a screen's chunk; afterwards `loadedScreen` has it synchronously. */
export async function loadScreenModule<N extends ScreenName>(name: N): Promise<ScreenModule<N>> {
  const m = (await loadScreen[name]()) as ScreenModule<N>;
  loaded.set(name, m);
  return m;
}

export function loadedScreen<N extends ScreenName>(name: N): ScreenModule<N> | undefined {
  return loaded.get(name) as ScreenModule<N> | undefined;
}

export const screenOf = (name: Route['name']): ScreenName | null => (name === 'not-found' ? null : name);

/** Never rejects: a chunk that fails to load is reported by the screen, once React runs. */
export function preloadScreen(name: Route['name']): Promise<void> {
  const s = screenOf(name);
  return s ? loadScreenModule(s).then(() => undefined, () => undefined) : Promise.resolve();
}
