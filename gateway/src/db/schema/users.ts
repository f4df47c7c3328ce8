import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgSchema, text, timestamp } from 'drizzle-orm/pg-core';

import { ACCOUNT_ROLES } from '@erp/kit/auth/roles';

export const authSchema = pgSchema('auth');
export const userRole = authSchema.enum('user_role', ACCOUNT_ROLES);

/**
 * People and service accounts (ETL, mining) who log in. `password_hash` is an argon2id PHC string; null means the account cannot log
 * in yet (e.g. sales reps imported from a data set).
 */
export const users = authSchema.table(
  'users',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    role: userRole('role').notNull(),
    passwordHash: text('password_hash'),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    /** A disabled account cannot log in, refresh or use a token it already holds; its history stays. */
    disabled: boolean('disabled').notNull().default(false),
    /** Bumped when the account's sessions must end (disable, password, role): access tokens carry it as `ver`. */
    sessionVersion: integer('session_version').notNull().default(0),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('users_email_lowercase', sql`${t.email} = lower(${t.email})`),
    check('users_email_format', sql`${t.email} ~ '^[^@\\s]+@[^@\\s]+$'`),
    check(
      'users_password_hash_argon2id',
      sql`${t.passwordHash} IS NULL OR ${t.passwordHash} LIKE '$argon2id$%'`,
    ),
  ],
);

/** Refresh tokens: only a SHA-256 of the token is stored; rotated on each use, revoked on logout. */
export const refreshTokens = authSchema.table(
  'refresh_tokens',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('refresh_tokens_user_idx').on(t.userId)],
);
