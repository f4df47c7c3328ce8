import { hash, verify } from '@node-rs/argon2';

/** OWASP's argon2id row: m = 19 MiB, t = 2, p = 1. */
const OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, OPTIONS);

/** Verifies against a hash; with no hash (unknown user) verifies a dummy one so timing does not tell. */
let dummy: Promise<string> | undefined;
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    dummy ??= hashPassword('dummy password for timing equality');
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

/** A stored hash weaker than today's parameters is replaced at the next successful login. */
export function needsRehash(stored: string): boolean {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  return !m || Number(m[1]) < OPTIONS.memoryCost || Number(m[2]) < OPTIONS.timeCost;
}

export function validatePassword(password: string): string | null {
  if (password.length < 12) return 'must be at least 12 characters';
  if (password.length > 256) return 'must be at most 256 characters';
  return null;
}
