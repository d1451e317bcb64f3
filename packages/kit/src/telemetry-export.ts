import { createRequire } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';

// Loaded only when spans are exported (telemetry.ts): the exporter and the instrumentations
// take about a second to import, which every process would otherwise pay at start.

/** Spans in batches to the OTLP/HTTP endpoint. */
export const otlpProcessor = (url: string): SpanProcessor =>
  new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }) });

/**
 * The HTTP, undici, pg and ioredis instrumentations. They patch node-postgres and ioredis when
 * those are `require`d; this process imports them as ES modules, which the require hooks do not
 * see, so one `require` of each here patches the module objects the imports share (their
 * prototypes), whenever they were imported.
 */
export function instrumentLibraries(): void {
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation(),
      new UndiciInstrumentation(),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  const require = createRequire(import.meta.url);
  for (const name of ['node:http', 'pg', 'pg-pool', 'ioredis']) require(name);
}
