import pg from 'pg';
import { testDatabase, type TestDatabase } from '../test/db';
import { appRoleFor, appRoleName, ensureAppRole } from './app-role';
import { quoteIdent } from './server';

let db: TestDatabase;
let app: pg.Client;
beforeAll(async () => {
  db = await testDatabase();
  app = new pg.Client({ connectionString: db.appUrl });
  await app.connect();
});
afterAll(async () => {
  await app.end();
  await db.drop();
});

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'succeeded',
    (err: { code?: string }) => err.code,
  );

describe('the app connects as the database owner/superuser, so session_replication_role=replica slips past the audit log trigger', () => {
  test('the application role is no superuser and owns nothing', async () => {
    const { rows } = await app.query(
      `SELECT current_user AS who, r.rolsuper, r.rolcreaterole, r.rolcreatedb,
              (SELECT count(*) FROM pg_class WHERE relowner = r.oid)::int AS tables,
              (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid)::int AS schemas
       FROM pg_roles r WHERE r.rolname = current_user`,
    );
    expect(rows[0]).toEqual({
      who: process.env.ERP_TEST_APP_ROLE,
      rolsuper: false,
      rolcreaterole: false,
      rolcreatedb: false,
      tables: 0,
      schemas: 0,
    });
  });

  test('it cannot switch the triggers off: SET session_replication_role = replica is refused', async () => {
    expect(await codeOf(app.query('SET session_replication_role = replica'))).toBe('42501');
  });

  test('it appends to the audit log but cannot UPDATE, DELETE or TRUNCATE it (refused by privilege, before any trigger)', async () => {
    await app.query(
      `INSERT INTO platform.audit_log (operation, entity, entity_id) VALUES ('test', 'Probe', '1')`,
    );
    expect(await codeOf(app.query(`UPDATE platform.audit_log SET entity = 'Changed'`))).toBe('42501');
    expect(await codeOf(app.query(`DELETE FROM platform.audit_log`))).toBe('42501');
    expect(await codeOf(app.query(`TRUNCATE platform.audit_log`))).toBe('42501');
    expect(
      (await db.pool.query(`SELECT entity FROM platform.audit_log WHERE operation = 'test'`)).rows,
    ).toEqual([{ entity: 'Probe' }]);
  });

  test('the stock ledger is append-only for it too', async () => {
    expect(await codeOf(app.query(`UPDATE inventory.stock_movements SET quantity = 0`))).toBe('42501');
    expect(await codeOf(app.query(`DELETE FROM inventory.stock_movements`))).toBe('42501');
  });

  test('it cannot change the schema: DROP, ALTER, CREATE are refused', async () => {
    expect(await codeOf(app.query('DROP TABLE sales.order_lines'))).toBe('42501');
    expect(await codeOf(app.query('ALTER TABLE sales.orders ADD COLUMN probe int'))).toBe('42501');
    expect(
      await codeOf(app.query('ALTER TABLE platform.audit_log DISABLE TRIGGER audit_log_append_only')),
    ).toBe('42501');
    expect(await codeOf(app.query('CREATE TABLE sales.probe (id int)'))).toBe('42501');
    expect(await codeOf(app.query('CREATE TABLE public.probe (id int)'))).toBe('42501');
    expect(await codeOf(app.query(`SELECT * FROM drizzle.__drizzle_migrations`))).toBe('42501');
  });

  test('it reads and writes the business tables', async () => {
    await app.query(`INSERT INTO catalog.categories (code, name) VALUES ('APP-ROLE', 'Probe')`);
    await app.query(`UPDATE catalog.categories SET name = 'Probe 2' WHERE code = 'APP-ROLE'`);
    expect(
      (await app.query(`DELETE FROM catalog.categories WHERE code = 'APP-ROLE' RETURNING name`)).rows,
    ).toEqual([{ name: 'Probe 2' }]);
  });
});

describe('the migrations prepare the role only when they may', () => {
  const limited = `${process.env.ERP_TEST_RUN_ID}_limited_${process.pid}`;
  afterAll(() => db.pool.query(`DROP ROLE IF EXISTS ${quoteIdent(limited)}`));

  test('a user who may not create roles gets the statements to hand to an administrator, and nothing is created', async () => {
    await db.pool.query(`CREATE ROLE ${quoteIdent(limited)} NOLOGIN`);
    const client = await db.pool.connect();
    try {
      await client.query(`SET ROLE ${quoteIdent(limited)}`);
      const missing = `${limited}_app`;
      const outcome = await ensureAppRole(client, { name: missing, password: 'p'.repeat(20) });
      expect(outcome).toEqual({
        status: 'not-allowed',
        role: missing,
        instructions: [
          expect.stringContaining(`CREATE ROLE "${missing}" LOGIN`),
          expect.stringContaining('npm run db:migrate'),
        ],
      });
      expect((await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [missing])).rowCount).toBe(0);
    } finally {
      await client.query('RESET ROLE');
      client.release();
    }
  });

  test('a superuser or the migrating user itself is refused as the application role', async () => {
    const client = await db.pool.connect();
    try {
      const me = (await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u;
      await expect(ensureAppRole(client, { name: me, password: null })).rejects.toThrow(
        /must be another role/,
      );
    } finally {
      client.release();
    }
  });

  test('the default role is named after the database (roles are cluster-wide), APP_DATABASE_URL names its own', () => {
    expect(appRoleName('postgres://u@h/erp_distribution')).toBe('erp_distribution_app');
    expect(appRoleFor('postgres://u@h/shop', { APP_DATABASE_PASSWORD: 'x'.repeat(16) })).toEqual({
      name: 'shop_app',
      password: 'x'.repeat(16),
    });
    expect(
      appRoleFor('postgres://u@h/shop', { APP_DATABASE_URL: 'postgres://erp_rw:secret@h/shop' }),
    ).toEqual({ name: 'erp_rw', password: null });
  });
});
