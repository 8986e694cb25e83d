import { Writable } from 'node:stream';

/**
 * An in-memory destination for the writers. `slow` acknowledges each chunk on a later turn of the
 * event loop, like a socket to a slow client, so a tiny highWaterMark makes write() return false
 * and exercises the writers' backpressure. `writesWhileFull` counts writes made while the stream
 * had asked for 'drain': a writer that respects backpressure leaves it at 0.
 */
export class MemorySink extends Writable {
  readonly chunks: Buffer[] = [];
  writesWhileFull = 0;
  private readonly slow: boolean;

  constructor(opts: { highWaterMark?: number; slow?: boolean } = {}) {
    super({ highWaterMark: opts.highWaterMark ?? 16 * 1024 });
    this.slow = opts.slow ?? false;
    const write = this.write.bind(this);
    this.write = ((...args: Parameters<typeof write>) => {
      if (this.writableNeedDrain) this.writesWhileFull += 1;
      return write(...args);
    }) as typeof this.write;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    if (this.slow) setImmediate(callback);
    else callback();
  }

  contents(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
