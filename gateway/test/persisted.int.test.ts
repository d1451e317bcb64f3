import { createHash } from 'node:crypto';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, LogoutDocument, MeDocument, ParcelCategoriesDocument, documentIdOf } from '@p2p/sdk';
import { signUp, signUpStaff, startPlatform, type Platform, type SignedUp } from '@p2p/testing';

const idOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

describe('persisted documents: the SDK’s manifest, by documentId or hash; only those in production', () => {
  let platform: Platform;
  let user: SignedUp;
  let partner: SignedUp;

  beforeAll(async () => {
    platform = await startPlatform({
      subgraphs: ['auth', 'users', 'deliveries'],
      env: { PERSISTED_DOCUMENTS_ONLY: 'true' },
    });
    user = await signUp(platform);
    partner = await signUpStaff(platform, ['partner']);
  });
  afterAll(async () => platform?.stop());

  const post = async (body: unknown, token = user.accessToken) => {
    const response = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      ...((await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] }),
    };
  };

  it('runs an SDK operation by documentId, by its hash, and by its text', async () => {
    const text = print(MeDocument);
    const byId = await post({ documentId: idOf(text) });
    expect(byId.errors).toBeUndefined();
    expect(byId.data).toMatchObject({ me: { id: user.id } });
    const hash = idOf(text).slice('sha256:'.length);
    const byHash = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(byHash.data).toMatchObject({ me: { id: user.id } });
    expect((await user.client.execute(ParcelCategoriesDocument)).errors).toEqual([]);
    // The SDK's own way: persistedDocuments sends the documentId.
    const sdk = new Client({ url: platform.gatewayUrl, accessToken: () => user.accessToken, persistedDocuments: true });
    expect((await sdk.run(MeDocument)).me?.id).toBe(user.id);
    expect(await documentIdOf(MeDocument)).toBe(idOf(text));
  });

  it('refuses an unknown documentId, and any other operation unless the caller is a partner', async () => {
    const unknown = await post({ documentId: idOf('{ me { id } } # not in the manifest') });
    // 200, as automatic persisted queries answer it: the client may send the document itself next.
    expect([unknown.status, unknown.errors?.[0]?.extensions?.code]).toEqual([200, 'PERSISTED_QUERY_NOT_FOUND']);
    const adHoc = await post({ query: '{ me { id displayName } }' });
    expect([adHoc.status, adHoc.errors?.[0]?.extensions?.code]).toEqual([400, 'PERSISTED_DOCUMENT_REQUIRED']);
    expect(adHoc.data).toBeUndefined();
    const explored = await post({ query: '{ me { id displayName } }' }, partner.accessToken);
    expect(explored.errors).toBeUndefined();
    expect(explored.data).toMatchObject({ me: { id: partner.id } });
  });

  it('answers queries over GET (cacheable by a CDN), by documentId too, and refuses a mutation over GET with 405', async () => {
    const get = (params: Record<string, string>) =>
      fetch(`${platform.gatewayUrl}?${new URLSearchParams(params)}`, {
        headers: { authorization: `Bearer ${user.accessToken}`, 'apollo-require-preflight': 'true' },
      });
    const text = print(ParcelCategoriesDocument);
    const byText = await get({ query: text });
    expect(byText.status).toBe(200);
    expect(
      ((await byText.json()) as { data?: { parcelCategories?: unknown[] } }).data?.parcelCategories?.length,
    ).toBeGreaterThan(0);
    const hash = idOf(text).slice('sha256:'.length);
    const byHash = await get({ extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }) });
    expect(byHash.status).toBe(200);
    const mutation = await get({ query: print(LogoutDocument) });
    expect(mutation.status).toBe(405);
  });
});
