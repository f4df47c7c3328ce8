import { ConflictError, NotFoundError, ValidationError } from '@erp/kit';
import {
  inputPatch,
  mutate,
  requiredText,
  qualifiedColumns,
  type InputService,
  type RowInputService,
} from '@erp/kit/graphql';
import type { CatalogContext } from '../context';
import { WAREHOUSE_COLUMNS, type WarehouseRow } from '../rows';

function countryCode(field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Z]{2}$/.test(value))
    throw new ValidationError(field, value, 'must be an ISO 3166-1 alpha-2 code such as "FR"');
  return value;
}

export async function listWarehouses(ctx: CatalogContext): Promise<WarehouseRow[]> {
  return (
    await ctx.pool.query<WarehouseRow>(`SELECT ${WAREHOUSE_COLUMNS} FROM inventory.warehouses ORDER BY code`)
  ).rows;
}

export interface WarehouseStockTotalRow {
  warehouse: WarehouseRow;
  onHand: number;
  reserved: number;
}

/** On hand and reserved summed per warehouse (every warehouse, 0 when it holds nothing), by code; one query. */
export async function stockTotals(ctx: CatalogContext): Promise<WarehouseStockTotalRow[]> {
  const { rows } = await ctx.pool.query<
    WarehouseRow & { onHand: string | number; reserved: string | number }
  >(
    `SELECT ${qualifiedColumns(WAREHOUSE_COLUMNS, 'w')},
       coalesce(sum(s.on_hand), 0)::bigint AS "onHand", coalesce(sum(s.reserved), 0)::bigint AS reserved
     FROM inventory.warehouses w LEFT JOIN inventory.stock_levels s ON s.warehouse_id = w.id
     GROUP BY w.id ORDER BY w.code`,
  );
  return rows.map(({ onHand, reserved, ...warehouse }) => {
    ctx.loaders.warehouse.prime(warehouse.id, warehouse);
    return { warehouse, onHand: Number(onHand), reserved: Number(reserved) };
  });
}

export const createWarehouse: InputService<CatalogContext, WarehouseRow> = (ctx, input, spec) => {
  const w = {
    code: requiredText('input.code', input.code, 40),
    name: requiredText('input.name', input.name),
    city: requiredText('input.city', input.city),
    countryCode: countryCode('input.countryCode', input.countryCode),
  };
  return mutate(ctx, { ...spec, name: 'createWarehouse', payload: w }, async (tx, audit) => {
    const { rows } = await tx.query<WarehouseRow>(
      `INSERT INTO inventory.warehouses (code, name, city, country_code) VALUES ($1, $2, $3, $4)
       ON CONFLICT (code) DO NOTHING RETURNING ${WAREHOUSE_COLUMNS}`,
      [w.code, w.name, w.city, w.countryCode],
    );
    if (!rows[0])
      throw new ConflictError(`Warehouse code "${w.code}" already exists`, { field: 'input.code' });
    await audit({ entity: 'Warehouse', entityId: rows[0].id, before: null, after: rows[0] });
    return rows[0];
  });
};

export const updateWarehouse: RowInputService<CatalogContext, WarehouseRow> = (ctx, id, input, spec) => {
  const patch = inputPatch(input, { name: requiredText, city: requiredText, countryCode });
  return mutate(ctx, { ...spec, name: 'updateWarehouse', payload: { id, ...patch } }, async (tx, audit) => {
    const before = (
      await tx.query<WarehouseRow>(
        `SELECT ${WAREHOUSE_COLUMNS} FROM inventory.warehouses WHERE id = $1 FOR UPDATE`,
        [id],
      )
    ).rows[0];
    if (!before) throw new NotFoundError('Warehouse', id);
    const { rows } = await tx.query<WarehouseRow>(
      `UPDATE inventory.warehouses SET name = coalesce($2, name), city = coalesce($3, city), country_code = coalesce($4, country_code)
       WHERE id = $1 RETURNING ${WAREHOUSE_COLUMNS}`,
      [id, patch.name, patch.city, patch.countryCode],
    );
    await audit({ entity: 'Warehouse', entityId: id, before, after: rows[0] });
    return rows[0]!;
  });
};
