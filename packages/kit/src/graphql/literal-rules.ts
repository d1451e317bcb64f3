import { GraphQLError, Kind, type ASTNode, type ValidationRule } from 'graphql';
import { badInput } from '../errors.js';

type Ancestors = readonly (ASTNode | readonly ASTNode[])[];
type Parent = ASTNode | readonly ASTNode[] | undefined;

/** The argument or input field a literal is the value of (a list's item names its list's field). */
function fieldOf(parent: Parent, ancestors: Ancestors): string {
  for (const node of [parent, ...[...ancestors].reverse()]) {
    if (node && 'kind' in node && (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD)) {
      return node.name.value;
    }
  }
  return 'value';
}

/**
 * A number written in the query that no float can hold (`1e999`, three hundred digits) is
 * BAD_USER_INPUT, as the same number sent as a variable is. graphql-js parses such a literal
 * to Infinity without complaint, and the gateway's query planner then fails on it.
 */
export const FiniteNumberLiterals: ValidationRule = (context) => {
  const check = (node: { value: string }, parent: Parent, ancestors: Ancestors) => {
    if (Number.isFinite(Number(node.value))) return;
    const field = fieldOf(parent, ancestors);
    const refusal = badInput(field, `${field} is too large a number`);
    context.reportError(new GraphQLError(refusal.message, { nodes: [node as ASTNode], originalError: refusal }));
  };
  return {
    IntValue: (node, _key, parent, _path, ancestors) => check(node, parent, ancestors),
    FloatValue: (node, _key, parent, _path, ancestors) => check(node, parent, ancestors),
  };
};
