import {
  AppError,
  ConflictError,
  ForbiddenError,
  isHumanRole,
  isServiceRole,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
  type AccountRole,
  type Logger,
  type Role,
  type Tx,
} from '@erp/kit';
import {
  decodeCursor,
  mutate,
  pageSize,
  parseId,
  requiredText,
  toConnection,
  type BaseContext,
} from '@erp/kit/graphql';
import type { GatewayEnv } from '../env';
import { nextTick } from '@erp/automation';
import { AccountStates } from './account-states';
import { hashPassword, needsRehash, validatePassword, verifyPassword } from './passwords';
import { AddressLimiter, lockSeconds } from './throttle';
import { hashRefreshToken, issueAccessToken, newRefreshToken } from './tokens';

export interface UserRow {
  id: number;
  email: string;
  name: string;
  role: AccountRole;
  disabled: boolean;
  sessionVersion: number;
  lastLoginAt: string | null;
  createdAt: string;
}
const USER_COLUMNS = `id, email, name, role, disabled, session_version AS "sessionVersion", last_login_at AS "lastLoginAt", created_at AS "createdAt"`;

/** Queues a pipeline run (the scheduler's pg-boss queue); absent when no worker runs in this process. */
export interface PipelineTrigger {
  enqueue(requestedBy: string): Promise<string | null>;
  /** The scheduler's cron and time zone, once a scheduler runs with this gateway. */
  schedule?: { cron: string; tz: string };
}

export interface AuthContext extends Omit<BaseContext, 'identity'> {
  identity: BaseContext['identity'] | null;
  clientAddress: string;
  auth: AuthService;
  pipeline?: PipelineTrigger;
}

/**
 * The one answer to every refused login (unknown e-mail, wrong password, locked or disabled account):
 * same code, status and message, after the same password work, so it tells nothing about the account.
 */
export const INVALID_LOGIN = 'Invalid e-mail or password';

/** Login, token refresh and user administration; the gateway's own domain. */
export class AuthService {
  private readonly addresses = new AddressLimiter();
  /** Whether an access token's account still holds it (the gateway asks on every authenticated request). */
  readonly accounts = new AccountStates();
  constructor(
    private readonly env: Pick<
      GatewayEnv,
      'JWT_SECRET' | 'ACCESS_TOKEN_TTL_SECONDS' | 'REFRESH_TOKEN_TTL_DAYS'
    >,
    private readonly log: Logger,
  ) {}

  private async issue(ctx: AuthContext, user: UserRow) {
    const access = await issueAccessToken(this.env.JWT_SECRET, user, this.env.ACCESS_TOKEN_TTL_SECONDS);
    const refresh = newRefreshToken();
    await ctx.pool.query(
      `INSERT INTO auth.refresh_tokens (user_id, token_hash, expires_at) VALUES ($1, $2, now() + make_interval(days => $3))`,
      [user.id, hashRefreshToken(refresh), this.env.REFRESH_TOKEN_TTL_DAYS],
    );
    return { accessToken: access.token, refreshToken: refresh, expiresAt: access.expiresAt, user };
  }

  async login(ctx: AuthContext, emailRaw: string, password: string) {
    if (!this.addresses.allow(ctx.clientAddress)) {
      throw new AppError('RATE_LIMITED', 'Too many login attempts from this address; wait a minute');
    }
    const email = String(emailRaw).trim().toLowerCase();
    const { rows } = await ctx.pool.query<
      UserRow & { passwordHash: string | null; failedLogins: number; lockedUntil: Date | null }
    >(
      `SELECT ${USER_COLUMNS}, password_hash AS "passwordHash", failed_logins AS "failedLogins", locked_until AS "lockedUntil"
       FROM auth.users WHERE email = $1`,
      [email],
    );
    const user = rows[0];
    const locked = !!user?.lockedUntil && user.lockedUntil.getTime() > Date.now();
    // A locked account verifies a dummy hash, so even the right password is refused, after the same work.
    const ok = await verifyPassword(locked ? null : (user?.passwordHash ?? null), password);
    if (!user || !ok || user.disabled) {
      if (user && !locked) {
        await ctx.pool.query(
          `UPDATE auth.users SET failed_logins = failed_logins + 1,
             locked_until = CASE WHEN $2::int > 0 THEN now() + make_interval(secs => $2::int) ELSE locked_until END
           WHERE id = $1`,
          [user.id, lockSeconds(user.failedLogins + 1)],
        );
      }
      this.log.warn(
        { requestId: ctx.identity?.requestId, address: ctx.clientAddress, locked, disabled: user?.disabled },
        'failed login',
      );
      throw new UnauthenticatedError(INVALID_LOGIN);
    }
    const rehash = needsRehash(user.passwordHash!) ? await hashPassword(password) : null;
    await ctx.pool.query(
      `UPDATE auth.users SET failed_logins = 0, locked_until = NULL, last_login_at = now(),
         password_hash = coalesce($2, password_hash) WHERE id = $1`,
      [user.id, rehash],
    );
    const { passwordHash: _h, failedLogins: _f, lockedUntil: _l, ...publicUser } = user;
    return this.issue(ctx, publicUser);
  }

  async refresh(ctx: AuthContext, token: string) {
    const { rows } = await ctx.pool.query<UserRow>(
      `UPDATE auth.refresh_tokens t SET revoked_at = now() FROM auth.users u
       WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND u.id = t.user_id AND NOT u.disabled
       RETURNING u.id, u.email, u.name, u.role, u.disabled, u.session_version AS "sessionVersion", u.last_login_at AS "lastLoginAt", u.created_at AS "createdAt"`,
      [hashRefreshToken(String(token))],
    );
    if (!rows[0]) {
      // A refresh token used twice was stolen (or leaked): every session of its user ends, the
      // thief's and the owner's, who logs in again.
      await ctx.pool.query(
        `UPDATE auth.refresh_tokens SET revoked_at = now() WHERE revoked_at IS NULL
           AND user_id = (SELECT user_id FROM auth.refresh_tokens WHERE token_hash = $1 AND revoked_at IS NOT NULL)`,
        [hashRefreshToken(String(token))],
      );
      throw new UnauthenticatedError('Invalid or expired refresh token');
    }
    return this.issue(ctx, rows[0]);
  }

  async logout(ctx: AuthContext, token: string) {
    const r = await ctx.pool.query(
      `UPDATE auth.refresh_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL`,
      [hashRefreshToken(String(token))],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async me(ctx: AuthContext) {
    if (!ctx.identity?.userId) throw new UnauthenticatedError();
    const { rows } = await ctx.pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM auth.users WHERE id = $1`, [
      ctx.identity.userId,
    ]);
    if (!rows[0]) throw new UnauthenticatedError();
    return rows[0];
  }

  async users(ctx: AuthContext) {
    return (await ctx.pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM auth.users ORDER BY email`)).rows;
  }

  /** The people sales are attributed to: their id and name only. */
  async salesReps(ctx: AuthContext) {
    const { rows } = await ctx.pool.query<{ id: number; name: string }>(
      `SELECT u.id, u.name FROM auth.users u
        WHERE u.role = 'SALES' OR EXISTS (SELECT 1 FROM sales.orders o WHERE o.sales_rep_id = u.id)
           OR EXISTS (SELECT 1 FROM customers.customers c WHERE c.sales_rep_id = u.id)
        ORDER BY u.id`,
    );
    return rows;
  }

  async userById(ctx: Pick<AuthContext, 'pool'>, id: number) {
    return (
      (await ctx.pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM auth.users WHERE id = $1`, [id])).rows[0] ??
      null
    );
  }

  async createUser(ctx: AuthContext, input: Record<string, unknown>, idempotencyKey?: string | null) {
    const email = requiredText('input.email', input.email).toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(email))
      throw new ValidationError('input.email', input.email, 'is not an e-mail address');
    const name = requiredText('input.name', input.name);
    const role = input.role as Role;
    if (!isHumanRole(role))
      throw new ValidationError(
        'input.role',
        input.role,
        'is not a role of a person (service accounts come from the environment)',
      );
    const password = String(input.password ?? '');
    const problem = validatePassword(password);
    if (problem) throw new ValidationError('input.password', '(hidden)', problem);
    const passwordHash = await hashPassword(password);
    return mutate(
      ctx as BaseContext,
      { name: 'createUser', idempotencyKey, payload: { email, name, role } },
      async (tx, audit) => {
        const { rows } = await tx.query<UserRow>(
          `INSERT INTO auth.users (email, name, role, password_hash) VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO NOTHING RETURNING ${USER_COLUMNS}`,
          [email, name, role, passwordHash],
        );
        if (!rows[0])
          throw new ConflictError(`A user with e-mail ${email} already exists`, { field: 'input.email' });
        await audit({ entity: 'User', entityId: rows[0].id, before: null, after: rows[0] });
        return rows[0];
      },
    );
  }

  async updateUser(
    ctx: AuthContext,
    idRaw: unknown,
    input: Record<string, unknown>,
    idempotencyKey?: string | null,
  ) {
    const id = parseId('id', idRaw);
    const name = input.name == null ? null : requiredText('input.name', input.name);
    const role = input.role == null ? null : (input.role as Role);
    if (role && !isHumanRole(role))
      throw new ValidationError(
        'input.role',
        input.role,
        'is not a role of a person (service accounts come from the environment)',
      );
    let passwordHash: string | null = null;
    if (input.password != null) {
      const problem = validatePassword(String(input.password));
      if (problem) throw new ValidationError('input.password', '(hidden)', problem);
      passwordHash = await hashPassword(String(input.password));
    }
    return mutate(
      ctx as BaseContext,
      { name: 'updateUser', idempotencyKey, payload: { id, name, role, password: passwordHash !== null } },
      async (tx, audit) => {
        const before = await lockPersonAccount(tx, id, 'id');
        // A new password or another role ends every session: the old refresh tokens issue nothing more,
        // and the access tokens already out carry an older session version.
        const endSessions = passwordHash !== null || (role !== null && role !== before.role);
        const { rows } = await tx.query<UserRow>(
          `UPDATE auth.users SET name = coalesce($2, name), role = coalesce($3::auth.user_role, role), password_hash = coalesce($4, password_hash),
           failed_logins = CASE WHEN $4::text IS NULL THEN failed_logins ELSE 0 END, locked_until = CASE WHEN $4::text IS NULL THEN locked_until ELSE NULL END,
           session_version = session_version + CASE WHEN $5 THEN 1 ELSE 0 END
         WHERE id = $1 RETURNING ${USER_COLUMNS}`,
          [id, name, role, passwordHash, endSessions],
        );
        if (endSessions) await revokeSessions(tx, id);
        await audit({ entity: 'User', entityId: id, before, after: rows[0] });
        return rows[0]!;
      },
    ).finally(() => this.accounts.forget(id));
  }

  /**
   * Disables (or enables again) an account: a disabled one cannot log in or refresh, and the access
   * tokens it holds fail on their next request. An administrator cannot disable their own account
   * (the last administrator would lock everyone out); service accounts are managed by npm start.
   */
  async setUserDisabled(ctx: AuthContext, userIdRaw: unknown, disabledRaw: unknown) {
    const id = parseId('userId', userIdRaw);
    if (typeof disabledRaw !== 'boolean')
      throw new ValidationError('disabled', disabledRaw, 'must be true or false');
    const disabled = disabledRaw;
    if (disabled && id === ctx.identity?.userId)
      throw new ValidationError(
        'userId',
        userIdRaw,
        'is your own account: another administrator must disable it',
      );
    return mutate(
      ctx as BaseContext,
      { name: 'setUserDisabled', payload: { id, disabled } },
      async (tx, audit) => {
        const before = await lockPersonAccount(tx, id, 'userId');
        if (before.disabled === disabled) return before;
        const { rows } = await tx.query<UserRow>(
          `UPDATE auth.users SET disabled = $2, session_version = session_version + CASE WHEN $2 THEN 1 ELSE 0 END WHERE id = $1 RETURNING ${USER_COLUMNS}`,
          [id, disabled],
        );
        if (disabled) await revokeSessions(tx, id);
        await audit({ entity: 'User', entityId: id, before, after: rows[0] });
        return rows[0]!;
      },
    ).finally(() => this.accounts.forget(id));
  }

  async auditLog(
    ctx: AuthContext,
    args: { first?: number | null; after?: string | null; filter?: Record<string, unknown> | null },
  ) {
    const limit = pageSize(args.first);
    const params: unknown[] = [];
    const where: string[] = [];
    const f = args.filter ?? {};
    if (f.userId) where.push(`user_id = $${params.push(parseId('filter.userId', f.userId))}`);
    if (typeof f.operation === 'string') where.push(`operation = $${params.push(f.operation)}`);
    if (typeof f.entity === 'string') where.push(`entity = $${params.push(f.entity)}`);
    if (typeof f.entityId === 'string') where.push(`entity_id = $${params.push(f.entityId)}`);
    if (f.from) where.push(`at >= $${params.push(f.from)}`);
    if (f.to) where.push(`at < $${params.push(f.to)}`);
    const cursor = decodeCursor(args.after, 1);
    if (cursor) where.push(`id < $${params.push(cursor[0])}`);
    const { rows } = await ctx.pool.query(
      `SELECT id, at, user_id AS "userId", user_role AS "userRole", operation, entity, entity_id AS "entityId",
              before::text AS before, after::text AS after, request_id AS "requestId"
       FROM platform.audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.push(limit + 1)}`,
      params,
    );
    return toConnection(rows as { id: number }[], limit, (r) => [r.id]);
  }
}

/**
 * A person's account, locked for the change; `field` names the argument in the error when it is a
 * service account (those are managed from the environment by npm start).
 */
async function lockPersonAccount(tx: Tx, id: number, field: string): Promise<UserRow> {
  const before = (
    await tx.query<UserRow>(`SELECT ${USER_COLUMNS} FROM auth.users WHERE id = $1 FOR UPDATE`, [id])
  ).rows[0];
  if (!before) throw new NotFoundError('User', id);
  if (isServiceRole(before.role))
    throw new ForbiddenError(
      `A service account is managed from the environment by npm start, not here (${field})`,
    );
  return before;
}

/** Every refresh token of a user stops working (a session ends when its refresh token does). */
async function revokeSessions(tx: Tx, userId: number) {
  await tx.query(
    `UPDATE auth.refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`,
    [userId],
  );
}

export interface PipelineRunRow {
  id: number;
  trigger: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  stages: unknown[];
}

/** The pipeline ledger (automation schema) and the trigger: the platform's own operations. */
export async function pipelineRuns(
  ctx: AuthContext,
  first: number | null | undefined,
): Promise<PipelineRunRow[]> {
  const limit = Math.min(Math.max(first ?? 20, 1), 100);
  const { rows } = await ctx.pool.query<PipelineRunRow>(
    `SELECT id, trigger, status, started_at AS "startedAt", finished_at AS "finishedAt", error, stages
       FROM automation.pipeline_runs ORDER BY id DESC LIMIT $1`,
    [limit],
  );
  return rows;
}

/** The schedule the pipeline runs on and its next tick; null when no scheduler runs with this gateway. */
export function pipelineSchedule(
  ctx: AuthContext,
): { cron: string; timeZone: string; nextRunAt: Date } | null {
  const s = ctx.pipeline?.schedule;
  return s ? { cron: s.cron, timeZone: s.tz, nextRunAt: nextTick(s.cron, s.tz, new Date()) } : null;
}

export async function requestPipelineRun(ctx: AuthContext, idempotencyKey?: string | null) {
  const trigger = ctx.pipeline;
  if (!trigger)
    return {
      queued: false,
      jobId: null,
      message: 'No pipeline worker runs with this gateway (npm start --no-schedule): run `npm run pipeline`.',
    };
  return mutate(
    ctx as BaseContext,
    { name: 'runPipeline', idempotencyKey, payload: {} },
    async (_tx, audit) => {
      const jobId = await trigger.enqueue(ctx.identity?.email ?? 'unknown');
      await audit({
        entity: 'PipelineRun',
        entityId: jobId,
        before: null,
        after: { jobId, requestedBy: ctx.identity?.email },
      });
      return {
        queued: jobId !== null,
        jobId,
        message: jobId ? 'Pipeline run queued.' : 'A pipeline run is already queued.',
      };
    },
  );
}
