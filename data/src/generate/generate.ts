import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { progress } from '@erp/kit';
import { CsvFile, row } from './csv';
import { EventHeap } from './heap';
import {
  BRANDS,
  CATEGORY_TREE,
  COMPANY_KINDS,
  COMPANY_WORDS,
  COUNTRIES,
  FIRST_NAMES,
  HOUR_WEIGHT,
  JOB_TITLES,
  LAST_NAMES,
  LEGAL_FORMS,
  MONTH_SEASONALITY,
  PACKS,
  SUPPLIER_COUNTRIES,
  SUPPLIER_JOB_TITLES,
  SUPPLIER_SUFFIX,
  TERRITORIES,
  VARIANTS,
  WAREHOUSES,
  WEEKDAY_WEIGHT,
  type LeafCategory,
} from './reference';
import { Rng, Sampler } from './rng';

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

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;

type Segment = 'CONSUMER' | 'SMALL_BUSINESS' | 'CORPORATE' | 'WHOLESALE';
const SEGMENTS: {
  seg: Segment;
  share: number;
  freq: number;
  lines: number;
  qty: number;
  disc: [number, number];
}[] = [
  { seg: 'CONSUMER', share: 0.33, freq: 0.35, lines: 2, qty: 1.5, disc: [0, 0.01] },
  { seg: 'SMALL_BUSINESS', share: 0.52, freq: 1, lines: 3.5, qty: 3, disc: [0, 0.04] },
  { seg: 'CORPORATE', share: 0.12, freq: 2.5, lines: 5, qty: 5, disc: [0.03, 0.08] },
  { seg: 'WHOLESALE', share: 0.03, freq: 5, lines: 7, qty: 8, disc: [0.07, 0.12] },
];

interface Product {
  sku: string;
  leaf: LeafCategory;
  root: number;
  list: number;
  cost: number;
  weight: number;
  /** Month index from which it is no longer sold (Infinity when active). */
  discontinuedMonth: number;
  qtyFactor: number;
  supplies: { supplier: number; lead: number; moq: number; cost: string }[];
}

interface Supplier {
  code: string;
  onTime: number;
  quality: number;
  price: number;
  /** Deteriorating from this time on (Infinity when not). */
  decayFrom: number;
  maxLate: number;
}

interface Customer {
  code: string;
  seg: number;
  freq: number;
  basket: number;
  disc: number;
  focusRoot: number;
  focus: number;
  wh: number;
  rep: string;
  startMonth: number;
  endMonth: number;
}

interface Ev {
  t: number;
  seq: number;
  line: string;
  pair: number;
  /** Added to the free stock when the event happens (receipts, returns). */
  free: number;
  onOrder: number;
  supplier: number;
  onTime: boolean;
  /** The purchase order document the receipt belongs to (index in purchaseDocs), if any. */
  po?: number;
}

interface Delivered {
  number: string;
  customer: number;
  wh: number;
  deliveredAt: number;
  lines: { lineNo: number; prod: number; qty: number; price: string; disc: string; tax: number }[];
  used: boolean;
}

type AnomalyKind = 'ABSURD_AMOUNT' | 'MANY_LINES' | 'EXTREME_DISCOUNT' | 'PRICE_OFF_LIST' | 'ORDER_BURST';

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19) + 'Z';
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const money = (x: number) => (Math.round(x * 100) / 100).toFixed(2);
const frac = (x: number) => String(Math.round(x * 10000) / 10000);

export function slug(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ł/g, 'l')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function parseStart(start: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(start);
  if (!m) throw new Error(`--start: expected YYYY-MM-DD, got "${start}"`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(t) || isoDate(t) !== start) throw new Error(`--start: not a valid date: "${start}"`);
  return t;
}

/** Builds the whole data set into `opts.out`. */
export async function generate(opts: GenerateOptions): Promise<GenerateSummary> {
  const { scale, seed, months } = opts;
  if (!(scale > 0)) throw new Error('scale must be > 0');
  if (!Number.isInteger(months) || months < 3) throw new Error('months must be a whole number ≥ 3');
  const t0 = parseStart(opts.start);
  const d0 = new Date(t0);
  const end = Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth() + months, d0.getUTCDate());
  const nDays = Math.round((end - t0) / DAY);
  /** Calendar month index (0 = the month of the start date). */
  const monthOf = (t: number) => {
    const d = new Date(t);
    return (d.getUTCFullYear() - d0.getUTCFullYear()) * 12 + d.getUTCMonth() - d0.getUTCMonth();
  };
  const monthStart = (m: number) => Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth() + m, 1);
  const calMonths = monthOf(end - 1) + 1;

  mkdirSync(opts.out, { recursive: true });
  const ext = opts.gzip ? '.csv.gz' : '.csv';
  const files: CsvFile[] = [];
  const open = (name: string, header: string[]) => {
    rmSync(path.join(opts.out, name + (opts.gzip ? '.csv' : '.csv.gz')), { force: true });
    const f = new CsvFile(path.join(opts.out, name + ext), header, opts.gzip);
    files.push(f);
    return f;
  };

  // ---------------------------------------------------------------- users
  const rngU = Rng.derive(seed, 'users');
  const usedNames = new Set<string>();
  const person = (rng: Rng) => {
    for (;;) {
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(LAST_NAMES);
      if (!usedNames.has(first + ' ' + last)) {
        usedNames.add(first + ' ' + last);
        return {
          first,
          last,
          name: `${first} ${last}`,
          local: `${slug(first)}.${slug(last)}`.replace(/-/g, ''),
        };
      }
    }
  };
  const nReps = 8 * Math.max(1, Math.round(Math.sqrt(scale)));
  const users: { email: string; name: string; role: string; territory?: string[] }[] = [];
  const addUser = (role: string, territory?: string[]) => {
    const p = person(rngU);
    users.push({ email: `${p.local}@distribution.example`, name: p.name, role, territory });
  };
  addUser('MANAGER');
  for (let i = 0; i < nReps; i++) addUser('SALES', TERRITORIES[i % TERRITORIES.length]);
  addUser('WAREHOUSE');
  addUser('PURCHASING');
  addUser('ANALYST');
  const usersF = open('users', ['email', 'name', 'role']);
  for (const u of users) usersF.add([u.email, u.name, u.role]);

  // ---------------------------------------------------------------- categories
  const catF = open('categories', ['code', 'name', 'parent_code']);
  for (const r of CATEGORY_TREE) catF.add([r.code, r.name, null]);
  for (const r of CATEGORY_TREE) for (const c of r.children) catF.add([c.code, c.name, r.code]);

  // ---------------------------------------------------------------- suppliers
  const rngS = Rng.derive(seed, 'suppliers');
  const nSuppliers = Math.max(8, Math.round(40 * Math.sqrt(scale)));
  const leaves = CATEGORY_TREE.flatMap((r, ri) => r.children.map((c) => ({ leaf: c, root: ri })));
  const suppliers: (Supplier & { leaves: Set<number>; lead: [number, number] })[] = [];
  const supF = open('suppliers', ['code', 'name', 'email', 'phone', 'city', 'country_code', 'status']);
  const supContactF = open('supplier_contacts', ['supplier_code', 'email', 'name', 'phone', 'job_title']);
  const supNames = new Set<string>();
  const decaying = new Set([Math.floor(nSuppliers * 0.25), Math.floor(nSuppliers * 0.6)]);
  for (let i = 0; i < nSuppliers; i++) {
    const ctry = SUPPLIER_COUNTRIES[rngS.weighted(SUPPLIER_COUNTRIES.map((c) => c.w))]!;
    let name = '';
    do name = `${rngS.pick(COMPANY_WORDS)} ${rngS.pick(SUPPLIER_SUFFIX)}`;
    while (supNames.has(name));
    supNames.add(name);
    const code = `SUP-${String(i + 1).padStart(3, '0')}`;
    const domain = `${slug(name)}.example`;
    const phoneCc =
      COUNTRIES.find((c) => c.code === ctry.code)?.phone ?? rngS.pick(['+48', '+420', '+90', '+86']);
    const phoneFor = (cc: string) =>
      `${cc} ${rngS.int(100, 999)} ${rngS.int(100, 999)} ${rngS.int(100, 999)}`;
    const phone =
      ctry.code === 'PL'
        ? phoneFor('+48')
        : ctry.code === 'CZ'
          ? phoneFor('+420')
          : ctry.code === 'TR'
            ? phoneFor('+90')
            : ctry.code === 'CN'
              ? phoneFor('+86')
              : phoneFor(phoneCc);
    supF.add([code, name, `orders@${domain}`, phone, rngS.pick(ctry.city), ctry.code, 'ACTIVE']);
    const nContacts = rngS.int(1, 2);
    const seen = new Set<string>();
    for (let k = 0; k < nContacts; k++) {
      const p = person(rngS);
      if (seen.has(p.local)) continue;
      seen.add(p.local);
      supContactF.add([
        code,
        `${p.local}@${domain}`,
        p.name,
        phoneFor(phone.split(' ')[0]!),
        rngS.pick(SUPPLIER_JOB_TITLES),
      ]);
    }
    const isDecaying = decaying.has(i);
    suppliers.push({
      code,
      onTime: isDecaying ? rngS.float(0.9, 0.97) : rngS.float(0.7, 0.98),
      quality: rngS.float(76, 96),
      price: rngS.float(55, 92),
      decayFrom: isDecaying ? t0 + (end - t0) * rngS.float(0.3, 0.45) : Infinity,
      maxLate: (ctry.lead[1] ?? 0) > 20 ? 20 : 10,
      leaves: new Set<number>(),
      lead: ctry.lead as [number, number],
    });
  }
  for (let l = 0; l < leaves.length; l++) {
    suppliers[l % nSuppliers]!.leaves.add(l);
    suppliers[(l * 7 + 3) % nSuppliers]!.leaves.add(l);
  }
  for (const s of suppliers) {
    const extra = rngS.int(1, 3);
    for (let k = 0; k < extra; k++) s.leaves.add(rngS.int(0, leaves.length - 1));
  }
  const onTimeProb = (s: Supplier, t: number) =>
    t < s.decayFrom ? s.onTime : Math.max(0.35, s.onTime - 0.6 * ((t - s.decayFrom) / (end - s.decayFrom)));
  const qualityAt = (s: Supplier, t: number) =>
    t < s.decayFrom ? s.quality : s.quality - 28 * ((t - s.decayFrom) / (end - s.decayFrom));

  // ---------------------------------------------------------------- products
  const rngP = Rng.derive(seed, 'products');
  const nProducts = Math.max(40, Math.round(500 * Math.sqrt(scale)));
  const totalLeafW = leaves.reduce((a, l) => a + Math.sqrt(l.leaf.weight), 0);
  const perLeaf = leaves.map((l) =>
    Math.max(1, Math.floor((nProducts * Math.sqrt(l.leaf.weight)) / totalLeafW)),
  );
  for (
    let i = 0, left = nProducts - perLeaf.reduce((a, b) => a + b, 0);
    left > 0;
    i = (i + 1) % leaves.length, left--
  )
    perLeaf[i]!++;
  const products: Product[] = [];
  const prodF = open('products', ['sku', 'name', 'category_code', 'list_price', 'unit_cost', 'status']);
  const supplyF = open('product_supplies', [
    'supplier_code',
    'sku',
    'lead_time_days',
    'unit_cost',
    'min_order_quantity',
    'is_preferred',
  ]);
  const prodNames = new Set<string>();
  for (let l = 0; l < leaves.length; l++) {
    const { leaf, root } = leaves[l]!;
    const n = perLeaf[l]!;
    const ranks = rngP.shuffle(Array.from({ length: n }, (_, i) => i + 1));
    let h = 0;
    for (const r of ranks) h += 1 / Math.pow(r, 0.9);
    const supplierIdx = suppliers.map((s, i) => (s.leaves.has(l) ? i : -1)).filter((i) => i >= 0);
    for (let k = 0; k < n; k++) {
      const sku = `${leaf.code}-${String(k + 1).padStart(4, '0')}`;
      let name = '';
      for (let tries = 0; tries < 20; tries++) {
        name = `${rngP.pick(BRANDS)} ${rngP.pick(leaf.items)} ${rngP.pick(VARIANTS)}${rngP.pick(PACKS)}`;
        if (!prodNames.has(name)) break;
      }
      if (prodNames.has(name)) name = `${name} (${sku})`;
      prodNames.add(name);
      const raw = Math.max(0.5, rngP.lognormal(leaf.price, leaf.spread));
      const list =
        raw >= 10 ? Math.floor(raw) + rngP.pick([0.49, 0.9, 0.95, 0.99]) : Math.round(raw * 100) / 100;
      const cost = Math.round(list * rngP.float(0.55, 0.78) * 100) / 100;
      const discontinued = rngP.chance(0.04);
      const dm = discontinued ? rngP.int(6, Math.max(6, months - 3)) : Infinity;
      prodF.add([
        sku,
        name,
        leaf.code,
        list.toFixed(2),
        cost.toFixed(2),
        discontinued ? 'DISCONTINUED' : 'ACTIVE',
      ]);
      const nSup = Math.min(supplierIdx.length, rngP.int(1, 3));
      const chosen = rngP.shuffle([...supplierIdx]).slice(0, nSup);
      const moqChoices = list < 5 ? [12, 24, 50, 100] : list < 30 ? [1, 6, 10, 12, 24] : [1, 1, 2, 5];
      const supplies = chosen.map((si, j) => {
        const s = suppliers[si]!;
        const lead = rngP.int(s.lead[0], s.lead[1]);
        const moq = rngP.pick(moqChoices);
        const supplyCost = money(cost * rngP.float(0.93, 1.07));
        supplyF.add([s.code, sku, lead, supplyCost, moq, j === 0]);
        return { supplier: si, lead, moq, cost: supplyCost };
      });
      products.push({
        sku,
        leaf,
        root,
        list,
        cost,
        weight: leaf.weight / Math.pow(ranks[k]!, 0.9) / h,
        discontinuedMonth: dm,
        qtyFactor: Math.min(3, Math.max(0.08, Math.sqrt(15 / list))),
        supplies,
      });
    }
  }

  // ---------------------------------------------------------------- warehouses
  const whF = open('warehouses', ['code', 'name', 'city', 'country_code']);
  for (const w of WAREHOUSES) whF.add([w.code, w.name, w.city, w.country_code]);
  const nWh = WAREHOUSES.length;
  const whIndex = new Map(WAREHOUSES.map((w, i) => [w.code, i]));

  // ---------------------------------------------------------------- customers
  const rngC = Rng.derive(seed, 'customers');
  const nCustomers = Math.max(20, Math.round(2000 * scale));
  const customers: Customer[] = [];
  const custF = open('customers', [
    'code',
    'name',
    'email',
    'phone',
    'segment',
    'status',
    'country_code',
    'country_name',
    'region',
    'city',
    'sales_rep_email',
    'is_guest',
  ]);
  const contactF = open('customer_contacts', [
    'customer_code',
    'email',
    'name',
    'phone',
    'job_title',
    'is_primary',
  ]);
  const rootWeights = CATEGORY_TREE.map((r) => r.children.reduce((a, c) => a + c.weight, 0));
  for (let i = 0; i < nCustomers; i++) {
    const segIdx = rngC.weighted(SEGMENTS.map((s) => s.share));
    const seg = SEGMENTS[segIdx]!;
    const country = COUNTRIES[rngC.weighted(COUNTRIES.map((c) => c.weight))]!;
    const region = rngC.pick(country.regions);
    const city = rngC.pick(region.cities);
    const code = `C${String(i + 1).padStart(6, '0')}`;
    const phone = () =>
      `${country.phone} ${rngC.int(1, 9)}${rngC.int(10, 99)} ${rngC.int(100, 999)} ${rngC.int(100, 999)}`;
    let name: string;
    let email: string | null;
    let domain: string;
    if (seg.seg === 'CONSUMER') {
      const first = rngC.pick(FIRST_NAMES);
      const last = rngC.pick(LAST_NAMES);
      name = `${first} ${last}`;
      domain = 'mail.example';
      email = `${slug(first)}.${slug(last)}.${i + 1}@${domain}`;
    } else {
      const word = rngC.pick(COMPANY_WORDS);
      const kind = rngC.pick(COMPANY_KINDS[seg.seg]!);
      const legal = rngC.pick(LEGAL_FORMS[country.code]!);
      name = rngC.chance(0.5) ? `${word} ${kind} ${legal}` : `${rngC.pick(LAST_NAMES)} ${kind} ${legal}`;
      domain = `${slug(name)}-${i + 1}.example`;
      email = `purchasing@${domain}`;
    }
    if (rngC.chance(0.03)) email = null;
    const reps = users.filter((u) => u.territory?.includes(country.code));
    const rep = rngC.pick(reps).email;
    const size = Math.min(20, rngC.pareto(1, 2));
    const newcomer = rngC.chance(0.22);
    const startMonth = newcomer ? rngC.int(2, months - 2) : 0;
    const churner = rngC.chance(seg.seg === 'WHOLESALE' ? 0.05 : 0.15) && startMonth + 4 < months - 2;
    const endMonth = churner ? rngC.int(startMonth + 4, months - 2) : Infinity;
    const inactive = churner && rngC.chance(0.7);
    const focusRoot = rngC.weighted(rootWeights);
    customers.push({
      code,
      seg: segIdx,
      freq: seg.freq * Math.pow(size, 0.8),
      basket: Math.pow(size, 0.35) * rngC.lognormal(1, 0.25),
      disc: rngC.float(seg.disc[0], seg.disc[1]),
      focusRoot,
      focus: seg.seg === 'CONSUMER' ? rngC.float(0, 0.3) : rngC.float(0.3, 0.75),
      wh: whIndex.get(country.warehouse)!,
      rep,
      startMonth,
      endMonth,
    });
    custF.add([
      code,
      name,
      email,
      phone(),
      seg.seg,
      inactive ? 'INACTIVE' : 'ACTIVE',
      country.code,
      country.name,
      region.name,
      city,
      rep,
      false,
    ]);
    if (seg.seg !== 'CONSUMER') {
      const n = rngC.int(1, 3);
      const seen = new Set<string>();
      for (let k = 0; k < n; k++) {
        const first = rngC.pick(FIRST_NAMES);
        const last = rngC.pick(LAST_NAMES);
        const ce = `${slug(first)}.${slug(last)}@${domain}`;
        if (seen.has(ce)) continue;
        seen.add(ce);
        contactF.add([code, ce, `${first} ${last}`, phone(), rngC.pick(JOB_TITLES), seen.size === 1]);
      }
    }
  }

  // ---------------------------------------------------------------- order volume per day
  const rngO = Rng.derive(seed, 'orders');
  const totalOrders = Math.max(50, Math.round(40000 * scale));
  const dayW: number[] = [];
  for (let d = 0; d < nDays; d++) {
    const t = t0 + d * DAY;
    const date = new Date(t);
    const md = `${date.getUTCMonth() + 1}-${date.getUTCDate()}`;
    const holiday =
      md === '12-25' || md === '1-1' || md === '5-1' ? 0.05 : md === '12-24' || md === '12-31' ? 0.4 : 1;
    dayW.push(
      MONTH_SEASONALITY[date.getUTCMonth()]! *
        WEEKDAY_WEIGHT[date.getUTCDay()]! *
        Math.pow(1.2, d / 365) *
        holiday,
    );
  }
  const sumW = dayW.reduce((a, b) => a + b, 0);
  const dayCount: number[] = [];
  {
    let cum = 0;
    let prev = 0;
    for (let d = 0; d < nDays; d++) {
      cum += dayW[d]!;
      const c = Math.round((totalOrders * cum) / sumW);
      dayCount.push(c - prev);
      prev = c;
    }
  }

  // ---------------------------------------------------------------- planted anomalies
  const rngA = Rng.derive(seed, 'anomalies');
  const anomalyAt = new Map<number, AnomalyKind>();
  const lo = Math.floor(totalOrders * 0.08);
  const hi = Math.floor(totalOrders * 0.85);
  const plan: [AnomalyKind, number][] = [
    ['ABSURD_AMOUNT', 18],
    ['MANY_LINES', 4],
    ['EXTREME_DISCOUNT', 5],
    ['PRICE_OFF_LIST', 3],
  ];
  const burstSize = 8;
  const burstStart = rngA.int(Math.floor(totalOrders * 0.5), Math.floor(totalOrders * 0.7));
  for (let k = 0; k < burstSize; k++) anomalyAt.set(burstStart + k, 'ORDER_BURST');
  for (const [kind, n] of plan) {
    for (let k = 0; k < n;) {
      const slot = rngA.int(lo, hi);
      if (anomalyAt.has(slot) || anomalyAt.has(slot - 1) || anomalyAt.has(slot + 1)) continue;
      anomalyAt.set(slot, kind);
      k++;
    }
  }
  const burstCustomer = (() => {
    const burstMonth = monthOf(t0 + ((end - t0) * burstStart) / totalOrders);
    const cands = customers
      .map((c, i) => ({ c, i }))
      .filter(
        ({ c }) =>
          c.seg === 1 && c.startMonth === 0 && c.endMonth === Infinity && c.freq < 1.5 && burstMonth >= 0,
      );
    return cands.length ? rngA.pick(cands).i : 0;
  })();
  const anomalies: string[] = [];

  // ---------------------------------------------------------------- stock model
  const nPairs = products.length * nWh;
  const free = new Float64Array(nPairs); // on hand − committed shipments − reservations (never < 0)
  const onOrder = new Float64Array(nPairs);
  const reserved = new Float64Array(nPairs);
  const rate = new Float64Array(nPairs); // smoothed units/day
  const dayDemand = new Float64Array(nPairs);
  const lineAvg = new Float64Array(nPairs).fill(1); // smoothed line quantity
  const starveFrom = new Float64Array(nPairs).fill(Infinity);
  // expected demand to seed the opening stock and the reorder points
  {
    let fw = 0;
    let lw = 0;
    let qw = 0;
    const whShare = new Float64Array(nWh);
    for (const c of customers) {
      const s = SEGMENTS[c.seg]!;
      fw += c.freq;
      lw += c.freq * s.lines * Math.sqrt(c.basket);
      qw += c.freq * s.lines * Math.sqrt(c.basket) * s.qty * c.basket * 1.28;
      whShare[c.wh]! += c.freq;
    }
    const ordersPerDay0 = dayCount.slice(0, 60).reduce((a, b) => a + b, 0) / 60;
    const linesPerDay = (ordersPerDay0 * lw) / fw;
    const qtyPerLine = qw / lw;
    const pw = products.reduce((a, p) => a + p.weight, 0);
    for (let p = 0; p < products.length; p++) {
      for (let w = 0; w < nWh; w++) {
        rate[p * nWh + w] =
          ((linesPerDay * products[p]!.weight) / pw) *
          (whShare[w]! / fw) *
          qtyPerLine *
          products[p]!.qtyFactor;
      }
    }
  }
  for (let i = 0; i < nPairs; i++) if (rngA.chance(0.06)) starveFrom[i] = end - rngA.float(30, 55) * DAY;

  const moveF = open('stock_movements', [
    'external_key',
    'sku',
    'warehouse_code',
    'kind',
    'quantity',
    'reference',
    'occurred_at',
    'note',
  ]);
  const ordersF = open('orders', [
    'number',
    'kind',
    'status',
    'customer_code',
    'sales_rep_email',
    'warehouse_code',
    'currency',
    'ordered_at',
    'confirmed_at',
    'shipped_at',
    'delivered_at',
    'cancelled_at',
  ]);
  const linesF = open('order_lines', [
    'order_number',
    'line_no',
    'sku',
    'quantity',
    'unit_price',
    'discount',
    'tax_rate',
  ]);

  const openingAt = iso(t0);
  for (let p = 0; p < products.length; p++) {
    for (let w = 0; w < nWh; w++) {
      const i = p * nWh + w;
      const q = Math.ceil(rate[i]! * rngO.float(35, 60)) + rngO.int(2, 10);
      free[i] = q;
      moveF.add([
        `OPEN-${products[p]!.sku}-${WAREHOUSES[w]!.code}`,
        products[p]!.sku,
        WAREHOUSES[w]!.code,
        'OPENING',
        q,
        'OPENING',
        openingAt,
        'opening balance',
      ]);
    }
  }

  /** Every purchase order the simulation sends (one line each), and when its goods arrived (never: still on order). */
  const purchaseDocs: { number: string; supplier: number; pair: number; qty: number; cost: string; orderedAt: number; expected: string; receivedAt?: number }[] = [];
  const heap = new EventHeap<Ev>();
  let evSeq = 0;
  let poSeq = 0;
  let expedited = 0;
  const deliveries = Array.from({ length: nSuppliers }, () => new Int32Array(calMonths));
  const onTimeCount = Array.from({ length: nSuppliers }, () => new Int32Array(calMonths));
  const flushUntil = (t: number) => {
    for (let e = heap.peek(); e && e.t <= t; e = heap.peek()) {
      heap.pop();
      free[e.pair]! += e.free;
      onOrder[e.pair]! -= e.onOrder;
      if (e.po !== undefined) purchaseDocs[e.po]!.receivedAt = e.t;
      if (e.supplier >= 0) {
        const m = monthOf(e.t);
        deliveries[e.supplier]![m]!++;
        if (e.onTime) onTimeCount[e.supplier]![m]!++;
      }
      moveF.line(e.line);
    }
  };
  const pushEv = (e: Omit<Ev, 'seq'>) => heap.push({ ...e, seq: evSeq++ });
  const bizTime = (day: number, rng: Rng) => Math.floor(day / DAY) * DAY + rng.int(7 * 60, 17 * 60) * MIN;

  const receipt = (pair: number, t: number, qty: number, supplyIdx: number, expeditedNow: boolean) => {
    const prod = products[Math.floor(pair / nWh)]!;
    const wh = WAREHOUSES[pair % nWh]!;
    const sup = prod.supplies[supplyIdx]!;
    const s = suppliers[sup.supplier]!;
    const po = `PO-${String(++poSeq).padStart(7, '0')}`;
    let at: number;
    let onTime = true;
    if (expeditedNow) at = t + rngO.int(1, 30) * MIN;
    else {
      onTime = rngO.chance(onTimeProb(s, t));
      const due = t + sup.lead * DAY;
      at = bizTime(onTime ? due - rngO.int(0, 1) * DAY : due + rngO.int(1, s.maxLate) * DAY, rngO);
      if (at <= t) at = t + HOUR;
    }
    const line = row([
      `RCPT-${po}`,
      prod.sku,
      wh.code,
      'RECEIPT',
      qty,
      po,
      iso(at),
      expeditedNow ? `expedited from ${s.code}` : `from ${s.code}`,
    ]);
    // the purchase order behind the receipt: due at order + lead time (an expedited one: the day it came)
    const doc = purchaseDocs.push({ number: po, supplier: sup.supplier, pair, qty, cost: sup.cost, orderedAt: t, expected: isoDate(expeditedNow ? at : t + sup.lead * DAY) }) - 1;
    if (expeditedNow) {
      expedited++;
      free[pair]! += qty;
      pushEv({ t: at, line, pair, free: 0, onOrder: 0, supplier: sup.supplier, onTime: true, po: doc });
    } else {
      onOrder[pair]! += qty;
      pushEv({ t: at, line, pair, free: qty, onOrder: qty, supplier: sup.supplier, onTime, po: doc });
    }
  };
  const pickSupply = (prod: Product) =>
    prod.supplies.length > 1 && rngO.chance(0.15) ? rngO.int(1, prod.supplies.length - 1) : 0;
  const roundUp = (q: number, moq: number) => Math.max(moq, Math.ceil(q / moq) * moq);

  /** Takes `qty` of a pair at time t (shipment or reservation), replenishing as needed. */
  const take = (pair: number, t: number, qty: number) => {
    const prod = products[Math.floor(pair / nWh)]!;
    lineAvg[pair] = lineAvg[pair]! * 0.9 + qty * 0.1;
    if (free[pair]! < qty) {
      const si = pickSupply(prod);
      receipt(
        pair,
        t,
        roundUp(qty - free[pair]! + rate[pair]! * 14 + lineAvg[pair]!, prod.supplies[si]!.moq),
        si,
        true,
      );
    }
    free[pair]! -= qty;
    dayDemand[pair]! += qty;
    if (t < starveFrom[pair]! && monthOf(t) < prod.discontinuedMonth) {
      const si = pickSupply(prod);
      const lead = prod.supplies[si]!.lead;
      if (free[pair]! + onOrder[pair]! <= rate[pair]! * (lead + 12) + 3 * lineAvg[pair]! + 2) {
        receipt(
          pair,
          t,
          roundUp(Math.max(rate[pair]! * rngO.float(25, 40), 3 * lineAvg[pair]!), prod.supplies[si]!.moq),
          si,
          false,
        );
      }
    }
  };

  // ---------------------------------------------------------------- orders
  const bar = opts.quiet ? undefined : progress('orders', totalOrders, 'orders');
  let custSampler: Sampler | undefined;
  let prodSampler: Sampler | undefined;
  let rootSamplers: { idx: number[]; s: Sampler }[] = [];
  let curMonth = -1;
  const lastYear = new Date(end - DAY).getUTCFullYear();
  const ring: Delivered[] = [];
  const ringSize = 600;
  let ringPos = 0;
  let saleSeq = 0;
  let returnSeq = 0;
  let slot = 0;
  const hourSampler = new Sampler(HOUR_WEIGHT);

  const timeline = (t: number, canCancel: boolean) => {
    const r = rngO.next();
    const confirm =
      r < 0.07
        ? rngO.int(2 * 24 * 60, 9 * 24 * 60)
        : r < 0.2
          ? rngO.int(8 * 60, 48 * 60)
          : rngO.int(10, 6 * 60);
    const confirmedAt = t + confirm * MIN;
    if (canCancel && rngO.chance(0.03)) {
      const wasConfirmed = rngO.chance(0.5);
      const cancelledAt = wasConfirmed
        ? confirmedAt + rngO.int(2 * 60, 72 * 60) * MIN
        : t + rngO.int(60, Math.max(61, confirm - 1)) * MIN;
      if (cancelledAt < end)
        return {
          status: 'CANCELLED',
          confirmedAt: wasConfirmed ? confirmedAt : null,
          cancelledAt,
          shippedAt: null,
          deliveredAt: null,
        };
      return {
        status: wasConfirmed && confirmedAt < end ? 'CONFIRMED' : 'DRAFT',
        confirmedAt: wasConfirmed && confirmedAt < end ? confirmedAt : null,
        cancelledAt: null,
        shippedAt: null,
        deliveredAt: null,
      };
    }
    const shippedAt =
      confirmedAt +
      (rngO.chance(0.2) ? rngO.int(3 * 24 * 60, 9 * 24 * 60) : rngO.int(12 * 60, 60 * 60)) * MIN;
    const deliveredAt = shippedAt + rngO.int(18 * 60, 4 * 24 * 60) * MIN;
    if (deliveredAt < end)
      return { status: 'DELIVERED', confirmedAt, shippedAt, deliveredAt, cancelledAt: null };
    if (shippedAt < end)
      return { status: 'SHIPPED', confirmedAt, shippedAt, deliveredAt: null, cancelledAt: null };
    if (confirmedAt < end)
      return { status: 'CONFIRMED', confirmedAt, shippedAt: null, deliveredAt: null, cancelledAt: null };
    return { status: 'DRAFT', confirmedAt: null, shippedAt: null, deliveredAt: null, cancelledAt: null };
  };
  const writeOrder = (
    number: string,
    kind: string,
    tl: ReturnType<typeof timeline>,
    c: Customer,
    wh: number,
    t: number,
  ) =>
    ordersF.add([
      number,
      kind,
      tl.status,
      c.code,
      c.rep,
      WAREHOUSES[wh]!.code,
      'EUR',
      iso(t),
      tl.confirmedAt === null ? null : iso(tl.confirmedAt),
      tl.shippedAt === null ? null : iso(tl.shippedAt),
      tl.deliveredAt === null ? null : iso(tl.deliveredAt),
      tl.cancelledAt === null ? null : iso(tl.cancelledAt),
    ]);

  const makeReturn = (t: number): boolean => {
    for (let tries = 0; tries < 6; tries++) {
      const o = ring[rngO.int(0, ring.length - 1)];
      if (!o || o.used || o.deliveredAt > t - DAY) continue;
      o.used = true;
      const number = `RT-${String(++returnSeq).padStart(6, '0')}`;
      const c = customers[o.customer]!;
      const confirmedAt = t + rngO.int(60, 24 * 60) * MIN;
      const shippedAt = confirmedAt + rngO.int(24 * 60, 4 * 24 * 60) * MIN;
      const deliveredAt = shippedAt + rngO.int(24 * 60, 4 * 24 * 60) * MIN;
      const tl =
        deliveredAt < end
          ? { status: 'DELIVERED', confirmedAt, shippedAt, deliveredAt, cancelledAt: null }
          : shippedAt < end
            ? { status: 'SHIPPED', confirmedAt, shippedAt, deliveredAt: null, cancelledAt: null }
            : confirmedAt < end
              ? { status: 'CONFIRMED', confirmedAt, shippedAt: null, deliveredAt: null, cancelledAt: null }
              : { status: 'DRAFT', confirmedAt: null, shippedAt: null, deliveredAt: null, cancelledAt: null };
      writeOrder(number, 'RETURN', tl, c, o.wh, t);
      const n = Math.min(o.lines.length, rngO.chance(0.75) ? 1 : 2);
      const picked = rngO.shuffle([...o.lines]).slice(0, n);
      picked.forEach((l, k) => {
        const qty = Math.max(1, Math.floor(l.qty * rngO.float(0.2, 1)));
        linesF.add([number, k + 1, products[l.prod]!.sku, qty, l.price, l.disc, l.tax]);
        if (tl.status === 'DELIVERED') {
          const pair = l.prod * nWh + o.wh;
          pushEv({
            t: deliveredAt,
            pair,
            free: qty,
            onOrder: 0,
            supplier: -1,
            onTime: true,
            line: row([
              `RET-${number}-${k + 1}`,
              products[l.prod]!.sku,
              WAREHOUSES[o.wh]!.code,
              'RECEIPT',
              qty,
              number,
              iso(deliveredAt),
              `returned goods of ${o.number} line ${l.lineNo}`,
            ]),
          });
        }
      });
      return true;
    }
    return false;
  };

  const makeSale = (t: number, anomaly: AnomalyKind | undefined) => {
    let ci = anomaly === 'ORDER_BURST' ? burstCustomer : custSampler!.draw(rngO);
    if (anomaly === 'ABSURD_AMOUNT') {
      for (let k = 0; k < 200 && (customers[ci]!.seg !== 1 || customers[ci]!.freq > 3); k++)
        ci = custSampler!.draw(rngO);
    }
    const c = customers[ci]!;
    const seg = SEGMENTS[c.seg]!;
    const wh = rngO.chance(0.95) ? c.wh : rngO.int(0, nWh - 1);
    const tl = timeline(t, anomaly === undefined);
    const number = `SO-${String(++saleSeq).padStart(7, '0')}`;
    writeOrder(number, 'SALE', tl, c, wh, t);
    const usesStock = tl.status === 'CONFIRMED' || tl.status === 'SHIPPED' || tl.status === 'DELIVERED';
    let nLines = Math.min(25, 1 + rngO.poisson((seg.lines - 1) * Math.sqrt(c.basket)));
    if (anomaly === 'MANY_LINES') nLines = rngO.int(60, 90);
    if (anomaly === 'ABSURD_AMOUNT') nLines = Math.max(nLines, rngO.int(3, 6));
    nLines = Math.min(nLines, Math.floor(products.length * 0.6));
    const factor = anomaly === 'ABSURD_AMOUNT' ? rngO.int(20, 50) : 1;
    const priceLine = anomaly === 'PRICE_OFF_LIST' ? 1 : 0;
    const chosen = new Set<number>();
    const yearF = Math.pow(1.03, new Date(t).getUTCFullYear() - lastYear);
    const lines: Delivered['lines'] = [];
    for (let k = 0; k < nLines; k++) {
      let p = -1;
      for (let tries = 0; tries < 30; tries++) {
        const rs = rootSamplers[c.focusRoot]!;
        const cand =
          rngO.chance(c.focus) && rs.s.total > 0 ? rs.idx[rs.s.draw(rngO)]! : prodSampler!.draw(rngO);
        if (chosen.has(cand)) continue;
        const pair = cand * nWh + wh;
        if (usesStock && t >= starveFrom[pair]! && free[pair]! < 1) continue;
        if (anomaly === 'PRICE_OFF_LIST' && k + 1 === priceLine && products[cand]!.list < 20) continue;
        p = cand;
        break;
      }
      if (p < 0) continue;
      chosen.add(p);
      const prod = products[p]!;
      const pair = p * nWh + wh;
      let qty = Math.max(1, Math.round(rngO.lognormal(seg.qty * c.basket * prod.qtyFactor, 0.7))) * factor;
      if (anomaly === 'ABSURD_AMOUNT') qty = Math.max(qty, Math.ceil(2000 / prod.list));
      if (usesStock && t >= starveFrom[pair]!) qty = Math.min(qty, Math.floor(free[pair]!));
      let price = prod.list * yearF;
      let disc = rngO.chance(seg.seg === 'CONSUMER' ? 0.8 : 0.25)
        ? 0
        : Math.min(0.15, Math.max(0, c.disc + rngO.float(-0.02, 0.03)));
      disc = Math.round(disc * 200) / 200;
      const lineNo = lines.length + 1;
      if (anomaly === 'EXTREME_DISCOUNT') disc = Math.round(rngO.float(0.45, 0.7) * 100) / 100;
      if (anomaly === 'PRICE_OFF_LIST' && lineNo === priceLine) {
        const mult = rngO.chance(0.67) ? rngO.float(8, 12) : rngO.float(0.05, 0.1);
        price = prod.list * mult;
        anomalies.push(
          row([
            null,
            anomaly,
            number,
            c.code,
            prod.sku,
            `line ${lineNo}: unit price ${money(price)} vs list price ${prod.list.toFixed(2)} (×${mult.toFixed(2)})`,
          ]),
        );
      }
      const priceS = money(price);
      const discS = frac(disc);
      linesF.add([number, lineNo, prod.sku, qty, priceS, discS, prod.leaf.taxRate]);
      lines.push({ lineNo, prod: p, qty, price: priceS, disc: discS, tax: prod.leaf.taxRate });
      if (usesStock) {
        take(pair, t, qty);
        if (tl.status === 'CONFIRMED') reserved[pair]! += qty;
        else
          pushEv({
            t: tl.shippedAt!,
            pair,
            free: 0,
            onOrder: 0,
            supplier: -1,
            onTime: true,
            line: row([
              `SHIP-${number}-${lineNo}`,
              prod.sku,
              WAREHOUSES[wh]!.code,
              'SHIPMENT',
              -qty,
              number,
              iso(tl.shippedAt!),
              null,
            ]),
          });
      }
    }
    if (anomaly === 'ABSURD_AMOUNT')
      anomalies.push(
        row([
          null,
          anomaly,
          number,
          c.code,
          null,
          `${lines.length} lines with quantities ×${factor} the customer's usual basket (at least 2,000 EUR a line; a ${seg.seg} account)`,
        ]),
      );
    if (anomaly === 'MANY_LINES')
      anomalies.push(
        row([null, anomaly, number, c.code, null, `${lines.length} lines (usual orders have 1–25)`]),
      );
    if (anomaly === 'EXTREME_DISCOUNT')
      anomalies.push(
        row([null, anomaly, number, c.code, null, `every line discounted 45–70 % (usual 0–15 %)`]),
      );
    if (anomaly === 'ORDER_BURST')
      anomalies.push(
        row([
          null,
          anomaly,
          number,
          c.code,
          null,
          `one of ${burstSize} orders in a row from a small account that usually orders about once a month`,
        ]),
      );
    if (tl.status === 'DELIVERED' && !anomaly && lines.length) {
      const entry: Delivered = { number, customer: ci, wh, deliveredAt: tl.deliveredAt!, lines, used: false };
      if (ring.length < ringSize) ring.push(entry);
      else ring[ringPos++ % ringSize] = entry;
    }
  };

  for (let d = 0; d < nDays; d++) {
    const dayStart = t0 + d * DAY;
    const m = monthOf(dayStart);
    if (m !== curMonth) {
      curMonth = m;
      custSampler = new Sampler(customers.map((c) => (m >= c.startMonth && m < c.endMonth ? c.freq : 0)));
      const pw = products.map((p) => (m < p.discontinuedMonth ? p.weight : 0));
      prodSampler = new Sampler(pw);
      rootSamplers = CATEGORY_TREE.map((_, r) => {
        const idx = products.map((p, i) => (p.root === r ? i : -1)).filter((i) => i >= 0);
        return { idx, s: new Sampler(idx.map((i) => pw[i]!)) };
      });
    }
    const n = dayCount[d]!;
    const times: number[] = [];
    for (let k = 0; k < n; k++) times.push(dayStart + hourSampler.draw(rngO) * HOUR + rngO.int(0, 59) * MIN);
    times.sort((a, b) => a - b);
    for (const t of times) {
      flushUntil(t);
      const anomaly = anomalyAt.get(slot++);
      if (anomaly || !rngO.chance(0.01) || !makeReturn(t)) makeSale(t, anomaly);
    }
    for (let i = 0; i < nPairs; i++) {
      rate[i] = rate[i]! * (29 / 30) + dayDemand[i]! / 30;
      dayDemand[i] = 0;
    }
    bar?.update(slot);
    await Promise.all([moveF.drain(), ordersF.drain(), linesF.drain()]);
  }
  flushUntil(end - MIN - 1);
  // a few stock counts write off what is left: some items end at zero
  const rngZ = Rng.derive(seed, 'counts');
  const zeroTarget = Math.max(3, Math.round(6 * Math.sqrt(scale)));
  const candidates: number[] = [];
  for (let i = 0; i < nPairs; i++)
    if (starveFrom[i]! < end && reserved[i] === 0 && free[i]! > 0 && onOrder[i] === 0) candidates.push(i);
  rngZ.shuffle(candidates);
  for (const pair of candidates.slice(0, zeroTarget)) {
    const q = free[pair]!;
    const at = end - MIN;
    const sku = products[Math.floor(pair / nWh)]!.sku;
    const wh = WAREHOUSES[pair % nWh]!.code;
    pushEv({
      t: at,
      pair,
      free: -q,
      onOrder: 0,
      supplier: -1,
      onTime: true,
      line: row([
        `ADJ-${sku}-${wh}-${isoDate(at)}`,
        sku,
        wh,
        'ADJUSTMENT',
        -q,
        `COUNT-${isoDate(at)}`,
        iso(at),
        'stock count: damaged goods written off',
      ]),
    });
  }
  flushUntil(end - 1);
  bar?.stop(`${slot} orders (${saleSeq} sales, ${returnSeq} returns)`);

  // ---------------------------------------------------------------- stock levels, evaluations, anomalies
  const levelF = open('stock_levels', ['sku', 'warehouse_code', 'reorder_point']);
  for (let p = 0; p < products.length; p++) {
    const prod = products[p]!;
    for (let w = 0; w < nWh; w++) {
      const rop =
        monthOf(end - DAY) >= prod.discontinuedMonth
          ? 0
          : Math.round(rate[p * nWh + w]! * (prod.supplies[0]!.lead + 10));
      levelF.add([prod.sku, WAREHOUSES[w]!.code, rop]);
    }
  }
  const evalF = open('supplier_evaluations', [
    'supplier_code',
    'period_start',
    'deliveries',
    'on_time_deliveries',
    'quality_score',
    'price_score',
    'comment',
  ]);
  const rngE = Rng.derive(seed, 'evaluations');
  for (let s = 0; s < nSuppliers; s++) {
    const sup = suppliers[s]!;
    for (let m = 0; m < calMonths; m++) {
      const mid = monthStart(m) + 15 * DAY;
      const dl = deliveries[s]![m]!;
      const ot = onTimeCount[s]![m]!;
      const q = Math.min(100, Math.max(0, qualityAt(sup, mid) + rngE.normal() * 2.5));
      const pr = Math.min(100, Math.max(0, sup.price + rngE.normal() * 2));
      const notes: string[] = [];
      if (dl === 0) notes.push('no deliveries this period');
      else if (ot / dl < 0.7) notes.push('late deliveries above tolerance');
      if (q < 70) notes.push('quality complaints (damaged or non-conforming goods)');
      evalF.add([
        sup.code,
        isoDate(monthStart(m)),
        dl,
        ot,
        q.toFixed(2),
        pr.toFixed(2),
        notes.length ? notes.join('; ') : null,
      ]);
    }
  }
  // ---------------------------------------------------------------- purchase orders and receipts
  // The documents behind the RECEIPT movements: one order line per receipt, the receipt the
  // movement itself (same key). Orders still in transit at the end are SENT. A few suppliers ship
  // short (their own random stream: the rest of the data set does not move): the order asked for
  // more than came, closed short, or still PARTIALLY_RECEIVED when it came in the last 3 weeks.
  const rngPo = Rng.derive(seed, 'purchase-documents');
  const poF = open('purchase_orders', ['number', 'supplier_code', 'warehouse_code', 'status', 'currency', 'ordered_at', 'sent_at', 'received_at']);
  const poLineF = open('purchase_order_lines', ['po_number', 'line_no', 'sku', 'quantity', 'unit_cost', 'expected_date']);
  const receiptF = open('purchase_receipts', ['number', 'po_number', 'line_no', 'quantity', 'received_at']);
  for (const d of purchaseDocs) {
    const prod = products[Math.floor(d.pair / nWh)]!;
    const wh = WAREHOUSES[d.pair % nWh]!.code;
    const short = d.receivedAt !== undefined && rngPo.chance(0.08);
    const ordered = short ? d.qty + Math.max(1, Math.ceil(d.qty * rngPo.float(0.1, 0.35))) : d.qty;
    const status = d.receivedAt === undefined ? 'SENT' : short && d.receivedAt > end - 21 * DAY ? 'PARTIALLY_RECEIVED' : 'RECEIVED';
    poF.add([d.number, suppliers[d.supplier]!.code, wh, status, 'EUR', iso(d.orderedAt), iso(d.orderedAt), status === 'RECEIVED' ? iso(d.receivedAt!) : null]);
    poLineF.add([d.number, 1, prod.sku, ordered, d.cost, d.expected]);
    if (d.receivedAt !== undefined) receiptF.add([`RCPT-${d.number}`, d.number, 1, d.qty, iso(d.receivedAt)]);
  }

  const anomF = open('planted_anomalies', [
    'id',
    'kind',
    'order_number',
    'customer_code',
    'sku',
    'description',
  ]);
  anomalies.forEach((line, i) => anomF.line(`A${String(i + 1).padStart(3, '0')}` + line));

  for (const f of files) await f.close();
  const summary: FileSummary[] = files.map((f) => ({
    file: path.basename(f.path),
    rows: f.rows,
    bytes: statSync(f.path).size,
  }));
  return {
    files: summary,
    totalBytes: summary.reduce((a, f) => a + f.bytes, 0),
    orders: slot,
    expeditedReceipts: expedited,
    purchaseOrders: purchaseDocs.length,
    range: { from: isoDate(t0), to: isoDate(end - DAY) },
  };
}
