import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, badInput, forbidden, notFound, type Viewer } from '@p2p/kit';
import type Stripe from 'stripe';
import type { PayoutAccount, PayoutAccountStatus, PayoutSchedule, PrismaClient } from '../generated/prisma/client.js';
import type { PaymentProvider } from '../providers/provider.js';
import type { Db } from './ledger.js';
import type { Payouts } from './payouts.js';
import { countryCode, type Currencies } from './validation.js';

/**
 * Travelers' payout accounts. With the local provider an account is ACTIVE at once; with Stripe
 * it is a connected account, PENDING until its `account.updated` webhook says it can receive
 * transfers and pay out, and the traveler finishes onboarding at the account link's URL.
 */
export class PayoutAccounts {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly deps: { provider: PaymentProvider; currencies: Currencies; payouts: Payouts },
  ) {}

  mine(userId: string): Promise<PayoutAccount | null> {
    return this.prisma.payoutAccount.findUnique({ where: { userId } });
  }

  /** Starts onboarding, or resumes it (a fresh onboarding link) when it is not finished. */
  async create(viewer: Viewer, rawCountry: string, rawCurrency: string): Promise<PayoutAccount> {
    if (!viewer.roles.includes('TRAVELER')) throw forbidden('Only travelers receive payouts');
    const country = countryCode(rawCountry);
    const currency = this.deps.currencies.supported('currency', rawCurrency);
    // An upsert, so that two concurrent calls end with one account.
    let account = await this.prisma.payoutAccount.upsert({
      where: { userId: viewer.id },
      create: {
        id: randomUUID(),
        userId: viewer.id,
        provider: this.deps.provider.name,
        country,
        currency,
        status: 'PENDING',
      },
      update: {},
    });
    if (account.country !== country || account.currency !== currency) {
      throw new DomainError(
        ErrorCode.CONFLICT,
        `Your payout account is for ${account.country} in ${account.currency} already`,
      );
    }
    if (!account.providerAccountId) account = await this.openAtProvider(account);
    if (account.status === 'PENDING') account = await this.issueOnboardingLink(account);
    return account;
  }

  /** INSTANT, or WEEKLY on an ISO weekday; the payouts not yet attempted follow at once. */
  async setSchedule(viewer: Viewer, schedule: PayoutSchedule, weeklyOn?: number | null): Promise<PayoutAccount> {
    if (weeklyOn != null && (!Number.isInteger(weeklyOn) || weeklyOn < 1 || weeklyOn > 7))
      throw badInput('weeklyOn', 'Give an ISO weekday: 1 (Monday) to 7 (Sunday)');
    return this.prisma.$transaction(async (tx) => {
      const found = await tx.payoutAccount.findUnique({ where: { userId: viewer.id } });
      if (!found) throw notFound('Payout account');
      const account = await tx.payoutAccount.update({
        where: { id: found.id },
        data: { schedule, ...(weeklyOn != null ? { weeklyOn } : {}) },
      });
      await this.deps.payouts.reschedule(tx, account);
      return account;
    });
  }

  /** account.updated: what the provider now lets the account do. */
  async applyProviderState(tx: Db, state: Stripe.Account): Promise<void> {
    // The event can beat us to storing the new account's id: then it is found by the user we named.
    const account =
      (await tx.payoutAccount.findUnique({ where: { providerAccountId: state.id } })) ??
      (state.metadata?.userId
        ? await tx.payoutAccount.findFirst({ where: { userId: state.metadata.userId, providerAccountId: null } })
        : null);
    if (!account) return;
    const status = statusOf(state);
    if (status === account.status && account.providerAccountId) return;
    await tx.payoutAccount.update({
      where: { id: account.id },
      data: { status, providerAccountId: state.id, ...(status === 'ACTIVE' ? { onboardingUrl: null } : {}) },
    });
    if (status === 'ACTIVE') await this.deps.payouts.activateWaiting(tx, account.userId);
  }

  private async openAtProvider(account: PayoutAccount): Promise<PayoutAccount> {
    const opened = await this.deps.provider.createAccount({
      idempotencyKey: `account:${account.id}`,
      userId: account.userId,
      country: account.country,
      currency: account.currency,
    });
    return this.prisma.$transaction(async (tx) => {
      const updated = await tx.payoutAccount.update({
        where: { id: account.id },
        data: { providerAccountId: opened.providerAccountId, ...(opened.active ? { status: 'ACTIVE' as const } : {}) },
      });
      if (opened.active) await this.deps.payouts.activateWaiting(tx, account.userId);
      return updated;
    });
  }

  /** Account links are single-use and expire, so each call asks for a new one, named by a sequence. */
  private async issueOnboardingLink(account: PayoutAccount): Promise<PayoutAccount> {
    const { linkSequence } = await this.prisma.payoutAccount.update({
      where: { id: account.id },
      data: { linkSequence: { increment: 1 } },
    });
    const url = await this.deps.provider.createOnboardingLink({
      idempotencyKey: `account-link:${account.id}:${linkSequence}`,
      providerAccountId: account.providerAccountId!,
    });
    return this.prisma.payoutAccount.update({ where: { id: account.id }, data: { onboardingUrl: url } });
  }
}

/** ACTIVE once the account can take transfers and pay out; RESTRICTED when Stripe disabled it. */
function statusOf(state: Stripe.Account): PayoutAccountStatus {
  const canReceive = state.charges_enabled || state.capabilities?.transfers === 'active';
  if (state.payouts_enabled && canReceive) return 'ACTIVE';
  return state.requirements?.disabled_reason ? 'RESTRICTED' : 'PENDING';
}
