import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, forbidden, isUuid, type Logger, type Viewer } from '@p2p/kit';
import type Stripe from 'stripe';
import type { CardSetup, PrismaClient } from '../generated/prisma/client.js';
import type { PaymentProvider, SavedCard } from '../providers/provider.js';
import type { Db } from './ledger.js';
import type { PaymentMethods } from './payment-methods.js';
import { lockCustomerCards, providerTransaction } from './locks.js';

/** How many cards one customer may keep: each setup is a call to the provider. */
export const MAX_SAVED_CARDS = 10;
/** A setup the app has not confirmed yet holds a place for this long (then it is taken as abandoned). */
const PENDING_HOLDS_MS = 60 * 60_000;

/** A card setup as its owner sees it; the client secret only in the answer that created it. */
export type CardSetupView = CardSetup & { clientSecret: string | null };

const refOf = (value: string | { id: string } | null | undefined): string | null =>
  typeof value === 'string' ? value : (value?.id ?? null);

/**
 * Saving a card. `start` makes sure the customer exists at the provider (created on first use,
 * with key `customer:<userId>`), then opens a setup (`card-setup:<setupId>`): with Stripe a
 * SetupIntent whose client secret the app confirms; the card is stored when the signed
 * `setup_intent.succeeded` webhook arrives. The local provider saves a test card at once.
 */
export class CardSetups {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly deps: {
      provider: PaymentProvider;
      paymentMethods: PaymentMethods;
      log: Logger;
      providerBudgetMs: number;
    },
  ) {}

  /**
   * Opens a setup. The customer's setups run one at a time (a lock held across the provider
   * call), and saved cards plus setups still waiting for the app count against the limit, so
   * concurrent starts cannot pass it together.
   */
  async start(viewer: Viewer): Promise<CardSetupView> {
    if (!viewer.roles.includes('CUSTOMER')) throw forbidden('Only customers save cards');
    await this.assertRoom(this.prisma, viewer.id);
    const customerRef = await this.customerOf(viewer.id);
    const setupId = randomUUID();
    return this.prisma.$transaction(async (tx) => {
      await lockCustomerCards(tx, viewer.id);
      await this.assertRoom(tx, viewer.id);
      const opened = await this.deps.provider.startCardSetup({
        idempotencyKey: `card-setup:${setupId}`,
        setupId,
        userId: viewer.id,
        customerRef,
      });
      const row = {
        id: setupId,
        userId: viewer.id,
        provider: this.deps.provider.name,
        providerRef: opened.providerRef,
      };
      if (opened.status === 'succeeded') {
        const method = await this.deps.paymentMethods.record(tx, viewer.id, opened.card);
        return {
          ...(await tx.cardSetup.create({ data: { ...row, status: 'SUCCEEDED', paymentMethodId: method.id } })),
          clientSecret: null,
        };
      }
      // A webhook may have recorded the setup first (it names the setup id): its state wins.
      await tx.cardSetup.createMany({ data: [{ ...row, status: 'PENDING' }], skipDuplicates: true });
      return {
        ...(await tx.cardSetup.findUniqueOrThrow({ where: { id: setupId } })),
        clientSecret: opened.clientSecret,
      };
    }, providerTransaction(this.deps.providerBudgetMs));
  }

  private async assertRoom(db: Db, userId: string): Promise<void> {
    const saved = await db.paymentMethod.count({ where: { userId } });
    const waiting = await db.cardSetup.count({
      where: { userId, status: 'PENDING', createdAt: { gt: new Date(Date.now() - PENDING_HOLDS_MS) } },
    });
    if (saved + waiting >= MAX_SAVED_CARDS) {
      throw new DomainError(
        ErrorCode.CONFLICT,
        `You have ${MAX_SAVED_CARDS} saved cards (or cards being saved) already; remove one first`,
      );
    }
  }

  /** One of the user's card setups, or null. */
  async find(viewer: Viewer, id: string): Promise<CardSetupView | null> {
    const setup = await this.prisma.cardSetup.findFirst({ where: { id, userId: viewer.id } });
    return setup && { ...setup, clientSecret: null };
  }

  /** The card a succeeded SetupIntent saved, read from the provider before the event's transaction. */
  async cardOf(intent: Stripe.SetupIntent): Promise<SavedCard | null> {
    const ref = refOf(intent.payment_method);
    return ref ? this.deps.provider.retrieveCard(ref) : null;
  }

  /** setup_intent.succeeded: the card is stored (once) and the setup SUCCEEDED. */
  async applySucceeded(tx: Db, intent: Stripe.SetupIntent, card: SavedCard | null): Promise<void> {
    const profile = await this.profileOf(tx, intent);
    if (!profile) return;
    if (!card) {
      this.deps.log.warn({ setupIntent: intent.id }, 'setup intent saved no card; nothing stored');
      return;
    }
    if (card.customerRef !== profile.providerCustomerId) {
      this.deps.log.warn(
        { setupIntent: intent.id, paymentMethod: card.providerRef },
        'saved card is no longer attached to the customer; not stored',
      );
      return;
    }
    const method = await this.deps.paymentMethods.record(tx, profile.userId, card);
    const state = { status: 'SUCCEEDED' as const, paymentMethodId: method.id, failureCode: null };
    await tx.cardSetup.upsert({
      where: { providerRef: intent.id },
      update: state,
      create: { ...this.rowOf(intent, profile.userId), ...state },
    });
  }

  /** setup_intent.setup_failed: the confirmation was refused; the app may confirm again. */
  async applyFailed(tx: Db, intent: Stripe.SetupIntent): Promise<void> {
    const error = intent.last_setup_error;
    await tx.cardSetup.updateMany({
      where: { providerRef: intent.id, status: { not: 'SUCCEEDED' } },
      data: { status: 'FAILED', failureCode: error?.decline_code ?? error?.code ?? 'setup_failed' },
    });
  }

  /** The user's customer at the provider, created on first use; concurrent first calls share it. */
  private async customerOf(userId: string): Promise<string> {
    const existing = await this.prisma.paymentProfile.findUnique({ where: { userId } });
    if (existing) return existing.providerCustomerId;
    const { customerRef } = await this.deps.provider.createCustomer({ idempotencyKey: `customer:${userId}`, userId });
    await this.prisma.paymentProfile.createMany({
      data: [{ userId, provider: this.deps.provider.name, providerCustomerId: customerRef }],
      skipDuplicates: true,
    });
    return (await this.prisma.paymentProfile.findUniqueOrThrow({ where: { userId } })).providerCustomerId;
  }

  /** Whose the SetupIntent is: the customer it saves a card for, if that customer is ours. */
  private async profileOf(tx: Db, intent: Stripe.SetupIntent) {
    const customer = refOf(intent.customer);
    const profile = customer ? await tx.paymentProfile.findUnique({ where: { providerCustomerId: customer } }) : null;
    if (!profile) this.deps.log.warn({ setupIntent: intent.id }, 'setup intent for a customer we do not know; ignored');
    return profile;
  }

  private rowOf(intent: Stripe.SetupIntent, userId: string) {
    const named = intent.metadata?.cardSetupId;
    return {
      id: named && isUuid(named) ? named : randomUUID(),
      userId,
      provider: this.deps.provider.name,
      providerRef: intent.id,
    };
  }
}
