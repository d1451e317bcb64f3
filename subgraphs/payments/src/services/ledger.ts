import { randomUUID } from 'node:crypto';
import type { LedgerKind, Prisma } from '../generated/prisma/client.js';

export type Db = Prisma.TransactionClient;

/**
 * The ledger's accounts. Debits are positive, credits negative:
 * - provider_clearing: what customers paid in, sitting at the provider (the platform balance);
 * - escrow: what is held for deliveries not yet released or refunded;
 * - refunds / payouts: what left the platform balance back to customers / to travelers;
 * - platform_fees: the platform's earned fees;
 * - traveler_payable:<id>: what the platform owes a traveler until it is paid out.
 */
export const Account = {
  providerClearing: 'provider_clearing',
  escrow: 'escrow',
  platformFees: 'platform_fees',
  refunds: 'refunds',
  payouts: 'payouts',
  travelerPayable: (travelerId: string) => `traveler_payable:${travelerId}`,
} as const;

export interface Movement {
  /** Names the movement from our ids (`charge:<paymentId>`…): the same movement is recorded once. */
  key: string;
  kind: LedgerKind;
  paymentId: string | null;
  currency: string;
  /** Signed amounts; zero lines are dropped. The database refuses a movement that does not sum to zero. */
  lines: { account: string; amountMinor: number }[];
}

/**
 * Writes the double-entry ledger. Append-only: the database refuses updates and deletes, and
 * checks that each transaction's entries, written by one statement, sum to zero per currency.
 */
export class Ledger {
  /** Records a movement inside the caller's transaction; false when its key was recorded already. */
  async post(db: Db, movement: Movement): Promise<boolean> {
    return (await this.postMany(db, [movement])).size > 0;
  }

  /**
   * Records movements inside the caller's transaction, in two statements however many: their
   * transactions, then all of their entries (each transaction's lines balance on their own).
   * Returns the keys recorded now; a key recorded already is skipped.
   */
  async postMany(db: Db, movements: readonly Movement[]): Promise<Set<string>> {
    if (movements.length === 0) return new Set();
    const created = await db.ledgerTransaction.createManyAndReturn({
      data: movements.map((m) => ({ id: randomUUID(), key: m.key, kind: m.kind, paymentId: m.paymentId })),
      skipDuplicates: true,
      select: { id: true, key: true },
    });
    const byKey = new Map(movements.map((m) => [m.key, m]));
    const entries = created.flatMap(({ id, key }) => {
      const movement = byKey.get(key)!;
      return movement.lines
        .filter((l) => l.amountMinor !== 0)
        .map((l) => ({
          transactionId: id,
          account: l.account,
          currency: movement.currency,
          amountMinor: l.amountMinor,
        }));
    });
    if (entries.length > 0) await db.ledgerEntry.createMany({ data: entries });
    return new Set(created.map((t) => t.key));
  }
}
