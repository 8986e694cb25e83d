import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Header and field paths that may carry secrets: never written to a log line. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-hub-signature"]',
  'req.headers["webhook-signature"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-hub-signature"]',
  'headers["webhook-signature"]',
  '*.webhookSecret',
  '*.hubSecret',
  '*.token',
  '*.secret',
];

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  name: string;
  /** Where lines go; stdout by default. Tests pass a memory stream to inspect logs. */
  destination?: pino.DestinationStream;
}

/** One root logger per process; components take `logger.child({ component })`. */
export function createLogger(opts: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    name: opts.name,
    level: opts.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(opts.pretty && !opts.destination ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
