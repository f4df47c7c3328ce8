import type http from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { GraphQLError, isObjectType, type DocumentNode, type GraphQLSchema } from 'graphql';
import {
  applyMiddleware,
  middleware,
  type IMiddlewareFieldMap,
  type IMiddlewareTypeMap,
} from 'graphql-middleware';
import { allow, rule, shield } from 'graphql-shield';
import type { IRules as _IRules } from 'graphql-shield';

type IRule = ReturnType<typeof rule> extends (...a: never[]) => infer R ? R | typeof allow : never;
import type pg from 'pg';
import { IDENTITY_HEADER, IdentityVerifier, REQUEST_ID_HEADER, type Identity } from '../auth/identity';
import { allowedRoles } from '../auth/permissions';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { appErrorToGraphQL, maskError } from './errors';
import { createHttpHandler, listen, type Listening } from './http';

/** What every resolver of every subgraph gets. Domains extend it with their loaders. */
export interface BaseContext {
  identity: Identity;
  pool: pg.Pool;
  log: Logger;
}

export const isAuthenticated = rule({ cache: 'contextual' })((_p, _a, ctx: BaseContext) =>
  Boolean(ctx.identity),
);

/** A rule allowing the given roles and machine identities, and no one else (the matrix is the whole truth). */
const roleRules = new Map<string, ReturnType<ReturnType<typeof rule>>>();
export function hasRole(roles: readonly string[]) {
  // One rule object per role set: shield refuses two rules under one name.
  const name = `role:${[...roles].sort().join(',')}`;
  let r = roleRules.get(name);
  if (!r) {
    r = rule(name, { cache: 'contextual' })((_p, _a, ctx: BaseContext) => roles.includes(ctx.identity?.role));
    roleRules.set(name, r);
  }
  return r;
}

/** A resolver map as graphql-codegen's typescript-resolvers types it (one entry per type of the schema). */
export type SubgraphResolvers = { [typeName: string]: object | undefined };

export interface SubgraphOptions<C extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  /**
   * The resolver map, typed where it is written: each subgraph annotates it with the `Resolvers`
   * generated from its schema (src/generated/resolvers.ts). Apollo's `GraphQLResolverMap` cannot
   * take those as they are: it types `__resolveReference` as a field resolver, not (reference, context).
   */
  resolvers: GraphQLResolverMap<C> | SubgraphResolvers;
  /** Field rules beyond the role matrix, e.g. `{ Customer: { email: canSeeContactData } }`. */
  fieldRules?: Record<string, Record<string, IRule>>;
  pool: pg.Pool;
  log: Logger;
  /** Shared secret the gateway signs identities with. */
  identitySecret: string;
  production: boolean;
  /** Builds the per-request context (loaders…) from the base one. */
  context: (base: BaseContext) => C;
}

/**
 * The shield rule tree, generated from the schema and the role matrix: every root field gets its
 * matrix entry (absent = deny, by `fallbackRule`), federation's `_service`/`_entities` are open to
 * authenticated callers, and the types given field rules (e.g. contact data) get those rules.
 *
 * Other object types — entities such as an Order or a Product, values such as an OLAP row or an
 * order line — get no rule: a field of theirs is only reached through a root field or `_entities`,
 * whose rule has already run, and no subgraph context exists without a verified identity (the
 * HTTP handler and the in-process data source refuse first). A rule on each of their fields would
 * cost one async call per field per row (about 4,000 for a 432-cell pivot, ~700 for a page of 20
 * orders with their lines and products).
 */
export function buildRuleTree(schema: GraphQLSchema, fieldRules: Record<string, Record<string, IRule>> = {}) {
  const tree: Record<string, Record<string, IRule>> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields: Record<string, IRule> = {};
    if (type.name === 'Query' || type.name === 'Mutation') {
      for (const field of Object.keys(type.getFields())) {
        if (field === '_service' || field === '_entities') fields[field] = isAuthenticated;
        else {
          const roles = allowedRoles(type.name, field);
          if (roles) fields[field] = hasRole(roles);
        }
      }
    } else if (!fieldRules[type.name]) {
      continue;
    }
    tree[type.name] = { ...fields, ...(fieldRules[type.name] ?? {}) };
  }
  return tree;
}

/**
 * Which fields of a type the shield middleware wraps: every field of Query and Mutation (a field
 * the matrix does not name is denied), of a type ruled with '*', else only the fields named.
 */
function guardedFields(type: string, rules: Record<string, IRule>): (field: string) => boolean {
  if (type === 'Query' || type === 'Mutation' || '*' in rules) return () => true;
  return (field) => field in rules;
}

export function buildSchema<C extends BaseContext>(
  opts: Pick<SubgraphOptions<C>, 'typeDefs' | 'resolvers' | 'fieldRules' | 'log'>,
) {
  const schema = buildSubgraphSchema([
    { typeDefs: opts.typeDefs, resolvers: opts.resolvers as GraphQLResolverMap<unknown> },
  ]);
  const tree = buildRuleTree(schema, opts.fieldRules);
  const permissions = shield(tree as unknown as _IRules, {
    fallbackRule: rule('deny-by-default', { cache: 'no_cache' })(() => false),
    allowExternalErrors: false,
    // Denials become FORBIDDEN; our typed errors keep their code; anything else is logged whole
    // here and masked.
    fallbackError: (
      thrown: unknown,
      _parent: unknown,
      _args: unknown,
      rawCtx: unknown,
      info: { parentType: { name: string }; fieldName: string },
    ) => {
      const ctx = rawCtx as BaseContext | undefined;
      if (thrown instanceof AppError) return appErrorToGraphQL(thrown);
      if (thrown instanceof GraphQLError) return thrown;
      if (thrown) {
        (ctx?.log ?? opts.log).error(
          {
            err: thrown,
            field: `${info.parentType.name}.${info.fieldName}`,
            requestId: ctx?.identity?.requestId,
          },
          'resolver error',
        );
        return new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      }
      return new GraphQLError(`Not allowed: ${info.parentType.name}.${info.fieldName}`, {
        extensions: { code: 'FORBIDDEN' },
      });
    },
  });
  // Only the types and fields of the tree are guarded (see buildRuleTree); shield would give every
  // other field its deny-by-default fallback, so their middleware is dropped.
  const guarded = middleware((s: GraphQLSchema) => {
    const generated = (
      permissions as unknown as { generate(s: GraphQLSchema): Record<string, IMiddlewareFieldMap> }
    ).generate(s);
    const kept: IMiddlewareTypeMap = Object.fromEntries(
      Object.entries(generated)
        .filter(([type]) => type in tree)
        .map(([type, fields]) => {
          const keep = guardedFields(type, tree[type]!);
          return [type, Object.fromEntries(Object.entries(fields).filter(([field]) => keep(field)))];
        }),
    );
    return kept;
  });
  return applyMiddleware(schema, guarded);
}

export interface Subgraph<C extends BaseContext> {
  name: string;
  schema: GraphQLSchema;
  server: ApolloServer<C>;
  handler: http.RequestListener;
  /** Context for an already verified identity (in-process calls and tests). */
  contextFor(identity: Identity): C;
  /** Readiness (its database answers), as GET /readyz reports it. */
  ready(): Promise<{ ready: boolean; [k: string]: unknown }>;
  listen(port: number, host?: string): Promise<Listening>;
  stop(): Promise<void>;
}

/** Builds a domain subgraph: federation schema + shield + masked errors + identity check. */
export async function createSubgraph<C extends BaseContext>(opts: SubgraphOptions<C>): Promise<Subgraph<C>> {
  const schema = buildSchema(opts);
  const server = new ApolloServer<C>({
    schema,
    // The process that runs the servers stops them in order on SIGINT/SIGTERM (npm start); Apollo's
    // own signal handler would stop each one at once, under requests still in flight.
    stopOnTerminationSignals: false,
    introspection: !opts.production,
    csrfPrevention: true,
    hideSchemaDetailsFromClientErrors: opts.production,
    formatError: maskError(opts.log),
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()],
  });
  await server.start();
  const contextFor = (identity: Identity) => opts.context({ identity, pool: opts.pool, log: opts.log });
  const ready = async () => {
    try {
      await opts.pool.query('SELECT 1');
      return { ready: true, service: opts.name };
    } catch {
      return { ready: false, service: opts.name, database: 'unreachable' };
    }
  };
  const identities = new IdentityVerifier(opts.identitySecret);
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const handler = createHttpHandler<C>({
    server,
    // A request without the gateway's signed identity is refused before anything runs.
    context: async (req) => {
      try {
        return contextFor(
          await identities.verify(first(req.headers[IDENTITY_HEADER]), first(req.headers[REQUEST_ID_HEADER])),
        );
      } catch (err) {
        throw new GraphQLError((err as Error).message, {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
        });
      }
    },
    health: async () => ({ service: opts.name }),
    ready,
  });
  return {
    name: opts.name,
    schema,
    server,
    handler,
    contextFor,
    ready,
    listen: (port, host) => listen(handler, port, `${opts.name} subgraph`, host),
    stop: () => server.stop(),
  };
}
