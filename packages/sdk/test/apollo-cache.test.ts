import { InMemoryCache } from '@apollo/client/cache';
import { parse, type FragmentDefinitionNode } from 'graphql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { possibleTypes, typePolicies } from '../src/index.js';

const REQUEST = '00000000-0000-4000-8000-000000000001';
const withCity = parse(`query A($id: ID!) { deliveryRequest(id: $id) { id pickup { city country } } }`);
const withAddress = parse(`query B($id: ID!) { deliveryRequest(id: $id) { id pickup { address country } } }`);
const place = { __typename: 'Place', country: 'FR' };

function writeBoth(cache: InMemoryCache) {
  const request = (pickup: object) => ({ deliveryRequest: { __typename: 'DeliveryRequest', id: REQUEST, pickup } });
  cache.writeQuery({ query: withCity, variables: { id: REQUEST }, data: request({ ...place, city: 'Paris' }) });
  cache.writeQuery({
    query: withAddress,
    variables: { id: REQUEST },
    data: request({ ...place, address: '10 Rue de Rivoli' }),
  });
}

describe('the SDK’s documents in Apollo Client’s InMemoryCache', () => {
  afterEach(() => vi.restoreAllMocks());

  it('merges a value type without an id (Place) into its parent instead of replacing it with loss of fields', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const cache = new InMemoryCache({ possibleTypes, typePolicies });
    writeBoth(cache);
    const read = (query: typeof withCity) =>
      (cache.readQuery({ query, variables: { id: REQUEST } }) as { deliveryRequest: { pickup: object } } | null)
        ?.deliveryRequest.pickup;
    expect(read(withCity)).toEqual({ ...place, city: 'Paris' });
    expect(read(withAddress)).toEqual({ ...place, address: '10 Rue de Rivoli' });
    expect(warn).not.toHaveBeenCalled();

    // What a default cache does with the same two answers: the first query's fields are lost.
    const plain = new InMemoryCache();
    writeBoth(plain);
    expect(plain.readQuery({ query: withCity, variables: { id: REQUEST } })).toBeNull();
  });

  it('matches a fragment on a union (LoginResult) to its members with the exported possibleTypes', () => {
    expect(possibleTypes.LoginResult).toEqual(['AuthPayload', 'TwoFactorChallenge']);
    const [fragment] = parse('fragment Result on LoginResult { __typename }').definitions as [FragmentDefinitionNode];
    const sdk = new InMemoryCache({ possibleTypes, typePolicies });
    expect(sdk.policies.fragmentMatches(fragment, 'TwoFactorChallenge')).toBe(true);
    expect(sdk.policies.fragmentMatches(fragment, 'AuthPayload')).toBe(true);
    expect(sdk.policies.fragmentMatches(fragment, 'Trip')).toBe(false);
    // A default cache does not know TwoFactorChallenge is a LoginResult.
    expect(new InMemoryCache().policies.fragmentMatches(fragment, 'TwoFactorChallenge')).toBe(false);
  });
});
