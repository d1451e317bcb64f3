import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@p2p/testing';
import { PrismaClient } from '../../../subgraphs/users/src/generated/prisma/client.js';
import { createDatabase, domainDatabaseUrl, registry } from '../src/index.js';

const statements = async (domain: string) =>
  (await registry.getSingleMetric('p2p_sql_statements_total')!.get()).values.find((v) => v.labels.domain === domain)
    ?.value ?? 0;

describe('p2p_sql_statements_total', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it("counts every statement a domain's pool sends, Prisma's and the raw reader's", async () => {
    const database = createDatabase(PrismaClient, domainDatabaseUrl('users', { DATABASE_URL: db.url }));
    try {
      await database.prisma.user.findMany({ take: 1 });
      const before = await statements('users');
      await database.prisma.user.findMany({ take: 1 });
      await database.reader.rows({ text: 'SELECT 1', values: [] });
      await database.reader.rows({ text: 'SELECT 2', values: [] });
      expect((await statements('users')) - before).toBe(3);
      expect(await registry.metrics()).toMatch(/p2p_sql_statements_total\{domain="users"\} \d+/);
    } finally {
      await database.close();
    }
  });
});
