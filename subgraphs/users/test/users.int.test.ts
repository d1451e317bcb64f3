import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddAddressDocument,
  BlockUserDocument,
  MeDocument,
  RegisterDocument,
  RemoveAddressDocument,
  UpdatePreferencesDocument,
  UpdateProfileDocument,
  UserDocument,
} from '@p2p/sdk';
import { query, startPlatform, waitFor, type Platform } from '@p2p/testing';

let n = 0;
async function signUp(platform: Platform, firstName = 'Grace') {
  const { register } = await platform.client().run(RegisterDocument, {
    input: {
      email: `users-${Date.now()}-${n++}@example.com`,
      password: 'Sturdy-pass-31',
      firstName,
      lastName: 'Hopper',
      roles: ['TRAVELER'],
      timezone: 'Europe/Paris',
      language: 'fr',
    },
  });
  return { id: register.user.id, client: platform.client(() => register.accessToken) };
}

describe('users subgraph through the gateway', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users'] });
  });
  afterAll(async () => platform?.stop());

  it('creates statistics at zero from the user.registered event, exactly once', async () => {
    const { id } = await signUp(platform);
    await platform.apps.auth!.relay!.flush();
    const rows = await waitFor(
      async () => {
        const r = await query<{ deliveries_as_traveler: number }>(
          platform.db.url,
          'SELECT * FROM users.statistics WHERE user_id = $1',
          [id],
        );
        return r.length > 0 ? r : undefined;
      },
      10_000,
      'statistics row',
    );
    expect(rows[0]!.deliveries_as_traveler).toBe(0);
    const processed = await query(platform.db.url, `SELECT 1 FROM users.processed_event WHERE consumer = 'users'`);
    expect(processed.length).toBeGreaterThanOrEqual(1);
  });

  it('keeps private fields private', async () => {
    const grace = await signUp(platform, 'Grace');
    const alan = await signUp(platform, 'Alan');
    const { me } = await grace.client.run(MeDocument);
    expect(me).toMatchObject({
      firstName: 'Grace',
      lastName: 'Hopper',
      displayName: 'Grace H.',
      preferences: { language: 'fr', timezone: 'Europe/Paris' },
      addresses: [],
    });
    const { user } = await alan.client.run(UserDocument, { id: grace.id });
    expect(user).toMatchObject({
      firstName: 'Grace',
      displayName: 'Grace H.',
      lastName: null,
      email: null,
      roles: ['TRAVELER'],
    });
    const anonymous = await platform.client().run(UserDocument, { id: grace.id });
    expect(anonymous.user).toMatchObject({ displayName: 'Grace H.', email: null, blockedByMe: null });
    const signedOut = await platform.client().execute(MeDocument);
    expect(signedOut.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('updates the profile, validates it, and changes nothing on bad input', async () => {
    const { client } = await signUp(platform);
    const { updateProfile } = await client.run(UpdateProfileDocument, {
      input: { bio: '  Flies Paris–Lyon weekly ', phone: '+33 6 12 34 56 78' },
    });
    expect(updateProfile).toMatchObject({ bio: 'Flies Paris–Lyon weekly', phone: '+33612345678' });
    const bad = await client.execute(UpdateProfileDocument, {
      input: { bio: 'changed', avatarUrl: 'javascript:alert(1)' },
    });
    expect(bad.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'avatarUrl' });
    expect((await client.run(MeDocument)).me!.bio).toBe('Flies Paris–Lyon weekly');
  });

  it('manages addresses with one default and rejects half coordinates', async () => {
    const { client } = await signUp(platform);
    const home = (
      await client.run(AddAddressDocument, {
        input: {
          label: 'Home',
          line1: '1 Rue de Rivoli',
          city: 'Paris',
          country: 'fr',
          latitude: 48.86,
          longitude: 2.35,
        },
      })
    ).addAddress;
    expect(home).toMatchObject({ country: 'FR', isDefault: true });
    const work = (
      await client.run(AddAddressDocument, {
        input: { label: 'Work', line1: '2 Quai', city: 'Lyon', country: 'FR', isDefault: true },
      })
    ).addAddress;
    expect(work.isDefault).toBe(true);
    const half = await client.execute(AddAddressDocument, {
      input: { label: 'X', line1: 'Y', city: 'Z', country: 'FR', latitude: 1 },
    });
    expect(half.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'latitude' });
    const addresses = (await client.run(MeDocument)).me!.addresses!;
    expect(addresses.map((a) => [a.label, a.isDefault])).toEqual([
      ['Work', true],
      ['Home', false],
    ]);
    await client.run(RemoveAddressDocument, { id: work.id });
    expect((await client.run(MeDocument)).me!.addresses!.map((a) => [a.label, a.isDefault])).toEqual([['Home', true]]);
    const other = await signUp(platform);
    const foreign = await other.client.execute(RemoveAddressDocument, { id: home.id });
    expect(foreign.errors[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('validates preferences and blocks users', async () => {
    const a = await signUp(platform);
    const b = await signUp(platform);
    const bad = await a.client.execute(UpdatePreferencesDocument, { input: { currency: 'XYZ' } });
    expect(bad.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency' });
    expect(
      (await a.client.run(UpdatePreferencesDocument, { input: { currency: 'usd' } })).updatePreferences.currency,
    ).toBe('USD');
    const self = await a.client.execute(BlockUserDocument, { userId: a.id });
    expect(self.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await a.client.run(BlockUserDocument, { userId: b.id });
    expect((await a.client.run(UserDocument, { id: b.id })).user!.blockedByMe).toBe(true);
    expect((await a.client.run(MeDocument)).me!.blockedUsers!.map((u) => u.id)).toEqual([b.id]);
  });
});
