import { createHash } from 'node:crypto';
import type { Tx } from '../db/tx';
import { AppError } from '../errors';

/**
 * Runs a mutation at most once per idempotency key. Inside the mutation's transaction, the key is
 * claimed first (a concurrent retry waits on the row lock until the first commits); a retry with
 * the same payload gets the first result back and changes nothing; another payload under the same
 * key is refused. The key, the writes and the stored result commit together.
 */
export async function idempotent<T>(
  tx: Tx,
  scope: string,
  key: string | null | undefined,
  payload: unknown,
  run: () => Promise<T>,
): Promise<T> {
  if (!key) return run();
  const hash = createHash('sha256').update(stableJson(payload)).digest('hex');
  const claimed = await tx.query(
    `INSERT INTO platform.idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3)
     ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
    [scope, key, hash],
  );
  if (!claimed.rowCount) {
    const { rows } = await tx.query<{ request_hash: string; response: T }>(
      `SELECT request_hash, response FROM platform.idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    const stored = rows[0]!;
    if (stored.request_hash !== hash) {
      throw new AppError(
        'IDEMPOTENCY_MISMATCH',
        `Idempotency key "${key}" was already used with another payload`,
        {
          field: 'idempotencyKey',
        },
      );
    }
    return stored.response;
  }
  const result = await run();
  await tx.query(`UPDATE platform.idempotency_keys SET response = $3 WHERE scope = $1 AND key = $2`, [
    scope,
    key,
    JSON.stringify(result ?? null),
  ]);
  return result;
}

/**
 * The stored result of a completed request under `key`, read before a multi-step mutation does
 * anything outside its transaction (a call to another service): a retry must not repeat that call.
 * Null when the key is unused; IDEMPOTENCY_MISMATCH when it was used with another payload.
 */
export async function storedResponse<T>(
  db: Pick<Tx, 'query'>,
  scope: string,
  key: string | null | undefined,
  payload: unknown,
): Promise<{ response: T } | null> {
  if (!key) return null;
  const { rows } = await db.query<{ request_hash: string; response: T }>(
    `SELECT request_hash, response FROM platform.idempotency_keys WHERE scope = $1 AND key = $2`,
    [scope, key],
  );
  const stored = rows[0];
  if (!stored) return null;
  if (stored.request_hash !== createHash('sha256').update(stableJson(payload)).digest('hex')) {
    throw new AppError(
      'IDEMPOTENCY_MISMATCH',
      `Idempotency key "${key}" was already used with another payload`,
      { field: 'idempotencyKey' },
    );
  }
  return { response: stored.response };
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
