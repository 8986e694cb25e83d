import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

/** React and the app shell: loaded by src/main.tsx once the first requests are on their way. */
export function start(root: HTMLElement): void {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
