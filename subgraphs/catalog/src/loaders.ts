import { prepared } from '@erp/kit';
import { byIdLoader, groupedLoader, qualifiedColumns } from '@erp/kit/graphql';
import DataLoader from 'dataloader';
import type pg from 'pg';
import {
  CATEGORY_COLUMNS,
  PRODUCT_COLUMNS,
  STOCK_COLUMNS,
  WAREHOUSE_COLUMNS,
  type CategoryRow,
  type ProductRow,
  type StockLevelRow,
  type WarehouseRow,
} from './rows';

export function createLoaders(pool: pg.Pool) {
  return {
    category: byIdLoader<CategoryRow>(
      pool,
      `SELECT ${CATEGORY_COLUMNS} FROM catalog.categories WHERE id = ANY($1)`,
    ),
    /**
     * Products with their availability over every warehouse, summed by PostgreSQL in the same
     * statement: a page of order lines asks both for ~100 products at once.
     */
    product: byIdLoader<ProductRow>(
      pool,
      `SELECT ${qualifiedColumns(PRODUCT_COLUMNS, 'p')}, coalesce(s.on_hand, 0) AS "totalOnHand", coalesce(s.available, 0) AS "totalAvailable"
       FROM catalog.products p
       LEFT JOIN LATERAL (SELECT sum(l.on_hand) AS on_hand, sum(l.on_hand - l.reserved) AS available FROM inventory.stock_levels l WHERE l.product_id = p.id) s ON TRUE
       WHERE p.id = ANY($1)`,
    ),
    warehouse: byIdLoader<WarehouseRow>(
      pool,
      `SELECT ${WAREHOUSE_COLUMNS} FROM inventory.warehouses WHERE id = ANY($1)`,
    ),
    childrenOf: new DataLoader<number, CategoryRow[]>(async (ids) => {
      const { rows } = await pool.query<CategoryRow>(
        prepared(
          `SELECT ${CATEGORY_COLUMNS} FROM catalog.categories WHERE parent_id = ANY($1) ORDER BY name`,
          [ids],
        ),
      );
      return ids.map((id) => rows.filter((r) => r.parentId === id));
    }),
    stockOfProduct: groupedLoader<number, StockLevelRow>(
      pool,
      `SELECT ${STOCK_COLUMNS} FROM inventory.stock_levels WHERE product_id = ANY($1) ORDER BY warehouse_id`,
      (r) => r.productId,
    ),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
