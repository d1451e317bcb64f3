import { randomUUID } from 'node:crypto';
import { ident, type Logger } from '@p2p/kit';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { PaymentsOutbox } from '../events.js';
import type { PaymentProvider, ProviderTransfer } from '../providers/provider.js';

export type MismatchKind =
  'LEDGER_MISSING' | 'LEDGER_AMOUNT' | 'PROVIDER_MISSING' | 'PROVIDER_AMOUNT' | 'UNRECORDED_TRANSFER';

interface Finding {
  kind: MismatchKind;
  reference: string;
  payoutId: string | null;
  providerRef: string | null;
  details: Record<string, unknown>;
}

export interface ReconciliationOptions {
  /** How far back each run looks. */
  lookbackMs: number;
  /** Transfers younger than this may still be on their way to being recorded: not judged yet. */
  graceMs: number;
}

interface PayoutLedger {
  id: string;
  status: string;
  amount_minor: number;
  currency: string;
  provider_ref: string | null;
  booked: number | null;
}

/**
 * Compares what the ledger says was paid out with the payouts and with the provider's own
 * records: a PAID payout without its PAYOUT ledger entry (or another amount), one the provider has
 * no transfer for (or another amount), and a transfer of ours the payouts never recorded. Each
 * finding is kept once per kind and reference and announced (`payout.mismatch_found`, for the
 * admins); running again finds nothing new. A scheduled job of the payments workers.
 */
export class PayoutReconciliation {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly deps: { provider: PaymentProvider; outbox: PaymentsOutbox; log: Logger; schema: string },
    private readonly options: ReconciliationOptions,
  ) {}

  async run(now: Date = new Date()): Promise<{ checked: number; flagged: number }> {
    const since = new Date(now.getTime() - this.options.lookbackMs);
    const settled = new Date(now.getTime() - this.options.graceMs);
    const payouts = await this.payoutsSince(since, settled);
    const transfers = await this.deps.provider.listTransfers(since);
    const findings = [
      ...this.againstLedger(payouts),
      ...(transfers ? this.againstProvider(payouts, transfers, settled) : []),
    ];
    let flagged = 0;
    for (const f of findings) if (await this.flag(f)) flagged++;
    if (flagged > 0) this.deps.log.error({ flagged }, 'payout reconciliation found mismatches');
    return { checked: payouts.length, flagged };
  }

  /** Payouts made in the window, with what the ledger booked for each (its `payout:<id>` movement). */
  private payoutsSince(since: Date, settled: Date): Promise<PayoutLedger[]> {
    const s = ident(this.deps.schema);
    return this.prisma.$queryRawUnsafe<PayoutLedger[]>(
      `SELECT p.id, p.status::text, p.amount_minor, p.currency, p.provider_ref,
              (SELECT SUM(e.amount_minor) FROM ${s}.ledger_transaction t JOIN ${s}.ledger_entry e ON e.transaction_id = t.id
                WHERE t.key = 'payout:' || p.id AND e.account LIKE 'traveler_payable:%')::int AS booked
         FROM ${s}.payout p
        WHERE p.created_at >= $1 AND p.created_at < $2`,
      since,
      settled,
    );
  }

  private againstLedger(payouts: PayoutLedger[]): Finding[] {
    return payouts.flatMap((p): Finding[] => {
      const base = { reference: p.id, payoutId: p.id, providerRef: p.provider_ref };
      if (p.status !== 'PAID' && p.status !== 'REVERSED') return [];
      if (p.booked === null) return [{ ...base, kind: 'LEDGER_MISSING', details: { amountMinor: p.amount_minor } }];
      if (p.booked !== p.amount_minor)
        return [{ ...base, kind: 'LEDGER_AMOUNT', details: { payout: p.amount_minor, ledger: p.booked } }];
      return [];
    });
  }

  private againstProvider(payouts: PayoutLedger[], transfers: ProviderTransfer[], settled: Date): Finding[] {
    const byRef = new Map(transfers.map((t) => [t.ref, t]));
    const ours = new Map(payouts.map((p) => [p.id, p]));
    const findings: Finding[] = [];
    for (const p of payouts) {
      if (p.status !== 'PAID' || !p.provider_ref) continue;
      const t = byRef.get(p.provider_ref);
      const base = { reference: p.id, payoutId: p.id, providerRef: p.provider_ref };
      if (!t) findings.push({ ...base, kind: 'PROVIDER_MISSING', details: { amountMinor: p.amount_minor } });
      else if (t.amountMinor !== p.amount_minor || t.currency !== p.currency)
        findings.push({
          ...base,
          kind: 'PROVIDER_AMOUNT',
          details: { payout: [p.amount_minor, p.currency], provider: [t.amountMinor, t.currency] },
        });
    }
    for (const t of transfers) {
      if (!t.payoutId || t.createdAt >= settled) continue;
      const p = ours.get(t.payoutId);
      // A payout outside the window is judged when a run's window holds it.
      if (!p || (p.provider_ref === t.ref && (p.status === 'PAID' || p.status === 'REVERSED'))) continue;
      findings.push({
        kind: 'UNRECORDED_TRANSFER',
        reference: t.ref,
        payoutId: t.payoutId,
        providerRef: t.ref,
        details: { payoutStatus: p.status, amountMinor: t.amountMinor, currency: t.currency },
      });
    }
    return findings;
  }

  /** Kept once per kind and reference; a new finding is announced in the same transaction. */
  private async flag(f: Finding): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const created = await tx.payoutMismatch.createMany({
        data: [{ id: randomUUID(), ...f, details: f.details as Prisma.InputJsonValue }],
        skipDuplicates: true,
      });
      if (created.count === 0) return false;
      await this.deps.outbox.write(
        tx,
        'payout.mismatch_found',
        { kind: f.kind, payoutId: f.payoutId, providerRef: f.providerRef, details: f.details },
        f.reference,
      );
      return true;
    });
  }
}
