import type { Tx } from '@erp/kit';
import { EtlPurchaseOrdersDocument, type EtlPurchaseOrdersQuery } from '@erp/sdk';
import { checksum, ensureDates, inferMembers, replaceFacts, updateChangedFact } from '../load';
import { keysetPages, stagedEntity } from './spec';

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
  ...keysetPages(EtlPurchaseOrdersDocument, 'purchase orders', (r) => r.purchaseOrders),
  staging: { table: 'purchase_orders', keyCol: 'purchase_order_id', checksum: purchaseOrderChecksum },
  async loadChanged(tx, todo, ctx, counts) {
    const lines = purchaseLines(todo);
    const receipts = purchaseReceipts(todo);
    counts.written += await ensureDates(tx, [
      ...todo.map((o) => utcDate(o.orderedAt)),
      ...receipts.map((x) => utcDate(x.received_at)),
    ]);
    counts.written += await inferMembers(tx, {
      products: lines.map((l) => l.product_id),
      warehouses: todo.map((o) => Number(o.warehouse.id)),
      suppliers: todo.map((o) => Number(o.supplier.id)),
    });
    // An order re-extracted replaces its lines and its receipts: those gone from it are deleted.
    const parentIds = todo.map((o) => Number(o.id));
    const lineKeys = lines.map((l) => ({ purchase_order_id: l.purchase_order_id, line_no: l.line_no }));
    for (const facts of [
      {
        fact: 'fact_purchase',
        upsert: UPSERT_LINES,
        rows: lines,
        keptParams: [JSON.stringify(lineKeys)],
        kept: `EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS s(purchase_order_id integer, line_no integer)
                        WHERE s.purchase_order_id = f.purchase_order_id AND s.line_no = f.line_no)`,
      },
      {
        fact: 'fact_purchase_receipt',
        upsert: UPSERT_RECEIPTS,
        rows: receipts,
        kept: 'f.receipt_id = ANY($2::int[])',
        keptParams: [receipts.map((x) => x.receipt_id)],
      },
    ])
      await replaceFacts(tx, counts, {
        ...facts,
        parentCol: 'purchase_order_id',
        parentIds,
        runId: ctx.runId,
      });
    await checkPurchaseFacts(tx, parentIds, { lines: lines.length, receipts: receipts.length });
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

/** The changed orders' lines as fact_purchase rows (their members by id). */
function purchaseLines(todo: PurchaseOrderNode[]) {
  return todo.flatMap((o) =>
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
}

const LINE_COLS = [
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
const UPSERT_LINES = `WITH l AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(purchase_order_id integer, line_no integer, po_number text, status text, ordered_at timestamptz,
                    supplier_id integer, warehouse_id integer, product_id integer, expected_date date, ordered_qty integer, received_qty integer,
                    unit_cost numeric, ordered_amount numeric, received_amount numeric))
       INSERT INTO dw.fact_purchase AS f (purchase_order_id, line_no, ${LINE_COLS.join(', ')}, run_id)
       SELECT l.purchase_order_id, l.line_no, l.po_number, l.status, to_char((l.ordered_at AT TIME ZONE 'UTC')::date, 'YYYYMMDD')::int,
              sup.supplier_key, p.product_key, w.warehouse_key, l.ordered_at, l.expected_date, l.ordered_qty, l.received_qty, l.unit_cost,
              l.ordered_amount, l.received_amount, $2
       FROM l
       JOIN dw.dim_supplier sup ON sup.supplier_id = l.supplier_id
       JOIN dw.dim_product p ON p.product_id = l.product_id AND l.ordered_at >= p.valid_from AND l.ordered_at < p.valid_to
       JOIN dw.dim_warehouse w ON w.warehouse_id = l.warehouse_id
       ${updateChangedFact(['purchase_order_id', 'line_no'], LINE_COLS)}`;

/** The changed orders' receipts as fact_purchase_receipt rows. */
function purchaseReceipts(todo: PurchaseOrderNode[]) {
  return todo.flatMap((o) =>
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
}

const RECEIPT_COLS = [
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
const UPSERT_RECEIPTS = `WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(receipt_id integer, purchase_order_id integer, line_no integer, po_number text, received_at timestamptz,
                      ordered_at timestamptz, line_ordered_at timestamptz, supplier_id integer, warehouse_id integer, product_id integer, expected_date date, quantity integer,
                      unit_cost numeric, amount numeric, lead_time_days integer, days_late integer, is_on_time boolean))
         INSERT INTO dw.fact_purchase_receipt AS f (receipt_id, ${RECEIPT_COLS.join(', ')}, run_id)
         SELECT x.receipt_id, x.purchase_order_id, x.line_no, x.po_number, to_char((x.received_at AT TIME ZONE 'UTC')::date, 'YYYYMMDD')::int,
                sup.supplier_key, p.product_key, w.warehouse_key, x.received_at, x.ordered_at, x.expected_date, x.quantity, x.unit_cost, x.amount,
                x.lead_time_days, x.days_late, x.is_on_time, $2
         FROM x
         JOIN dw.dim_supplier sup ON sup.supplier_id = x.supplier_id
         JOIN dw.dim_product p ON p.product_id = x.product_id AND x.line_ordered_at >= p.valid_from AND x.line_ordered_at < p.valid_to
         JOIN dw.dim_warehouse w ON w.warehouse_id = x.warehouse_id
         ${updateChangedFact(['receipt_id'], RECEIPT_COLS)}`;

async function checkPurchaseFacts(
  tx: Tx,
  orderIds: number[],
  expected: { lines: number; receipts: number },
): Promise<void> {
  // Every line and receipt must have found its members (inferred ones included): a join that drops a row would lose it silently.
  const { rows: check } = await tx.query<{ lines: number; receipts: number }>(
    `SELECT (SELECT count(*) FROM dw.fact_purchase WHERE purchase_order_id = ANY($1::int[]))::int AS lines,
              (SELECT count(*) FROM dw.fact_purchase_receipt WHERE purchase_order_id = ANY($1::int[]))::int AS receipts`,
    [orderIds],
  );
  if (check[0]!.lines !== expected.lines || check[0]!.receipts !== expected.receipts)
    throw new Error(
      `purchase facts: ${check[0]!.lines}/${expected.lines} lines and ${check[0]!.receipts}/${expected.receipts} receipts loaded for this page`,
    );
}
