import { randomBytes } from 'node:crypto';
import type { AccountServiceRole } from '@erp/kit';
import type pg from 'pg';
import { hashPassword } from './passwords';

/**
 * The first ADMIN: from ADMIN_EMAIL / ADMIN_PASSWORD when no user can log in yet; in embedded demo
 * mode without them, a generated password that is returned once (printed by `npm start`).
 */
export async function bootstrapAdmin(
  pool: pg.Pool,
  opts: { email?: string; password?: string; allowGenerated: boolean },
): Promise<{ email: string; generatedPassword?: string } | null> {
  const { rows } = await pool.query(
    `SELECT 1 FROM auth.users WHERE role = 'ADMIN' AND password_hash IS NOT NULL LIMIT 1`,
  );
  if (rows.length) return null;
  if (!opts.email || !opts.password) {
    if (!opts.allowGenerated) return null;
  }
  const email = (opts.email ?? 'admin@erp.local').toLowerCase();
  const generated = opts.password ? undefined : randomBytes(12).toString('base64url');
  const hash = await hashPassword(opts.password ?? generated!);
  await pool.query(
    `INSERT INTO auth.users (email, name, role, password_hash) VALUES ($1, 'Administrator', 'ADMIN', $2)
     ON CONFLICT (email) DO UPDATE SET role = 'ADMIN', password_hash = EXCLUDED.password_hash`,
    [email, hash],
  );
  return { email, generatedPassword: generated };
}

/**
 * A service account (ETL_SERVICE: the ETL's reads; MINING_SERVICE: the segment write-back), created,
 * or its role and password reset from the environment, on start; idempotent. Its password is a
 * generated secret (npm start writes one into .env in development).
 */
export async function ensureServiceAccount(
  pool: pg.Pool,
  role: AccountServiceRole,
  email: string,
  password: string,
): Promise<void> {
  const { rows } = await pool.query<{ password_hash: string | null; role: string }>(
    `SELECT password_hash, role FROM auth.users WHERE email = $1`,
    [email.toLowerCase()],
  );
  const { verifyPassword } = await import('./passwords');
  if (rows[0] && rows[0].role === role && (await verifyPassword(rows[0].password_hash, password))) return;
  const name = role === 'ETL_SERVICE' ? 'ETL service account' : 'Mining service account';
  await pool.query(
    `INSERT INTO auth.users (email, name, role, password_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (email) DO UPDATE SET role = EXCLUDED.role, name = EXCLUDED.name, password_hash = EXCLUDED.password_hash, failed_logins = 0, locked_until = NULL`,
    [email.toLowerCase(), name, role, await hashPassword(password)],
  );
}

/**
 * An operator's way back in: sets a person's password (given, or generated and returned once), unlocks
 * the account and revokes every refresh token it holds, so its open sessions end (an access token
 * already issued fails once the gateway rereads the account, within seconds). Service accounts are reset from the
 * environment by npm start instead.
 */
export async function resetPassword(
  pool: pg.Pool,
  emailRaw: string,
  password?: string,
): Promise<{ email: string; generatedPassword?: string; sessionsEnded: number }> {
  const email = emailRaw.trim().toLowerCase();
  const { validatePassword } = await import('./passwords');
  const problem = password !== undefined ? validatePassword(password) : null;
  if (problem) throw new Error(`NEW_PASSWORD ${problem}`);
  const generated = password === undefined ? randomBytes(12).toString('base64url') : undefined;
  const hash = await hashPassword(password ?? generated!);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: number; role: string }>(
      `SELECT id, role FROM auth.users WHERE email = $1 FOR UPDATE`,
      [email],
    );
    const user = rows[0];
    if (!user) throw new Error(`no user with the email ${email}`);
    if (user.role.endsWith('_SERVICE'))
      throw new Error(
        `${email} is a service account: set its password in the environment (.env) and restart npm start`,
      );
    // A new session version: the access tokens already issued stop working too.
    await client.query(
      `UPDATE auth.users SET password_hash = $2, failed_logins = 0, locked_until = NULL, session_version = session_version + 1, updated_at = now() WHERE id = $1`,
      [user.id, hash],
    );
    const revoked = await client.query(
      `UPDATE auth.refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()`,
      [user.id],
    );
    await client.query('COMMIT');
    return { email, generatedPassword: generated, sessionsEnded: revoked.rowCount ?? 0 };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
