// Plain Prisma CLI for the trips domain: `npm run prisma -- migrate status --config prisma/trips/prisma.config.ts`.
import { defineConfig } from 'prisma/config';

const url = new URL(process.env.TRIPS_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/p2p');
if (!url.searchParams.has('schema')) url.searchParams.set('schema', 'trips');

export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: { url: url.toString() },
});
