import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type http from 'node:http';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  IDENTITY_HEADER,
  IdentitySigner,
  REQUEST_ID_HEADER,
  VerifiedTokens,
  type Identity,
  type Logger,
} from '@erp/kit';
import { createHttpHandler, listen, maskError, type BaseContext, type Route } from '@erp/kit/graphql';
import {
  execute,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type pg from 'pg';
import { clientAddress, proxyToken } from './auth/client-address';
import { AuthService, type AuthContext, type PipelineTrigger } from './auth/service';
import { buildAuthSchema } from './auth/subgraph';
import { verifyAccessToken } from './auth/tokens';
import { supergraphPath, type SubgraphName } from './compose';
import type { GatewayEnv } from './env';
import { requestChecks } from './request-checks';

/** Limits on every operation; depth measured against the console's deepest operation. */
export const LIMITS = {
  maxDepth: 10,
  maxAliases: 15,
  maxCost: 5000,
  maxTokens: 1000,
  maxDirectives: 50,
} as const;
/** The operation limits (depth, aliases, cost, directives) as validation rules and plugins. */
export function armorProtection(): ReturnType<ApolloArmor['protect']> {
  return new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth },
    maxAliases: { n: LIMITS.maxAliases },
    costLimit: { maxCost: LIMITS.maxCost },
    // Tokens are limited by graphql-js's own parser (parseOptions below): armor's token plugin throws
    // from a hook and turns the refusal into a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: LIMITS.maxDirectives },
    blockFieldSuggestion: { enabled: true },
  }).protect();
}
/** The default wait for a subgraph (SUBGRAPH_TIMEOUT_MS), above the AI provider's default timeout (10 s). */
export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 15_000;

export type GatewayContext = AuthContext;

/** Credential fields may not be aliased: one login attempt per operation, no batching by aliases. */
const CREDENTIAL_FIELDS = new Set(['login', 'refreshToken', 'logout']);
export const noAliasedCredentials: ValidationRule = (context) => ({
  Field(node) {
    if (node.alias && CREDENTIAL_FIELDS.has(node.name.value)) {
      context.reportError(new GraphQLError(`${node.name.value} cannot be aliased`, { nodes: [node] }));
    }
  },
});

export interface LocalSubgraph {
  schema: GraphQLSchema;
  contextFor(identity: Identity): BaseContext;
}

export interface GatewayOptions {
  env: Pick<
    GatewayEnv,
    'JWT_SECRET' | 'SUBGRAPH_SECRET' | 'ACCESS_TOKEN_TTL_SECONDS' | 'REFRESH_TOKEN_TTL_DAYS' | 'NODE_ENV'
  > &
    Partial<Pick<GatewayEnv, 'SUBGRAPH_TIMEOUT_MS'>>;
  pool: pg.Pool;
  log: Logger;
  /** URL of each domain subgraph (HTTP transport), or the subgraph itself (in-process transport). */
  subgraphs: Record<Exclude<SubgraphName, 'auth'>, string | LocalSubgraph>;
  routes?: Route[];
  ready?: () => Promise<{ ready: boolean; [k: string]: unknown }>;
  /** Extra facts for /healthz (which answers 200 while the gateway itself is alive). */
  health?: () => Promise<Record<string, unknown>>;
  /** Lets runPipeline queue a run (set by npm start once its pipeline worker runs). */
  pipeline?: PipelineTrigger;
}

/** A verified JWT's `exp` in ms (its payload, already checked by the verification). */
const expiryOf = (jwt: string): number => {
  const exp = (
    JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown }
  ).exp;
  return typeof exp === 'number' ? exp * 1000 : 0;
};

type Fetcher = NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>['fetcher'];
type FetcherResponse = Awaited<ReturnType<NonNullable<Fetcher>>>;

/** A subgraph's answer read whole, in the shape RemoteGraphQLDataSource reads (status, headers, json/text). */
class SubgraphHttpResponse implements FetcherResponse {
  readonly redirected = false;
  bodyUsed = false;
  readonly headers: Headers;
  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    headers: IncomingHttpHeaders,
    private readonly body: string,
  ) {
    this.headers = new Headers();
    for (const [k, v] of Object.entries(headers))
      if (v !== undefined) this.headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  }
  get ok() {
    return this.status >= 200 && this.status < 300;
  }
  async text() {
    this.bodyUsed = true;
    return this.body;
  }
  async json(): Promise<unknown> {
    this.bodyUsed = true;
    return JSON.parse(this.body);
  }
  async arrayBuffer() {
    this.bodyUsed = true;
    const b = Buffer.from(this.body, 'utf8');
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
  clone() {
    return new SubgraphHttpResponse(
      this.url,
      this.status,
      this.statusText,
      Object.fromEntries(this.headers),
      this.body,
    );
  }
}

/**
 * POSTs to a subgraph with node:http over kept-alive connections: the global fetch (undici, web
 * streams, Request/Response objects) was ~12 % of a page's CPU with subgraphs over HTTP. A subgraph
 * that is down or slow becomes a clean DOWNSTREAM_SERVICE_ERROR naming it (no address, no stack),
 * and the rest of the query still answers.
 */
function subgraphFetcher(serviceName: string, timeoutMs: number, agent: HttpAgent): NonNullable<Fetcher> {
  const unavailable = () =>
    new GraphQLError(`The ${serviceName} service is unavailable`, {
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName },
    });
  return (url, init = {}) =>
    new Promise<FetcherResponse>((resolve, reject) => {
      const body = init.body ?? '';
      const headers = { ...init.headers, 'content-length': String(Buffer.byteLength(body)) };
      const req = httpRequest(
        url,
        { method: init.method ?? 'POST', headers, agent, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', () => {
            clearTimeout(deadline);
            reject(unavailable());
          });
          res.on('end', () => {
            clearTimeout(deadline);
            // A subgraph's refusal with a GraphQL body (429 RATE_LIMITED) is an answer, not an outage:
            // read as 200 so its typed errors reach the client instead of a DOWNSTREAM/INTERNAL error.
            const status = res.statusCode === 429 ? 200 : (res.statusCode ?? 500);
            resolve(
              new SubgraphHttpResponse(
                url,
                status,
                res.statusMessage ?? '',
                res.headers,
                Buffer.concat(chunks).toString('utf8'),
              ),
            );
          });
        },
      );
      // The whole exchange, not only an idle socket, is bounded by the timeout.
      const deadline = setTimeout(() => req.destroy(new Error('timeout')), timeoutMs).unref();
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        clearTimeout(deadline);
        reject(unavailable());
      });
      req.end(body);
    });
}

/** Passes the verified identity to a subgraph, signed for it, with a timeout. */
class IdentityDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly signer: IdentitySigner,
    serviceName: string,
    timeoutMs: number,
    /**
     * Its kept-alive connections, closed when the gateway stops; an idle one is closed after 30 s,
     * before the subgraph's own keep-alive timeout (65 s) could close it under a request.
     */
    readonly agent = new HttpAgent({ keepAlive: true, maxSockets: 64, timeout: 30_000 }),
  ) {
    super({ url, fetcher: subgraphFetcher(serviceName, timeoutMs, agent) });
  }
  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const identity = (context as Partial<GatewayContext>)?.identity;
    if (identity) {
      request.http?.headers.set(IDENTITY_HEADER, await this.signer.tokenFor(identity));
      request.http?.headers.set(REQUEST_ID_HEADER, identity.requestId);
    }
  }
}

type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/**
 * Runs a schema in this process. Unlike Apollo's LocalGraphQLDataSource (which parses and validates
 * the operation on every call), the gateway's few distinct subgraph operations are parsed and
 * validated once and kept (bounded: the least recently used goes first).
 */
class CachedLocalDataSource<C extends object> implements GraphQLDataSource<C> {
  private readonly documents = new Map<string, DocumentNode | readonly GraphQLError[]>();
  constructor(
    protected readonly schema: GraphQLSchema,
    private readonly maxDocuments = 500,
  ) {}
  private document(query: string): DocumentNode | readonly GraphQLError[] {
    let doc = this.documents.get(query);
    if (doc) {
      this.documents.delete(query);
    } else {
      try {
        const parsed = parse(query);
        const errors = validate(this.schema, parsed);
        doc = errors.length ? errors : parsed;
      } catch (err) {
        doc = [err instanceof GraphQLError ? err : new GraphQLError(String((err as Error).message))];
      }
      if (this.documents.size >= this.maxDocuments)
        this.documents.delete(this.documents.keys().next().value!);
    }
    this.documents.set(query, doc);
    return doc;
  }
  protected run(
    request: GraphQLDataSourceProcessOptions<C>['request'],
    contextValue: unknown,
  ): Promise<SubgraphResponse> {
    const document = this.document(request.query ?? '');
    if (!('kind' in document)) return Promise.resolve({ errors: document.map((e) => e.toJSON()) });
    return Promise.resolve(
      execute({
        schema: this.schema,
        document,
        variableValues: request.variables,
        operationName: request.operationName,
        contextValue,
      }),
    ) as Promise<SubgraphResponse>;
  }
  process(options: GraphQLDataSourceProcessOptions<C>): Promise<SubgraphResponse> {
    return this.run(options.request, options.context);
  }
}

/** Runs a subgraph in this process with the context it would build for the verified identity. */
class InProcessDataSource extends CachedLocalDataSource<GatewayContext> {
  constructor(private readonly subgraph: LocalSubgraph) {
    super(subgraph.schema);
  }
  override process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const identity = (options.context as Partial<GatewayContext>)?.identity;
    if (!identity) {
      return Promise.resolve({
        errors: [{ message: 'Authentication required', extensions: { code: 'UNAUTHENTICATED' } }],
      });
    }
    return this.run(options.request, this.subgraph.contextFor(identity));
  }
}

export async function createGateway(opts: GatewayOptions) {
  const production = opts.env.NODE_ENV === 'production';
  const auth = new AuthService(opts.env, opts.log);
  const authSchema = buildAuthSchema(opts.log);
  const signer = new IdentitySigner(opts.env.SUBGRAPH_SECRET);
  const remotes: IdentityDataSource[] = [];
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(supergraphPath(), 'utf8'),
    buildService: ({ name }) => {
      if (name === 'auth') return new CachedLocalDataSource<GatewayContext>(authSchema);
      const target = opts.subgraphs[name as keyof GatewayOptions['subgraphs']];
      if (!target) throw new Error(`No address for subgraph ${name}`);
      if (typeof target !== 'string') return new InProcessDataSource(target);
      const remote = new IdentityDataSource(
        target,
        signer,
        name,
        opts.env.SUBGRAPH_TIMEOUT_MS ?? DEFAULT_SUBGRAPH_TIMEOUT_MS,
      );
      remotes.push(remote);
      return remote;
    },
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: (m) => opts.log.warn(String(m)),
      error: (m) => opts.log.error(String(m)),
    },
  });
  const armor = armorProtection();
  const server = new ApolloServer<GatewayContext>({
    gateway,
    // The process that runs the servers stops them in order on SIGINT/SIGTERM (npm start); Apollo's
    // own signal handler would stop each one at once, under requests still in flight.
    stopOnTerminationSignals: false,
    introspection: !production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: LIMITS.maxTokens },
    hideSchemaDetailsFromClientErrors: true,
    includeStacktraceInErrorResponses: false,
    validationRules: [...armor.validationRules, noAliasedCredentials],
    formatError: maskError(opts.log),
    plugins: [
      ...armor.plugins,
      requestChecks,
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
    ],
  });
  await server.start();

  // Access tokens verified once per process until they expire (the HMAC was ~4 % of a page's CPU).
  // X-Forwarded-For counts only when the console proxy vouches for it (see clientAddress).
  const consoleProxy = proxyToken(opts.env.SUBGRAPH_SECRET);
  const verified = new VerifiedTokens<{ identity: Identity; sessionVersion: number }>();
  const context = async (req: http.IncomingMessage): Promise<GatewayContext> => {
    const requestId =
      typeof req.headers['x-request-id'] === 'string' && /^[\w-]{8,64}$/.test(req.headers['x-request-id'])
        ? req.headers['x-request-id']
        : randomUUID();
    const header = req.headers.authorization;
    let identity: Identity | null = null;
    if (header) {
      const refused = () =>
        new GraphQLError('Invalid or expired access token', {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
        });
      const m = /^Bearer ([\w.-]+)$/.exec(header);
      if (!m) throw refused();
      let checked = verified.get(m[1]!);
      if (!checked) {
        checked = await verifyAccessToken(opts.env.JWT_SECRET, m[1]!, requestId).catch(() => {
          throw refused();
        });
        verified.set(m[1]!, checked, expiryOf(m[1]!));
      }
      // A well-signed token of a disabled account, or from before its sessions were ended, is refused
      // (a database that cannot answer is an outage, not a refusal: that error goes on as it is).
      const { userId } = checked.identity;
      if (userId === null || !(await auth.accounts.holds(opts.pool, userId, checked.sessionVersion)))
        throw refused();
      identity = { ...checked.identity, requestId };
    }
    return {
      identity,
      pool: opts.pool,
      log: opts.log,
      clientAddress: clientAddress(req, consoleProxy),
      auth,
      pipeline: opts.pipeline,
    } as GatewayContext;
  };

  const handler = createHttpHandler<GatewayContext>({
    server,
    context,
    routes: opts.routes,
    health: async () => ({ service: 'gateway', ...(opts.health ? await opts.health() : {}) }),
    ready: opts.ready,
  });
  return {
    server,
    handler,
    listen: (port: number, host?: string) => listen(handler, port, 'gateway (GATEWAY_PORT)', host),
    stop: async () => {
      await server.stop();
      for (const r of remotes) r.agent.destroy();
    },
  };
}
export type Gateway = Awaited<ReturnType<typeof createGateway>>;
