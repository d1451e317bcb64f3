import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; secrets that may ride along in objects are redacted. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'refreshToken', '*.refreshToken', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
}
