// Plain Prisma CLI for the deliveries domain: `npm run prisma -- migrate status --config prisma/deliveries/prisma.config.ts`.
import { defineConfig } from 'prisma/config';

const url = new URL(process.env.DELIVERIES_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/p2p');
if (!url.searchParams.has('schema')) url.searchParams.set('schema', 'deliveries');

export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: { url: url.toString() },
});
