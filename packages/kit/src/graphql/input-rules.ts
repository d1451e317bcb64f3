import {
  defaultFieldResolver,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { isUuid } from '../domain/ids.js';
import { badInput } from '../errors.js';

/** Checks one input value; `field` names it for the client (`id`, `pickup.address`). */
type Check = (value: unknown, field: string) => void;

const checkId: Check = (value, field) => {
  if (typeof value !== 'string' || !isUuid(value)) throw badInput(field, `${field} is not a valid id`);
};

const checkText: Check = (value, field) => {
  // PostgreSQL text cannot hold NUL; no client has a reason to send it.
  if (typeof value === 'string' && value.includes('\u0000')) throw badInput(field, `${field} contains a NUL character`);
};

const within = (path: string, name: string) => (path ? `${path}.${name}` : name);

/** The checks an input type needs, or null when nothing in it can be malformed this way. */
function checkOf(type: GraphQLInputType, seen: Map<string, Check | null>): Check | null {
  if (isNonNullType(type)) return checkOf(type.ofType, seen);
  if (isListType(type)) {
    const item = checkOf(type.ofType, seen);
    return item && ((value, field) => Array.isArray(value) && value.forEach((v) => v != null && item(v, field)));
  }
  const named = getNamedType(type);
  if (named.name === 'ID') return checkId;
  if (named.name === 'String') return checkText;
  if (!isInputObjectType(named)) return null;
  if (seen.has(named.name)) return (value, field) => seen.get(named.name)?.(value, field);
  seen.set(named.name, null);
  const fields = Object.values(named.getFields())
    .map((f) => [f.name, checkOf(f.type, seen)] as const)
    .filter((entry): entry is readonly [string, Check] => entry[1] !== null);
  const check: Check | null =
    fields.length === 0
      ? null
      : (value, path) => {
          const object = value as Record<string, unknown>;
          for (const [name, inner] of fields) if (object[name] != null) inner(object[name], within(path, name));
        };
  seen.set(named.name, check);
  return check;
}

/** An argument named `input` carries a field's whole input: its fields are named without the prefix. */
const pathOf = (name: string, type: GraphQLInputType) =>
  name === 'input' && isInputObjectType(getNamedType(type)) ? '' : name;

/**
 * One rule for every subgraph's arguments, decided before any resolver runs: an `ID` must be a
 * UUID (every id the platform makes is one), and text may not hold a NUL character. Either is
 * BAD_USER_INPUT naming the field, whether the value came as a literal or a variable, at any depth
 * of an input object or list; nothing malformed reaches the services or PostgreSQL.
 */
export function applyInputRules(schema: GraphQLSchema): GraphQLSchema {
  const seen = new Map<string, Check | null>();
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field) => {
      const checks = Object.entries(field.args ?? {})
        .map(([name, arg]) => [name, checkOf(arg.type, seen), pathOf(name, arg.type)] as const)
        .filter((entry): entry is readonly [string, Check, string] => entry[1] !== null);
      if (checks.length === 0) return field;
      const resolve = field.resolve ?? defaultFieldResolver;
      return {
        ...field,
        resolve(source, args: Record<string, unknown>, ctx, info) {
          for (const [name, check, path] of checks) if (args[name] != null) check(args[name], path);
          return resolve(source, args, ctx, info);
        },
      };
    },
  });
}
