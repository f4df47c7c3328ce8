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
  const { rows } = await pool.query(`SELECT 1 FROM auth.users WHERE role = 'ADMIN' AND password_hash IS NOT NULL LIMIT 1`);
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
export async function ensureServiceAccount(pool: pg.Pool, role: AccountServiceRole, email: string, password: string): Promise<void> {
  const { rows } = await pool.query<{ password_hash: string | null; role: string }>(`SELECT password_hash, role FROM auth.users WHERE email = $1`, [email.toLowerCase()]);
  const { verifyPassword } = await import('./passwords');
  if (rows[0] && rows[0].role === role && (await verifyPassword(rows[0].password_hash, password))) return;
  const name = role === 'ETL_SERVICE' ? 'ETL service account' : 'Mining service account';
  await pool.query(
    `INSERT INTO auth.users (email, name, role, password_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (email) DO UPDATE SET role = EXCLUDED.role, name = EXCLUDED.name, password_hash = EXCLUDED.password_hash, failed_logins = 0, locked_until = NULL`,
    [email.toLowerCase(), name, role, await hashPassword(password)],
  );
}
