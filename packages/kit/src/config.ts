import { z } from 'zod';

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
