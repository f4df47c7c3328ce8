import { randomBytes } from 'node:crypto';
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
