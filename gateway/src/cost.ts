import {
  GraphQLError,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
  type ASTVisitor,
  type ValidationContext,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { RequestErrorCode } from '@p2p/kit';

export interface CostRules {
  /** Refused above this estimate. */
  maxCost: number;
  /** What a list without a size argument is assumed to hold. */
  assumedListSize: number;
  /** A size argument above this counts as this (the largest page any field serves). */
  maxListSize: number;
}

/** Arguments that say how many items a list (or a connection's `edges`) holds. */
const SIZE_ARGUMENTS = ['first', 'last', 'limit'];

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  rules: CostRules;
}

function sizeOf(value: ValueNode, walk: Walk): number | null {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const given = walk.variables[value.name.value];
    return typeof given === 'number' ? given : null;
  }
  return null;
}

/**
 * The size argument of a field, from the query or its variables, else the schema's default for
 * it (`first: Int = 20`), capped; null when it has none.
 */
function sizeArgument(node: FieldNode, field: GraphQLField<unknown, unknown>, walk: Walk): number | null {
  const cap = (n: number) => Math.min(Math.max(n, 0), walk.rules.maxListSize);
  for (const arg of node.arguments ?? []) {
    if (!SIZE_ARGUMENTS.includes(arg.name.value)) continue;
    const size = sizeOf(arg.value, walk);
    if (size !== null) return cap(size);
  }
  const byDefault = field.args.find((a) => SIZE_ARGUMENTS.includes(a.name) && typeof a.defaultValue === 'number');
  return byDefault ? cap(byDefault.defaultValue as number) : null;
}

/** Whether a fragment's type condition applies to the concrete type. */
function applies(condition: string | undefined, type: GraphQLObjectType, schema: GraphQLSchema): boolean {
  if (!condition || condition === type.name) return true;
  const named = schema.getType(condition);
  return Boolean(named && isAbstractType(named) && schema.isSubType(named, type));
}

/** The fields selected on a concrete type, fragments expanded, grouped by response key (as execution merges them). */
function collect(set: SelectionSetNode, type: GraphQLObjectType, walk: Walk, into = new Map<string, FieldNode[]>()) {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      into.set(key, [...(into.get(key) ?? []), selection]);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (applies(selection.typeCondition?.name.value, type, walk.schema))
        collect(selection.selectionSet, type, walk, into);
    } else {
      const fragment = walk.fragments.get(selection.name.value);
      if (fragment && applies(fragment.typeCondition.name.value, type, walk.schema))
        collect(fragment.selectionSet, type, walk, into);
    }
  }
  return into;
}

function fieldOf(type: GraphQLObjectType, name: string, walk: Walk): GraphQLField<unknown, unknown> | undefined {
  if (name === '__schema' && type === walk.schema.getQueryType()) return SchemaMetaFieldDef;
  if (name === '__type' && type === walk.schema.getQueryType()) return TypeMetaFieldDef;
  return type.getFields()[name];
}

/**
 * The estimated cost of a selection: every object a field returns counts 1, times the size of the
 * list it is in (the field's own `first`/`last`/`limit`, or its parent's for a connection's
 * `edges`, else `assumedListSize`); scalars and `__typename` are free. Fragments are expanded and
 * fields merged by response key, so the same selection costs the same however it is written;
 * for an abstract type, the costliest of its possible types counts.
 */
function costOf(set: SelectionSetNode, type: GraphQLCompositeType, walk: Walk, parentSize: number | null): number {
  const concrete = isObjectType(type) ? [type] : walk.schema.getPossibleTypes(type);
  let worst = 0;
  for (const object of concrete) {
    let total = 0;
    for (const nodes of collect(set, object, walk).values()) {
      const field = fieldOf(object, nodes[0]!.name.value, walk);
      const named = field && getNamedType(field.type);
      if (!field || !named || !isCompositeType(named)) continue;
      const own = sizeArgument(nodes[0]!, field, walk);
      const list = isListType(getNullableType(field.type));
      const times = list ? (own ?? parentSize ?? walk.rules.assumedListSize) : 1;
      const merged: SelectionSetNode = {
        kind: Kind.SELECTION_SET,
        selections: nodes.flatMap((n) => n.selectionSet?.selections ?? []),
      };
      // A connection's size argument sizes the lists right under it (its `edges`).
      total += times * (1 + costOf(merged, named, walk, list ? null : own));
    }
    worst = Math.max(worst, total);
  }
  return worst;
}

export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  rules: CostRules,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return 0;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const walk = { schema, fragments, variables, rules };
  return costOf(operation.selectionSet, root, walk, null);
}

export function costRefusal(cost: number, maxCost: number): GraphQLError {
  return new GraphQLError(`The query is estimated to cost ${cost}, above the limit of ${maxCost}`, {
    extensions: { code: RequestErrorCode.COST_ESTIMATED_TOO_EXPENSIVE, cost, maxCost, http: { status: 400 } },
  });
}

/** Refuses an operation whose estimate, with its variables, is above the limit, before anything is planned. */
export function costLimit(rules: CostRules): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request, schema }) {
          const variables = (request.variables ?? {}) as Record<string, unknown>;
          const cost = estimateCost(schema, document, operationName ?? undefined, variables, rules);
          if (cost > rules.maxCost) throw costRefusal(cost, rules.maxCost);
        },
      };
    },
  };
}

/** At most `max` fields at the operation's root (fragments expanded), counting `__typename` and aliases. */
export function maxRootFields(max: number) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const fragments = new Map(
        context
          .getDocument()
          .definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
      );
      const count = (set: SelectionSetNode, seen: Set<string>): number =>
        set.selections.reduce((n, s) => {
          if (s.kind === Kind.FIELD) return n + 1;
          if (s.kind === Kind.INLINE_FRAGMENT) return n + count(s.selectionSet, seen);
          const f = fragments.get(s.name.value);
          if (!f || seen.has(f.name.value)) return n;
          return n + count(f.selectionSet, new Set([...seen, f.name.value]));
        }, 0);
      const fields = count(node.selectionSet, new Set());
      if (fields > max)
        context.reportError(
          new GraphQLError(`At most ${max} fields at the root of an operation (this one has ${fields})`, {
            nodes: [node],
          }),
        );
    },
  });
}
