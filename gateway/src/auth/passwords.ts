import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

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

export const MIN_PASSWORD_LENGTH = 12;
/** Fewer different characters than this is a pattern, not a password (12 spaces, "aaaaaaaaaaaa", "121212121212"). */
const MIN_DISTINCT_CHARACTERS = 5;

/**
 * The passwords attackers try first: zxcvbn-ts's list of the ~49,000 most common ones from public
 * leaks (shipped in the package, no network), compared in lower case and without spaces.
 */
let common: Set<string> | undefined;
const isCommon = (password: string) => {
  common ??= new Set(dictionary['passwords-common']);
  const folded = password.toLowerCase();
  return common.has(folded) || common.has(folded.replace(/\s+/g, ''));
};

/** Why a new password is refused (to be named with its field), or null when it may be used. */
export function validatePassword(password: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 256) return 'must be at most 256 characters';
  if (new Set(password.trim()).size < MIN_DISTINCT_CHARACTERS)
    return `must use at least ${MIN_DISTINCT_CHARACTERS} different characters (not only spaces or a repeated pattern)`;
  if (isCommon(password))
    return 'is one of the most common passwords: choose another (a few unrelated words make a good one)';
  return null;
}
