import { ValidationError } from '@erp/kit';
import { mutate, nonNegativeDecimal, parseId, positiveInt, type MutationSpec } from '@erp/kit/graphql';
import type { SuppliersContext } from '../context';
import { SUPPLY_COLUMNS, type SupplyRow } from '../rows';

/** First key of the transaction-scoped advisory lock serialising preferred-supplier changes of one product. */
const PREFERRED_LOCK = 0x5355_5050; // "SUPP"

/**
 * Creates or replaces a supplier's offer for a product (one per supplier and product).
 *
 * `productId` belongs to the catalog domain: this subgraph never reads another domain's tables, so
 * it only checks that the id is a valid positive id (the catalog owns the product's existence; the
 * gateway resolves `ProductSupply.product` there).
 *
 * At most one preferred supply per product: making one preferred unsets the others in the same
 * transaction, under an advisory lock on the product, so two concurrent calls cannot both leave a
 * preferred supply behind. An INACTIVE supplier cannot be made preferred.
 */
export function upsertProductSupply(
  ctx: SuppliersContext,
  input: Record<string, unknown>,
  spec: Omit<MutationSpec, 'name' | 'payload'>,
) {
  if (input.isPreferred != null && typeof input.isPreferred !== 'boolean')
    throw new ValidationError('input.isPreferred', input.isPreferred, 'must be true or false');
  const s = {
    supplierId: parseId('input.supplierId', input.supplierId),
    productId: parseId('input.productId', input.productId),
    leadTimeDays: positiveInt('input.leadTimeDays', input.leadTimeDays),
    unitCost: nonNegativeDecimal('input.unitCost', input.unitCost),
    minOrderQuantity:
      input.minOrderQuantity == null ? null : positiveInt('input.minOrderQuantity', input.minOrderQuantity),
    isPreferred: (input.isPreferred ?? null) as boolean | null,
  };
  return mutate(ctx, { ...spec, name: 'upsertProductSupply', payload: s }, async (tx, audit) => {
    const supplier = (
      await tx.query<{ status: string }>('SELECT status FROM suppliers.suppliers WHERE id = $1 FOR SHARE', [
        s.supplierId,
      ])
    ).rows[0];
    if (!supplier) throw new ValidationError('input.supplierId', input.supplierId, 'no such supplier');
    if (s.isPreferred && supplier.status !== 'ACTIVE') {
      throw new ValidationError(
        'input.isPreferred',
        true,
        `supplier ${s.supplierId} is ${supplier.status} and cannot be preferred`,
      );
    }
    if (s.isPreferred) await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [PREFERRED_LOCK, s.productId]);
    const before =
      (
        await tx.query<SupplyRow>(
          `SELECT ${SUPPLY_COLUMNS} FROM suppliers.product_supplies WHERE supplier_id = $1 AND product_id = $2 FOR UPDATE`,
          [s.supplierId, s.productId],
        )
      ).rows[0] ?? null;
    if (s.isPreferred) {
      const demoted = await tx.query<SupplyRow>(
        `UPDATE suppliers.product_supplies SET is_preferred = false WHERE product_id = $1 AND supplier_id <> $2 AND is_preferred
         RETURNING ${SUPPLY_COLUMNS}`,
        [s.productId, s.supplierId],
      );
      for (const row of demoted.rows)
        await audit({
          entity: 'ProductSupply',
          entityId: row.id,
          before: { ...row, isPreferred: true },
          after: row,
        });
    }
    const { rows } = await tx.query<SupplyRow>(
      `INSERT INTO suppliers.product_supplies AS ps (supplier_id, product_id, lead_time_days, unit_cost, min_order_quantity, is_preferred)
       VALUES ($1, $2, $3, $4, coalesce($5::int, 1), coalesce($6::boolean, false))
       ON CONFLICT (supplier_id, product_id) DO UPDATE SET lead_time_days = EXCLUDED.lead_time_days, unit_cost = EXCLUDED.unit_cost,
         min_order_quantity = coalesce($5::int, ps.min_order_quantity), is_preferred = coalesce($6::boolean, ps.is_preferred)
       RETURNING ${SUPPLY_COLUMNS}`,
      [s.supplierId, s.productId, s.leadTimeDays, s.unitCost, s.minOrderQuantity, s.isPreferred],
    );
    await audit({ entity: 'ProductSupply', entityId: rows[0]!.id, before, after: rows[0] });
    return rows[0]!;
  });
}
