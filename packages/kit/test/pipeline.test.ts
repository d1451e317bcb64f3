import { randomBytes } from 'node:crypto';
import { execute, parse } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INTERNAL_HEADER,
  createLogger,
  forbidden,
  signServiceCredential,
  startSubgraphServer,
  type RunningServer,
} from '../src/index.js';

const typeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  scalar Day
  interface Item {
    id: ID!
  }
  type Book implements Item @key(fields: "id") {
    id: ID!
    title: String!
    pages: Int
    tags: [String!]!
  }
  type Pen implements Item {
    id: ID!
    colour: String!
    secret: String
  }
  type Query {
    items(first: Int = 10): [Item!]!
    item(id: ID!): Item
    day(at: Day!): Day!
  }
`);

// Ids are UUIDs, as every id of the platform is (the kit refuses anything else before resolvers run).
const [B1, B2, P1, NONE] = ['b1', 'b2', 'a1', 'dead'].map((n) => `00000000-0000-4000-8000-${n.padStart(12, '0')}`) as [
  string,
  string,
  string,
  string,
];
const books = [
  { id: B1, kind: 'book', title: 'Kim', pages: 400, tags: ['travel'] },
  { id: B2, kind: 'book', title: 'Walden', pages: null, tags: [] },
];
const pens = [{ id: P1, kind: 'pen', colour: 'blue' }];
const all = [...books, ...pens];

const resolvers = {
  Day: {
    // A custom scalar both ways: parsing a variable and serialising a result.
    __serialize: (v: unknown) => String(v).slice(0, 10),
    __parseValue: (v: unknown) => new Date(String(v)).toISOString(),
  },
  Item: { __resolveType: (i: { kind: string }) => (i.kind === 'book' ? 'Book' : 'Pen') },
  Book: { __resolveReference: (ref: { id: string }) => books.find((b) => b.id === ref.id) ?? null },
  Pen: {
    secret: () => {
      throw forbidden('Not your pen');
    },
  },
  Query: {
    items: (_: unknown, { first }: { first: number }) => all.slice(0, first),
    item: async (_: unknown, { id }: { id: string }) => all.find((i) => i.id === id) ?? null,
    day: (_: unknown, { at }: { at: string }) => at,
  },
};

const OPERATIONS: [string, Record<string, unknown>][] = [
  ['{ items { __typename id ... on Book { title pages tags } ... on Pen { colour } } }', {}],
  ['query ($n: Int) { items(first: $n) { id } }', { n: 2 }],
  ['query ($id: ID!) { item(id: $id) { id ... on Pen { colour secret } } }', { id: P1 }],
  ['query ($at: Day!) { day(at: $at) }', { at: '2026-11-22T10:00:00Z' }],
  [
    'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Book { id title } } }',
    {
      r: [
        { __typename: 'Book', id: B2 },
        { __typename: 'Book', id: NONE },
      ],
    },
  ],
];

describe('the subgraph pipeline: execution compiled by graphql-jit', () => {
  let server: RunningServer;
  let token: string;
  const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);

  beforeAll(async () => {
    const secret = randomBytes(32).toString('hex');
    server = await startSubgraphServer(
      {
        name: 'jit',
        typeDefs,
        resolvers,
        internalSecret: secret,
        log: createLogger('jit', 'silent'),
        buildContext: (b) => b,
      },
      0,
    );
    token = await signServiceCredential(secret, 'test', 'r1');
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_HEADER]: token },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as {
      data?: unknown;
      errors?: { message: string; path?: unknown[]; extensions?: { code?: string } }[];
    };
    return { status: response.status, ...body };
  };

  it('answers what graphql-js answers: data, abstract types, entities, custom scalars, defaults, nulls', async () => {
    for (const [query, variables] of OPERATIONS) {
      const expected = await execute({ schema, document: parse(query), variableValues: variables, contextValue: {} });
      // Twice: compiled on the first call, reused on the second.
      for (let i = 0; i < 2; i++) {
        const answer = await post(query, variables);
        expect(answer.data, query).toEqual(JSON.parse(JSON.stringify(expected.data)));
        expect(
          answer.errors?.map((e) => [e.message, e.path]),
          query,
        ).toEqual(expected.errors?.map((e) => [e.message, e.path]));
      }
    }
  });

  it("keeps a resolver's domain error code and path", async () => {
    const answer = await post(`{ item(id: "${P1}") { id ... on Pen { secret } } }`, {});
    expect(answer.data).toEqual({ item: { id: P1, secret: null } });
    expect(answer.errors).toEqual([
      { message: 'Not your pen', path: ['item', 'secret'], extensions: { code: 'FORBIDDEN' } },
    ]);
  });

  it('refuses bad variables as graphql-js does, before running anything', async () => {
    const answer = await post('query ($n: Int) { items(first: $n) { id } }', { n: 'many' });
    expect(answer.status).toBe(400);
    expect(answer.data).toBeUndefined();
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.errors?.[0]?.message).toMatch(/Variable "\$n" got invalid value "many"/);
  });
});
