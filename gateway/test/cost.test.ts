import { readFileSync } from 'node:fs';
import { buildSchema, parse, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as sdk from '@p2p/sdk';
import { REPO_ROOT } from '@p2p/kit';
import { loadGatewayConfig } from '../src/config.js';
import { estimateCost } from '../src/cost.js';

const schema = buildSchema(readFileSync(`${REPO_ROOT}/schema.graphql`, 'utf8'));
const config = loadGatewayConfig({});
const rules = {
  maxCost: config.MAX_QUERY_COST,
  assumedListSize: config.ASSUMED_LIST_SIZE,
  maxListSize: config.MAX_LIST_SIZE,
};
const cost = (query: string | DocumentNode, variables: Record<string, unknown> = {}) =>
  estimateCost(schema, typeof query === 'string' ? parse(query) : query, undefined, variables, rules);

describe('the cost estimate', () => {
  it('is the same however the selection is written: fragments, inline fragments, __typename', () => {
    const plain = `{ myDeliveries(first: 5) { edges { node { id trip { id origin { city } } } } } }`;
    const fragments = `
      query { myDeliveries(first: 5) { __typename edges { __typename ...Edge } } }
      fragment Edge on DeliveryEdge { node { ...Node id } }
      fragment Node on Delivery { __typename id trip { __typename id ... on Trip { origin { city __typename } } } }`;
    expect(cost(fragments)).toBe(cost(plain));
    expect(cost(plain)).toBe(1 + 5 * (1 + 1 + 1 + 1)); // the connection, then per edge: edge, node, trip, place
  });

  it('multiplies by page sizes written in the query or passed as variables, capped at the largest page', () => {
    const query = `query ($n: Int) { myDeliveries(first: $n) { edges { node { id history { at } } } } }`;
    const perItem = 1 + 1 + config.ASSUMED_LIST_SIZE; // edge, node, the history list of assumed size
    expect(cost(query, { n: 1 })).toBe(1 + perItem);
    expect(cost(query, { n: 100 })).toBe(1 + 100 * perItem);
    expect(cost(query, { n: 100_000 })).toBe(cost(query, { n: config.MAX_LIST_SIZE }));
    // A size the schema defaults (matchingTrips(first: Int = 20)) counts when the query gives none.
    const matching = (first: string) => `{ deliveryRequest(id: "x") { matchingTrips${first} { trip { id } } } }`;
    expect(cost(matching(''))).toBe(cost(matching('(first: 20)')));
  });

  it('counts introspection like any other selection', () => {
    const deep = `{ __schema { types { fields { type { fields { type { name } } } } } } }`;
    const deeper = `{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }`;
    expect(cost(deep)).toBe(1 + 10 * (1 + 10 * (1 + 1 + 10 * (1 + 1))));
    expect(cost(deeper)).toBeGreaterThan(rules.maxCost);
  });

  it('accepts every SDK operation at the largest page sizes', () => {
    const documents = Object.entries(sdk).filter(([name]) => name.endsWith('Document')) as [string, DocumentNode][];
    expect(documents.length).toBeGreaterThan(60);
    const largest = { first: 100, last: 100, limit: 100 };
    const over = documents
      .map(([name, doc]) => [name, estimateCost(schema, doc, undefined, largest, rules)] as const)
      .filter(([, c]) => c > rules.maxCost);
    expect(over).toEqual([]);
  });
});
