import type { Tx } from '@erp/kit';
import {
  EtlCustomersDocument,
  EtlOrderLineFeedDocument,
  EtlProductsDocument,
  EtlPurchaseOrdersDocument,
  EtlSalesRepsDocument,
  EtlStockLevelsDocument,
  EtlSuppliersDocument,
  EtlWarehousesDocument,
  type EtlCustomersQuery,
  type EtlOrderLineFeedQuery,
  type EtlProductsQuery,
  type EtlPurchaseOrdersQuery,
  type EtlSalesRepsQuery,
  type EtlStockLevelsQuery,
  type EtlSuppliersQuery,
  type EtlWarehousesQuery,
} from '@erp/sdk';
import type { EtlApi } from './api';
import {
  applyScd2,
  checksum,
  emptyCounts,
  ensureDates,
  inferMembers,
  stage,
  type PageCounts,
  type StagedRow,
} from './load';

export const ENTITY_NAMES = [
  'warehouses',
  'products',
  'customers',
  'suppliers',
  'salesReps',
  'orders',
  'stock',
  'purchaseOrders',
] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

export interface Page<N> {
  nodes: N[];
  endCursor: string | null;
  hasNextPage: boolean;
  /** Source rows on the page when a node is not one row (a feed page of many orders); nodes.length otherwise. */
  count?: number;
  /** The page's last position in extraction order when the feed says it (otherwise position() of the last node). */
  last?: { updatedAt: string; id: string } | null;
}

export interface LoadContext {
  runId: number;
  /** The run's snapshot date (YYYY-MM-DD, UTC) for the inventory snapshot. */
  snapshotDate: string;
}

export interface EntitySpec<N> {
  name: EntityName;
  /** Incremental by an updatedAt watermark (otherwise the whole list is read every run). */
  watermark: boolean;
  /** The warehouse tables its load writes (statistics are refreshed on them when they changed). */
  tables: string[];
  fetch(api: EtlApi, first: number, after: string | null, updatedFrom: string | null): Promise<Page<N>>;
  /** Position of a row in the extraction order (updatedAt, id), for the watermark. */
  position?(node: N): { updatedAt: string; id: string };
  load(tx: Tx, nodes: N[], ctx: LoadContext): Promise<PageCounts>;
}

const int = (v: string | number | null | undefined) => (v == null ? null : Number(v));
const utcDate = (iso: string) => new Date(iso).toISOString().slice(0, 10);
const keyOf = (...k: (string | number)[]) => k.join(',');

function classify(
  counts: PageCounts,
  staged: { inserted: Set<string>; updated: Set<string>; unchanged: number },
) {
  counts.inserted += staged.inserted.size;
  counts.updated += staged.updated.size;
  counts.unchanged += staged.unchanged;
  counts.written += staged.inserted.size + staged.updated.size;
  return (k: string) => staged.inserted.has(k) || staged.updated.has(k);
}

// ---------------------------------------------------------------------------------------------

type WarehouseNode = EtlWarehousesQuery['warehouses'][number];
const warehouses: EntitySpec<WarehouseNode> = {
  name: 'warehouses',
  tables: ['staging.warehouses', 'dw.dim_warehouse'],
  watermark: false,
  async fetch(api) {
    const r = await api.query(EtlWarehousesDocument, {}, 'warehouses');
    return { nodes: r.warehouses, endCursor: null, hasNextPage: false };
  },
  async load(tx, nodes, ctx) {
    const counts = emptyCounts();
    const rows: StagedRow[] = nodes.map((w) => ({
      key: [Number(w.id)],
      payload: w,
      checksum: checksum([w.code, w.name, w.city, w.countryCode]),
      updatedAt: null,
    }));
    const changed = classify(counts, await stage(tx, 'warehouses', ['warehouse_id'], rows, ctx.runId));
    const todo = nodes.filter((w) => changed(keyOf(w.id)));
    if (todo.length) {
      const r = await tx.query(
        `INSERT INTO dw.dim_warehouse (warehouse_id, code, name, city, country_code, is_inferred)
         SELECT id, code, name, city, country_code, false FROM jsonb_to_recordset($1::jsonb) AS s(id integer, code text, name text, city text, country_code text)
         ON CONFLICT (warehouse_id) DO UPDATE SET code = excluded.code, name = excluded.name, city = excluded.city, country_code = excluded.country_code, is_inferred = false
         WHERE (dim_warehouse.code, dim_warehouse.name, dim_warehouse.city, dim_warehouse.country_code, dim_warehouse.is_inferred)
           IS DISTINCT FROM (excluded.code, excluded.name, excluded.city, excluded.country_code, false)`,
        [
          JSON.stringify(
            todo.map((w) => ({
              id: Number(w.id),
              code: w.code,
              name: w.name,
              city: w.city,
              country_code: w.countryCode,
            })),
          ),
        ],
      );
      counts.written += r.rowCount ?? 0;
    }
    return counts;
  },
};

// ---------------------------------------------------------------------------------------------

type SalesRepNode = EtlSalesRepsQuery['salesReps'][number];
/** The people sales are attributed to (names only): dim_sales_rep, type 1. */
const salesReps: EntitySpec<SalesRepNode> = {
  name: 'salesReps',
  watermark: false,
  tables: ['staging.sales_reps', 'dw.dim_sales_rep'],
  async fetch(api) {
    const r = await api.query(EtlSalesRepsDocument, {}, 'sales reps');
    return { nodes: r.salesReps, endCursor: null, hasNextPage: false };
  },
  async load(tx, nodes, ctx) {
    const counts = emptyCounts();
    const rows: StagedRow[] = nodes.map((u) => ({
      key: [Number(u.id)],
      payload: u,
      checksum: checksum([u.name]),
      updatedAt: null,
    }));
    const changed = classify(counts, await stage(tx, 'sales_reps', ['sales_rep_id'], rows, ctx.runId));
    const todo = nodes.filter((u) => changed(keyOf(u.id)));
    if (todo.length) {
      const r = await tx.query(
        `INSERT INTO dw.dim_sales_rep AS d (sales_rep_id, name) SELECT id, name FROM jsonb_to_recordset($1::jsonb) AS s(id integer, name text)
         ON CONFLICT (sales_rep_id) DO UPDATE SET name = excluded.name WHERE d.name IS DISTINCT FROM excluded.name`,
        [JSON.stringify(todo.map((u) => ({ id: Number(u.id), name: u.name })))],
      );
      counts.written += r.rowCount ?? 0;
    }
    return counts;
  },
};

// ---------------------------------------------------------------------------------------------

type ProductNode = EtlProductsQuery['products']['edges'][number]['node'];
const products: EntitySpec<ProductNode> = {
  name: 'products',
  tables: ['staging.products', 'dw.dim_category', 'dw.dim_product', 'dw.fact_sales'],
  watermark: true,
  async fetch(api, first, after, updatedFrom) {
    const r = await api.query(EtlProductsDocument, { first, after, updatedFrom }, 'products');
    return { nodes: r.products.edges.map((e) => e.node), ...r.products.pageInfo };
  },
  position: (n) => ({ updatedAt: n.updatedAt, id: n.id }),
  async load(tx, nodes, ctx) {
    const counts = emptyCounts();
    const rows: StagedRow[] = nodes.map((p) => ({
      key: [Number(p.id)],
      payload: p,
      checksum: checksum([
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
      ]),
      updatedAt: p.updatedAt,
    }));
    const changed = classify(counts, await stage(tx, 'products', ['product_id'], rows, ctx.runId));
    const todo = nodes.filter((p) => changed(keyOf(p.id)));
    if (!todo.length) return counts;

    // dim_category: the categories of the changed products and their parents (type 1)
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
    const catKey = new Map(keys.rows.map((r) => [r.category_id, r.category_key]));

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
    // Facts dated in a new version's validity now point at it (its cost); facts on a filled inferred member get its cost.
    if (scd.newVersionKeys.length) {
      const r = await tx.query(
        `UPDATE dw.fact_sales f SET product_key = n.product_key, unit_cost = n.unit_cost,
           cost_amount = round(f.quantity * n.unit_cost, 2), margin_amount = f.net_amount - round(f.quantity * n.unit_cost, 2)
         FROM dw.dim_product o, dw.dim_product n
         WHERE f.product_key = o.product_key AND o.product_id = n.product_id AND n.product_key = ANY($1::int[])
           AND f.ordered_at >= n.valid_from AND f.ordered_at < n.valid_to AND f.product_key <> n.product_key`,
        [scd.newVersionKeys],
      );
      counts.written += r.rowCount ?? 0;
    }
    if (scd.filledKeys.length) {
      const r = await tx.query(
        `UPDATE dw.fact_sales f SET unit_cost = p.unit_cost, cost_amount = round(f.quantity * p.unit_cost, 2),
           margin_amount = f.net_amount - round(f.quantity * p.unit_cost, 2)
         FROM dw.dim_product p WHERE f.product_key = p.product_key AND p.product_key = ANY($1::int[]) AND f.unit_cost IS DISTINCT FROM p.unit_cost`,
        [scd.filledKeys],
      );
      counts.written += r.rowCount ?? 0;
    }
    return counts;
  },
};

// ---------------------------------------------------------------------------------------------

type CustomerNode = EtlCustomersQuery['customers']['edges'][number]['node'];
const customers: EntitySpec<CustomerNode> = {
  name: 'customers',
  tables: ['staging.customers', 'dw.dim_geography', 'dw.dim_customer', 'dw.fact_sales'],
  watermark: true,
  async fetch(api, first, after, updatedFrom) {
    const r = await api.query(EtlCustomersDocument, { first, after, updatedFrom }, 'customers');
    return { nodes: r.customers.edges.map((e) => e.node), ...r.customers.pageInfo };
  },
  position: (n) => ({ updatedAt: n.updatedAt, id: n.id }),
  async load(tx, nodes, ctx) {
    const counts = emptyCounts();
    const rows: StagedRow[] = nodes.map((c) => {
      const city = c.geography.city;
      return {
        key: [Number(c.id)],
        payload: c,
        checksum: checksum([
          c.code,
          c.name,
          c.segment,
          c.status,
          c.isGuest,
          c.salesRepId,
          city.id,
          city.name,
          city.region.id,
          city.region.name,
          city.region.country.code,
          city.region.country.name,
        ]),
        updatedAt: c.updatedAt,
      };
    });
    const changed = classify(counts, await stage(tx, 'customers', ['customer_id'], rows, ctx.runId));
    const todo = nodes.filter((c) => changed(keyOf(c.id)));
    if (!todo.length) return counts;

    const cities = new Map(todo.map((c) => [Number(c.geography.city.id), placeOf(c.geography.city)]));
    counts.written += await upsertGeography(tx, [...cities.values()]);
    const keys = await tx.query<{ city_id: number; geography_key: number }>(
      'SELECT city_id, geography_key FROM dw.dim_geography WHERE city_id = ANY($1::int[])',
      [[...cities.keys()]],
    );
    const geoKey = new Map(keys.rows.map((r) => [r.city_id, r.geography_key]));

    const scd = await applyScd2(
      tx,
      {
        table: 'dim_customer',
        keyCol: 'customer_key',
        idCol: 'customer_id',
        types: {
          segment: 'text',
          status: 'text',
          city_id: 'integer',
          analytic_segment: 'text',
          geography_key: 'integer',
          code: 'text',
          name: 'text',
          is_guest: 'boolean',
          sales_rep_id: 'integer',
        },
        type2: ['segment', 'status', 'city_id'],
        type1: ['code', 'name', 'is_guest', 'sales_rep_id'],
        // The analytic segment is mining's (kept per run in the mining schema): the ERP's copy is
        // carried as of the customer's last business change and never opens a version by itself.
        carried: ['geography_key', 'analytic_segment'],
      },
      todo.map((c) => ({
        customer_id: Number(c.id),
        segment: c.segment,
        status: c.status,
        city_id: Number(c.geography.city.id),
        analytic_segment: c.analyticSegment,
        geography_key: geoKey.get(Number(c.geography.city.id)) ?? -1,
        code: c.code,
        name: c.name,
        is_guest: c.isGuest,
        sales_rep_id: int(c.salesRepId),
        changed_at: c.updatedAt,
      })),
    );
    counts.written += scd.written;
    if (scd.newVersionKeys.length) {
      const r = await tx.query(
        `UPDATE dw.fact_sales f SET customer_key = n.customer_key,
           geography_key = CASE WHEN f.ship_to_city_id IS NULL THEN n.geography_key ELSE f.geography_key END
         FROM dw.dim_customer o, dw.dim_customer n
         WHERE f.customer_key = o.customer_key AND o.customer_id = n.customer_id AND n.customer_key = ANY($1::int[])
           AND f.ordered_at >= n.valid_from AND f.ordered_at < n.valid_to AND f.customer_key <> n.customer_key`,
        [scd.newVersionKeys],
      );
      counts.written += r.rowCount ?? 0;
    }
    if (scd.filledKeys.length) {
      const r = await tx.query(
        `UPDATE dw.fact_sales f SET geography_key = c.geography_key FROM dw.dim_customer c
         WHERE f.customer_key = c.customer_key AND c.customer_key = ANY($1::int[]) AND f.geography_key <> c.geography_key
           AND f.ship_to_city_id IS NULL`,
        [scd.filledKeys],
      );
      counts.written += r.rowCount ?? 0;
    }
    return counts;
  },
};

// ---------------------------------------------------------------------------------------------

type SupplierNode = EtlSuppliersQuery['suppliers']['edges'][number]['node'];
const suppliers: EntitySpec<SupplierNode> = {
  name: 'suppliers',
  tables: ['staging.suppliers', 'dw.dim_supplier', 'dw.dim_date', 'dw.fact_supplier_evaluation'],
  // Read whole every run: a new evaluation or supply does not touch the supplier's updatedAt, so a
  // watermark would miss it. The list is small and unchanged rows are skipped by checksum.
  watermark: false,
  async fetch(api, first, after, updatedFrom) {
    const r = await api.query(EtlSuppliersDocument, { first, after, updatedFrom }, 'suppliers');
    return { nodes: r.suppliers.edges.map((e) => e.node), ...r.suppliers.pageInfo };
  },
  position: (n) => ({ updatedAt: n.updatedAt, id: n.id }),
  async load(tx, nodes, ctx) {
    const counts = emptyCounts();
    const norm = (s: SupplierNode) => ({
      supplies: [...s.supplies]
        .sort((a, b) => Number(a.product.id) - Number(b.product.id))
        .map((x) => [x.product.id, x.leadTimeDays, x.unitCost, x.minOrderQuantity, x.isPreferred]),
      evaluations: [...s.evaluations]
        .sort((a, b) => a.periodStart.localeCompare(b.periodStart))
        .map((e) => [e.periodStart, e.deliveries, e.onTimeDeliveries, e.qualityScore, e.priceScore]),
    });
    const rows: StagedRow[] = nodes.map((s) => {
      const n = norm(s);
      return {
        key: [Number(s.id)],
        payload: s,
        checksum: checksum([s.code, s.name, s.city, s.countryCode, s.status, n.supplies, n.evaluations]),
        updatedAt: s.updatedAt,
      };
    });
    const changed = classify(counts, await stage(tx, 'suppliers', ['supplier_id'], rows, ctx.runId));
    const todo = nodes.filter((s) => changed(keyOf(s.id)));
    if (!todo.length) return counts;

    const dim = await tx.query(
      `INSERT INTO dw.dim_supplier AS d (supplier_id, code, name, city, country_code, status, products_supplied, preferred_products, avg_lead_time_days, is_inferred)
       SELECT supplier_id, code, name, city, country_code, status, products_supplied, preferred_products, avg_lead_time_days, false
       FROM jsonb_to_recordset($1::jsonb) AS s(supplier_id integer, code text, name text, city text, country_code text, status text,
            products_supplied integer, preferred_products integer, avg_lead_time_days numeric)
       ON CONFLICT (supplier_id) DO UPDATE SET code = excluded.code, name = excluded.name, city = excluded.city, country_code = excluded.country_code,
         status = excluded.status, products_supplied = excluded.products_supplied, preferred_products = excluded.preferred_products,
         avg_lead_time_days = excluded.avg_lead_time_days, is_inferred = false
       WHERE (d.code, d.name, d.city, d.country_code, d.status, d.products_supplied, d.preferred_products, d.avg_lead_time_days, d.is_inferred)
         IS DISTINCT FROM (excluded.code, excluded.name, excluded.city, excluded.country_code, excluded.status, excluded.products_supplied,
                           excluded.preferred_products, excluded.avg_lead_time_days, false)`,
      [
        JSON.stringify(
          todo.map((s) => ({
            supplier_id: Number(s.id),
            code: s.code,
            name: s.name,
            city: s.city,
            country_code: s.countryCode,
            status: s.status,
            products_supplied: s.supplies.length,
            preferred_products: s.supplies.filter((x) => x.isPreferred).length,
            avg_lead_time_days: s.supplies.length
              ? (s.supplies.reduce((a, x) => a + x.leadTimeDays, 0) / s.supplies.length).toFixed(2)
              : null,
          })),
        ),
      ],
    );
    counts.written += dim.rowCount ?? 0;

    const evals = todo.flatMap((s) =>
      s.evaluations.map((e) => ({
        supplier_id: Number(s.id),
        period_start: e.periodStart,
        deliveries: e.deliveries,
        on_time_deliveries: e.onTimeDeliveries,
        quality_score: e.qualityScore,
        price_score: e.priceScore,
      })),
    );
    counts.written += await ensureDates(
      tx,
      evals.map((e) => e.period_start),
    );
    const fact = await tx.query(
      `INSERT INTO dw.fact_supplier_evaluation AS f (supplier_id, period_start, supplier_key, month_date_key, deliveries, on_time_deliveries,
         late_deliveries, on_time_rate, quality_score, price_score, run_id)
       SELECT s.supplier_id, s.period_start, d.supplier_key, to_char(s.period_start, 'YYYYMMDD')::int, s.deliveries, s.on_time_deliveries,
              s.deliveries - s.on_time_deliveries, CASE WHEN s.deliveries > 0 THEN round(100.0 * s.on_time_deliveries / s.deliveries, 2) END,
              s.quality_score, s.price_score, $2
       FROM jsonb_to_recordset($1::jsonb) AS s(supplier_id integer, period_start date, deliveries integer, on_time_deliveries integer,
            quality_score numeric, price_score numeric)
       JOIN dw.dim_supplier d ON d.supplier_id = s.supplier_id
       ON CONFLICT (supplier_id, period_start) DO UPDATE SET supplier_key = excluded.supplier_key, deliveries = excluded.deliveries,
         on_time_deliveries = excluded.on_time_deliveries, late_deliveries = excluded.late_deliveries, on_time_rate = excluded.on_time_rate,
         quality_score = excluded.quality_score, price_score = excluded.price_score, run_id = excluded.run_id
       WHERE (f.supplier_key, f.deliveries, f.on_time_deliveries, f.quality_score, f.price_score)
         IS DISTINCT FROM (excluded.supplier_key, excluded.deliveries, excluded.on_time_deliveries, excluded.quality_score, excluded.price_score)`,
      [JSON.stringify(evals), ctx.runId],
    );
    counts.written += fact.rowCount ?? 0;
    const gone = await tx.query(
      `DELETE FROM dw.fact_supplier_evaluation f WHERE f.supplier_id = ANY($1::int[])
         AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS s(supplier_id integer, period_start date)
                         WHERE s.supplier_id = f.supplier_id AND s.period_start = f.period_start)`,
      [todo.map((s) => Number(s.id)), JSON.stringify(evals)],
    );
    counts.deleted += gone.rowCount ?? 0;
    counts.written += gone.rowCount ?? 0;
    counts.written += await mainSuppliers(tx, todo);
    return counts;
  },
};

/**
 * A product's main supplier — the one rule every reader takes it from (the model's supplier level,
 * the stock-out insight, its reorder recommendation): among the supplies of active suppliers, the
 * preferred one, else the shortest lead time (a supply without one takes its supplier's average),
 * else the lowest supplier id. The row keeps that supply's lead time and minimum order quantity.
 * Recomputed for the products the changed suppliers supply or were main for; staging holds the
 * other suppliers' last version.
 */
async function mainSuppliers(tx: Tx, todo: SupplierNode[]): Promise<number> {
  const supplierIds = todo.map((s) => Number(s.id));
  const affected = await tx.query<{ product_id: number }>(
    `SELECT (x->'product'->>'id')::int AS product_id FROM staging.suppliers st, jsonb_array_elements(st.payload->'supplies') x
      WHERE st.supplier_id = ANY($1::int[])
     UNION SELECT product_id FROM dw.product_main_supplier WHERE supplier_id = ANY($1::int[])`,
    [supplierIds],
  );
  const products = affected.rows.map((r) => r.product_id);
  if (!products.length) return 0;
  const r = await tx.query(
    `WITH s AS (SELECT st.supplier_id, (x->'product'->>'id')::int AS product_id, COALESCE((x->>'isPreferred')::boolean, false) AS preferred,
                       (x->>'leadTimeDays')::numeric AS lead, ds.avg_lead_time_days AS avg_lead, (x->>'minOrderQuantity')::int AS moq
                  FROM staging.suppliers st
                  JOIN dw.dim_supplier ds ON ds.supplier_id = st.supplier_id AND ds.status <> 'INACTIVE',
                       jsonb_array_elements(st.payload->'supplies') x),
          best AS (SELECT DISTINCT ON (product_id) product_id, supplier_id, COALESCE(lead, avg_lead) AS lead_time_days,
                          CASE WHEN lead IS NOT NULL THEN 'supply' WHEN avg_lead IS NOT NULL THEN 'supplier average' END AS lead_time_source,
                          GREATEST(COALESCE(moq, 1), 1) AS min_order_quantity
                     FROM s WHERE product_id = ANY($1::int[])
                    ORDER BY product_id, preferred DESC, COALESCE(lead, avg_lead) NULLS LAST, supplier_id)
     INSERT INTO dw.product_main_supplier AS m (product_id, supplier_id, lead_time_days, lead_time_source, min_order_quantity)
     SELECT product_id, supplier_id, lead_time_days, lead_time_source, min_order_quantity FROM best
     ON CONFLICT (product_id) DO UPDATE SET supplier_id = excluded.supplier_id, lead_time_days = excluded.lead_time_days,
       lead_time_source = excluded.lead_time_source, min_order_quantity = excluded.min_order_quantity
     WHERE (m.supplier_id, m.lead_time_days, m.lead_time_source, m.min_order_quantity)
       IS DISTINCT FROM (excluded.supplier_id, excluded.lead_time_days, excluded.lead_time_source, excluded.min_order_quantity)`,
    [products],
  );
  // No active supplier supplies it any more: no main supplier.
  const gone = await tx.query(
    `DELETE FROM dw.product_main_supplier m WHERE m.product_id = ANY($1::int[])
       AND NOT EXISTS (SELECT 1 FROM staging.suppliers st
                         JOIN dw.dim_supplier ds ON ds.supplier_id = st.supplier_id AND ds.status <> 'INACTIVE',
                              jsonb_array_elements(st.payload->'supplies') x
                        WHERE (x->'product'->>'id')::int = m.product_id)`,
    [products],
  );
  return (r.rowCount ?? 0) + (gone.rowCount ?? 0);
}

// ---------------------------------------------------------------------------------------------

type OrderFeedPage = EtlOrderLineFeedQuery['salesOrderLineFeed'];
/**
 * Orders changed since the watermark, from the flat order-line feed (salesOrderLineFeed, the ETL's
 * identity only): a page is the lines of up to `first` orders as one JSON text of tuples, which goes
 * to PostgreSQL as it came (no object per row in Node). The page is loaded set-based: tuples into a
 * temporary table, one checksum per order in SQL (staging keeps changed orders only), the fact
 * upserted for the changed orders with an IS DISTINCT FROM guard, deleted lines removed.
 */
const orders: EntitySpec<OrderFeedPage> = {
  name: 'orders',
  tables: [
    'staging.orders',
    'dw.dim_date',
    'dw.dim_product',
    'dw.dim_customer',
    'dw.dim_warehouse',
    'dw.dim_carrier',
    'dw.dim_geography',
    'dw.fact_sales',
  ],
  watermark: true,
  async fetch(api, first, after, updatedFrom) {
    const r = await api.query(EtlOrderLineFeedDocument, { first, after, updatedFrom }, 'orders');
    const page = r.salesOrderLineFeed;
    feedPositions(page.columns);
    return {
      nodes: [page],
      endCursor: page.endCursor ?? null,
      hasNextPage: page.hasNextPage,
      count: page.orders,
      last: page.lastUpdatedAt && page.lastId ? { updatedAt: page.lastUpdatedAt, id: page.lastId } : null,
    };
  },
  async load(tx, pages, ctx) {
    const counts = emptyCounts();
    for (const page of pages) await loadOrderFeedPage(tx, page, ctx, counts);
    return counts;
  },
};

/** The feed's tuple columns this load reads, with their SQL types; found by name in the page's `columns`. */
const FEED_TYPES = {
  order_id: 'integer',
  line_no: 'integer',
  number: 'text',
  kind: 'text',
  status: 'text',
  currency: 'text',
  sales_rep_id: 'integer',
  ordered_at: 'timestamptz',
  confirmed_at: 'timestamptz',
  shipped_at: 'timestamptz',
  delivered_at: 'timestamptz',
  cancelled_at: 'timestamptz',
  updated_at: 'timestamptz',
  customer_id: 'integer',
  warehouse_id: 'integer',
  carrier_id: 'integer',
  ship_to_city_id: 'integer',
  product_id: 'integer',
  quantity: 'integer',
  unit_price: 'numeric',
  discount: 'numeric',
  tax_rate: 'numeric',
  net_amount: 'numeric',
  tax_amount: 'numeric',
  gross_amount: 'numeric',
} as const;
const FEED_COLUMNS = Object.keys(FEED_TYPES) as (keyof typeof FEED_TYPES)[];

/** Where each column this load reads is in the page's tuples: a column the server no longer sends is refused, not misread. */
function feedPositions(columns: readonly string[]): number[] {
  const missing = FEED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length)
    throw new Error(
      `salesOrderLineFeed no longer sends ${missing.join(', ')} (it sends ${columns.join(', ')})`,
    );
  return FEED_COLUMNS.map((c) => columns.indexOf(c));
}

/** The order header columns (the checksum covers them and the lines; staging's payload keeps them). */
const HEADER = [
  'number',
  'kind',
  'status',
  'currency',
  'sales_rep_id',
  'ordered_at',
  'confirmed_at',
  'shipped_at',
  'delivered_at',
  'cancelled_at',
  'customer_id',
  'warehouse_id',
  'carrier_id',
  'ship_to_city_id',
] as const;
const LINE = [
  'line_no',
  'product_id',
  'quantity',
  'unit_price',
  'discount',
  'tax_rate',
  'net_amount',
  'tax_amount',
  'gross_amount',
] as const;
const camel = (c: string) => c.replace(/_([a-z])/g, (_m, x: string) => x.toUpperCase());

async function loadOrderFeedPage(
  tx: Tx,
  page: OrderFeedPage,
  ctx: LoadContext,
  counts: PageCounts,
): Promise<void> {
  // The members the page's orders bring themselves: carriers and ship-to places (type 1, few per page).
  if (page.carriers.length) {
    const r = await tx.query(
      `INSERT INTO dw.dim_carrier AS d (carrier_id, code, name) SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(carrier_id integer, code text, name text)
       ON CONFLICT (carrier_id) DO UPDATE SET code = excluded.code, name = excluded.name WHERE (d.code, d.name) IS DISTINCT FROM (excluded.code, excluded.name)`,
      [JSON.stringify(page.carriers.map((c) => ({ carrier_id: Number(c.id), code: c.code, name: c.name })))],
    );
    counts.written += r.rowCount ?? 0;
  }
  if (page.shipToCities.length) counts.written += await upsertGeography(tx, page.shipToCities.map(placeOf));
  if (!page.orders) return;

  // The tuples, as they came, into a temporary table (one per connection, emptied at commit).
  await tx.query(
    `CREATE TEMP TABLE IF NOT EXISTS etl_order_lines (${FEED_COLUMNS.map((c) => `${c} ${FEED_TYPES[c]}`).join(', ')}) ON COMMIT DELETE ROWS`,
  );
  await tx.query(
    `INSERT INTO etl_order_lines SELECT ${feedPositions(page.columns)
      .map((at, i) => `(r->>${at})::${FEED_TYPES[FEED_COLUMNS[i]!]}`)
      .join(', ')} FROM jsonb_array_elements($1::jsonb) AS r`,
    [page.rows],
  );
  // One checksum per order over its header and its lines in line order; only changed orders go on.
  const header = HEADER.join(', ');
  const staged = await tx.query<{ order_id: number; inserted: boolean }>(
    `WITH o AS (
       SELECT order_id, max(updated_at) AS updated_at, ${header},
              md5(json_build_array(${header}, json_agg(json_build_array(${LINE.join(', ')}) ORDER BY line_no) FILTER (WHERE line_no IS NOT NULL))::text) AS checksum
         FROM etl_order_lines GROUP BY order_id, ${header})
     INSERT INTO staging.orders AS st (order_id, payload, checksum, source_updated_at, run_id)
     SELECT order_id, jsonb_build_object('id', order_id, ${HEADER.map((c) => `'${camel(c)}', ${c}`).join(', ')}, 'updatedAt', updated_at), checksum, updated_at, $1 FROM o
     ON CONFLICT (order_id) DO UPDATE SET payload = excluded.payload, checksum = excluded.checksum, source_updated_at = excluded.source_updated_at, run_id = excluded.run_id
     WHERE st.checksum <> excluded.checksum
     RETURNING order_id, (xmax = 0) AS inserted`,
    [ctx.runId],
  );
  const inserted = staged.rows.filter((r) => r.inserted).length;
  counts.inserted += inserted;
  counts.updated += staged.rows.length - inserted;
  counts.unchanged += page.orders - staged.rows.length;
  counts.written += staged.rows.length;
  if (!staged.rows.length) return;
  const changed = staged.rows.map((r) => r.order_id);

  const { rows: span } = await tx.query<{
    from: string | null;
    to: string | null;
    products: number[] | null;
    customers: number[] | null;
    warehouses: number[] | null;
  }>(
    `SELECT min((ordered_at AT TIME ZONE 'UTC')::date)::text AS from, max((ordered_at AT TIME ZONE 'UTC')::date)::text AS to,
            array_agg(DISTINCT product_id) FILTER (WHERE product_id IS NOT NULL) AS products, array_agg(DISTINCT customer_id) AS customers,
            array_agg(DISTINCT warehouse_id) AS warehouses
       FROM etl_order_lines WHERE order_id = ANY($1::int[])`,
    [changed],
  );
  const s = span[0]!;
  if (s.from && s.to) counts.written += await ensureDates(tx, [s.from, s.to]);
  counts.written += await inferMembers(tx, {
    products: s.products ?? [],
    customers: s.customers ?? [],
    warehouses: s.warehouses ?? [],
  });

  const cols =
    `order_number, order_date_key, product_key, customer_key, geography_key, warehouse_key, status_key, kind_key, sales_rep_id, currency,
      ordered_at, quantity, unit_price, discount, tax_rate, net_amount, tax_amount, gross_amount, unit_cost, cost_amount, margin_amount,
      carrier_id, ship_to_city_id`
      .split(',')
      .map((c) => c.trim());
  const up = await tx.query(
    `INSERT INTO dw.fact_sales AS f (order_id, line_no, ${cols.join(', ')}, run_id)
     SELECT l.order_id, l.line_no, l.number, to_char((l.ordered_at AT TIME ZONE 'UTC')::date, 'YYYYMMDD')::int,
            p.product_key, c.customer_key, coalesce(sg.geography_key, c.geography_key), w.warehouse_key, s.status_key, k.kind_key, l.sales_rep_id, l.currency,
            l.ordered_at, k.sign * l.quantity, l.unit_price, l.discount, l.tax_rate,
            k.sign * l.net_amount, k.sign * l.tax_amount, k.sign * l.gross_amount,
            p.unit_cost, round(k.sign * l.quantity * p.unit_cost, 2), k.sign * l.net_amount - round(k.sign * l.quantity * p.unit_cost, 2),
            l.carrier_id, sg.city_id, $2
     FROM etl_order_lines l
     LEFT JOIN dw.dim_geography sg ON sg.city_id = l.ship_to_city_id
     JOIN dw.dim_order_kind k ON k.kind = l.kind
     JOIN dw.dim_order_status s ON s.status = l.status
     JOIN dw.dim_product p ON p.product_id = l.product_id AND l.ordered_at >= p.valid_from AND l.ordered_at < p.valid_to
     JOIN dw.dim_customer c ON c.customer_id = l.customer_id AND l.ordered_at >= c.valid_from AND l.ordered_at < c.valid_to
     JOIN dw.dim_warehouse w ON w.warehouse_id = l.warehouse_id
     WHERE l.order_id = ANY($1::int[]) AND l.line_no IS NOT NULL
     ON CONFLICT (order_id, line_no) DO UPDATE SET ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}, run_id = excluded.run_id
     WHERE (${cols.map((c) => `f.${c}`).join(', ')}) IS DISTINCT FROM (${cols.map((c) => `excluded.${c}`).join(', ')})`,
    [changed, ctx.runId],
  );
  counts.written += up.rowCount ?? 0;
  // Lines no longer on a re-extracted order (deleted lines) leave the fact.
  const gone = await tx.query(
    `DELETE FROM dw.fact_sales f WHERE f.order_id = ANY($1::int[])
       AND NOT EXISTS (SELECT 1 FROM etl_order_lines s WHERE s.order_id = f.order_id AND s.line_no = f.line_no)`,
    [changed],
  );
  counts.deleted += gone.rowCount ?? 0;
  counts.written += gone.rowCount ?? 0;
  // Every line of a changed order must be in the fact now (a join that drops a row would lose it silently).
  const { rows: check } = await tx.query<{ missing: number }>(
    `SELECT count(*)::int AS missing FROM etl_order_lines l
      WHERE l.order_id = ANY($1::int[]) AND l.line_no IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM dw.fact_sales f WHERE f.order_id = l.order_id AND f.line_no = l.line_no)`,
    [changed],
  );
  if (check[0]!.missing)
    throw new Error(`fact_sales: ${check[0]!.missing} lines of this page found no dimension member`);
}

/** A city of the API (customers' geography or an order's ship-to) as a dim_geography row. */
function placeOf(city: {
  id: string;
  name: string;
  region: { id: string; name: string; country: { code: string; name: string } };
}): Place {
  return {
    city_id: Number(city.id),
    city: city.name,
    region_id: Number(city.region.id),
    region: city.region.name,
    country_code: city.region.country.code,
    country_name: city.region.country.name,
  };
}

interface Place {
  city_id: number;
  city: string;
  region_id: number;
  region: string;
  country_code: string;
  country_name: string;
}
/** dim_geography (type 1, one row per OLTP city): the places of customers and of ship-to addresses. */
async function upsertGeography(tx: Tx, places: Place[]): Promise<number> {
  const r = await tx.query(
    `INSERT INTO dw.dim_geography AS d (city_id, city, region_id, region, country_code, country_name)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(city_id integer, city text, region_id integer, region text, country_code text, country_name text)
     ON CONFLICT (city_id) DO UPDATE SET city = excluded.city, region_id = excluded.region_id, region = excluded.region,
       country_code = excluded.country_code, country_name = excluded.country_name
     WHERE (d.city, d.region_id, d.region, d.country_code, d.country_name)
       IS DISTINCT FROM (excluded.city, excluded.region_id, excluded.region, excluded.country_code, excluded.country_name)`,
    [JSON.stringify(places)],
  );
  return r.rowCount ?? 0;
}

// ---------------------------------------------------------------------------------------------

type StockNode = EtlStockLevelsQuery['stockLevels']['edges'][number]['node'];
const stock: EntitySpec<StockNode> = {
  name: 'stock',
  tables: [
    'staging.stock_levels',
    'dw.dim_date',
    'dw.dim_product',
    'dw.dim_warehouse',
    'dw.fact_inventory_snapshot',
  ],
  watermark: false,
  async fetch(api, first, after) {
    // Units on order come from the suppliers subgraph: when it cannot answer, the stock (the
    // catalog's) is still read, and the load keeps each level's last known units on order.
    const r = await api
      .query(EtlStockLevelsDocument, { first, after }, 'stock levels')
      .catch(() => api.query(EtlStockLevelsDocument, { first, after, withOnOrder: false }, 'stock levels'));
    return { nodes: r.stockLevels.edges.map((e) => e.node), ...r.stockLevels.pageInfo };
  },
  async load(tx, nodes, ctx) {
    const counts = emptyCounts();
    const rows: StagedRow[] = nodes.map((s) => ({
      key: [Number(s.product.id), Number(s.warehouse.id)],
      payload: s,
      checksum: checksum([s.onHand, s.reserved, s.reorderPoint, s.onOrder]),
      updatedAt: s.updatedAt,
    }));
    classify(counts, await stage(tx, 'stock_levels', ['product_id', 'warehouse_id'], rows, ctx.runId));
    counts.written += await ensureDates(tx, [ctx.snapshotDate]);
    counts.written += await inferMembers(tx, {
      products: nodes.map((s) => Number(s.product.id)),
      warehouses: nodes.map((s) => Number(s.warehouse.id)),
    });
    // The snapshot of the run's date: every stock row, upserted (a rerun the same day changes nothing).
    const r = await tx.query(
      `INSERT INTO dw.fact_inventory_snapshot AS f (snapshot_date_key, product_id, warehouse_id, product_key, warehouse_key, on_hand, reserved,
         available, reorder_point, is_low, unit_cost, stock_value, run_id, on_order)
       SELECT to_char($2::date, 'YYYYMMDD')::int, s.product_id, s.warehouse_id, p.product_key, w.warehouse_key, s.on_hand, s.reserved,
              s.on_hand - s.reserved, s.reorder_point, s.on_hand - s.reserved <= s.reorder_point, p.unit_cost, round(s.on_hand * p.unit_cost, 2), $3,
              coalesce(s.on_order, (SELECT prev.on_order FROM dw.fact_inventory_snapshot prev WHERE prev.product_id = s.product_id AND prev.warehouse_id = s.warehouse_id
                                      AND prev.snapshot_date_key <= to_char($2::date, 'YYYYMMDD')::int ORDER BY prev.snapshot_date_key DESC LIMIT 1), 0)
       FROM jsonb_to_recordset($1::jsonb) AS s(product_id integer, warehouse_id integer, on_hand integer, reserved integer, reorder_point integer, on_order integer)
       JOIN dw.dim_product p ON p.product_id = s.product_id AND p.is_current
       JOIN dw.dim_warehouse w ON w.warehouse_id = s.warehouse_id
       ON CONFLICT (snapshot_date_key, product_id, warehouse_id) DO UPDATE SET product_key = excluded.product_key, warehouse_key = excluded.warehouse_key,
         on_hand = excluded.on_hand, reserved = excluded.reserved, available = excluded.available, reorder_point = excluded.reorder_point,
         is_low = excluded.is_low, unit_cost = excluded.unit_cost, stock_value = excluded.stock_value, run_id = excluded.run_id, on_order = excluded.on_order
       WHERE (f.product_key, f.warehouse_key, f.on_hand, f.reserved, f.reorder_point, f.unit_cost, f.on_order)
         IS DISTINCT FROM (excluded.product_key, excluded.warehouse_key, excluded.on_hand, excluded.reserved, excluded.reorder_point, excluded.unit_cost, excluded.on_order)`,
      [
        JSON.stringify(
          nodes.map((s) => ({
            product_id: Number(s.product.id),
            warehouse_id: Number(s.warehouse.id),
            on_hand: s.onHand,
            reserved: s.reserved,
            reorder_point: s.reorderPoint,
            on_order: s.onOrder ?? null,
          })),
        ),
        ctx.snapshotDate,
        ctx.runId,
      ],
    );
    counts.written += r.rowCount ?? 0;
    return counts;
  },
};

// ---------------------------------------------------------------------------------------------

type PurchaseOrderNode = EtlPurchaseOrdersQuery['purchaseOrders']['edges'][number]['node'];
/**
 * Purchase orders changed since the watermark (a receipt or a line change moves the order's
 * updatedAt): their lines into fact_purchase, their receipts into fact_purchase_receipt. An order
 * re-extracted replaces its lines and receipts, so a rerun writes nothing and nothing is counted twice.
 */
const purchaseOrders: EntitySpec<PurchaseOrderNode> = {
  name: 'purchaseOrders',
  tables: [
    'staging.purchase_orders',
    'dw.dim_date',
    'dw.dim_product',
    'dw.dim_supplier',
    'dw.dim_warehouse',
    'dw.fact_purchase',
    'dw.fact_purchase_receipt',
  ],
  watermark: true,
  async fetch(api, first, after, updatedFrom) {
    const r = await api.query(EtlPurchaseOrdersDocument, { first, after, updatedFrom }, 'purchase orders');
    return { nodes: r.purchaseOrders.edges.map((e) => e.node), ...r.purchaseOrders.pageInfo };
  },
  position: (n) => ({ updatedAt: n.updatedAt, id: n.id }),
  async load(tx, nodes, ctx) {
    const counts = emptyCounts();
    const rows: StagedRow[] = nodes.map((o) => ({
      key: [Number(o.id)],
      payload: o,
      checksum: purchaseOrderChecksum(o),
      updatedAt: o.updatedAt,
    }));
    const changed = classify(
      counts,
      await stage(tx, 'purchase_orders', ['purchase_order_id'], rows, ctx.runId),
    );
    const todo = nodes.filter((o) => changed(keyOf(o.id)));
    if (!todo.length) return counts;

    const receipts = todo.flatMap((o) => o.lines.flatMap((l) => l.receipts));
    counts.written += await ensureDates(tx, [
      ...todo.map((o) => utcDate(o.orderedAt)),
      ...receipts.map((x) => utcDate(x.receivedAt)),
    ]);
    counts.written += await inferMembers(tx, {
      products: todo.flatMap((o) => o.lines.map((l) => Number(l.product.id))),
      warehouses: todo.map((o) => Number(o.warehouse.id)),
      suppliers: todo.map((o) => Number(o.supplier.id)),
    });
    const lineCount = await loadPurchaseLines(tx, todo, ctx, counts);
    const receiptCount = await loadPurchaseReceipts(tx, todo, ctx, counts);
    await checkPurchaseFacts(tx, todo, { lines: lineCount, receipts: receiptCount });
    return counts;
  },
};

/** What identifies a purchase order's content: header, lines and receipts, in a stable order. */
function purchaseOrderChecksum(o: PurchaseOrderNode): string {
  return checksum([
    o.number,
    o.status,
    o.currency,
    o.orderedAt,
    o.sentAt,
    o.supplier.id,
    o.warehouse.id,
    [...o.lines]
      .sort((a, b) => a.lineNo - b.lineNo)
      .map((l) => [
        l.lineNo,
        l.product.id,
        l.quantity,
        l.unitCost,
        l.amount,
        l.expectedDate,
        l.receivedQuantity,
        [...l.receipts]
          .sort((a, b) => Number(a.id) - Number(b.id))
          .map((x) => [
            x.id,
            x.quantity,
            x.amount,
            x.receivedAt,
            x.leadTimeDays,
            x.expectedDate,
            x.delayDays,
            x.onTime,
          ]),
      ]),
  ]);
}

/** The changed orders' lines, upserted into fact_purchase; lines gone from an order are deleted. */
async function loadPurchaseLines(
  tx: Tx,
  todo: PurchaseOrderNode[],
  ctx: LoadContext,
  counts: PageCounts,
): Promise<number> {
  const lines = todo.flatMap((o) =>
    o.lines.map((l) => ({
      purchase_order_id: Number(o.id),
      line_no: l.lineNo,
      po_number: o.number,
      status: o.status,
      ordered_at: o.orderedAt,
      supplier_id: Number(o.supplier.id),
      warehouse_id: Number(o.warehouse.id),
      product_id: Number(l.product.id),
      expected_date: l.expectedDate,
      ordered_qty: l.quantity,
      received_qty: l.receivedQuantity,
      unit_cost: l.unitCost,
      ordered_amount: l.amount,
      received_amount: l.receipts.reduce((a, x) => a + Math.round(Number(x.amount) * 100), 0) / 100,
    })),
  );
  const lineCols = [
    'po_number',
    'status',
    'order_date_key',
    'supplier_key',
    'product_key',
    'warehouse_key',
    'ordered_at',
    'expected_date',
    'ordered_qty',
    'received_qty',
    'unit_cost',
    'ordered_amount',
    'received_amount',
  ];
  const up = await tx.query(
    `WITH l AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(purchase_order_id integer, line_no integer, po_number text, status text, ordered_at timestamptz,
                    supplier_id integer, warehouse_id integer, product_id integer, expected_date date, ordered_qty integer, received_qty integer,
                    unit_cost numeric, ordered_amount numeric, received_amount numeric))
       INSERT INTO dw.fact_purchase AS f (purchase_order_id, line_no, ${lineCols.join(', ')}, run_id)
       SELECT l.purchase_order_id, l.line_no, l.po_number, l.status, to_char((l.ordered_at AT TIME ZONE 'UTC')::date, 'YYYYMMDD')::int,
              sup.supplier_key, p.product_key, w.warehouse_key, l.ordered_at, l.expected_date, l.ordered_qty, l.received_qty, l.unit_cost,
              l.ordered_amount, l.received_amount, $2
       FROM l
       JOIN dw.dim_supplier sup ON sup.supplier_id = l.supplier_id
       JOIN dw.dim_product p ON p.product_id = l.product_id AND l.ordered_at >= p.valid_from AND l.ordered_at < p.valid_to
       JOIN dw.dim_warehouse w ON w.warehouse_id = l.warehouse_id
       ON CONFLICT (purchase_order_id, line_no) DO UPDATE SET ${lineCols.map((c) => `${c} = excluded.${c}`).join(', ')}, run_id = excluded.run_id
       WHERE (${lineCols.map((c) => `f.${c}`).join(', ')}) IS DISTINCT FROM (${lineCols.map((c) => `excluded.${c}`).join(', ')})`,
    [JSON.stringify(lines), ctx.runId],
  );
  counts.written += up.rowCount ?? 0;
  const goneLines = await tx.query(
    `DELETE FROM dw.fact_purchase f WHERE f.purchase_order_id = ANY($1::int[])
         AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS s(purchase_order_id integer, line_no integer) WHERE s.purchase_order_id = f.purchase_order_id AND s.line_no = f.line_no)`,
    [
      todo.map((o) => Number(o.id)),
      JSON.stringify(lines.map((l) => ({ purchase_order_id: l.purchase_order_id, line_no: l.line_no }))),
    ],
  );
  counts.deleted += goneLines.rowCount ?? 0;
  counts.written += goneLines.rowCount ?? 0;

  return lines.length;
}

/** The changed orders' receipts, upserted into fact_purchase_receipt; receipts gone from an order are deleted. */
async function loadPurchaseReceipts(
  tx: Tx,
  todo: PurchaseOrderNode[],
  ctx: LoadContext,
  counts: PageCounts,
): Promise<number> {
  const recs = todo.flatMap((o) =>
    o.lines.flatMap((l) =>
      l.receipts.map((x) => ({
        receipt_id: Number(x.id),
        purchase_order_id: Number(o.id),
        line_no: l.lineNo,
        po_number: o.number,
        received_at: x.receivedAt,
        // lead times count from the sending; an order received without one (never) falls back to its creation
        ordered_at: o.sentAt ?? o.orderedAt,
        line_ordered_at: o.orderedAt,
        supplier_id: Number(o.supplier.id),
        warehouse_id: Number(o.warehouse.id),
        product_id: Number(l.product.id),
        expected_date: x.expectedDate,
        quantity: x.quantity,
        unit_cost: l.unitCost,
        amount: x.amount,
        lead_time_days: x.leadTimeDays,
        days_late: x.delayDays,
        is_on_time: x.onTime,
      })),
    ),
  );
  const recCols = [
    'purchase_order_id',
    'line_no',
    'po_number',
    'receipt_date_key',
    'supplier_key',
    'product_key',
    'warehouse_key',
    'received_at',
    'ordered_at',
    'expected_date',
    'quantity',
    'unit_cost',
    'amount',
    'lead_time_days',
    'days_late',
    'is_on_time',
  ];
  if (recs.length) {
    const r = await tx.query(
      `WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(receipt_id integer, purchase_order_id integer, line_no integer, po_number text, received_at timestamptz,
                      ordered_at timestamptz, line_ordered_at timestamptz, supplier_id integer, warehouse_id integer, product_id integer, expected_date date, quantity integer,
                      unit_cost numeric, amount numeric, lead_time_days integer, days_late integer, is_on_time boolean))
         INSERT INTO dw.fact_purchase_receipt AS f (receipt_id, ${recCols.join(', ')}, run_id)
         SELECT x.receipt_id, x.purchase_order_id, x.line_no, x.po_number, to_char((x.received_at AT TIME ZONE 'UTC')::date, 'YYYYMMDD')::int,
                sup.supplier_key, p.product_key, w.warehouse_key, x.received_at, x.ordered_at, x.expected_date, x.quantity, x.unit_cost, x.amount,
                x.lead_time_days, x.days_late, x.is_on_time, $2
         FROM x
         JOIN dw.dim_supplier sup ON sup.supplier_id = x.supplier_id
         JOIN dw.dim_product p ON p.product_id = x.product_id AND x.line_ordered_at >= p.valid_from AND x.line_ordered_at < p.valid_to
         JOIN dw.dim_warehouse w ON w.warehouse_id = x.warehouse_id
         ON CONFLICT (receipt_id) DO UPDATE SET ${recCols.map((c) => `${c} = excluded.${c}`).join(', ')}, run_id = excluded.run_id
         WHERE (${recCols.map((c) => `f.${c}`).join(', ')}) IS DISTINCT FROM (${recCols.map((c) => `excluded.${c}`).join(', ')})`,
      [JSON.stringify(recs), ctx.runId],
    );
    counts.written += r.rowCount ?? 0;
  }
  const goneReceipts = await tx.query(
    `DELETE FROM dw.fact_purchase_receipt f WHERE f.purchase_order_id = ANY($1::int[]) AND NOT (f.receipt_id = ANY($2::int[]))`,
    [todo.map((o) => Number(o.id)), recs.map((x) => x.receipt_id)],
  );
  counts.deleted += goneReceipts.rowCount ?? 0;
  counts.written += goneReceipts.rowCount ?? 0;
  return recs.length;
}

async function checkPurchaseFacts(
  tx: Tx,
  todo: PurchaseOrderNode[],
  expected: { lines: number; receipts: number },
): Promise<void> {
  // Every line and receipt must have found its members (inferred ones included): a join that drops a row would lose it silently.
  const { rows: check } = await tx.query<{ lines: number; receipts: number }>(
    `SELECT (SELECT count(*) FROM dw.fact_purchase WHERE purchase_order_id = ANY($1::int[]))::int AS lines,
              (SELECT count(*) FROM dw.fact_purchase_receipt WHERE purchase_order_id = ANY($1::int[]))::int AS receipts`,
    [todo.map((o) => Number(o.id))],
  );
  if (check[0]!.lines !== expected.lines || check[0]!.receipts !== expected.receipts)
    throw new Error(
      `purchase facts: ${check[0]!.lines}/${expected.lines} lines and ${check[0]!.receipts}/${expected.receipts} receipts loaded for this page`,
    );
}

export const ENTITIES: Record<EntityName, EntitySpec<never>> = {
  warehouses,
  salesReps,
  products,
  customers,
  suppliers,
  orders,
  stock,
  purchaseOrders,
} as unknown as Record<EntityName, EntitySpec<never>>;
