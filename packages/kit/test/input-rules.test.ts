import { buildSchema, graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DomainError, applyInputRules } from '../src/index.js';

const UUID = '00000000-0000-4000-8000-000000000001';

const schema = applyInputRules(
  buildSchema(/* GraphQL */ `
    input Place {
      address: String!
      near: Place
    }
    input Order {
      id: ID!
      items: [ID!]
      to: Place
      note: String
    }
    type Query {
      one(id: ID!): String
      many(ids: [ID!]!): String
      order(input: Order!): String
      words(text: String, count: Int): String
    }
  `),
);
const rootValue = { one: () => 'ok', many: () => 'ok', order: () => 'ok', words: () => 'ok' };

async function run(source: string, variableValues?: Record<string, unknown>) {
  const result = await graphql({ schema, source, rootValue, variableValues });
  const original = result.errors?.[0]?.originalError;
  return original instanceof DomainError
    ? { code: original.code, ...original.details }
    : (result.data ?? result.errors);
}

describe('the kit rule for ids and text in arguments', () => {
  it('passes UUIDs, text without NUL, and absent or null values', async () => {
    expect(await run(`{ one(id: "${UUID}") }`)).toEqual({ one: 'ok' });
    expect(await run(`{ many(ids: ["${UUID}", "${UUID.toUpperCase()}"]) }`)).toEqual({ many: 'ok' });
    expect(await run(`{ order(input: { id: "${UUID}", to: { address: "1 Rue" } }) }`)).toEqual({ order: 'ok' });
    expect(await run('{ words(count: 2) }')).toEqual({ words: 'ok' });
  });

  it('refuses a malformed id, literal or variable, at any depth, naming the field', async () => {
    expect(await run('{ one(id: "42") }')).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(await run('query ($id: ID!) { one(id: $id) }', { id: 'x' })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'id',
    });
    expect(await run(`{ many(ids: ["${UUID}", "nope"]) }`)).toEqual({ code: 'BAD_USER_INPUT', field: 'ids' });
    const order = 'query ($o: Order!) { order(input: $o) }';
    expect(await run(order, { o: { id: UUID, items: [UUID, 'x'] } })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'items',
    });
  });

  it('refuses a NUL character in text, naming the path in nested and recursive inputs', async () => {
    const order = 'query ($o: Order!) { order(input: $o) }';
    const near = { id: UUID, to: { address: '1 Rue', near: { address: 'B\u0000' } } };
    expect(await run(order, { o: near })).toEqual({ code: 'BAD_USER_INPUT', field: 'to.near.address' });
    expect(await run('{ words(text: "a\\u0000b") }')).toEqual({ code: 'BAD_USER_INPUT', field: 'text' });
  });
});
