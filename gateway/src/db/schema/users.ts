import { sql } from 'drizzle-orm';
import { check, integer, pgSchema, text, timestamp } from 'drizzle-orm/pg-core';

/** Roles, from the widest to the narrowest; the role × operation matrix lives in kit/src/auth/roles.ts. */
export const ROLES = ['ADMIN', 'MANAGER', 'SALES', 'WAREHOUSE', 'PURCHASING', 'ANALYST'] as const;
export type Role = (typeof ROLES)[number];

export const authSchema = pgSchema('auth');
export const userRole = authSchema.enum('user_role', ROLES);

/**
 * People who log in. `password_hash` is an argon2id PHC string; null means the account cannot log
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
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('users_email_lowercase', sql`${t.email} = lower(${t.email})`),
    check('users_email_format', sql`${t.email} ~ '^[^@\\s]+@[^@\\s]+$'`),
    check('users_password_hash_argon2id', sql`${t.passwordHash} IS NULL OR ${t.passwordHash} LIKE '$argon2id$%'`),
  ],
);
