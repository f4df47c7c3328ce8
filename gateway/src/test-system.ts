import { migrateDwh } from '@erp/dwh-schema';
import { ACCOUNT_SERVICE_ROLES, ROLES, type AccountRole, type AccountServiceRole, type Role } from '@erp/kit';
import { testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { quietLogger } from '@erp/kit/test/graphql';
import { hashPassword } from './auth/passwords';
import { startSystem, type RunningSystem } from './system';

export const TEST_SECRETS = { JWT_SECRET: 'j'.repeat(40), SUBGRAPH_SECRET: 's'.repeat(40) };
export const PASSWORD = 'correct horse battery staple';

export interface TestSystem {
  db: TestDatabase;
  /** The (empty, migrated) warehouse the analytics subgraph reads. */
  dwh: TestDatabase;
  system: RunningSystem;
  /** Users by role (ids), all with PASSWORD. */
  users: Record<Role, { id: number; email: string }>;
  /** The service accounts (ETL_SERVICE, MINING_SERVICE), with PASSWORD, as npm start creates them. */
  services: Record<AccountServiceRole, { id: number; email: string }>;
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string, headers?: Record<string, string>): Promise<{ status: number; body: { data?: T; errors: any[] } }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  login(role: AccountRole): Promise<string>;
  close(): Promise<void>;
}

/** The whole API (five subgraphs + gateway over HTTP, ephemeral ports) on a fresh database, with one user per role. */
export async function startTestSystem(
  opts: { production?: boolean; transport?: 'http' | 'local'; pipeline?: import('./auth/service').PipelineTrigger } = {},
): Promise<TestSystem> {
  const db = await testDatabase();
  const dwh = await testDatabase({ migrated: false });
  await migrateDwh(dwh.url);
  const hash = await hashPassword(PASSWORD);
  const users = {} as TestSystem['users'];
  for (const role of ROLES) {
    const email = `${role.toLowerCase()}@test.example`;
    const { rows } = await db.pool.query(`INSERT INTO auth.users (email, name, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING id`, [email, role, role, hash]);
    users[role] = { id: rows[0].id, email };
  }
  const services = {} as TestSystem['services'];
  for (const role of ACCOUNT_SERVICE_ROLES) {
    const email = `${role.toLowerCase().replace('_service', '')}@service.test.example`;
    const { rows } = await db.pool.query(`INSERT INTO auth.users (email, name, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING id`, [email, role, role, hash]);
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
      GATEWAY_PORT: 0,
      CATALOG_PORT: 0,
      CUSTOMERS_PORT: 0,
      SUPPLIERS_PORT: 0,
      SALES_PORT: 0,
      ANALYTICS_PORT: 0,
    },
    log: quietLogger(),
    ephemeralPorts: true,
    transport: opts.transport,
    pipeline: opts.pipeline,
  });
  const gql: TestSystem['gql'] = async (query, variables = {}, token, headers = {}) => {
    const res = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as never };
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
        const email = role in services ? services[role as AccountServiceRole].email : users[role as Role].email;
        const r = await gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: email, p: PASSWORD });
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
