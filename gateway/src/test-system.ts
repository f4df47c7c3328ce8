import path from 'node:path';
import type { StageContext } from '@erp/automation';
import { importDirectory } from '@erp/data';
import { migrateDwh } from '@erp/dwh-schema';
import { runEtl } from '@erp/etl';
import {
  ACCOUNT_SERVICE_ROLES,
  repoRoot,
  ROLES,
  type AccountRole,
  type AccountServiceRole,
  type Role,
} from '@erp/kit';
import { testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { quietLogger } from '@erp/kit/test/graphql';
import { hashPassword } from './auth/passwords';
import { ANY_PORTS, startSystem, type RunningSystem } from './system';

export const TEST_SECRETS = { JWT_SECRET: 'j'.repeat(40), SUBGRAPH_SECRET: 's'.repeat(40) };
export const PASSWORD = 'correct horse battery staple';
/** Logs in ($e, $p): the session's two tokens. */
export const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken } }`;

/** A GraphQL response body as the tests read it (errors loosely typed: tests read their extensions). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type GraphQLBody<T> = { data?: T; errors: any[] };

export interface TestSystem {
  db: TestDatabase;
  /** The (empty, migrated) warehouse the analytics subgraph reads. */
  dwh: TestDatabase;
  system: RunningSystem;
  /** Users by role (ids), all with PASSWORD. */
  users: Record<Role, { id: number; email: string }>;
  /** The service accounts (ETL_SERVICE, MINING_SERVICE), with PASSWORD, as npm start creates them. */
  services: Record<AccountServiceRole, { id: number; email: string }>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: GraphQLBody<T> }>;
  login(role: AccountRole): Promise<string>;
  close(): Promise<void>;
}

/** The whole API (five subgraphs + gateway over HTTP, ephemeral ports) on a fresh database, with one user per role. */
export async function startTestSystem(
  opts: {
    production?: boolean;
    transport?: 'http' | 'local';
    pipeline?: import('./auth/service').PipelineTrigger;
  } = {},
): Promise<TestSystem> {
  const db = await testDatabase();
  const dwh = await testDatabase({ migrated: false });
  await migrateDwh(dwh.url);
  const hash = await hashPassword(PASSWORD);
  const users = {} as TestSystem['users'];
  for (const role of ROLES) {
    const email = `${role.toLowerCase()}@test.example`;
    const { rows } = await db.pool.query(
      `INSERT INTO auth.users (email, name, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING id`,
      [email, role, role, hash],
    );
    users[role] = { id: rows[0].id, email };
  }
  const services = {} as TestSystem['services'];
  for (const role of ACCOUNT_SERVICE_ROLES) {
    const email = `${role.toLowerCase().replace('_service', '')}@service.test.example`;
    const { rows } = await db.pool.query(
      `INSERT INTO auth.users (email, name, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING id`,
      [email, role, role, hash],
    );
    services[role] = { id: rows[0].id, email };
  }
  const system = await startSystem({
    oltpUrl: db.appUrl,
    dwhUrl: dwh.url,
    env: {
      ...TEST_SECRETS,
      ACCESS_TOKEN_TTL_SECONDS: 900,
      REFRESH_TOKEN_TTL_DAYS: 14,
      NODE_ENV: opts.production ? 'production' : 'test',
      ...ANY_PORTS,
    },
    log: quietLogger(),
    ephemeralPorts: true,
    transport: opts.transport,
    pipeline: opts.pipeline,
  });
  const gql = async <T>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as GraphQLBody<T> };
  };
  const tokens = new Map<AccountRole, string>();
  return {
    db,
    dwh,
    system,
    users,
    services,
    gql,
    async login(role) {
      if (!tokens.has(role)) {
        const email =
          role in services ? services[role as AccountServiceRole].email : users[role as Role].email;
        const r = await gql<{ login: { accessToken: string } }>(LOGIN, { e: email, p: PASSWORD });
        if (!r.body.data) throw new Error(`login ${role} failed: ${JSON.stringify(r.body)}`);
        tokens.set(role, r.body.data.login.accessToken);
      }
      return tokens.get(role)!;
    },
    async close() {
      await system.close();
      await db.drop();
      await dwh.drop();
    },
  };
}

/** The native fixture imported into the test system's database (where most end-to-end files start). */
async function importFixture(t: TestSystem): Promise<void> {
  await importDirectory({
    pool: t.db.pool,
    dir: path.join(repoRoot(), 'data', 'src', 'import', 'fixtures', 'native'),
    mapping: 'native',
    quiet: true,
  });
}

/** A test system with the native fixture imported. */
export async function startFixtureSystem(
  opts: Parameters<typeof startTestSystem>[0] = {},
): Promise<TestSystem> {
  const t = await startTestSystem(opts);
  await importFixture(t);
  return t;
}

/** One ETL run into the test warehouse through the gateway, as the ETL service account; throws unless it succeeds. */
export async function loadWarehouse(t: TestSystem): Promise<void> {
  const run = await runEtl({
    gatewayUrl: t.system.gatewayUrl,
    credentials: { email: t.services.ETL_SERVICE.email, password: PASSWORD },
    dwhUrl: t.dwh.url,
  });
  if (run.status !== 'SUCCEEDED') throw new Error(`ETL: ${run.message}`);
}

/**
 * A MANAGER sells `quantity` of a product through the API (order created, confirmed, shipped), dated
 * two days ago: the AI reads demand up to the data's as-of date, before today. Returns the order id.
 */
export async function sellTwoDaysAgo(
  t: TestSystem,
  sale: { customerId: string; warehouseId: string; productId: string; quantity: number },
): Promise<string> {
  const manager = await t.login('MANAGER');
  const order = await t.gql(
    `mutation($c: ID!, $w: ID!, $p: ID!, $q: Int!) { createOrder(input: {customerId: $c, warehouseId: $w, lines: [{productId: $p, quantity: $q}]}) { id } }`,
    { c: sale.customerId, w: sale.warehouseId, p: sale.productId, q: sale.quantity },
    manager,
  );
  const id: string = order.body.data.createOrder.id;
  for (const step of ['confirmOrder', 'shipOrder']) {
    const r = await t.gql(`mutation($id: ID!) { ${step}(id: $id) { status } }`, { id }, manager);
    if (r.body.errors) throw new Error(`${step}: ${JSON.stringify(r.body.errors)}`);
  }
  await t.db.pool.query(
    `UPDATE sales.orders SET ordered_at = ordered_at - interval '2 days', confirmed_at = confirmed_at - interval '2 days', shipped_at = shipped_at - interval '2 days' WHERE id = $1`,
    [id],
  );
  return id;
}

/** The pipeline stages' context on a test system, as `npm start` wires it (service accounts, warehouse, sweeper). */
export function stageContextOf(t: TestSystem, log: StageContext['log']): StageContext {
  return {
    gatewayUrl: t.system.gatewayUrl,
    credentials: { email: t.services.ETL_SERVICE.email, password: PASSWORD },
    miningCredentials: { email: t.services.MINING_SERVICE.email, password: PASSWORD },
    dwhUrl: t.dwh.url,
    log,
    sweepReservations: (o) => t.system.sweepReservations(o),
  };
}

/** The smallest shop an order needs: one product (PEN-1) in one warehouse (LYS, Lyon), one customer (ACME) in Lyon. */
export async function seedPenShop(
  t: TestSystem,
): Promise<{ product: number; warehouse: number; customer: number }> {
  const { rows } = await t.db.pool.query(`
    WITH c AS (INSERT INTO catalog.categories (code, name) VALUES ('PENS', 'Pens') RETURNING id),
         p AS (INSERT INTO catalog.products (sku, name, category_id, list_price) SELECT 'PEN-1', 'Blue pen', id, 1.20 FROM c RETURNING id),
         w AS (INSERT INTO inventory.warehouses (code, name, city, country_code) VALUES ('LYS', 'Lyon', 'Lyon', 'FR') RETURNING id)
    SELECT p.id AS product, w.id AS warehouse FROM p, w`);
  await t.db.pool.query(`
    INSERT INTO customers.countries (code, name) VALUES ('FR', 'France');
    INSERT INTO customers.regions (country_code, name) VALUES ('FR', 'Rhône');
    INSERT INTO customers.cities (region_id, name) SELECT id, 'Lyon' FROM customers.regions;
    INSERT INTO customers.customers (code, name, email, city_id) SELECT 'ACME', 'Acme', 'buyer@acme.test', id FROM customers.cities;`);
  const customer = (await t.db.pool.query(`SELECT id FROM customers.customers`)).rows[0].id as number;
  return { product: rows[0].product as number, warehouse: rows[0].warehouse as number, customer };
}
