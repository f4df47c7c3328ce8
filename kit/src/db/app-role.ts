import pg from 'pg';
import { databaseName, quoteIdent } from './server';

/**
 * The role the running application (gateway, subgraphs) reaches the OLTP as: it owns nothing, is
 * no superuser, may read and write the business tables, only append to the audit log and the stock
 * ledger, and cannot change the schema. The migrations run as the database owner (DATABASE_URL);
 * only they create this role and grant it, so a flaw in a request (an injected statement) cannot
 * drop a table, rewrite history or switch the audit trigger off (`session_replication_role` needs a
 * superuser).
 *
 * A login role of its own rather than `SET ROLE` on the owner's connection: `RESET ROLE` would give
 * any statement the owner's rights back, so `SET ROLE` protects against mistakes, not attacks.
 */
export interface AppRole {
  name: string;
  /** Set on the role each time the migrations run (so it follows APP_DATABASE_PASSWORD); null leaves it alone. */
  password: string | null;
}

/** Tables whose rows are history: the application adds rows, never changes or removes them. */
const APPEND_ONLY = ['platform.audit_log', 'inventory.stock_movements'];

/**
 * Schemas the application does not use: the migrator's journal and the scheduler's queue (pg-boss
 * manages its own schema with the owner's connection).
 */
const NOT_APPLICATION = ['drizzle', 'pgboss', 'public', 'information_schema'];

/**
 * The default role name for a database: `<database>_app`. Roles are cluster-wide, so it is named
 * after the database: two databases on one server (staging and production, or test databases of
 * concurrent runs) never share, nor reset each other's, application role.
 */
export function appRoleName(url: string): string {
  return `${databaseName(url).slice(0, 59)}_app`;
}

/** The owner's URL with the application role's user name and password (same server and database). */
export function appRoleUrl(ownerUrl: string, role: AppRole): string {
  const u = new URL(ownerUrl);
  u.username = encodeURIComponent(role.name);
  u.password = role.password === null ? '' : encodeURIComponent(role.password);
  return u.toString();
}

export type AppRoleOutcome =
  | { status: 'ready'; role: string; created: boolean }
  /** The owner may not create roles: what a database administrator runs instead, one statement a line. */
  | { status: 'not-allowed'; role: string; instructions: string[] };

/**
 * Creates the application role when it is missing and the connected user may (superuser or
 * CREATEROLE), sets its password, and grants it what the application needs on every schema the
 * connected user owns. Safe to run again: the grants follow new tables at each migration.
 */
export async function ensureAppRole(client: pg.ClientBase, role: AppRole): Promise<AppRoleOutcome> {
  const name = quoteIdent(role.name);
  const { rows } = await client.query<{
    may: boolean;
    exists: boolean;
    super: boolean | null;
    self: boolean;
  }>(
    `SELECT (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) AS may,
            r.rolname IS NOT NULL AS exists, r.rolsuper AS super, $1 = current_user AS self
     FROM (SELECT 1) one LEFT JOIN pg_roles r ON r.rolname = $1`,
    [role.name],
  );
  const { may, exists, super: isSuper, self } = rows[0]!;
  if (self)
    throw new Error(
      `The application role "${role.name}" is the user the migrations run as: it must be another role, which owns nothing`,
    );
  if (isSuper)
    throw new Error(
      `The application role "${role.name}" is a superuser: it must be an ordinary role (ALTER ROLE ${name} NOSUPERUSER)`,
    );
  const literal =
    role.password === null
      ? null
      : (await client.query<{ l: string }>('SELECT quote_literal($1::text) AS l', [role.password])).rows[0]!
          .l;
  if (!exists && !may) {
    return {
      status: 'not-allowed',
      role: role.name,
      instructions: [
        `CREATE ROLE ${name} LOGIN PASSWORD '<a password>';`,
        `-- then run npm run db:migrate again (it grants the role its rights) and set APP_DATABASE_PASSWORD (or APP_DATABASE_URL)`,
      ],
    };
  }
  if (!exists) {
    // A concurrent migrator of another database may not create the same name (it is per database), but
    // two processes migrating this one could: the second one's duplicate is expected.
    await client
      .query(
        `CREATE ROLE ${name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS${literal ? ` PASSWORD ${literal}` : ''}`,
      )
      .catch((err: { code?: string }) => {
        if (err.code !== '42710' && err.code !== '23505') throw err;
      });
  } else if (literal && may) {
    await client.query(`ALTER ROLE ${name} PASSWORD ${literal}`);
  }
  await client.query(`DO $grant$
    DECLARE s text;
    BEGIN
      FOR s IN SELECT nspname FROM pg_namespace
               WHERE nspowner = current_user::regrole AND nspname NOT LIKE 'pg\\_%' AND nspname <> ALL ($names$${`{${NOT_APPLICATION.join(',')}}`}$names$::text[])
      LOOP
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', s, ${quoteLiteralSql(role.name)});
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', s, ${quoteLiteralSql(role.name)});
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', s, ${quoteLiteralSql(role.name)});
      END LOOP;
    END $grant$`);
  for (const table of APPEND_ONLY) {
    const exists = (await client.query('SELECT to_regclass($1) IS NOT NULL AS e', [table])).rows[0]
      .e as boolean;
    if (exists) await client.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${table} FROM ${name}`);
  }
  return { status: 'ready', role: role.name, created: !exists };
}

/** A role name as an SQL string literal (inside the DO block, where parameters cannot go). */
function quoteLiteralSql(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The application role to prepare for a database, from the settings: APP_DATABASE_URL's user when
 * set (its password is the administrator's business), else `<database>_app` with APP_DATABASE_PASSWORD.
 */
export function appRoleFor(
  ownerUrl: string,
  env: { APP_DATABASE_URL?: string; APP_DATABASE_PASSWORD?: string },
): AppRole {
  if (env.APP_DATABASE_URL) {
    const name = decodeURIComponent(new URL(env.APP_DATABASE_URL).username);
    if (!name)
      throw new Error(
        'APP_DATABASE_URL names no user: give the application role, e.g. postgres://erp_app:…@host/db',
      );
    return { name, password: null };
  }
  return { name: appRoleName(ownerUrl), password: env.APP_DATABASE_PASSWORD ?? null };
}

/** The URL the running application connects with once its role is ready. */
export function appDatabaseUrl(
  ownerUrl: string,
  env: { APP_DATABASE_URL?: string; APP_DATABASE_PASSWORD?: string },
): string {
  return env.APP_DATABASE_URL ?? appRoleUrl(ownerUrl, appRoleFor(ownerUrl, env));
}
