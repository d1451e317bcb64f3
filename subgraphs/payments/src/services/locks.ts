import type { SqlClient } from '@p2p/kit';

/**
 * Serialises every money movement of one delivery (charge, refund, release, webhook effects)
 * until the caller's transaction ends. An advisory lock, because the first charge has no row to
 * lock yet, and a refund may arrive before any charge.
 */
export async function lockDelivery(db: SqlClient, deliveryId: string): Promise<void> {
  await db.$executeRawUnsafe(
    'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))',
    `payments:delivery:${deliveryId}`,
  );
}

/** Serialises the card setups of one customer, so the saved-card limit holds under concurrency. */
export async function lockCustomerCards(db: SqlClient, userId: string): Promise<void> {
  await db.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', `payments:cards:${userId}`);
}

/**
 * Options for a transaction that calls the provider while holding the lock: long enough for the
 * provider's own timeout and retries (`budgetMs`), and a wait for a connection under load.
 */
export const providerTransaction = (budgetMs: number) => ({ timeout: budgetMs + 5_000, maxWait: 10_000 });
