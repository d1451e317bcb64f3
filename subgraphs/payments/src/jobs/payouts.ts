import type { Logger } from '@p2p/kit';
import type { Payouts } from '../services/payouts.js';

export interface PayoutWorker {
  /** Sends every due payout now; returns how many were handled. */
  flush(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Polls for due payouts (like the outbox relay polls its table): the payout row is the durable
 * record, so nothing is lost while Redis or the provider is down, and several workers can run.
 */
export function startPayoutWorker(opts: { payouts: Payouts; pollMs: number; log: Logger }): PayoutWorker {
  let running: Promise<number> | null = null;
  const flush = (): Promise<number> => {
    running ??= opts.payouts.sendDue().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => {
    flush().catch((err) => opts.log.warn({ err }, 'payout pass failed; will retry'));
  }, opts.pollMs);
  timer.unref();
  return {
    flush,
    async close() {
      clearInterval(timer);
      await running?.catch(() => 0);
    },
  };
}
