// Prisma's findMany against the kit's modelReader for the batched loads behind references, side
// by side in one process on one database: CPU per call for 1, 20 and 200 ids, interleaved rounds.
//   npx tsx bench/model-reader.ts [--database p2p_bench_path] [--rounds 5] [--calls 300]
// Needs the database the request path benchmark leaves with `--keep`… or any database with users.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createDatabase, domainDatabaseUrl, modelReader, schemaOf } from '@p2p/kit';
import { PrismaClient as UsersClient, type User } from '../subgraphs/users/src/generated/prisma/client.js';
import { ms, table } from './stats.js';

const { values: args } = parseArgs({
  options: {
    database: { type: 'string', default: 'p2p_bench_path' },
    rounds: { type: 'string', default: '5' },
    calls: { type: 'string', default: '300' },
  },
});

const admin = new URL(process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
admin.pathname = `/${args.database}`;
const url = domainDatabaseUrl('users', { DATABASE_URL: admin.toString() });
const database = createDatabase(UsersClient, url);
const reader = modelReader<User>(database, 'User', schemaOf(url));

const client = new pg.Client({ connectionString: admin.toString() });
await client.connect();
const ids = (await client.query<{ id: string }>('SELECT id FROM users."user" ORDER BY id LIMIT 200')).rows.map(
  (r) => r.id,
);
await client.end();

const cpu = () => process.cpuUsage().user + process.cpuUsage().system;
async function costOf(read: (ids: string[]) => Promise<unknown>, some: string[], calls: number): Promise<number> {
  const before = cpu();
  for (let i = 0; i < calls; i++) await read(some);
  return (cpu() - before) / 1000 / calls;
}

const paths = {
  prisma: (some: string[]) => database.prisma.user.findMany({ where: { id: { in: some } } }),
  modelReader: (some: string[]) => reader.whereIn('id', some),
};
const sizes = [1, 20, 200].filter((n) => n <= ids.length);
const results = new Map<string, number[]>();
// Warm-up: JIT, the prepared statements, the pool's connections.
for (const read of Object.values(paths)) for (const n of sizes) await costOf(read, ids.slice(0, n), 50);
for (let round = 0; round < Number(args.rounds); round++) {
  for (const n of sizes) {
    for (const [name, read] of Object.entries(paths)) {
      const key = `${name} ${n}`;
      results.set(key, [...(results.get(key) ?? []), await costOf(read, ids.slice(0, n), Number(args.calls))]);
    }
  }
}
await database.close();
const rows = sizes.map((n) => {
  const p = results.get(`prisma ${n}`)!;
  const r = results.get(`modelReader ${n}`)!;
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const spread = (xs: number[]) => `${ms(Math.min(...xs))}–${ms(Math.max(...xs))}`;
  return [String(n), ms(mid(p)), spread(p), ms(mid(r)), spread(r), (mid(p) / mid(r)).toFixed(2)];
});
console.log(
  `users: ${ids.length} ids, ${args.rounds} rounds of ${args.calls} calls; CPU ms per call of this process (median, spread)`,
);
console.log(table(['ids', 'prisma', 'spread', 'modelReader', 'spread', 'prisma ÷ reader'], rows));
