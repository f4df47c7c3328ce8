import type pg from 'pg';

interface AccountState {
  sessionVersion: number;
  disabled: boolean;
  readAt: number;
}

/**
 * Whether an access token's account still holds it: not disabled, and the session version the token
 * carries is the account's current one. Read from auth.users at most once per `maxAgeMs` per account
 * (a primary-key read, not one per request); a change made through this gateway forgets the entry at
 * once, so it takes effect on the next request; another gateway process sees it within `maxAgeMs`.
 */
export class AccountStates {
  private readonly states = new Map<number, AccountState>();
  constructor(
    private readonly maxAgeMs = 5_000,
    private readonly max = 10_000,
  ) {}

  async holds(pool: pg.Pool, userId: number, sessionVersion: number, now = Date.now()): Promise<boolean> {
    let state = this.states.get(userId);
    if (!state || now - state.readAt >= this.maxAgeMs) {
      const { rows } = await pool.query<{ sessionVersion: number; disabled: boolean }>(
        `SELECT session_version AS "sessionVersion", disabled FROM auth.users WHERE id = $1`,
        [userId],
      );
      if (!rows[0]) {
        this.states.delete(userId);
        return false;
      }
      if (this.states.size >= this.max) this.states.delete(this.states.keys().next().value!);
      state = { ...rows[0], readAt: now };
      this.states.set(userId, state);
    }
    return !state.disabled && state.sessionVersion === sessionVersion;
  }

  /** After a change to the account (disable, password, role): the next request reads it again. */
  forget(userId: number): void {
    this.states.delete(userId);
  }
}
