import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@p2p/testing';

/** The ledger's rules live in the database: these tests talk SQL to it, past every service. */
describe('ledger rules enforced by PostgreSQL', () => {
  let db: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  const newTransaction = async (lines: [string, number][], id: string = randomUUID()) => {
    await client.query(`INSERT INTO payments.ledger_transaction (id, key, kind) VALUES ($1, $2, 'CHARGE')`, [
      id,
      `test:${id}`,
    ]);
    const values = lines.map((_, i) => `($1, $${i * 2 + 2}, 'EUR', $${i * 2 + 3})`).join(', ');
    await client.query(
      `INSERT INTO payments.ledger_entry (transaction_id, account, currency, amount_minor) VALUES ${values}`,
      [id, ...lines.flat()],
    );
    return id;
  };
  /** Runs statements in one transaction; the error that stopped it, if any. */
  const inTransaction = async (work: () => Promise<unknown>): Promise<string | null> => {
    await client.query('BEGIN');
    try {
      await work();
      await client.query('COMMIT');
      return null;
    } catch (err) {
      await client.query('ROLLBACK');
      return (err as Error).message;
    }
  };

  it('accepts a balanced transaction', async () => {
    const id = await newTransaction([
      ['provider_clearing', 500],
      ['escrow', -500],
    ]);
    const { rows } = await client.query(
      'SELECT SUM(amount_minor)::int AS total, COUNT(*)::int AS n FROM payments.ledger_entry WHERE transaction_id = $1',
      [id],
    );
    expect(rows[0]).toEqual({ total: 0, n: 2 });
  });

  it('refuses an unbalanced transaction, and nothing of it is kept', async () => {
    const id = randomUUID();
    const error = await inTransaction(() =>
      newTransaction(
        [
          ['provider_clearing', 500],
          ['escrow', -499],
        ],
        id,
      ),
    );
    expect(error).toMatch(/does not balance: off by 1/);
    const { rows } = await client.query('SELECT COUNT(*)::int AS n FROM payments.ledger_transaction WHERE id = $1', [
      id,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('refuses entries that balance only across currencies, a lone entry, and zero lines', async () => {
    const crossCurrency = await inTransaction(async () => {
      const id = randomUUID();
      await client.query(`INSERT INTO payments.ledger_transaction (id, key, kind) VALUES ($1, $2, 'CHARGE')`, [
        id,
        `test:${id}`,
      ]);
      await client.query(
        `INSERT INTO payments.ledger_entry (transaction_id, account, currency, amount_minor) VALUES ($1, 'a', 'EUR', 100), ($1, 'b', 'USD', -100)`,
        [id],
      );
    });
    expect(crossCurrency).toMatch(/does not balance/);
    expect(
      await inTransaction(() =>
        newTransaction([
          ['escrow', 0],
          ['refunds', 0],
        ]),
      ),
    ).toMatch(/not a movement/);
    // Entries of one transaction are written together: a second statement cannot add to it.
    const split = await inTransaction(async () => {
      const id = await newTransaction([
        ['a', 1],
        ['b', -1],
      ]);
      await client.query(
        `INSERT INTO payments.ledger_entry (transaction_id, account, currency, amount_minor) VALUES ($1, 'a', 'EUR', 5), ($1, 'b', 'EUR', -5)`,
        [id],
      );
    });
    expect(split).toMatch(/is sealed/);
  });

  it('never updates or deletes entries or transactions', async () => {
    const id = await newTransaction([
      ['provider_clearing', 700],
      ['escrow', -700],
    ]);
    expect(
      await inTransaction(() =>
        client.query('UPDATE payments.ledger_entry SET amount_minor = 1 WHERE transaction_id = $1', [id]),
      ),
    ).toMatch(/append-only: UPDATE on ledger_entry/);
    expect(
      await inTransaction(() => client.query('DELETE FROM payments.ledger_entry WHERE transaction_id = $1', [id])),
    ).toMatch(/append-only: DELETE on ledger_entry/);
    expect(await inTransaction(() => client.query('TRUNCATE payments.ledger_entry CASCADE'))).toMatch(
      /append-only: TRUNCATE/,
    );
    expect(
      await inTransaction(() =>
        client.query(`UPDATE payments.ledger_transaction SET key = 'changed' WHERE id = $1`, [id]),
      ),
    ).toMatch(/append-only: UPDATE on ledger_transaction/);
    expect(
      await inTransaction(() => client.query('DELETE FROM payments.ledger_transaction WHERE id = $1', [id])),
    ).toMatch(/append-only: DELETE on ledger_transaction/);
    const { rows } = await client.query(
      'SELECT SUM(amount_minor)::int AS d FROM payments.ledger_entry WHERE transaction_id = $1 AND amount_minor > 0',
      [id],
    );
    expect(rows[0].d).toBe(700);
  });

  it('guards a payment: fixed terms, no over-refund, released once and for good', async () => {
    const id = randomUUID();
    await client.query(
      `INSERT INTO payments.payment (id, delivery_id, customer_id, traveler_id, currency, amount_minor, platform_fee_minor, status, provider, updated_at)
       VALUES ($1, $2, 'c', 't', 'EUR', 1000, 120, 'HELD', 'local', now())`,
      [id, randomUUID()],
    );
    const update = (set: string) =>
      inTransaction(() => client.query(`UPDATE payments.payment SET ${set} WHERE id = $1`, [id]));
    expect(await update('amount_minor = 900')).toMatch(/terms are fixed/);
    expect(await update('refunded_minor = 1001')).toMatch(/out of bounds/);
    expect(await update(`refunded_minor = 400, status = 'PARTIALLY_REFUNDED'`)).toBeNull();
    expect(await update('refunded_minor = 300')).toMatch(/only grow/);
    expect(await update('released_minor = 601')).toMatch(/out of bounds/);
    expect(await update(`released_minor = 600, status = 'RELEASED'`)).toBeNull();
    expect(await update(`refunded_minor = 500`)).toMatch(/out of bounds|released already/);
    expect(await update(`status = 'REFUNDED'`)).toMatch(/RELEASED is final/);
  });
});
