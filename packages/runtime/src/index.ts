import type { Logger } from '@cxfold/log';

export class DeadlineError extends Error {
  readonly code = 'DEADLINE_EXCEEDED' as const;
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms} ms`);
  }
}

/** Races a promise against a deadline (BullMQ's close() has none of its own). */
export async function withDeadline<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what, ms)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `close` once on SIGTERM or SIGINT, within `deadlineMs`, then exits: 0 when everything
 * closed in time, 1 otherwise. A second signal exits at once.
 */
export function handleShutdown(logger: Logger, deadlineMs: number, close: () => Promise<void>): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal, deadlineMs }, 'shutting down');
    withDeadline('shutdown', deadlineMs, close())
      .then(() => {
        logger.info('shutdown complete');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown did not complete cleanly');
        process.exit(1);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
