import { statSync } from 'node:fs';
import path from 'node:path';
import { progress } from '@erp/kit';
import { planAnomalies, ordersPerDay } from './demand';
import {
  people,
  qualityAt,
  writeCategories,
  writeCustomers,
  writeProducts,
  writeSuppliers,
  writeUsers,
  writeWarehouses,
} from './master';
import { ORDER_TIMESTAMPS } from '../import/canonical';
import { Calendar, DAY, MIN, Output, iso, isoDate, type Product, type Supplier } from './model';
import { OrderSimulation } from './orders';
import { WAREHOUSES } from './reference';
import { Rng } from './rng';
import { StockModel } from './stock';

export interface GenerateOptions {
  /** Multiplies customers and orders (products and suppliers grow with its square root); may be fractional. */
  scale: number;
  seed: number;
  out: string;
  /** First day of the data, YYYY-MM-DD. */
  start: string;
  /** Number of months of orders. */
  months: number;
  gzip: boolean;
  /** No progress output (tests). */
  quiet?: boolean;
}

export const DEFAULTS = { scale: 1, seed: 42, start: '2024-09-01', months: 26, gzip: true } as const;

export interface FileSummary {
  file: string;
  rows: number;
  bytes: number;
}

export interface GenerateSummary {
  /** Purchase orders written (one line each; the RECEIPT movements are their receipts). */
  purchaseOrders: number;
  files: FileSummary[];
  totalBytes: number;
  orders: number;
  expeditedReceipts: number;
  range: { from: string; to: string };
}

/**
 * Builds the whole data set into `opts.out`. The steps run in a fixed order, each on its own
 * random stream (the stock and the orders share one): the same seed and scale give the same bytes.
 */
export async function generate(opts: GenerateOptions): Promise<GenerateSummary> {
  const { scale, seed, months } = opts;
  if (!(scale > 0)) throw new Error('scale must be > 0');
  if (!Number.isInteger(months) || months < 3) throw new Error('months must be a whole number ≥ 3');
  const cal = new Calendar(opts.start, months);
  const out = new Output(opts.out, opts.gzip);

  // master data
  const names = people();
  const users = writeUsers(out, seed, scale, names);
  writeCategories(out);
  const suppliers = writeSuppliers(out, seed, scale, cal, names);
  const products = writeProducts(out, seed, scale, months, suppliers);
  writeWarehouses(out);
  const customers = writeCustomers(out, seed, scale, months, users);

  // how many orders a day, and where the planted anomalies go
  const rngO = Rng.derive(seed, 'orders');
  const totalOrders = Math.max(50, Math.round(40000 * scale));
  const dayCount = ordersPerDay(cal, totalOrders);
  const rngA = Rng.derive(seed, 'anomalies');
  const plan = planAnomalies(rngA, cal, totalOrders, customers);

  // the stock model and its opening balances
  const files = {
    moves: out.open('stock_movements', [
      'external_key',
      'sku',
      'warehouse_code',
      'kind',
      'quantity',
      'reference',
      'occurred_at',
      'note',
    ]),
    orders: out.open('orders', [
      'number',
      'kind',
      'status',
      'customer_code',
      'sales_rep_email',
      'warehouse_code',
      'currency',
      ...ORDER_TIMESTAMPS,
    ]),
    lines: out.open('order_lines', [
      'order_number',
      'line_no',
      'sku',
      'quantity',
      'unit_price',
      'discount',
      'tax_rate',
    ]),
  };
  const stock = new StockModel(cal, products, suppliers, files.moves, rngO);
  stock.seedRates(customers, dayCount);
  stock.plantStarvation(rngA);
  stock.writeOpening();

  // the orders, day by day, then the closing stock counts
  const bar = opts.quiet ? undefined : progress('orders', totalOrders, 'orders');
  const sim = new OrderSimulation(cal, rngO, customers, products, stock, plan, files);
  await sim.run(dayCount, bar);
  stock.flushUntil(cal.end - MIN - 1);
  stock.writeOffCounts(Rng.derive(seed, 'counts'), Math.max(3, Math.round(6 * Math.sqrt(scale))));
  stock.flushUntil(cal.end - 1);
  bar?.stop(`${sim.slot} orders (${sim.saleSeq} sales, ${sim.returnSeq} returns)`);

  // what the simulation leaves behind
  writeStockLevels(out, cal, products, stock);
  writeEvaluations(out, seed, cal, suppliers, stock);
  writePurchaseDocuments(out, seed, cal, products, suppliers, stock);
  const anomF = out.open('planted_anomalies', [
    'id',
    'kind',
    'order_number',
    'customer_code',
    'sku',
    'description',
  ]);
  sim.anomalies.forEach((line, i) => anomF.line(`A${String(i + 1).padStart(3, '0')}` + line));

  for (const f of out.files) await f.close();
  const summary: FileSummary[] = out.files.map((f) => ({
    file: path.basename(f.path),
    rows: f.rows,
    bytes: statSync(f.path).size,
  }));
  return {
    files: summary,
    totalBytes: summary.reduce((a, f) => a + f.bytes, 0),
    orders: sim.slot,
    expeditedReceipts: stock.expedited,
    purchaseOrders: stock.purchaseDocs.length,
    range: { from: isoDate(cal.t0), to: isoDate(cal.end - DAY) },
  };
}

/** Reorder points: the demand rate at the end over the preferred supplier's lead time and 10 days (0 once discontinued). */
function writeStockLevels(out: Output, cal: Calendar, products: Product[], stock: StockModel): void {
  const levelF = out.open('stock_levels', ['sku', 'warehouse_code', 'reorder_point']);
  const nWh = stock.nWh;
  for (let p = 0; p < products.length; p++) {
    const prod = products[p]!;
    for (let w = 0; w < nWh; w++) {
      const rop =
        cal.monthOf(cal.end - DAY) >= prod.discontinuedMonth
          ? 0
          : Math.round(stock.rate[p * nWh + w]! * (prod.supplies[0]!.lead + 10));
      levelF.add([prod.sku, WAREHOUSES[w]!.code, rop]);
    }
  }
}

/** A monthly evaluation per supplier: its deliveries, on time, and quality and price scores with some noise. */
function writeEvaluations(
  out: Output,
  seed: number,
  cal: Calendar,
  suppliers: Supplier[],
  stock: StockModel,
): void {
  const evalF = out.open('supplier_evaluations', [
    'supplier_code',
    'period_start',
    'deliveries',
    'on_time_deliveries',
    'quality_score',
    'price_score',
    'comment',
  ]);
  const rngE = Rng.derive(seed, 'evaluations');
  for (let s = 0; s < suppliers.length; s++) {
    const sup = suppliers[s]!;
    for (let m = 0; m < cal.calMonths; m++) {
      const mid = cal.monthStart(m) + 15 * DAY;
      const dl = stock.deliveries[s]![m]!;
      const ot = stock.onTimeCount[s]![m]!;
      const q = Math.min(100, Math.max(0, qualityAt(sup, mid, cal.end) + rngE.normal() * 2.5));
      const pr = Math.min(100, Math.max(0, sup.price + rngE.normal() * 2));
      const notes: string[] = [];
      if (dl === 0) notes.push('no deliveries this period');
      else if (ot / dl < 0.7) notes.push('late deliveries above tolerance');
      if (q < 70) notes.push('quality complaints (damaged or non-conforming goods)');
      evalF.add([
        sup.code,
        isoDate(cal.monthStart(m)),
        dl,
        ot,
        q.toFixed(2),
        pr.toFixed(2),
        notes.length ? notes.join('; ') : null,
      ]);
    }
  }
}

/**
 * The documents behind the RECEIPT movements: one order line per receipt, the receipt the
 * movement itself (same key). Orders still in transit at the end are SENT. A few suppliers ship
 * short (their own random stream: the rest of the data set does not move): the order asked for
 * more than came, closed short, or still PARTIALLY_RECEIVED when it came in the last 3 weeks.
 */
function writePurchaseDocuments(
  out: Output,
  seed: number,
  cal: Calendar,
  products: Product[],
  suppliers: Supplier[],
  stock: StockModel,
): void {
  const rngPo = Rng.derive(seed, 'purchase-documents');
  const poF = out.open('purchase_orders', [
    'number',
    'supplier_code',
    'warehouse_code',
    'status',
    'currency',
    'ordered_at',
    'sent_at',
    'received_at',
  ]);
  const poLineF = out.open('purchase_order_lines', [
    'po_number',
    'line_no',
    'sku',
    'quantity',
    'unit_cost',
    'expected_date',
  ]);
  const receiptF = out.open('purchase_receipts', [
    'number',
    'po_number',
    'line_no',
    'quantity',
    'received_at',
  ]);
  for (const d of stock.purchaseDocs) {
    const prod = products[Math.floor(d.pair / stock.nWh)]!;
    const wh = WAREHOUSES[d.pair % stock.nWh]!.code;
    const short = d.receivedAt !== undefined && rngPo.chance(0.08);
    const ordered = short ? d.qty + Math.max(1, Math.ceil(d.qty * rngPo.float(0.1, 0.35))) : d.qty;
    const status =
      d.receivedAt === undefined
        ? 'SENT'
        : short && d.receivedAt > cal.end - 21 * DAY
          ? 'PARTIALLY_RECEIVED'
          : 'RECEIVED';
    const receivedAt = status === 'RECEIVED' ? iso(d.receivedAt!) : null;
    const orderedAt = iso(d.orderedAt);
    poF.add([d.number, suppliers[d.supplier]!.code, wh, status, 'EUR', orderedAt, orderedAt, receivedAt]);
    poLineF.add([d.number, 1, prod.sku, ordered, d.cost, d.expected]);
    if (d.receivedAt !== undefined) receiptF.add([`RCPT-${d.number}`, d.number, 1, d.qty, iso(d.receivedAt)]);
  }
}
