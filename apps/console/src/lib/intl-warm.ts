import { formatterFor } from './format';

/**
 * A worker that makes the tenant zone's date formatter once and ends. A tab's first
 * Intl.DateTimeFormat loads ICU's data, and that load is made once per renderer process, not
 * per thread: measured in this Chromium, 11-20 ms on the main thread of a fresh tab (40-57 ms
 * under the tracer, 45-150 ms on a loaded machine), then 0.1-0.6 ms on the main thread once a
 * worker of the same tab has made one. src/main.tsx starts it while React downloads, so the
 * main thread never pays for ICU: before, it did, in a task between the entry and React's
 * first render (docs/console.md, "Load time").
 */
self.onmessage = (e: MessageEvent<string>) => {
  try {
    formatterFor(e.data).formatToParts(0);
  } catch {
    // An unknown zone: the screen reports it when it formats.
  }
  self.close();
};
