import { z } from 'zod';
import { subgraphInfo, subgraphUrls, type SubgraphName } from './topology.js';

/** Settings every process of the platform shares. */
export const baseEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/p2p'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and BullMQ queue, so that test runs and deployments never collide. */
  REDIS_PREFIX: z.string().default('p2p'),
  /** Address subgraphs listen on; loopback by default, since only the gateway should reach them. */
  BIND_HOST: z.string().default('127.0.0.1'),
  /** HMAC secret for the internal credentials the gateway and the services sign. */
  INTERNAL_JWT_SECRET: z.string().min(32).default('dev-internal-secret-change-me-0123456789abcdef'),
  /** OpenTelemetry (telemetry.ts), by its standard variables: spans are exported only to an OTLP endpoint. */
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
  /** The share of traces recorded when exporting (0 to 1; a sampled parent's decision is kept). */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  OTEL_SERVICE_NAME: z.string().optional(),
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once at boot; the result is typed and frozen. Fails loudly with every problem listed. */
export function parseConfig<S extends z.ZodRawShape>(
  shape: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.infer<z.ZodObject<S>>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const data = result.data as Record<string, unknown>;
  if (data.NODE_ENV === 'production' && String(data.INTERNAL_JWT_SECRET).startsWith('dev-')) {
    throw new ConfigError('INTERNAL_JWT_SECRET must be set in production');
  }
  return Object.freeze(result.data);
}

/** The database URL a domain uses: its own `<DOMAIN>_DATABASE_URL`, else the shared one with the domain's schema. */
export function domainDatabaseUrl(domain: string, env: Record<string, string | undefined> = process.env): string {
  const own = env[`${domain.toUpperCase()}_DATABASE_URL`];
  const url = new URL(own ?? env.DATABASE_URL ?? baseEnv.DATABASE_URL.parse(undefined));
  if (!url.searchParams.has('schema')) url.searchParams.set('schema', domain);
  return url.toString();
}

export function schemaOf(url: string): string {
  return new URL(url).searchParams.get('schema') ?? 'public';
}

export type Env = Record<string, string | undefined>;

/** What every subgraph's configuration holds besides its own settings. */
export interface SubgraphSettings {
  name: SubgraphName;
  /** `<NAME>_PORT`, else the port in the list (topology.ts). */
  port: number;
  /**
   * Where a process running the workers alone serves `/health`, `/ready` and `/metrics`:
   * `WORKER_STATUS_PORT`, else the subgraph's port + 1000 (0: a free port).
   */
  workerStatusPort: number;
  databaseUrl: string;
  subgraphUrls: Readonly<Record<SubgraphName, string>>;
}

/**
 * A subgraph's configuration: the platform's shared settings, its own `shape`, and what the kit
 * derives from its name (port, database URL with the domain's schema, the other subgraphs' URLs).
 */
export function subgraphConfig<S extends z.ZodRawShape>(name: SubgraphName, shape: S, env: Env = process.env) {
  const portVar = `${name.toUpperCase()}_PORT`;
  const port = z.coerce.number().int().min(0).max(65_535);
  const ports = { [portVar]: port.default(subgraphInfo(name).port), WORKER_STATUS_PORT: port.optional() };
  const {
    [portVar]: chosen,
    WORKER_STATUS_PORT: statusPort,
    ...settings
  } = parseConfig({ ...baseEnv, ...shape, ...ports }, env) as Record<string, unknown>;
  const derived: SubgraphSettings = {
    name,
    port: chosen as number,
    workerStatusPort: (statusPort as number | undefined) ?? subgraphInfo(name).port + 1000,
    databaseUrl: domainDatabaseUrl(name, env),
    subgraphUrls: Object.freeze(subgraphUrls(env)),
  };
  return Object.freeze({ ...(settings as z.infer<z.ZodObject<typeof baseEnv & S>>), ...derived });
}

export type SubgraphConfig = Readonly<z.infer<z.ZodObject<typeof baseEnv>> & SubgraphSettings>;
