import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/**
 * The output stream seen by a writer: waits for 'drain' when asked to, and knows when the stream
 * has finished or died, so no wait can hang on a response the client already dropped.
 */
export class Sink {
  private readonly done: Promise<void>;
  private ended: Error | null = null;

  constructor(readonly out: NodeJS.WritableStream) {
    // readable: false — `out` may be a Duplex (a PassThrough in tests, a socket); waiting for
    // its readable side to end would hang when nobody reads it.
    this.done = finished(out, { readable: false });
    // Also marks `done` as handled: a writer that fails first never awaits it, and a later
    // rejection must not become an unhandled one. Awaiting it still throws.
    this.done.then(
      () => {
        this.ended = new Error('export output finished before the export did');
      },
      (error: unknown) => {
        this.ended = error instanceof Error ? error : new Error(String(error));
      },
    );
  }

  /** Throws if `out` has already finished or failed: no point producing more rows for it. */
  assertOpen(): void {
    if (this.ended) throw this.ended;
  }

  /** Writes and, when the stream's buffer is full, waits for it to drain. */
  async write(chunk: string | Uint8Array): Promise<void> {
    if (!this.out.write(chunk)) await this.until(this.out, 'drain');
  }

  /** Waits for `event` on `emitter`, failing if `out` errors or closes first. */
  async until(emitter: NodeJS.EventEmitter, event: string): Promise<void> {
    const abort = new AbortController();
    try {
      await Promise.race([
        once(emitter, event, { signal: abort.signal }),
        this.done.then(() => {
          throw new Error(`export output finished while waiting for '${event}'`);
        }),
      ]);
    } finally {
      abort.abort(); // drops the listener once() left behind when the other side won
    }
  }

  /** Resolves once `out` has emitted 'finish'; rejects if it errored or closed early. */
  finished(): Promise<void> {
    return this.done;
  }

  async end(): Promise<void> {
    this.out.end();
    await this.done;
  }
}
