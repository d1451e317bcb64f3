import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CardSetupDocument,
  MyPaymentMethodsDocument,
  RemovePaymentMethodDocument,
  SetDefaultPaymentMethodDocument,
  StartCardSetupDocument,
} from '@p2p/sdk';
import { count, signUp, startPlatform, type Platform, type SignedUp } from '@p2p/testing';

/** Rows a refused call must leave as they were. */
const snapshot = async (platform: Platform, userId: string) => ({
  methods: await count(platform, 'SELECT COUNT(*) AS n FROM payments.payment_method WHERE user_id = $1', [userId]),
  setups: await count(platform, 'SELECT COUNT(*) AS n FROM payments.card_setup WHERE user_id = $1', [userId]),
  profiles: await count(platform, 'SELECT COUNT(*) AS n FROM payments.payment_profile WHERE user_id = $1', [userId]),
  defaults: await count(
    platform,
    'SELECT COUNT(*) AS n FROM payments.payment_profile WHERE user_id = $1 AND default_payment_method_id IS NOT NULL',
    [userId],
  ),
});

describe('saved cards with the local provider, through the gateway', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'payments'], composedOnly: ['deliveries'] });
  });
  afterAll(async () => platform?.stop());

  const saveCard = async (customer: SignedUp) => (await customer.client.run(StartCardSetupDocument)).startCardSetup;
  const mine = async (customer: SignedUp) => (await customer.client.run(MyPaymentMethodsDocument)).myPaymentMethods;

  it('saves a test card at once; the first card is the default', async () => {
    const customer = await signUp(platform, { roles: ['CUSTOMER'] });
    const first = await saveCard(customer);
    expect(first).toMatchObject({
      status: 'SUCCEEDED',
      clientSecret: null,
      failureCode: null,
      paymentMethod: {
        brand: 'visa',
        last4: '4242',
        expMonth: 12,
        expYear: new Date().getUTCFullYear() + 4,
        isDefault: true,
      },
    });
    const second = await saveCard(customer);
    expect(second.paymentMethod).toMatchObject({ isDefault: false });
    expect((await mine(customer)).map((m) => [m.id, m.isDefault])).toEqual([
      [second.paymentMethod!.id, false],
      [first.paymentMethod!.id, true],
    ]);
    expect((await customer.client.run(CardSetupDocument, { id: first.id })).cardSetup).toMatchObject({
      id: first.id,
      status: 'SUCCEEDED',
      paymentMethod: { id: first.paymentMethod!.id },
    });
  });

  it('switches the default, and hands it to the newest card left when the default is removed', async () => {
    const customer = await signUp(platform, { roles: ['CUSTOMER', 'TRAVELER'] });
    const [a, b, c] = [await saveCard(customer), await saveCard(customer), await saveCard(customer)].map(
      (s) => s.paymentMethod!.id,
    );
    const { setDefaultPaymentMethod } = await customer.client.run(SetDefaultPaymentMethodDocument, { id: b! });
    expect(setDefaultPaymentMethod).toMatchObject({ id: b, isDefault: true });
    expect((await mine(customer)).filter((m) => m.isDefault).map((m) => m.id)).toEqual([b]);
    const { removePaymentMethod } = await customer.client.run(RemovePaymentMethodDocument, { id: b! });
    expect(removePaymentMethod.map((m) => [m.id, m.isDefault])).toEqual([
      [c, true],
      [a, false],
    ]);
    await customer.client.run(RemovePaymentMethodDocument, { id: c! });
    expect((await customer.client.run(RemovePaymentMethodDocument, { id: a! })).removePaymentMethod).toEqual([]);
    expect(await mine(customer)).toEqual([]);
    expect(await snapshot(platform, customer.id)).toMatchObject({ methods: 0, profiles: 1, defaults: 0 });
    // The setups that saved them stay, without their card.
    expect(
      await count(
        platform,
        'SELECT COUNT(*) AS n FROM payments.card_setup WHERE user_id = $1 AND payment_method_id IS NULL',
        [customer.id],
      ),
    ).toBe(3);
  });

  it('refuses bad ids, other people’s cards, non-customers and strangers, and writes nothing', async () => {
    const owner = await signUp(platform, { roles: ['CUSTOMER'] });
    const other = await signUp(platform, { roles: ['CUSTOMER'] });
    const ownersSetup = await saveCard(owner);
    const ownersCard = ownersSetup.paymentMethod!.id;
    await saveCard(other);
    const before = { owner: await snapshot(platform, owner.id), other: await snapshot(platform, other.id) };
    const codeOf = async (run: Promise<{ errors: { extensions?: { code?: string; field?: unknown } }[] }>) =>
      (await run).errors[0]?.extensions;

    expect(await codeOf(other.client.execute(SetDefaultPaymentMethodDocument, { id: 'not-an-id' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'id',
    });
    expect(await codeOf(other.client.execute(RemovePaymentMethodDocument, { id: '42' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'id',
    });
    expect(await codeOf(other.client.execute(SetDefaultPaymentMethodDocument, { id: ownersCard }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await codeOf(other.client.execute(RemovePaymentMethodDocument, { id: ownersCard }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await codeOf(other.client.execute(RemovePaymentMethodDocument, { id: randomUUID() }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await codeOf(other.client.execute(CardSetupDocument, { id: 'nope' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'id',
    });
    expect((await other.client.run(CardSetupDocument, { id: ownersSetup.id })).cardSetup).toBeNull();

    const traveler = await signUp(platform, { roles: ['TRAVELER'] });
    expect(await codeOf(traveler.client.execute(StartCardSetupDocument))).toMatchObject({ code: 'FORBIDDEN' });
    const stranger = platform.client();
    expect(await codeOf(stranger.execute(StartCardSetupDocument))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await codeOf(stranger.execute(MyPaymentMethodsDocument))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await codeOf(stranger.execute(RemovePaymentMethodDocument, { id: ownersCard }))).toMatchObject({
      code: 'UNAUTHENTICATED',
    });

    expect({ owner: await snapshot(platform, owner.id), other: await snapshot(platform, other.id) }).toEqual(before);
    expect(await snapshot(platform, traveler.id)).toEqual({ methods: 0, setups: 0, profiles: 0, defaults: 0 });
  });

  it('keeps at most ten cards per customer', async () => {
    const customer = await signUp(platform, { roles: ['CUSTOMER'] });
    for (let i = 0; i < 10; i++) await saveCard(customer);
    const before = await snapshot(platform, customer.id);
    const refused = await customer.client.execute(StartCardSetupDocument);
    expect(refused.errors[0]?.extensions?.code).toBe('CONFLICT');
    expect(await snapshot(platform, customer.id)).toEqual(before);
    expect(before).toMatchObject({ methods: 10, setups: 10 });
  });

  it('holds the limit when setups race: of six concurrent starts at eight cards, two save', async () => {
    const customer = await signUp(platform, { roles: ['CUSTOMER'] });
    for (let i = 0; i < 8; i++) await saveCard(customer);
    const results = await Promise.all(Array.from({ length: 6 }, () => customer.client.execute(StartCardSetupDocument)));
    const codes = results.map((r) => r.errors[0]?.extensions?.code ?? 'OK').sort();
    expect(codes).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'OK', 'OK']);
    expect(await snapshot(platform, customer.id)).toMatchObject({ methods: 10, setups: 10 });
  });
});
