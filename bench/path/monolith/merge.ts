import {
  Kind,
  buildSchema,
  defaultFieldResolver,
  isAbstractType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  type DocumentNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type GraphQLTypeResolver,
} from 'graphql';
import { createBaseContext, type BaseContext, type Caller, type Logger } from '@p2p/kit';

/** One domain inside the monolith: its kit-built schema (resolvers and rules) and its context. */
export interface Part {
  name: string;
  sdl: DocumentNode;
  /** `subgraphSchema`: the domain's resolvers with the kit's authorization and input rules. */
  schema: GraphQLSchema;
  context(base: BaseContext): unknown;
}

type Resolver = GraphQLFieldResolver<unknown, unknown>;
type ResolveReference = (representation: object, ctx: unknown, info: GraphQLResolveInfo) => unknown;

/** Which domain produced an object: its fields are resolved by that domain when it has them. */
const origins = new WeakMap<object, Part>();

function tag<T>(value: T, part: Part): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object') origins.set(item, part);
  } else origins.set(value, part);
  return value;
}

const settle = (result: unknown, part: Part) =>
  result instanceof Promise ? result.then((value) => tag(value, part)) : tag(result, part);

/**
 * A request's contexts, one per domain, made when a domain is first asked (each with its own
 * loaders, as in the federated platform), and each entity as each domain read it.
 */
export class MonolithContext {
  private readonly contexts = new Map<Part, unknown>();
  private readonly references = new WeakMap<object, Map<Part, unknown>>();

  constructor(
    private readonly caller: Caller,
    private readonly log: Logger,
  ) {}

  of(part: Part): unknown {
    let context = this.contexts.get(part);
    if (context === undefined) {
      context = part.context(createBaseContext(this.caller, this.log));
      this.contexts.set(part, context);
    }
    return context;
  }

  /** The entity `parent` (read by another domain) as `part` reads it, through its `__resolveReference`. */
  reference(part: Part, typeName: string, parent: { id?: unknown }, info: GraphQLResolveInfo): unknown {
    let byPart = this.references.get(parent);
    if (!byPart) this.references.set(parent, (byPart = new Map()));
    if (byPart.has(part)) return byPart.get(part);
    const representation = { __typename: typeName, id: parent.id };
    const type = part.schema.getType(typeName);
    const apollo = type?.extensions.apollo as { subgraph?: { resolveReference?: ResolveReference } } | undefined;
    const resolve = apollo?.subgraph?.resolveReference;
    const read = settle(resolve ? resolve(representation, this.of(part), info) : representation, part);
    byPart.set(part, read);
    return read;
  }
}

/** Fields a domain names but does not resolve (`@external`), and those it needs more for (`@requires`). */
function fieldMarks(sdl: DocumentNode): { external: Set<string>; requires: Set<string> } {
  const external = new Set<string>();
  const requires = new Set<string>();
  for (const def of sdl.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of def.fields ?? []) {
      const names = new Set(field.directives?.map((d) => d.name.value));
      if (names.has('external')) external.add(`${def.name.value}.${field.name.value}`);
      if (names.has('requires')) requires.add(`${def.name.value}.${field.name.value}`);
    }
  }
  return { external, requires };
}

function fieldOf(part: Part, typeName: string, fieldName: string): GraphQLField<unknown, unknown> | undefined {
  const type = part.schema.getType(typeName);
  return isObjectType(type) ? type.getFields()[fieldName] : undefined;
}

/**
 * One field of the merged schema: resolved by the domain that produced its parent when that
 * domain has the field, else by the field's home domain on the parent as that domain reads it.
 */
function mergedResolver(typeName: string, fieldName: string, owners: Part[]): Resolver {
  const resolvers = new Map<Part, Resolver>(
    owners.map((p) => [p, fieldOf(p, typeName, fieldName)!.resolve ?? defaultFieldResolver]),
  );
  const home = owners[0]!;
  const resolveHome = resolvers.get(home)!;
  return (parent, args, ctx, info) => {
    const context = ctx as MonolithContext;
    const from = parent !== null && typeof parent === 'object' ? origins.get(parent) : undefined;
    const own = from && resolvers.get(from);
    if (own) return settle(own(parent, args, context.of(from), info), from);
    if (parent === undefined || parent === null) return settle(resolveHome(parent, args, context.of(home), info), home);
    const source = context.reference(home, typeName, parent as { id?: unknown }, info);
    const run = (read: unknown) =>
      read == null ? null : settle(resolveHome(read, args, context.of(home), info), home);
    return source instanceof Promise ? source.then(run) : run(source);
  };
}

/** `__resolveType` of the domain that produced the value. */
function mergedTypeResolver(typeName: string, parts: Part[]): GraphQLTypeResolver<unknown, unknown> {
  const defining = parts.filter((p) => p.schema.getType(typeName));
  return (value, ctx, info, abstract) => {
    const from = (value !== null && typeof value === 'object' && origins.get(value)) || defining[0]!;
    const type = from.schema.getType(typeName);
    const resolve = type && isAbstractType(type) ? type.resolveType : undefined;
    if (resolve) return resolve(value, (ctx as MonolithContext).of(from), info, abstract);
    return (value as { __typename?: string }).__typename;
  };
}

/**
 * The platform's public schema (the supergraph's API schema) served by one process: every
 * field resolved by the domains' own resolvers, the kit's rules applied as in each subgraph,
 * and an entity read by another domain through that domain's `__resolveReference` — what the
 * gateway's `_entities` fetches do, in memory. Fields with `@requires` are not wired (no query
 * of the benchmark needs them): they answer an error.
 */
export function mergeSchemas(apiSchemaSdl: string, parts: Part[]): GraphQLSchema {
  const schema = buildSchema(apiSchemaSdl);
  const marks = new Map(parts.map((p) => [p, fieldMarks(p.sdl)]));
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isScalarType(type) && !isSpecifiedScalarType(type)) {
      const own = parts.map((p) => p.schema.getType(type.name)).find(isScalarType);
      if (own)
        Object.assign(type, { serialize: own.serialize, parseValue: own.parseValue, parseLiteral: own.parseLiteral });
    }
    if (isAbstractType(type)) type.resolveType = mergedTypeResolver(type.name, parts);
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const key = `${type.name}.${field.name}`;
      const owners = parts.filter((p) => fieldOf(p, type.name, field.name) && !marks.get(p)!.external.has(key));
      if (owners.length === 0) throw new Error(`no domain resolves ${key}`);
      field.resolve = owners.some((p) => marks.get(p)!.requires.has(key))
        ? () => new Error(`${key} needs @requires fields, which the benchmark's monolith does not wire`)
        : mergedResolver(type.name, field.name, owners);
    }
  }
  return schema;
}
