import { bigint, index, integer, jsonb, pgSchema, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { rowTimestamps } from '../columns';

/** Cross-cutting tables every domain writes to: the audit trail, idempotency keys, import runs. */
export const platformSchema = pgSchema('platform');

/**
 * Append-only audit trail: one row per committed mutation, written in the mutation's own
 * transaction. A trigger refuses UPDATE and DELETE.
 */
export const auditLog = platformSchema.table(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    userId: integer('user_id'),
    userRole: text('user_role'),
    operation: text('operation').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
  },
  (t) => [index('audit_log_entity_idx').on(t.entity, t.entityId), index('audit_log_at_idx').on(t.at)],
);

/**
 * A mutation's first result under an idempotency key, kept 24 h at least: a retry with the same
 * key and payload gets it back; another payload under the same key is refused.
 */
export const idempotencyKeys = platformSchema.table(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    response: jsonb('response'),
    ...rowTimestamps(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

/** One row per `npm run import`: what was read, written and refused. */
export const importRuns = platformSchema.table('import_runs', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
  mapping: text('mapping').notNull(),
  source: text('source').notNull(),
  status: text('status').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  summary: jsonb('summary'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
