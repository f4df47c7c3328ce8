import { createHash } from 'node:crypto';
import { AppError, ConflictError, InvalidTransitionError, ValidationError } from '@erp/kit';
import type { Tx } from '@erp/kit/db/tx';
import {
  decodeCursor,
  idempotencyScope,
  lazyCount,
  mutate,
  pageSize,
  parseId,
  positiveInt,
  storedResponse,
  toConnection,
} from '@erp/kit/graphql';
import type pg from 'pg';
import type { SuppliersContext } from '../context';
import { OVER_RECEIPT_TOLERANCE, type PurchaseOrderStatus } from '../db/schema/constants';
import type { PurchaseOrderLineRow, PurchaseOrderRow, PurchaseReceiptRow } from '../rows';
import { RECEIPT_COLUMNS, RECEIPT_FROM } from '../rows-purchasing';
import type { ReceiptPosting } from '../stock';
import { readLines, readPurchaseOrder, recordHistory, transition, type Spec } from './purchase-orders';

/** The most a line may receive in total: its quantity plus the over-receipt tolerance, rounded down. */
export const maxReceivable = (quantity: number) => Math.floor(quantity * (1 + OVER_RECEIPT_TOLERANCE) + 1e-9);

/** Namespace of the purchase orders' workflow locks (two-key advisory locks: this constant, the order id). */
const PO_LOCK_SPACE = 7_402_116;

/** How long a receipt waits for another receipt of the same order before CONFLICT. */
const LOCK_WAIT_MS = 20_000;

/**
 * Runs a receipt of one order while no other receipt of the same order runs: a session advisory
 * lock on a connection held for the whole saga (NOT a transaction: no row stays locked while the
 * catalog is called). Deliveries of one order arrive together at a dock, so a receipt waits its
 * turn (each wait is cut by lock_timeout and retried) up to LOCK_WAIT_MS, then CONFLICT. A crash
 * releases the lock with the connection.
 */
async function withPurchaseOrderLock<T>(
  pool: pg.Pool,
  id: number,
  fn: (client: Tx) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        await client.query('SELECT pg_advisory_lock($1, $2)', [PO_LOCK_SPACE, id]);
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== '55P03') throw err;
        if (Date.now() > deadline)
          throw new ConflictError(
            `Purchase order ${id} is being received by someone else; retry in a moment`,
            { field: 'id' },
          );
      }
    }
    try {
      return await fn(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [PO_LOCK_SPACE, id]).catch((err: Error) => {
        broken = err;
      });
    }
  } finally {
    client.release(broken);
  }
}

interface ReceiptLine {
  lineId: number;
  quantity: number;
}

function parseReceipt(input: Record<string, unknown>, now: Date) {
  const raw = input.lines;
  if (!Array.isArray(raw) || raw.length === 0)
    throw new ValidationError('input.lines', raw, 'needs at least one line');
  if (raw.length > 500) throw new ValidationError('input.lines', raw.length, 'at most 500 lines');
  const seen = new Set<number>();
  const lines: ReceiptLine[] = raw.map((l: Record<string, unknown>, i) => {
    const lineId = parseId(`input.lines[${i}].lineId`, l.lineId);
    if (seen.has(lineId))
      throw new ValidationError(`input.lines[${i}].lineId`, l.lineId, 'a line may appear once per receipt');
    seen.add(lineId);
    return { lineId, quantity: positiveInt(`input.lines[${i}].quantity`, l.quantity) };
  });
  let receivedAt = now;
  if (input.receivedAt != null) {
    receivedAt = new Date(String(input.receivedAt));
    if (Number.isNaN(receivedAt.getTime()))
      throw new ValidationError('input.receivedAt', input.receivedAt, 'is not a date-time');
    // a minute of clock skew between the warehouse's device and this server
    if (receivedAt.getTime() > now.getTime() + 60_000)
      throw new ValidationError('input.receivedAt', input.receivedAt, 'must not be in the future');
  }
  const note = input.deliveryNote;
  if (note != null && (typeof note !== 'string' || note.trim().length > 100))
    throw new ValidationError('input.deliveryNote', note, 'must be text of at most 100 characters');
  const deliveryNote = typeof note === 'string' && note.trim() ? note.trim() : null;
  return { lines, receivedAt: receivedAt.toISOString(), deliveryNote };
}

/**
 * The receipt against the order as it stands: the order receivable, each line its own, no line
 * beyond the tolerance (BAD_USER_INPUT naming the line), the receipt not before the order was sent.
 */
function checkReceipt(
  po: PurchaseOrderRow,
  poLines: PurchaseOrderLineRow[],
  lines: ReceiptLine[],
  receivedAt: string,
): Map<number, PurchaseOrderLineRow> {
  if (po.status !== 'SENT' && po.status !== 'PARTIALLY_RECEIVED')
    throw new InvalidTransitionError(`Purchase order ${po.number}`, po.status, 'PARTIALLY_RECEIVED');
  if (po.sentAt && new Date(receivedAt) < new Date(po.sentAt)) {
    throw new ValidationError(
      'input.receivedAt',
      receivedAt,
      `must not be before the order was sent (${new Date(po.sentAt).toISOString()})`,
    );
  }
  const byId = new Map(poLines.map((l) => [l.id, l]));
  lines.forEach((r, i) => {
    const line = byId.get(r.lineId);
    if (!line)
      throw new ValidationError(
        `input.lines[${i}].lineId`,
        String(r.lineId),
        `is not a line of purchase order ${po.number}`,
      );
    const max = maxReceivable(line.quantity);
    if (line.receivedQuantity + r.quantity > max) {
      throw new ValidationError(
        `input.lines[${i}].quantity`,
        r.quantity,
        `line ${line.lineNo} (product ${line.productId}) ordered ${line.quantity}, received ${line.receivedQuantity}: at most ${max - line.receivedQuantity} more (over-receipt tolerance ${OVER_RECEIPT_TOLERANCE * 100} %)`,
      );
    }
  });
  return byId;
}

/** The key the receipt's stock is posted under: the request's idempotency key when given (a retry posts nothing new), else the receipt number. */
function stockKey(
  ctx: SuppliersContext,
  poId: number,
  number: string,
  idempotencyKey: string | null | undefined,
): string {
  if (!idempotencyKey) return `po${poId}.${number}`;
  const h = createHash('sha256')
    .update(`${idempotencyScope(ctx, 'receivePurchaseOrder')}\u0000${idempotencyKey}`)
    .digest('hex')
    .slice(0, 32);
  return `po${poId}.k${h}`;
}

/**
 * Records one delivery against a SENT or PARTIALLY_RECEIVED order, as a saga under the order's
 * workflow lock (no other receipt of this order runs in between):
 *  1. read the order and its lines, check the receipt (nothing is held open);
 *  2. post the goods to the catalog's stock ledger, once per stock key (the catalog makes a second
 *     posting under the key a no-op);
 *  3. in one transaction: the receipts, the lines' received quantities, the order's new status
 *     (PARTIALLY_RECEIVED, or RECEIVED when every line has its quantity), history and audit.
 * When step 3 fails, step 2 is undone (compensation): no stock without its receipt, no receipt
 * without its stock. A retry under the same idempotency key after an unknown outcome gets the
 * first result, or redoes step 3 with step 2 found already posted.
 */
export async function receivePurchaseOrder(
  ctx: SuppliersContext,
  id: number,
  input: Record<string, unknown>,
  spec: Spec,
  now = new Date(),
): Promise<PurchaseOrderRow> {
  const r = parseReceipt(input, now);
  const payload = { id, ...r, receivedAt: input.receivedAt == null ? null : r.receivedAt };
  const row = await withPurchaseOrderLock(ctx.pool, id, async (client) => {
    const done = await storedResponse<PurchaseOrderRow>(
      client,
      idempotencyScope(ctx, 'receivePurchaseOrder'),
      spec.idempotencyKey,
      payload,
    );
    if (done) return done.response;
    // Step 1
    const before = await readPurchaseOrder(client, id);
    const lines = checkReceipt(before, await readLines(client, id), r.lines, r.receivedAt);
    const seq = await client.query<{ n: string }>(
      `SELECT nextval(pg_get_serial_sequence('suppliers.purchase_receipts', 'id'))::text AS n`,
    );
    const number = `GR-${r.receivedAt.slice(0, 4)}-${seq.rows[0]!.n.padStart(6, '0')}`;
    const posting: ReceiptPosting = {
      receiptKey: stockKey(ctx, id, number, spec.idempotencyKey),
      reference: number,
      warehouseId: before.warehouseId,
      occurredAt: r.receivedAt,
      lines: r.lines.map((l) => ({ productId: lines.get(l.lineId)!.productId, quantity: l.quantity })),
    };
    // Step 2
    try {
      await ctx.stock().post(ctx.identity, posting);
    } catch (err) {
      // Outcome unknown (network, timeout): take back whatever may have been posted.
      if (!(err instanceof AppError)) await compensate(ctx, before, posting);
      throw err;
    }
    // Step 3
    try {
      return await mutate(
        ctx,
        { ...spec, name: 'receivePurchaseOrder', payload },
        (tx, audit) => recordReceipt(ctx, tx, audit, id, r, number, posting.receiptKey),
        client,
      );
    } catch (err) {
      await compensate(ctx, before, posting);
      throw err;
    }
  });
  ctx.loaders.purchaseOrder.clear(id);
  return row;
}

async function compensate(
  ctx: SuppliersContext,
  po: PurchaseOrderRow,
  posting: ReceiptPosting,
): Promise<void> {
  try {
    await ctx.stock().undo(ctx.identity, posting);
  } catch (err) {
    // Never hides the first error; the posting stays under its key, the log says which.
    ctx.log.error(
      {
        err,
        purchaseOrderId: po.id,
        number: po.number,
        receiptKey: posting.receiptKey,
        requestId: ctx.identity.requestId,
      },
      'receivePurchaseOrder: compensation failed',
    );
  }
}

/** Step 3 of a receipt: everything the purchasing domain records, in one transaction. */
async function recordReceipt(
  ctx: SuppliersContext,
  tx: Tx,
  audit: Parameters<typeof transition>[2],
  id: number,
  r: ReturnType<typeof parseReceipt>,
  number: string,
  key: string,
): Promise<PurchaseOrderRow> {
  const before = await readPurchaseOrder(tx, id, true);
  // Checked again under the row lock: a change since step 1 (e.g. a close) refuses the receipt.
  checkReceipt(before, await readLines(tx, id), r.lines, r.receivedAt);
  await tx.query(
    `WITH x AS (SELECT * FROM unnest($3::int[], $4::int[]) AS x(line_id, quantity)),
     ins AS (
       INSERT INTO suppliers.purchase_receipts (number, purchase_order_id, line_id, quantity, received_at, expected_date, lead_time_days, delay_days, on_time, delivery_note, stock_key, received_by)
       SELECT $1, $2, x.line_id, x.quantity, $5::timestamptz, l.expected_date,
         ($5::timestamptz AT TIME ZONE 'UTC')::date - (po.sent_at AT TIME ZONE 'UTC')::date,
         ($5::timestamptz AT TIME ZONE 'UTC')::date - l.expected_date,
         ($5::timestamptz AT TIME ZONE 'UTC')::date <= l.expected_date,
         $6, $7, $8
       FROM x JOIN suppliers.purchase_order_lines l ON l.id = x.line_id JOIN suppliers.purchase_orders po ON po.id = l.purchase_order_id
       RETURNING line_id, quantity)
     UPDATE suppliers.purchase_order_lines l SET received_quantity = l.received_quantity + ins.quantity FROM ins WHERE l.id = ins.line_id`,
    [
      number,
      id,
      r.lines.map((l) => l.lineId),
      r.lines.map((l) => l.quantity),
      r.receivedAt,
      r.deliveryNote,
      key,
      ctx.identity.userId,
    ],
  );
  const after = await readLines(tx, id);
  const complete = after.every((l) => l.receivedQuantity >= l.quantity);
  const to: PurchaseOrderStatus = complete ? 'RECEIVED' : 'PARTIALLY_RECEIVED';
  const receipts = await tx.query<PurchaseReceiptRow>(
    `SELECT ${RECEIPT_COLUMNS} FROM ${RECEIPT_FROM} WHERE r.number = $1 AND r.purchase_order_id = $2 ORDER BY r.id`,
    [number, id],
  );
  for (const rec of receipts.rows)
    await audit({ entity: 'PurchaseReceipt', entityId: rec.id, before: null, after: rec });
  // The order row always changes (status, or at least updated_at): the ETL's watermark moves with its receipts.
  if (before.status === to) {
    await tx.query('UPDATE suppliers.purchase_orders SET status = status WHERE id = $1', [id]);
    await recordHistory(tx, ctx.identity, id, before.status, to, `receipt ${number}`);
    return readPurchaseOrder(tx, id);
  }
  return transition(ctx, tx, audit, before, to, `receipt ${number}`);
}

// ---------------------------------------------------------------- reads

export interface ReceiptListArgs {
  first?: number | null;
  after?: string | null;
  filter?: {
    supplierId?: string | null;
    productId?: string | null;
    warehouseId?: string | null;
    from?: string | Date | null;
    to?: string | Date | null;
    onTime?: boolean | null;
  } | null;
}

/** Receipts by id ascending (append-only: an id cursor never skips or repeats one). */
export async function listReceipts(ctx: SuppliersContext, args: ReceiptListArgs) {
  const limit = pageSize(args.first, ctx.identity);
  const params: unknown[] = [];
  const where: string[] = [];
  const f = args.filter ?? {};
  if (f.supplierId)
    where.push(`po.supplier_id = $${params.push(parseId('filter.supplierId', f.supplierId))}`);
  if (f.productId) where.push(`l.product_id = $${params.push(parseId('filter.productId', f.productId))}`);
  if (f.warehouseId)
    where.push(`po.warehouse_id = $${params.push(parseId('filter.warehouseId', f.warehouseId))}`);
  if (f.from) where.push(`r.received_at >= $${params.push(f.from)}`);
  if (f.to) where.push(`r.received_at < $${params.push(f.to)}`);
  if (f.onTime != null) where.push(`r.on_time = $${params.push(f.onTime)}`);
  const countWhere = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const countParams = [...params];
  const cursor = decodeCursor(args.after, 1);
  if (cursor) {
    if (!Number.isSafeInteger(cursor[0]))
      throw new ValidationError('after', args.after, 'is not a cursor from this list');
    where.push(`r.id > $${params.push(cursor[0])}`);
  }
  const { rows } = await ctx.pool.query<PurchaseReceiptRow>(
    `SELECT ${RECEIPT_COLUMNS} FROM ${RECEIPT_FROM} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id LIMIT $${params.push(limit + 1)}`,
    params,
  );
  return {
    ...toConnection(rows, limit, (row) => [row.id]),
    totalCount: lazyCount(
      async () =>
        (
          await ctx.pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM ${RECEIPT_FROM} ${countWhere}`,
            countParams,
          )
        ).rows[0]!.n,
    ),
  };
}
