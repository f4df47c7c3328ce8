import { ConflictError, NotFoundError, ValidationError } from '@erp/kit';
import {
  keysetPage,
  likePattern,
  mutate,
  nonNegativeDecimal,
  inputPatch,
  pageSize,
  parseId,
  requiredText,
  sortOrder,
  qualifiedColumns,
  listPage,
  type InputService,
  type RowInputService,
} from '@erp/kit/graphql';
import type { CatalogContext } from '../context';
import { PRODUCT_COLUMNS, type ProductRow } from '../rows';
import { PRODUCT_STATUSES } from '../db/schema/constants';

const SORT_COLUMNS = {
  NAME: 'name',
  SKU: 'sku',
  LIST_PRICE: 'list_price',
  UPDATED_AT: 'updated_at',
} as const;
type SortField = keyof typeof SORT_COLUMNS;

export interface ProductListArgs {
  first?: number | null;
  after?: string | null;
  filter?: {
    search?: string | null;
    categoryId?: string | null;
    status?: string | null;
    warehouseId?: string | null;
    updatedFrom?: Date | string | null;
  } | null;
  orderBy?: { field: SortField; direction?: 'ASC' | 'DESC' | null } | null;
}

/** A page of products. Every value is a bound parameter; only whitelisted column names enter the SQL. */
export async function listProducts(ctx: CatalogContext, args: ProductListArgs) {
  const limit = pageSize(args.first, ctx.identity);
  const { column, desc } = sortOrder(args.orderBy, SORT_COLUMNS, { field: 'NAME', direction: 'ASC' });
  const where: string[] = [];
  const params: unknown[] = [];
  const f = args.filter ?? {};
  if (f.search) {
    params.push(likePattern(f.search));
    where.push(`(p.name ILIKE $${params.length} OR p.sku ILIKE $${params.length})`);
  }
  if (f.categoryId) {
    params.push(parseId('filter.categoryId', f.categoryId));
    where.push(`p.category_id IN (WITH RECURSIVE sub AS (SELECT id FROM catalog.categories WHERE id = $${params.length}
      UNION ALL SELECT c.id FROM catalog.categories c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub)`);
  }
  if (f.status) {
    if (!(PRODUCT_STATUSES as readonly string[]).includes(f.status))
      throw new ValidationError('filter.status', f.status, 'unknown status');
    params.push(f.status);
    where.push(`p.status = $${params.length}`);
  }
  if (f.warehouseId) {
    params.push(parseId('filter.warehouseId', f.warehouseId));
    where.push(
      `EXISTS (SELECT 1 FROM inventory.stock_levels s WHERE s.product_id = p.id AND s.warehouse_id = $${params.length})`,
    );
  }
  return keysetPage<ProductRow>(ctx.pool, {
    table: 'catalog.products',
    alias: 'p',
    columns: qualifiedColumns(PRODUCT_COLUMNS, 'p'),
    where,
    params,
    sortExpr: `p.${column}`,
    desc,
    ...listPage(args, limit, ctx.loaders.product),
  });
}

function status(field: string, value: unknown): string {
  if (typeof value !== 'string' || !(PRODUCT_STATUSES as readonly string[]).includes(value))
    throw new ValidationError(field, value, 'unknown status');
  return value;
}

export const createProduct: InputService<CatalogContext, ProductRow> = (ctx, input, spec) => {
  const p = {
    sku: requiredText('input.sku', input.sku, 60),
    name: requiredText('input.name', input.name),
    categoryId: parseId('input.categoryId', input.categoryId),
    listPrice: nonNegativeDecimal('input.listPrice', input.listPrice),
    unitCost: input.unitCost == null ? null : nonNegativeDecimal('input.unitCost', input.unitCost),
    status: status('input.status', input.status ?? 'ACTIVE'),
  };
  return mutate(ctx, { ...spec, name: 'createProduct', payload: p }, async (tx, audit) => {
    if (!(await tx.query('SELECT 1 FROM catalog.categories WHERE id = $1', [p.categoryId])).rowCount) {
      throw new ValidationError('input.categoryId', input.categoryId, 'no such category');
    }
    const { rows } = await tx.query<ProductRow>(
      `INSERT INTO catalog.products (sku, name, category_id, list_price, unit_cost, status) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (sku) DO NOTHING RETURNING ${PRODUCT_COLUMNS}`,
      [p.sku, p.name, p.categoryId, p.listPrice, p.unitCost, p.status],
    );
    if (!rows[0]) throw new ConflictError(`SKU "${p.sku}" already exists`, { field: 'input.sku' });
    await audit({ entity: 'Product', entityId: rows[0].id, before: null, after: rows[0] });
    return rows[0];
  });
};

export const updateProduct: RowInputService<CatalogContext, ProductRow> = (ctx, id, input, spec) => {
  const patch = inputPatch(input, {
    name: requiredText,
    categoryId: parseId,
    listPrice: nonNegativeDecimal,
    unitCost: nonNegativeDecimal,
    status,
  });
  return mutate(ctx, { ...spec, name: 'updateProduct', payload: { id, ...patch } }, async (tx, audit) => {
    const before = (
      await tx.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM catalog.products WHERE id = $1 FOR UPDATE`, [
        id,
      ])
    ).rows[0];
    if (!before) throw new NotFoundError('Product', id);
    if (
      patch.categoryId &&
      !(await tx.query('SELECT 1 FROM catalog.categories WHERE id = $1', [patch.categoryId])).rowCount
    ) {
      throw new ValidationError('input.categoryId', input.categoryId, 'no such category');
    }
    const { rows } = await tx.query<ProductRow>(
      `UPDATE catalog.products SET name = coalesce($2, name), category_id = coalesce($3, category_id),
         list_price = coalesce($4, list_price), unit_cost = coalesce($5, unit_cost), status = coalesce($6::catalog.product_status, status)
       WHERE id = $1 RETURNING ${PRODUCT_COLUMNS}`,
      [id, patch.name, patch.categoryId, patch.listPrice, patch.unitCost, patch.status],
    );
    await audit({ entity: 'Product', entityId: id, before, after: rows[0] });
    return rows[0]!;
  });
};
