import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { ORDER_TIMESTAMPS } from '../import/canonical';

/**
 * Reads a generated data set back and checks what the database and the importer require (keys,
 * references, status timestamps, the stock ledger), and computes a few shape statistics. Loads the
 * files in memory: meant for tests and for checking the committed default set, not for --scale 25.
 */
export type Row = Record<string, string>;

export function readTable(dir: string, name: string): Row[] {
  const gz = path.join(dir, `${name}.csv.gz`);
  const plain = path.join(dir, `${name}.csv`);
  const buf = existsSync(gz) ? gunzipSync(readFileSync(gz)) : readFileSync(plain);
  return parse(buf, { columns: true, skip_empty_lines: true }) as Row[];
}

export interface VerifyResult {
  errors: string[];
  stats: Record<string, unknown>;
}

const ROLES = new Set(['ADMIN', 'MANAGER', 'SALES', 'WAREHOUSE', 'PURCHASING', 'ANALYST']);
const SEGMENTS = new Set(['CONSUMER', 'SMALL_BUSINESS', 'CORPORATE', 'WHOLESALE']);
const STATUSES = new Set(['DRAFT', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED']);
const KINDS = new Set(['OPENING', 'RECEIPT', 'SHIPMENT', 'ADJUSTMENT', 'TRANSFER_IN', 'TRANSFER_OUT']);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** The errors found so far (the first 200), and a key check every table uses. */
class Checks {
  readonly errors: string[] = [];
  err(msg: string): void {
    if (this.errors.length < 200) this.errors.push(msg);
  }
  /** The keys of the rows; a key seen twice is an error. */
  unique(rows: Row[], key: (r: Row) => string, what: string): Set<string> {
    const seen = new Set<string>();
    for (const r of rows) {
      const k = key(r);
      if (seen.has(k)) this.err(`${what}: duplicate key ${k}`);
      seen.add(k);
    }
    return seen;
  }
}

export function verifyDataset(dir: string): VerifyResult {
  const c = new Checks();
  const master = checkMasterData(dir, c);
  const supply = checkSupply(dir, c, master);
  const ledger = checkLedger(dir, c, master);
  const orders = checkOrders(dir, c, master);
  const lines = checkLines(dir, c, master, ledger, orders);
  return { errors: c.errors, stats: shapeStats(master, supply, ledger, orders, lines) };
}

type MasterData = ReturnType<typeof checkMasterData>;

/** Users, categories, products, warehouses, customers and their contacts. */
function checkMasterData(dir: string, chk: Checks) {
  const err = (msg: string) => chk.err(msg);
  const unique = chk.unique.bind(chk);
  const users = readTable(dir, 'users');
  const userEmails = unique(users, (r) => r.email!, 'users');
  for (const u of users) {
    if (u.email !== u.email!.toLowerCase() || !/^[^@\s]+@[^@\s]+$/.test(u.email!))
      err(`users: bad email ${u.email}`);
    if (!ROLES.has(u.role!)) err(`users: bad role ${u.role}`);
  }

  const categories = readTable(dir, 'categories');
  const catCodes = new Set<string>();
  for (const c of categories) {
    if (c.parent_code && !catCodes.has(c.parent_code))
      err(`categories: parent ${c.parent_code} of ${c.code} not listed before`);
    if (catCodes.has(c.code!)) err(`categories: duplicate ${c.code}`);
    catCodes.add(c.code!);
  }

  const products = readTable(dir, 'products');
  const skus = unique(products, (r) => r.sku!, 'products');
  const listPrice = new Map<string, number>();
  for (const p of products) {
    if (!catCodes.has(p.category_code!)) err(`products: unknown category ${p.category_code}`);
    if (!(Number(p.list_price) >= 0) || !(Number(p.unit_cost) >= 0)) err(`products: bad price ${p.sku}`);
    if (p.status !== 'ACTIVE' && p.status !== 'DISCONTINUED') err(`products: bad status ${p.sku}`);
    listPrice.set(p.sku!, Number(p.list_price));
  }

  const warehouses = readTable(dir, 'warehouses');
  const whCodes = unique(warehouses, (r) => r.code!, 'warehouses');

  const customers = readTable(dir, 'customers');
  const custCodes = unique(customers, (r) => r.code!, 'customers');
  unique(
    customers.filter((c) => c.email),
    (r) => r.email!.toLowerCase(),
    'customers.email',
  );
  const segmentOf = new Map<string, string>();
  for (const c of customers) {
    if (!SEGMENTS.has(c.segment!)) err(`customers: bad segment ${c.code}`);
    if (c.status !== 'ACTIVE' && c.status !== 'INACTIVE') err(`customers: bad status ${c.code}`);
    if (c.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(c.email)) err(`customers: bad email ${c.email}`);
    if (c.sales_rep_email && !userEmails.has(c.sales_rep_email))
      err(`customers: unknown rep ${c.sales_rep_email}`);
    if (!c.country_code || !c.region || !c.city) err(`customers: missing geography ${c.code}`);
    if (c.is_guest !== 'true' && c.is_guest !== 'false') err(`customers: bad is_guest ${c.code}`);
    segmentOf.set(c.code!, c.segment!);
  }
  const contacts = readTable(dir, 'customer_contacts');
  unique(contacts, (r) => `${r.customer_code}|${r.email}`, 'customer_contacts');
  for (const c of contacts)
    if (!custCodes.has(c.customer_code!)) err(`customer_contacts: unknown customer ${c.customer_code}`);

  return { userEmails, skus, listPrice, whCodes, custCodes, segmentOf, customers, products };
}

/** Suppliers, their contacts, product supplies and evaluations; the stock levels. */
function checkSupply(dir: string, chk: Checks, { skus, whCodes }: MasterData) {
  const err = (msg: string) => chk.err(msg);
  const unique = chk.unique.bind(chk);
  const suppliers = readTable(dir, 'suppliers');
  const supCodes = unique(suppliers, (r) => r.code!, 'suppliers');
  const supContacts = readTable(dir, 'supplier_contacts');
  unique(supContacts, (r) => `${r.supplier_code}|${r.email}`, 'supplier_contacts');
  for (const c of supContacts)
    if (!supCodes.has(c.supplier_code!)) err(`supplier_contacts: unknown supplier ${c.supplier_code}`);
  const supplies = readTable(dir, 'product_supplies');
  unique(supplies, (r) => `${r.supplier_code}|${r.sku}`, 'product_supplies');
  for (const s of supplies) {
    if (!supCodes.has(s.supplier_code!) || !skus.has(s.sku!))
      err(`product_supplies: bad reference ${s.supplier_code}/${s.sku}`);
    if (!(Number(s.lead_time_days) > 0) || !(Number(s.min_order_quantity) > 0) || !(Number(s.unit_cost) >= 0))
      err(`product_supplies: bad values ${s.supplier_code}/${s.sku}`);
  }
  const evals = readTable(dir, 'supplier_evaluations');
  unique(evals, (r) => `${r.supplier_code}|${r.period_start}`, 'supplier_evaluations');
  for (const e of evals) {
    if (!supCodes.has(e.supplier_code!)) err(`supplier_evaluations: unknown supplier ${e.supplier_code}`);
    if (!/^\d{4}-\d{2}-01$/.test(e.period_start!))
      err(`supplier_evaluations: period not a month start ${e.period_start}`);
    const d = Number(e.deliveries);
    const o = Number(e.on_time_deliveries);
    if (!(d >= 0 && o >= 0 && o <= d))
      err(`supplier_evaluations: bad deliveries ${e.supplier_code} ${e.period_start}`);
    for (const s of [Number(e.quality_score), Number(e.price_score)])
      if (!(s >= 0 && s <= 100)) err(`supplier_evaluations: bad score ${e.supplier_code}`);
  }

  const levels = readTable(dir, 'stock_levels');
  unique(levels, (r) => `${r.sku}|${r.warehouse_code}`, 'stock_levels');
  const reorderPoint = new Map<string, number>();
  for (const l of levels) {
    if (!skus.has(l.sku!) || !whCodes.has(l.warehouse_code!))
      err(`stock_levels: bad reference ${l.sku}/${l.warehouse_code}`);
    if (!(Number(l.reorder_point) >= 0)) err(`stock_levels: bad reorder point ${l.sku}`);
    reorderPoint.set(`${l.sku}|${l.warehouse_code}`, Number(l.reorder_point));
  }

  return { reorderPoint };
}

type Ledger = ReturnType<typeof checkLedger>;

/** The stock movements: references, kinds, signs, time order, and no balance below 0. */
function checkLedger(dir: string, chk: Checks, { skus, whCodes }: MasterData) {
  const err = (msg: string) => chk.err(msg);
  const unique = chk.unique.bind(chk);
  // ledger
  const moves = readTable(dir, 'stock_movements');
  unique(moves, (r) => r.external_key!, 'stock_movements');
  const balance = new Map<string, number>();
  const byKey = new Map<string, Row>();
  const kindCount: Record<string, number> = {};
  let lastAt = '';
  let negatives = 0;
  for (const m of moves) {
    const q = Number(m.quantity);
    if (!skus.has(m.sku!) || !whCodes.has(m.warehouse_code!))
      err(`stock_movements: bad reference ${m.external_key}`);
    if (!KINDS.has(m.kind!)) err(`stock_movements: bad kind ${m.external_key}`);
    if (!Number.isInteger(q) || q === 0) err(`stock_movements: bad quantity ${m.external_key}`);
    if (
      (['OPENING', 'RECEIPT', 'TRANSFER_IN'].includes(m.kind!) && q <= 0) ||
      (['SHIPMENT', 'TRANSFER_OUT'].includes(m.kind!) && q >= 0)
    )
      err(`stock_movements: sign does not match kind ${m.external_key}`);
    if (!ISO.test(m.occurred_at!)) err(`stock_movements: bad time ${m.external_key}`);
    if (m.occurred_at! < lastAt) err(`stock_movements: not in time order at ${m.external_key}`);
    lastAt = m.occurred_at!;
    const k = `${m.sku}|${m.warehouse_code}`;
    const b = (balance.get(k) ?? 0) + q;
    if (b < 0) {
      negatives++;
      err(`stock_movements: balance of ${k} below 0 at ${m.external_key}`);
    }
    balance.set(k, b);
    byKey.set(m.external_key!, m);
    kindCount[m.kind!] = (kindCount[m.kind!] ?? 0) + 1;
  }

  return { moves, balance, byKey, kindCount, negatives };
}

type Orders = ReturnType<typeof checkOrders>;

/** The orders: references, and the timestamps their status requires, in order. */
function checkOrders(dir: string, chk: Checks, { custCodes, userEmails, whCodes }: MasterData) {
  const err = (msg: string) => chk.err(msg);
  const unique = chk.unique.bind(chk);
  // orders
  const orders = readTable(dir, 'orders');
  const orderByNumber = new Map<string, Row>();
  unique(orders, (r) => r.number!, 'orders');
  const statusCount: Record<string, number> = {};
  let lastOrderAt = '';
  for (const o of orders) {
    orderByNumber.set(o.number!, o);
    if (o.kind !== 'SALE' && o.kind !== 'RETURN') err(`orders: bad kind ${o.number}`);
    if (!STATUSES.has(o.status!)) err(`orders: bad status ${o.number}`);
    if (!custCodes.has(o.customer_code!)) err(`orders: unknown customer ${o.customer_code}`);
    if (o.sales_rep_email && !userEmails.has(o.sales_rep_email))
      err(`orders: unknown rep ${o.sales_rep_email}`);
    if (!whCodes.has(o.warehouse_code!)) err(`orders: unknown warehouse ${o.warehouse_code}`);
    if (!/^[A-Z]{3}$/.test(o.currency!)) err(`orders: bad currency ${o.number}`);
    const s = o.status!;
    const has = (f: string) => o[f] !== '';
    const need = {
      confirmed_at: ['CONFIRMED', 'SHIPPED', 'DELIVERED'].includes(s),
      shipped_at: ['SHIPPED', 'DELIVERED'].includes(s),
      delivered_at: s === 'DELIVERED',
      cancelled_at: s === 'CANCELLED',
    };
    for (const [f, required] of Object.entries(need)) {
      if (required && !has(f)) err(`orders: ${o.number} ${s} without ${f}`);
      if (f !== 'confirmed_at' && !required && has(f)) err(`orders: ${o.number} ${s} with ${f}`);
    }
    if (s === 'DRAFT' && has('confirmed_at')) err(`orders: ${o.number} DRAFT with confirmed_at`);
    const seq = ['ordered_at', 'confirmed_at', 'shipped_at', 'delivered_at']
      .map((f) => o[f])
      .filter((v) => v);
    for (let i = 1; i < seq.length; i++)
      if (seq[i]! < seq[i - 1]!) err(`orders: ${o.number} timestamps out of order`);
    if (has('cancelled_at') && o.cancelled_at! < o.ordered_at!)
      err(`orders: ${o.number} cancelled before ordered`);
    for (const f of ORDER_TIMESTAMPS) if (has(f) && !ISO.test(o[f]!)) err(`orders: bad ${f} ${o.number}`);
    if (o.ordered_at! < lastOrderAt) err(`orders: not in time order at ${o.number}`);
    lastOrderAt = o.ordered_at!;
    const key = `${o.kind}:${s}`;
    statusCount[key] = (statusCount[key] ?? 0) + 1;
  }

  return { orders, orderByNumber, statusCount };
}

/** The order lines against their orders and the ledger (shipments, reservations, returns); the planted anomalies. */
function checkLines(
  dir: string,
  chk: Checks,
  { skus, listPrice }: MasterData,
  { balance, byKey, kindCount }: Ledger,
  { orderByNumber }: Orders,
) {
  const err = (msg: string) => chk.err(msg);
  const unique = chk.unique.bind(chk);
  const lines = readTable(dir, 'order_lines');
  unique(lines, (r) => `${r.order_number}|${r.line_no}`, 'order_lines');
  const reserved = new Map<string, number>();
  const amount = new Map<string, number>();
  const lineCount = new Map<string, number>();
  let shipmentsExpected = 0;
  let offList = 0;
  for (const l of lines) {
    const o = orderByNumber.get(l.order_number!);
    if (!o) {
      err(`order_lines: unknown order ${l.order_number}`);
      continue;
    }
    if (!skus.has(l.sku!)) err(`order_lines: unknown sku ${l.sku}`);
    const q = Number(l.quantity);
    const price = Number(l.unit_price);
    const disc = Number(l.discount);
    const tax = Number(l.tax_rate);
    if (!Number.isInteger(q) || q <= 0) err(`order_lines: bad quantity ${l.order_number}/${l.line_no}`);
    if (!(Number(l.line_no) > 0)) err(`order_lines: bad line_no ${l.order_number}`);
    if (!(price >= 0)) err(`order_lines: bad price ${l.order_number}/${l.line_no}`);
    if (!(disc >= 0 && disc <= 1) || !(tax >= 0 && tax <= 1))
      err(`order_lines: bad discount/tax ${l.order_number}/${l.line_no}`);
    const lp = listPrice.get(l.sku!) ?? 0;
    if (lp > 0 && (price > lp * 3 || price < lp * 0.3)) offList++;
    if (o.kind === 'SALE') {
      amount.set(o.number!, (amount.get(o.number!) ?? 0) + q * price * (1 - disc));
      lineCount.set(o.number!, (lineCount.get(o.number!) ?? 0) + 1);
    }
    const pair = `${l.sku}|${o.warehouse_code}`;
    if (o.kind === 'SALE' && (o.status === 'SHIPPED' || o.status === 'DELIVERED')) {
      shipmentsExpected++;
      const m = byKey.get(`SHIP-${o.number}-${l.line_no}`);
      if (!m) err(`ledger: no SHIPMENT for ${o.number} line ${l.line_no}`);
      else if (
        m.kind !== 'SHIPMENT' ||
        Number(m.quantity) !== -q ||
        m.sku !== l.sku ||
        m.warehouse_code !== o.warehouse_code ||
        m.reference !== o.number
      )
        err(`ledger: SHIPMENT of ${o.number} line ${l.line_no} does not match the line`);
      else if (m.occurred_at !== o.shipped_at) err(`ledger: SHIPMENT of ${o.number} not at shipped_at`);
    } else if (byKey.has(`SHIP-${o.number}-${l.line_no}`))
      err(`ledger: SHIPMENT for ${o.number} (${o.kind} ${o.status})`);
    if (o.kind === 'SALE' && o.status === 'CONFIRMED') reserved.set(pair, (reserved.get(pair) ?? 0) + q);
    if (o.kind === 'RETURN' && o.status === 'DELIVERED') {
      const m = byKey.get(`RET-${o.number}-${l.line_no}`);
      if (!m || m.kind !== 'RECEIPT' || Number(m.quantity) !== q || m.sku !== l.sku)
        err(`ledger: no matching RECEIPT for return ${o.number} line ${l.line_no}`);
    }
  }
  if ((kindCount.SHIPMENT ?? 0) !== shipmentsExpected)
    err(`ledger: ${kindCount.SHIPMENT} SHIPMENT movements for ${shipmentsExpected} shipped lines`);
  for (const [pair, r] of reserved)
    if (r > (balance.get(pair) ?? 0))
      err(`ledger: reserved ${r} > on hand ${balance.get(pair) ?? 0} for ${pair}`);

  const anomalies = readTable(dir, 'planted_anomalies');
  for (const a of anomalies) {
    if (!orderByNumber.has(a.order_number!)) err(`planted_anomalies: unknown order ${a.order_number}`);
    if (a.sku && !skus.has(a.sku)) err(`planted_anomalies: unknown sku ${a.sku}`);
  }

  return { lines, amount, offList, anomalies };
}

function shapeStats(
  { customers, products, segmentOf }: MasterData,
  { reorderPoint }: ReturnType<typeof checkSupply>,
  { moves, balance, kindCount, negatives }: Ledger,
  { orders, statusCount }: Orders,
  { lines, amount, offList, anomalies }: ReturnType<typeof checkLines>,
): Record<string, unknown> {
  // shape statistics
  const revenueByCustomer = new Map<string, number>();
  const revenueBySegment: Record<string, number> = {};
  const ordersByMonth: Record<string, number> = {};
  let revenue = 0;
  for (const o of orders) {
    if (o.kind !== 'SALE' || o.status === 'CANCELLED') continue;
    const a = amount.get(o.number!) ?? 0;
    revenue += a;
    revenueByCustomer.set(o.customer_code!, (revenueByCustomer.get(o.customer_code!) ?? 0) + a);
    const seg = segmentOf.get(o.customer_code!)!;
    revenueBySegment[seg] = (revenueBySegment[seg] ?? 0) + a;
    const m = o.ordered_at!.slice(0, 7);
    ordersByMonth[m] = (ordersByMonth[m] ?? 0) + 1;
  }
  const custRev = [...revenueByCustomer.values()].sort((a, b) => b - a);
  const share = (frac: number) =>
    custRev.slice(0, Math.max(1, Math.round(customers.length * frac))).reduce((a, b) => a + b, 0) / revenue;
  const amounts = [...amount.values()].sort((a, b) => b - a);
  const p99 = amounts[Math.floor(amounts.length * 0.01)] ?? 0;
  let low = 0;
  let zero = 0;
  for (const [k, rop] of reorderPoint) {
    const b = balance.get(k) ?? 0;
    if (b <= rop) low++;
    if (b === 0) zero++;
  }
  const anomalyAmountRank = anomalies
    .filter((a) => a.kind === 'ABSURD_AMOUNT')
    .map((a) => amounts.findIndex((x) => x <= (amount.get(a.order_number!) ?? 0)) / amounts.length);
  return {
    customers: customers.length,
    products: products.length,
    orders: orders.length,
    lines: lines.length,
    movements: moves.length,
    kindCount,
    statusCount,
    negatives,
    linesPerOrder: lines.length / orders.length,
    revenue: Math.round(revenue),
    revenueBySegment: Object.fromEntries(
      Object.entries(revenueBySegment).map(([k, v]) => [k, Math.round((v / revenue) * 1000) / 10]),
    ),
    top1pctCustomerShare: share(0.01),
    top10pctCustomerShare: share(0.1),
    customersWithOrders: revenueByCustomer.size,
    orderAmountP99: Math.round(p99),
    absurdAmountRanks: anomalyAmountRank,
    linesOffList: offList,
    pairsAtOrBelowReorderPoint: low,
    pairsAtZero: zero,
    expedited: moves.filter((m) => m.note?.startsWith('expedited')).length,
    ordersByMonth,
  };
}

if (require.main === module) {
  const r = verifyDataset(process.argv[2] ?? 'data/native');
  console.log(JSON.stringify(r.stats, null, 1));
  console.log(r.errors.length ? r.errors.join('\n') : 'no errors');
  process.exitCode = r.errors.length ? 1 : 0;
}
