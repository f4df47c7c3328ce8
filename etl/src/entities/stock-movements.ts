import { STOCK_MOVEMENT_FEED, STOCK_MOVEMENT_FEED_COLUMNS, type Tx } from '@erp/kit';
import { EtlStockMovementFeedDocument, type EtlStockMovementFeedQuery } from '@erp/sdk';
import { ensureDates, inferMembers, type PageCounts } from '../load';
import { defineEntity, eachPage, flatFeed, type LoadContext } from './spec';

type MovementFeedPage = EtlStockMovementFeedQuery['stockMovementFeed'];

/** The page's tuples as rows of a FROM clause ($1 = the page's JSON text): a column the server no longer sends is refused, not misread. */
function movementRows(columns: readonly string[]): string {
  const missing = STOCK_MOVEMENT_FEED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length)
    throw new Error(
      `stockMovementFeed no longer sends ${missing.join(', ')} (it sends ${columns.join(', ')})`,
    );
  const cols = STOCK_MOVEMENT_FEED_COLUMNS.map(
    (c) => `(r->>${columns.indexOf(c)})::${STOCK_MOVEMENT_FEED[c]} AS ${c}`,
  );
  return `(SELECT ${cols.join(', ')} FROM jsonb_array_elements($1::jsonb) AS r) m`;
}

/**
 * The stock ledger, movements recorded since the watermark, from the flat ledger feed
 * (stockMovementFeed, the ETL's identity only): a page is up to `first` movements as one JSON text
 * of tuples, loaded set-based by PostgreSQL. The ledger is append-only: a movement is inserted once
 * into fact_stock_movement and a movement read again (the lookback) writes nothing, so the fact
 * needs no staging copy or checksum.
 */
export const stockMovements = defineEntity<MovementFeedPage>({
  name: 'stockMovements',
  tables: ['dw.dim_date', 'dw.dim_product', 'dw.dim_warehouse', 'dw.fact_stock_movement'],
  watermark: true,
  fetch: flatFeed(EtlStockMovementFeedDocument, 'stock movements', {
    page: (r) => r.stockMovementFeed,
    checkColumns: movementRows,
    count: (page) => page.movements,
  }),
  load: eachPage(loadMovementPage),
});

async function loadMovementPage(
  tx: Tx,
  page: MovementFeedPage,
  ctx: LoadContext,
  counts: PageCounts,
): Promise<void> {
  if (!page.movements) return; // an empty page writes nothing
  const from = movementRows(page.columns);
  // The days and the members the page's movements point at (a product or warehouse not loaded yet
  // becomes an inferred member, filled when it arrives).
  const { rows: span } = await tx.query<{
    from: string;
    to: string;
    products: number[];
    warehouses: number[];
  }>(
    `SELECT min((occurred_at AT TIME ZONE 'UTC')::date)::text AS from, max((occurred_at AT TIME ZONE 'UTC')::date)::text AS to,
            array_agg(DISTINCT product_id) AS products, array_agg(DISTINCT warehouse_id) AS warehouses FROM ${from}`,
    [page.rows],
  );
  const s = span[0]!;
  counts.written += await ensureDates(tx, [s.from, s.to]);
  counts.written += await inferMembers(tx, { products: s.products, warehouses: s.warehouses });

  const inserted = await tx.query(
    `INSERT INTO dw.fact_stock_movement (movement_id, movement_date_key, product_key, warehouse_key, movement_kind, quantity_in, quantity_out,
       quantity, source_reference, source_key, occurred_at, recorded_at, run_id)
     SELECT m.id, to_char((m.occurred_at AT TIME ZONE 'UTC')::date, 'YYYYMMDD')::int, p.product_key, w.warehouse_key, m.kind,
            greatest(m.quantity, 0), greatest(-m.quantity, 0), m.quantity, m.reference, m.external_key, m.occurred_at, m.created_at, $2
       FROM ${from}
       JOIN dw.dim_product p ON p.product_id = m.product_id AND m.occurred_at >= p.valid_from AND m.occurred_at < p.valid_to
       JOIN dw.dim_warehouse w ON w.warehouse_id = m.warehouse_id
     ON CONFLICT (movement_id) DO NOTHING`,
    [page.rows, ctx.runId],
  );
  const n = inserted.rowCount ?? 0;
  counts.inserted += n;
  counts.unchanged += page.movements - n;
  counts.written += n;
  // Every movement of the page must be in the fact now (a join that drops a row would lose it silently).
  const { rows: check } = await tx.query<{ missing: number }>(
    `SELECT count(*)::int AS missing FROM ${from}
      WHERE NOT EXISTS (SELECT 1 FROM dw.fact_stock_movement f WHERE f.movement_id = m.id)`,
    [page.rows],
  );
  if (check[0]!.missing)
    throw new Error(
      `fact_stock_movement: ${check[0]!.missing} movements of this page found no dimension member`,
    );
}
