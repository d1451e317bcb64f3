import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

export { SpanKind };

/** What `startTelemetry` set up in this process. */
export interface Telemetry {
  /** `off` (OTEL_SDK_DISABLED), `ids` (trace context propagated and logged, nothing recorded), `export` (OTLP). */
  mode: 'off' | 'ids' | 'export';
  /** Sends what is still buffered (before a process exits). */
  flush(): Promise<void>;
}

/** The standard OpenTelemetry variables the platform reads (a parsed configuration has them). */
export interface TelemetrySettings {
  OTEL_SDK_DISABLED?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  OTEL_TRACES_SAMPLER_ARG?: string | number;
  OTEL_SERVICE_NAME?: string;
}

let started: Promise<Telemetry> | null = null;

/** Where spans go: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given, else `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`. */
export function otlpTracesUrl(env: TelemetrySettings): string | null {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : null;
}

function ratioOf(env: TelemetrySettings): number {
  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG ?? '1');
  return Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : 1;
}

/**
 * OpenTelemetry for this process, once (the first caller's service and settings hold; a test
 * process running several subgraphs shares one). W3C trace context always travels: the
 * gateway starts a trace per request, and its id reaches every subgraph (in the signed internal
 * credential), every event an outbox writes (its `trace_parent`), and every consumer and job
 * that handles it, and every log line written in it. Spans are recorded and exported over OTLP
 * only when an endpoint is configured (`OTEL_EXPORTER_OTLP_ENDPOINT`), with the HTTP, undici,
 * pg and ioredis instrumentations; otherwise they carry ids and cost next to nothing.
 * `OTEL_SDK_DISABLED=true` turns all of it off.
 */
export function startTelemetry(service: string, env: TelemetrySettings = process.env): Promise<Telemetry> {
  started ??= setUp(service, env);
  return started;
}

async function setUp(service: string, env: TelemetrySettings): Promise<Telemetry> {
  if (env.OTEL_SDK_DISABLED === 'true') return { mode: 'off', flush: async () => undefined };
  const url = otlpTracesUrl(env);
  const exporting = url ? await import('./telemetry-export.js') : null;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? service }),
    sampler: url
      ? new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratioOf(env)) })
      : new AlwaysOffSampler(),
    spanProcessors: exporting && url ? [exporting.otlpProcessor(url)] : [],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  exporting?.instrumentLibraries();
  return { mode: exporting ? 'export' : 'ids', flush: () => provider.forceFlush() };
}

/** Sends the spans still buffered (a closing app; other apps of the process may go on). */
export async function flushTelemetry(): Promise<void> {
  await (await started)?.flush();
}

const tracer = () => trace.getTracer('p2p');

export interface SpanOptions {
  /** A W3C `traceparent` to continue (from a credential, an event, a job); else the active context. */
  parent?: string | null;
  kind?: SpanKind;
  attributes?: Attributes;
}

/**
 * Runs `fn` in a new span, a child of `parent` (or of the active span), ended when `fn` settles;
 * a throw marks it failed. Logs written inside carry its trace id.
 */
export function inSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ? propagation.extract(ROOT_CONTEXT, { traceparent: options.parent }) : context.active();
  return tracer().startActiveSpan(name, { kind: options.kind, attributes: options.attributes }, parent, (span) =>
    fn(span).then(
      (value) => {
        span.end();
        return value;
      },
      (err: unknown) => {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        throw err;
      },
    ),
  );
}

/** The active trace context as a W3C `traceparent`, to hand to another process; undefined outside one. */
export function currentTraceparent(): string | undefined {
  const carrier: { traceparent?: string } = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** `trace_id` and `span_id` of the active span, for every log line (the logger's mixin). */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return trace.isSpanContextValid(span.spanContext()) ? { trace_id: traceId, span_id: spanId } : {};
}
