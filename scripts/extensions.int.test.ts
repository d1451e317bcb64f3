import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { missingExtensions } from '@p2p/kit';
import { databaseUrl } from '@p2p/testing';

describe('the extensions a newcomer’s server must have', () => {
  it('names none on this server, and says what to install for one it lacks', async () => {
    const client = new pg.Client({ connectionString: databaseUrl('postgres') });
    await client.connect();
    try {
      expect(await missingExtensions(client)).toEqual([]);
      // A server without PostGIS, as a fresh PostgreSQL is: the same query, answered without it.
      const withoutPostgis = {
        query: async (sql: string, values: unknown[]) => {
          const { rows } = await client.query<{ name: string }>(sql, values);
          return { rows: rows.filter((r) => r.name !== 'postgis') };
        },
      };
      expect(await missingExtensions(withoutPostgis)).toEqual([
        'PostgreSQL has no postgis extension: apt-get update && apt-get install -y postgresql-15-postgis-3',
      ]);
    } finally {
      await client.end();
    }
  });
});
