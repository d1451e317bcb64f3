import { pino, type Logger } from 'pino';
import { traceFields } from './telemetry.js';

export type { Logger };

/**
 * JSON logs on stdout, each line with the `trace_id` and `span_id` of the span it was written in
 * (telemetry.ts); secrets that may ride along in objects are redacted.
 */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    mixin: traceFields,
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'refreshToken', '*.refreshToken', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
}
