import { createPool, type Logger } from '@erp/kit';
import type { Listening } from '@erp/kit/graphql';
import { ANALYTICS_POOL_IDLE_MS, createAnalyticsSubgraph } from '@erp/subgraph-analytics';
import { createCatalogSubgraph } from '@erp/subgraph-catalog';
import { createCustomersSubgraph } from '@erp/subgraph-customers';
import {
  createSalesSubgraph,
  httpCustomers,
  httpInventory,
  localCustomers,
  localInventory,
  sweepReservations,
  type SweepResult,
} from '@erp/subgraph-sales';
import { createSuppliersSubgraph, httpPurchaseStock, localPurchaseStock } from '@erp/subgraph-suppliers';
import type { GatewayEnv } from './env';
import { createGateway, type Gateway } from './gateway';
import { playgroundRoute } from './playground';

/** Port 0 for every server, so each picks a free one (tests and benchmarks, with `ephemeralPorts`). */
export const ANY_PORTS = {
  GATEWAY_PORT: 0,
  CATALOG_PORT: 0,
  CUSTOMERS_PORT: 0,
  SUPPLIERS_PORT: 0,
  SALES_PORT: 0,
  ANALYTICS_PORT: 0,
};

export interface SystemOptions {
  oltpUrl: string;
  /** The warehouse (migrated by migrateDwh): the analytics subgraph reads it, and nothing else does. */
  dwhUrl: string;
  env: Pick<
    GatewayEnv,
    | 'JWT_SECRET'
    | 'SUBGRAPH_SECRET'
    | 'ACCESS_TOKEN_TTL_SECONDS'
    | 'REFRESH_TOKEN_TTL_DAYS'
    | 'NODE_ENV'
    | 'GATEWAY_PORT'
    | 'CATALOG_PORT'
    | 'CUSTOMERS_PORT'
    | 'SUPPLIERS_PORT'
    | 'SALES_PORT'
    | 'ANALYTICS_PORT'
  >;
  log: Logger;
  /** Port 0 everywhere picks free ports (tests). */
  ephemeralPorts?: boolean;
  /**
   * How the gateway reaches the subgraphs: `http` (each on its port, as when they run as separate
   * processes: the scale-out shape) or `local` (every internal call in this process, no subgraph
   * port opened: the single-machine install, npm start's default). Default here: http.
   */
  transport?: 'http' | 'local';
  /** Lets the runPipeline mutation queue a run (npm start sets it once its worker runs). */
  pipeline?: import('./auth/service').PipelineTrigger;
  host?: string;
}

export type DomainSubgraph = 'catalog' | 'customers' | 'suppliers' | 'sales' | 'analytics';

export interface RunningSystem {
  gatewayUrl: string;
  transport: 'http' | 'local';
  /** Each subgraph's own URL (HTTP transport; none with the local transport, where no subgraph listens). */
  subgraphUrls: Partial<Record<DomainSubgraph, string>>;
  gateway: Gateway;
  /** Each service's connection pool (tests count statements on them). */
  pools: Record<'gateway' | DomainSubgraph, import('pg').Pool>;
  /** Stops one subgraph's HTTP listener (resilience tests) and starts it again; nothing to do with the local transport. */
  stopSubgraph(name: DomainSubgraph): Promise<void>;
  /**
   * The stock sweeper (the pipeline's first stage): releases the reservations of orders that are not
   * live any more (crash leftovers), as the sales service, through the same inventory as the orders.
   */
  sweepReservations(opts?: { dryRun?: boolean }): Promise<SweepResult>;
  restartSubgraph(name: DomainSubgraph): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the domain subgraphs (each on its own port, HTTP; analytics on the warehouse) and the gateway in front of them,
 * in dependency order: a subgraph answers before the gateway starts routing to it.
 */
export async function startSystem(opts: SystemOptions): Promise<RunningSystem> {
  const production = opts.env.NODE_ENV === 'production';
  // One pool per service, as if each ran in its own process: a sales request that holds a sales
  // connection while it calls the catalog must never wait for a connection it is itself holding.
  const pools = {
    gateway: createPool(opts.oltpUrl, { max: 8, applicationName: 'erp-gateway' }),
    catalog: createPool(opts.oltpUrl, { max: 15, applicationName: 'erp-catalog' }),
    customers: createPool(opts.oltpUrl, { max: 8, applicationName: 'erp-customers' }),
    suppliers: createPool(opts.oltpUrl, { max: 8, applicationName: 'erp-suppliers' }),
    sales: createPool(opts.oltpUrl, { max: 15, applicationName: 'erp-sales' }),
    analytics: createPool(opts.dwhUrl, {
      max: 10,
      applicationName: 'erp-analytics',
      idleTimeout: ANALYTICS_POOL_IDLE_MS,
    }),
  };
  const pool = pools.gateway;
  const secret = opts.env.SUBGRAPH_SECRET;
  const base = { identitySecret: secret, production };
  const port = (p: number) => (opts.ephemeralPorts ? 0 : p);
  const host = opts.host ?? '127.0.0.1';

  const local = opts.transport === 'local';
  const catalog = await createCatalogSubgraph({
    ...base,
    pool: pools.catalog,
    log: opts.log.child({ service: 'catalog' }),
  });
  const listeners: Partial<Record<DomainSubgraph, Listening>> = {};
  const ports: Partial<Record<DomainSubgraph, number>> = {};
  if (!local) {
    listeners.catalog = await catalog.listen(port(opts.env.CATALOG_PORT), host);
    ports.catalog = listeners.catalog.port;
  }
  const customers = await createCustomersSubgraph({
    ...base,
    pool: pools.customers,
    log: opts.log.child({ service: 'customers' }),
  });
  const suppliers = await createSuppliersSubgraph({
    ...base,
    pool: pools.suppliers,
    log: opts.log.child({ service: 'suppliers' }),
    // Purchase receipts post their goods to the catalog's stock, like sales orders reserve there.
    stock: local
      ? localPurchaseStock(catalog)
      : httpPurchaseStock(`${listeners.catalog!.url}/graphql`, secret),
  });
  // The stock belongs to the catalog: reached in this process, or over HTTP as a separate service.
  const inventory = local
    ? localInventory(catalog)
    : httpInventory(`${listeners.catalog!.url}/graphql`, secret);
  const sales = await createSalesSubgraph({
    ...base,
    pool: pools.sales,
    log: opts.log.child({ service: 'sales' }),
    inventory,
    // Order references are checked against the customers subgraph (listening once the loop below has run).
    customers: local
      ? localCustomers(customers)
      : httpCustomers(() => `${listeners.customers!.url}/graphql`, secret),
  });
  const analytics = await createAnalyticsSubgraph({
    ...base,
    pool: pools.analytics,
    log: opts.log.child({ service: 'analytics' }),
  });
  const subgraphs = { catalog, customers, suppliers, sales, analytics } as const;
  const subgraphUrls: RunningSystem['subgraphUrls'] = {};
  if (!local) {
    for (const [name, sg] of Object.entries({ customers, suppliers, sales, analytics })) {
      const envPort = opts.env[`${name.toUpperCase()}_PORT` as 'SALES_PORT'];
      listeners[name as DomainSubgraph] = await sg.listen(port(envPort), host);
      ports[name as DomainSubgraph] = listeners[name as DomainSubgraph]!.port;
    }
    for (const [name, l] of Object.entries(listeners))
      subgraphUrls[name as DomainSubgraph] = `${l.url}/graphql`;
  }
  // Each subgraph's own readiness (its database included), in parallel, 2 s at most: over HTTP, or
  // asked in this process with the local transport.
  const timeout = <T>(p: Promise<T>) =>
    Promise.race([
      p,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
    ]);
  const subgraphStatus = async (): Promise<Record<string, string>> =>
    Object.fromEntries(
      await Promise.all(
        (Object.keys(subgraphs) as DomainSubgraph[]).map(async (name) => [
          name,
          local
            ? await timeout(subgraphs[name].ready()).then(
                (r) => (r.ready ? 'ready' : 'not ready'),
                () => 'unreachable',
              )
            : await fetch(subgraphUrls[name]!.replace(/\/graphql$/, '/readyz'), {
                signal: AbortSignal.timeout(2000),
              })
                .then((r) => (r.ok ? 'ready' : `status ${r.status}`))
                .catch(() => 'unreachable'),
        ]),
      ),
    );
  const gateway = await createGateway({
    env: opts.env,
    pool,
    log: opts.log.child({ service: 'gateway' }),
    routes: production ? [] : [playgroundRoute],
    pipeline: opts.pipeline,
    subgraphs: local ? subgraphs : (subgraphUrls as Record<DomainSubgraph, string>),
    health: async () => ({ subgraphs: await subgraphStatus() }),
    ready: async () => {
      const checks: Record<string, string> = { ...(await subgraphStatus()) };
      checks.database = await pool.query('SELECT 1').then(
        () => 'ready',
        () => 'unreachable',
      );
      return { ready: Object.values(checks).every((v) => v === 'ready'), ...checks };
    },
  });
  const gatewayListening = await gateway.listen(port(opts.env.GATEWAY_PORT), host);
  return {
    gatewayUrl: `${gatewayListening.url}/graphql`,
    transport: local ? 'local' : 'http',
    subgraphUrls,
    gateway,
    pools,
    // With the local transport no subgraph listens: there is nothing to stop or restart.
    async stopSubgraph(name) {
      await listeners[name]?.close();
    },
    sweepReservations: (o = {}) =>
      sweepReservations({ pool: pools.sales, inventory, log: opts.log.child({ service: 'sales' }) }, 500, o),
    async restartSubgraph(name) {
      if (!local) listeners[name] = await subgraphs[name].listen(ports[name]!, host);
    },
    async close() {
      const t0 = Date.now();
      const step = (what: string) => opts.log.debug({ ms: Date.now() - t0 }, `system close: ${what}`);
      await gatewayListening.close();
      step('gateway listener closed');
      await gateway.stop();
      step('gateway stopped');
      for (const l of Object.values(listeners)) await l.close().catch(() => undefined);
      step('subgraph listeners closed');
      for (const sg of Object.values(subgraphs)) await sg.stop();
      step('subgraphs stopped');
      for (const p of Object.values(pools)) await p.end();
      step('pools ended');
    },
  };
}
