import type { Tx } from '@erp/kit';
import { EtlProductsDocument, type EtlProductsQuery } from '@erp/sdk';
import { applyScd2, checksum, repointFacts, type PageCounts } from '../load';
import { keysetPages, int, stagedEntity } from './spec';

type ProductNode = EtlProductsQuery['products']['edges'][number]['node'];
export const products = stagedEntity<ProductNode>({
  name: 'products',
  tables: ['staging.products', 'dw.dim_category', 'dw.dim_product', 'dw.fact_sales'],
  watermark: true,
  ...keysetPages(EtlProductsDocument, 'products', (r) => r.products),
  staging: { table: 'products', keyCol: 'product_id', checksum: productChecksum },
  async loadChanged(tx, todo, ctx, counts) {
    const catKey = await upsertCategories(tx, todo, counts);

    const scd = await applyScd2(
      tx,
      {
        table: 'dim_product',
        keyCol: 'product_key',
        idCol: 'product_id',
        types: {
          list_price: 'numeric',
          unit_cost: 'numeric',
          category_id: 'integer',
          status: 'text',
          sku: 'text',
          name: 'text',
          category_key: 'integer',
          category_code: 'text',
          category_name: 'text',
          parent_category_name: 'text',
        },
        type2: ['list_price', 'unit_cost', 'category_id', 'status'],
        type1: ['sku', 'name'],
        carried: ['category_key', 'category_code', 'category_name', 'parent_category_name'],
      },
      todo.map((p) => ({
        product_id: Number(p.id),
        list_price: p.listPrice,
        unit_cost: p.unitCost,
        category_id: Number(p.category.id),
        status: p.status,
        sku: p.sku,
        name: p.name,
        category_key: catKey.get(Number(p.category.id)) ?? null,
        category_code: p.category.code,
        category_name: p.category.name,
        parent_category_name: p.category.parent?.name ?? null,
        changed_at: p.updatedAt,
      })),
    );
    counts.written += scd.written;
    counts.written += await repointFacts(tx, scd, REPOINT_SALES);
  },
});

/** dim_category (type 1): the categories of the changed products and their parents; returns their keys by id. */
async function upsertCategories(
  tx: Tx,
  todo: ProductNode[],
  counts: PageCounts,
): Promise<Map<number, number>> {
  const cats = new Map<number, Record<string, unknown>>();
  for (const p of todo) {
    const c = p.category;
    const parent = c.parent;
    if (parent && !cats.has(Number(parent.id)))
      cats.set(Number(parent.id), {
        category_id: Number(parent.id),
        code: parent.code,
        name: parent.name,
        parent_known: false,
      });
    cats.set(Number(c.id), {
      category_id: Number(c.id),
      code: c.code,
      name: c.name,
      parent_known: true,
      parent_category_id: int(parent?.id),
      parent_code: parent?.code ?? null,
      parent_name: parent?.name ?? null,
    });
  }
  const all = [...cats.values()];
  // parents seen only as a parent: code and name; categories seen with their parent: everything
  const parents = await tx.query(
    `INSERT INTO dw.dim_category AS d (category_id, code, name, root_code, root_name, level)
       SELECT category_id, code, name, code, name, 1 FROM jsonb_to_recordset($1::jsonb) AS s(category_id integer, code text, name text)
       ON CONFLICT (category_id) DO UPDATE SET code = excluded.code, name = excluded.name,
         root_code = CASE WHEN d.parent_category_id IS NULL THEN excluded.code ELSE d.root_code END,
         root_name = CASE WHEN d.parent_category_id IS NULL THEN excluded.name ELSE d.root_name END
       WHERE (d.code, d.name) IS DISTINCT FROM (excluded.code, excluded.name)`,
    [JSON.stringify(all.filter((c) => !c.parent_known))],
  );
  counts.written += parents.rowCount ?? 0;
  const cat = await tx.query(
    `INSERT INTO dw.dim_category AS d (category_id, code, name, parent_category_id, parent_code, parent_name, root_code, root_name, level)
       SELECT category_id, code, name, parent_category_id, parent_code, parent_name, coalesce(parent_code, code), coalesce(parent_name, name),
              CASE WHEN parent_category_id IS NULL THEN 1 ELSE 2 END
       FROM jsonb_to_recordset($1::jsonb) AS s(category_id integer, code text, name text, parent_category_id integer, parent_code text, parent_name text)
       ON CONFLICT (category_id) DO UPDATE SET code = excluded.code, name = excluded.name, parent_category_id = excluded.parent_category_id,
         parent_code = excluded.parent_code, parent_name = excluded.parent_name, root_code = excluded.root_code, root_name = excluded.root_name, level = excluded.level
       WHERE (d.code, d.name, d.parent_category_id, d.parent_code, d.parent_name)
         IS DISTINCT FROM (excluded.code, excluded.name, excluded.parent_category_id, excluded.parent_code, excluded.parent_name)`,
    [JSON.stringify(all.filter((c) => c.parent_known))],
  );
  counts.written += cat.rowCount ?? 0;
  const keys = await tx.query<{ category_id: number; category_key: number }>(
    'SELECT category_id, category_key FROM dw.dim_category WHERE category_id = ANY($1::int[])',
    [[...new Set(todo.map((p) => Number(p.category.id)))]],
  );
  return new Map(keys.rows.map((r) => [r.category_id, r.category_key]));
}

/** Facts dated in a new version's validity now point at it (its cost); facts on a filled inferred member get its cost. */
const REPOINT_SALES = {
  newVersions: `UPDATE dw.fact_sales f SET product_key = n.product_key, unit_cost = n.unit_cost,
                  cost_amount = round(f.quantity * n.unit_cost, 2), margin_amount = f.net_amount - round(f.quantity * n.unit_cost, 2)
                FROM dw.dim_product o, dw.dim_product n
                WHERE f.product_key = o.product_key AND o.product_id = n.product_id AND n.product_key = ANY($1::int[])
                  AND f.ordered_at >= n.valid_from AND f.ordered_at < n.valid_to AND f.product_key <> n.product_key`,
  filled: `UPDATE dw.fact_sales f SET unit_cost = p.unit_cost, cost_amount = round(f.quantity * p.unit_cost, 2),
             margin_amount = f.net_amount - round(f.quantity * p.unit_cost, 2)
           FROM dw.dim_product p WHERE f.product_key = p.product_key AND p.product_key = ANY($1::int[]) AND f.unit_cost IS DISTINCT FROM p.unit_cost`,
};

/** What identifies a product's content: its attributes and its category's (the parent's too). */
function productChecksum(p: ProductNode): string {
  return checksum([
    p.sku,
    p.name,
    p.status,
    p.listPrice,
    p.unitCost,
    p.category.id,
    p.category.code,
    p.category.name,
    p.category.parent?.id ?? null,
    p.category.parent?.code ?? null,
    p.category.parent?.name ?? null,
  ]);
}
