import type { PayoutAccount } from '../generated/prisma/client.js';

/** Weekly payouts go out at this hour (UTC) of the traveler's weekday. */
export const WEEKLY_PAYOUT_HOUR_UTC = 8;

const DAY_MS = 24 * 3600 * 1000;

/** The next weekly slot after `now`: ISO weekday `weeklyOn` (1 = Monday) at 08:00 UTC. */
export function nextWeeklySlot(weeklyOn: number, now: Date = new Date()): Date {
  const isoToday = ((now.getUTCDay() + 6) % 7) + 1;
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  let slot = midnight + ((weeklyOn - isoToday + 7) % 7) * DAY_MS + WEEKLY_PAYOUT_HOUR_UTC * 3600 * 1000;
  if (slot <= now.getTime()) slot += 7 * DAY_MS;
  return new Date(slot);
}

/** When a payout released now to this account's traveler is due. */
export function dueAt(account: Pick<PayoutAccount, 'schedule' | 'weeklyOn'> | null, now: Date = new Date()): Date {
  return account?.schedule === 'WEEKLY' ? nextWeeklySlot(account.weeklyOn, now) : now;
}
