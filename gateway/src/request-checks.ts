import type { ApolloServerPlugin } from '@apollo/server';
import { DateTimeScalar, DecimalScalar } from '@erp/kit/graphql';
import {
  GraphQLError,
  GraphQLScalarType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { AuthContext } from './auth/service';

/** Root fields an anonymous caller may ask for: getting a session, and what GraphQL answers by itself. */
const ANONYMOUS_ROOT_FIELDS = new Set([
  'login',
  'refreshToken',
  'logout',
  '__typename',
  '__schema',
  '__type',
]);

const badRequest = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });

/**
 * The gateway's supergraph knows Decimal and DateTime by name only (any value passes), so a bad
 * value used to reach a subgraph and come back as an internal error. The kit's own parsing checks
 * it here, before planning; the value is forwarded as the client sent it (the subgraph parses it again).
 */
export function strictScalars(schema: GraphQLSchema): void {
  for (const own of [DecimalScalar, DateTimeScalar]) {
    const type = schema.getType(own.name);
    if (!(type instanceof GraphQLScalarType) || type.parseValue === own.parseValue) continue;
    const mutable = type as { -readonly [K in keyof GraphQLScalarType]: GraphQLScalarType[K] };
    mutable.parseValue = (value: unknown) => {
      own.parseValue(value);
      return value;
    };
    mutable.parseLiteral = (ast, variables) => {
      own.parseLiteral(ast, variables);
      return valueFromASTUntyped(ast, variables);
    };
  }
}

/** The root fields an operation selects, through fragments. */
function rootFields(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  out = new Set<string>(),
): Set<string> {
  for (const s of selectionSet.selections) {
    if (s.kind === Kind.FIELD) out.add(s.name.value);
    else if (s.kind === Kind.INLINE_FRAGMENT) rootFields(s.selectionSet, fragments, out);
    else {
      const f = fragments.get(s.name.value);
      if (f) rootFields(f.selectionSet, fragments, out);
    }
  }
  return out;
}

/** The path (argument, then input fields) of the first text value holding a NUL byte, which PostgreSQL cannot store or compare. */
function nulIn(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path : null;
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = nulIn(v, path);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const found = nulIn(v, `${path}.${k}`);
      if (found) return found;
    }
  }
  return null;
}

function nulInLiteral(node: ValueNode, path: string, variables: Record<string, unknown>): string | null {
  switch (node.kind) {
    case Kind.STRING:
      return node.value.includes('\0') ? path : null;
    case Kind.VARIABLE:
      return nulIn(variables[node.name.value], path);
    case Kind.LIST:
      for (const v of node.values) {
        const found = nulInLiteral(v, path, variables);
        if (found) return found;
      }
      return null;
    case Kind.OBJECT:
      for (const f of node.fields) {
        const found = nulInLiteral(f.value, `${path}.${f.name.value}`, variables);
        if (found) return found;
      }
      return null;
    default:
      return null;
  }
}

function nulInArguments(document: DocumentNode, variables: Record<string, unknown>): string | null {
  let found: string | null = null;
  const visit = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (found) return;
      if (s.kind === Kind.FIELD) {
        for (const a of s.arguments ?? []) found ??= nulInLiteral(a.value, a.name.value, variables);
        if (s.selectionSet) visit(s.selectionSet);
      } else if (s.kind === Kind.INLINE_FRAGMENT) visit(s.selectionSet);
    }
  };
  for (const d of document.definitions)
    if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) visit(d.selectionSet);
  return found;
}

/**
 * Refusals the gateway makes itself, once the operation is parsed and validated and before it is
 * planned: which operation to run (400 instead of an internal error), anonymous callers (401 at the
 * door, so no subgraph is asked and no internal address can leak), and text no column can hold.
 */
export const requestChecks: ApolloServerPlugin<AuthContext> = {
  async serverWillStart() {
    return {
      schemaDidLoadOrUpdate({ apiSchema }) {
        strictScalars(apiSchema);
      },
    };
  },
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, document, request, contextValue }) {
        if (!operation) {
          const named = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
          throw badRequest(
            request.operationName
              ? `The document has no operation named ${JSON.stringify(request.operationName)} (operationName)`
              : named > 1
                ? 'The document has several operations: say which one to run with operationName'
                : 'The document has no operation to run',
          );
        }
        if (!contextValue.identity) {
          const fragments = new Map(
            document.definitions
              .filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)
              .map((d) => [d.name.value, d]),
          );
          const closed = [...rootFields(operation.selectionSet, fragments)].filter(
            (f) => !ANONYMOUS_ROOT_FIELDS.has(f),
          );
          if (closed.length)
            throw new GraphQLError('Authentication required', {
              extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
            });
        }
        const field = nulInArguments(document, request.variables ?? {});
        if (field) {
          throw new GraphQLError(`${field} contains a NUL character (\\u0000), which no text field accepts`, {
            extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } },
          });
        }
      },
    };
  },
};
