import { createContext, useContext } from 'react';
import type { ApiClient } from './api/client';
import type { Me } from './api/types';

export interface Session {
  api: ApiClient;
  me: Me;
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in session; screens render only inside it. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in session');
  return s;
}
