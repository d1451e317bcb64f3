// The Prisma CLI's config for one domain: its schema, its migrations, and its database URL —
// `<DOMAIN>_DATABASE_URL`, else `DATABASE_URL` with the domain's PostgreSQL schema.
import { defineConfig } from 'prisma/config';

export function domainConfig(domain: string) {
  const url = new URL(
    process.env[`${domain.toUpperCase()}_DATABASE_URL`] ??
      process.env.DATABASE_URL ??
      'postgresql://postgres@127.0.0.1:5432/p2p',
  );
  if (!url.searchParams.has('schema')) url.searchParams.set('schema', domain);
  return defineConfig({
    // Relative to the domain's own prisma.config.ts, which calls this.
    schema: 'schema.prisma',
    migrations: { path: 'migrations' },
    datasource: { url: url.toString() },
  });
}
