import { Queue } from 'bullmq';
import { bullPrefix, createRedis, eventQueueName, subgraphs } from '@p2p/kit';
import { query } from './db.js';
import type { Platform } from './platform.js';
import { waitFor } from './wait.js';

/** Row counts of every table of every domain's schema. */
export async function tableCounts(platform: Platform): Promise<Record<string, number>> {
  const tables = await query<{ name: string }>(
    platform.db.url,
    `SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name FROM information_schema.tables
      WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE' ORDER BY 1`,
    [subgraphs.map((s) => s.name)],
  );
  const counts = tables.map((t, i) => `(SELECT count(*) FROM ${t.name})::int AS c${i}`).join(', ');
  const [row] = await query<Record<string, number>>(platform.db.url, `SELECT ${counts}`);
  return Object.fromEntries(tables.map((t, i) => [t.name, row![`c${i}`]!]));
}

/** Waits until every event written so far has been relayed and consumed (or failed for good). */
export async function settle(platform: Platform): Promise<void> {
  for (const app of Object.values(platform.apps)) await app.relay?.flush();
  const connection = createRedis(platform.env.REDIS_URL!);
  const prefix = bullPrefix(platform.env.REDIS_PREFIX!);
  const queues = subgraphs.map((s) => new Queue(eventQueueName(s.name), { connection, prefix }));
  const started = new Set(Object.keys(platform.apps));
  try {
    await waitFor(
      async () => {
        const pending = await Promise.all(
          queues
            .filter((q) => started.has(q.name.slice('events.'.length)))
            .map(async (q) =>
              Object.values(await q.getJobCounts('waiting', 'active', 'delayed')).reduce((a, b) => a + b, 0),
            ),
        );
        return pending.every((n) => n === 0);
      },
      15_000,
      'event queues to drain',
    );
  } finally {
    await Promise.all(queues.map((q) => q.close()));
    await connection.quit();
  }
}

/** Runs `action` and asserts that no table of any domain gained or lost a row meanwhile. */
export async function expectNothingWritten(platform: Platform, action: () => Promise<void>): Promise<void> {
  await settle(platform);
  const before = await tableCounts(platform);
  await action();
  await settle(platform);
  const after = await tableCounts(platform);
  const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
  if (changed.length > 0) {
    const what = changed.map((t) => `${t}: ${before[t]} → ${after[t]}`).join(', ');
    throw new Error(`expected nothing written, but rows changed in ${what}`);
  }
}
