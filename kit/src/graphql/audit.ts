import type { Identity } from '../auth/identity';
import type { Tx } from '../db/tx';

export interface AuditEntry {
  operation: string;
  entity: string;
  entityId: string | number | null;
  before: unknown;
  after: unknown;
}

/** Writes the audit row of a mutation inside the mutation's own transaction (so rollback = no row). */
export async function recordAudit(tx: Tx, identity: Identity, entry: AuditEntry): Promise<void> {
  await tx.query(
    `INSERT INTO platform.audit_log (user_id, user_role, operation, entity, entity_id, before, after, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      identity.userId,
      identity.role,
      entry.operation,
      entry.entity,
      entry.entityId === null ? null : String(entry.entityId),
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      identity.requestId,
    ],
  );
}
