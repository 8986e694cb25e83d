import type { Route } from '../lib/router';

/**
 * Each screen is its own chunk, loaded when its route is first shown: the first screen needs
 * its own code and React, not the code of the other five. src/main.tsx starts the current
 * route's chunk at once, beside React's; App's `lazy` screens then find it loaded.
 */
export const loadScreen = {
  overview: () => import('./Overview'),
  flows: () => import('./FlowList'),
  flow: () => import('./FlowDetail'),
  interactions: () => import('./InteractionList'),
  interaction: () => import('./InteractionPage'),
  sessions: () => import('./WorkflowSessions'),
} satisfies Record<Exclude<Route['name'], 'not-found'>, () => Promise<unknown>>;

export function preloadScreen(name: Route['name']): void {
  if (name !== 'not-found') void loadScreen[name]().catch(() => undefined);
}
