import type { Tx } from '@erp/kit';
import { EtlPurchaseOrdersDocument, type EtlPurchaseOrdersQuery } from '@erp/sdk';
import { checksum, deleteGone, ensureDates, inferMembers, updateChangedFact, type PageCounts } from '../load';
import { keysetPages, stagedEntity, updatedAtPosition, type LoadContext } from './spec';

const utcDate = (iso: string) => new Date(iso).toISOString().slice(0, 10);

type PurchaseOrderNode = EtlPurchaseOrdersQuery['purchaseOrders']['edges'][number]['node'];
/**
 * Purchase orders changed since the watermark (a receipt or a line change moves the order's
 * updatedAt): their lines into fact_purchase, their receipts into fact_purchase_receipt. An order
 * re-extracted replaces its lines and receipts, so a rerun writes nothing and nothing is counted twice.
 */
export const purchaseOrders = stagedEntity<PurchaseOrderNode>({
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
  fetch: keysetPages(EtlPurchaseOrdersDocument, 'purchase orders', (r) => r.purchaseOrders),
  position: updatedAtPosition,
  staging: { table: 'purchase_orders', keyCol: 'purchase_order_id' },
  checksum: purchaseOrderChecksum,
  async loadChanged(tx, todo, ctx, counts) {
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
  },
});

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
       ${updateChangedFact(['purchase_order_id', 'line_no'], lineCols)}`,
    [JSON.stringify(lines), ctx.runId],
  );
  counts.written += up.rowCount ?? 0;
  await deleteGone(tx, counts, {
    fact: 'fact_purchase',
    parentCol: 'purchase_order_id',
    parentIds: todo.map((o) => Number(o.id)),
    kept: `EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS s(purchase_order_id integer, line_no integer)
                   WHERE s.purchase_order_id = f.purchase_order_id AND s.line_no = f.line_no)`,
    keptParams: [
      JSON.stringify(lines.map((l) => ({ purchase_order_id: l.purchase_order_id, line_no: l.line_no }))),
    ],
  });
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
         ${updateChangedFact(['receipt_id'], recCols)}`,
      [JSON.stringify(recs), ctx.runId],
    );
    counts.written += r.rowCount ?? 0;
  }
  await deleteGone(tx, counts, {
    fact: 'fact_purchase_receipt',
    parentCol: 'purchase_order_id',
    parentIds: todo.map((o) => Number(o.id)),
    kept: 'f.receipt_id = ANY($2::int[])',
    keptParams: [recs.map((x) => x.receipt_id)],
  });
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
