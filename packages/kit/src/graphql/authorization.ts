import { defaultFieldResolver, type GraphQLFieldConfig, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { MapperKind, getDirective, mapSchema } from '@graphql-tools/utils';
import { DomainError, ErrorCode, forbidden, unauthenticated } from '../errors.js';
import type { BaseContext } from '../context.js';

type Rule = (ctx: BaseContext) => void;

function requireViewer(ctx: BaseContext): void {
  if (!ctx.viewer) throw unauthenticated();
}

function requireScopes(alternatives: string[][]): Rule {
  return (ctx) => {
    requireViewer(ctx);
    const held = new Set<string>(ctx.viewer!.scopes);
    if (!alternatives.some((all) => all.every((s) => held.has(s))))
      throw forbidden('This needs an admin scope you do not hold');
  };
}

function requireService(ctx: BaseContext): void {
  if (ctx.caller.kind !== 'service') {
    throw new DomainError(ErrorCode.FORBIDDEN, 'Internal operation: callable with a service credential only');
  }
}

function rulesFor(schema: GraphQLSchema, field: GraphQLFieldConfig<unknown, BaseContext>, typeName: string): Rule[] {
  const type = schema.getType(typeName);
  const rules: Rule[] = [];
  const on = (name: string) => [
    ...(getDirective(schema, field, name) ?? []),
    ...((type && getDirective(schema, type as never, name)) || []),
  ];
  if (on('authenticated').length > 0) rules.push(requireViewer);
  for (const d of on('requiresScopes')) rules.push(requireScopes(d.scopes as string[][]));
  const isRoot = typeName === 'Query' || typeName === 'Mutation' || typeName === 'Subscription';
  if (isRoot && (getDirective(schema, field, 'inaccessible') ?? []).length > 0) rules.push(requireService);
  return rules;
}

/**
 * Enforces `@authenticated`, `@requiresScopes` and internal-only (`@inaccessible` root fields)
 * in the subgraph itself: the rules live with the data, whatever sits in front.
 */
export function applyAuthorization(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, _name, typeName) => {
      const rules = rulesFor(schema, field as GraphQLFieldConfig<unknown, BaseContext>, typeName);
      if (rules.length === 0) return field;
      const resolve = field.resolve ?? defaultFieldResolver;
      const subscribe = field.subscribe;
      return {
        ...field,
        resolve(source, args, ctx: BaseContext, info) {
          for (const rule of rules) rule(ctx);
          return resolve(source, args, ctx, info);
        },
        // A subscription is checked when it starts as well as on every event.
        ...(subscribe && {
          subscribe(source: unknown, args: Record<string, unknown>, ctx: BaseContext, info: GraphQLResolveInfo) {
            for (const rule of rules) rule(ctx);
            return subscribe(source, args, ctx, info);
          },
        }),
      };
    },
  });
}
