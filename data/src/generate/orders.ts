import { progress } from '@erp/kit';
import { row, type CsvFile } from './csv';
import { CATEGORY_TREE, HOUR_WEIGHT, WAREHOUSES } from './reference';
import { Sampler, type Rng } from './rng';
import type { AnomalyPlan } from './demand';
import type { StockModel } from './stock';
import {
  DAY,
  HOUR,
  MIN,
  SEGMENTS,
  frac,
  iso,
  money,
  type AnomalyKind,
  type Calendar,
  type Customer,
  type Product,
} from './model';

/** A delivered sale a later return may refer to. */
interface Delivered {
  number: string;
  customer: number;
  wh: number;
  deliveredAt: number;
  lines: { lineNo: number; prod: number; qty: number; price: string; disc: string; tax: number }[];
  used: boolean;
}

interface Timeline {
  status: string;
  confirmedAt: number | null;
  shippedAt: number | null;
  deliveredAt: number | null;
  cancelledAt: number | null;
}

/** Where an order whose steps fall after the end of the data stands at the end. */
function cutAtEnd(confirmedAt: number, shippedAt: number, deliveredAt: number, end: number): Timeline {
  if (deliveredAt < end)
    return { status: 'DELIVERED', confirmedAt, shippedAt, deliveredAt, cancelledAt: null };
  if (shippedAt < end)
    return { status: 'SHIPPED', confirmedAt, shippedAt, deliveredAt: null, cancelledAt: null };
  if (confirmedAt < end)
    return { status: 'CONFIRMED', confirmedAt, shippedAt: null, deliveredAt: null, cancelledAt: null };
  return { status: 'DRAFT', confirmedAt: null, shippedAt: null, deliveredAt: null, cancelledAt: null };
}

export interface OrderFiles {
  orders: CsvFile;
  lines: CsvFile;
  moves: CsvFile;
}

/**
 * The day-by-day order simulation: sales (with the planted anomalies) and now and then a return of
 * an earlier delivered sale, each moving the stock model.
 */
export class OrderSimulation {
  /** One formatted line (without its id) per planted anomaly, in the order planted. */
  readonly anomalies: string[] = [];
  saleSeq = 0;
  returnSeq = 0;
  /** Orders made so far (sales and returns). */
  slot = 0;
  private custSampler?: Sampler;
  private prodSampler?: Sampler;
  private rootSamplers: { idx: number[]; s: Sampler }[] = [];
  private curMonth = -1;
  private readonly lastYear: number;
  private readonly ring: Delivered[] = [];
  private readonly ringSize = 600;
  private ringPos = 0;
  private readonly hourSampler = new Sampler(HOUR_WEIGHT);
  private readonly nWh = WAREHOUSES.length;

  constructor(
    private readonly cal: Calendar,
    private readonly rng: Rng,
    private readonly customers: Customer[],
    private readonly products: Product[],
    private readonly stock: StockModel,
    private readonly plan: AnomalyPlan,
    private readonly files: OrderFiles,
  ) {
    this.lastYear = new Date(cal.end - DAY).getUTCFullYear();
  }

  /** Runs every day of the calendar, `dayCount[d]` orders on day d. */
  async run(dayCount: number[], bar: ReturnType<typeof progress> | undefined): Promise<void> {
    const { t0, nDays } = this.cal;
    const rng = this.rng;
    for (let d = 0; d < nDays; d++) {
      const dayStart = t0 + d * DAY;
      this.startMonth(this.cal.monthOf(dayStart));
      const n = dayCount[d]!;
      const times: number[] = [];
      for (let k = 0; k < n; k++)
        times.push(dayStart + this.hourSampler.draw(rng) * HOUR + rng.int(0, 59) * MIN);
      times.sort((a, b) => a - b);
      for (const t of times) {
        this.stock.flushUntil(t);
        const anomaly = this.plan.at.get(this.slot++);
        if (anomaly || !rng.chance(0.01) || !this.makeReturn(t)) this.makeSale(t, anomaly);
      }
      this.stock.endDay();
      bar?.update(this.slot);
      await Promise.all([this.files.moves.drain(), this.files.orders.drain(), this.files.lines.drain()]);
    }
  }

  /** A new month: who orders (customers between their first and last month) and what (products still sold). */
  private startMonth(m: number): void {
    if (m === this.curMonth) return;
    this.curMonth = m;
    this.custSampler = new Sampler(
      this.customers.map((c) => (m >= c.startMonth && m < c.endMonth ? c.freq : 0)),
    );
    const pw = this.products.map((p) => (m < p.discontinuedMonth ? p.weight : 0));
    this.prodSampler = new Sampler(pw);
    this.rootSamplers = CATEGORY_TREE.map((_, r) => {
      const idx = this.products.map((p, i) => (p.root === r ? i : -1)).filter((i) => i >= 0);
      return { idx, s: new Sampler(idx.map((i) => pw[i]!)) };
    });
  }

  private timeline(t: number, canCancel: boolean): Timeline {
    const rng = this.rng;
    const { end } = this.cal;
    const r = rng.next();
    const confirm =
      r < 0.07 ? rng.int(2 * 24 * 60, 9 * 24 * 60) : r < 0.2 ? rng.int(8 * 60, 48 * 60) : rng.int(10, 6 * 60);
    const confirmedAt = t + confirm * MIN;
    if (canCancel && rng.chance(0.03)) {
      const wasConfirmed = rng.chance(0.5);
      const cancelledAt = wasConfirmed
        ? confirmedAt + rng.int(2 * 60, 72 * 60) * MIN
        : t + rng.int(60, Math.max(61, confirm - 1)) * MIN;
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
      confirmedAt + (rng.chance(0.2) ? rng.int(3 * 24 * 60, 9 * 24 * 60) : rng.int(12 * 60, 60 * 60)) * MIN;
    const deliveredAt = shippedAt + rng.int(18 * 60, 4 * 24 * 60) * MIN;
    return cutAtEnd(confirmedAt, shippedAt, deliveredAt, end);
  }

  private writeOrder(number: string, kind: string, tl: Timeline, c: Customer, wh: number, t: number): void {
    this.files.orders.add([
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
  }

  /** A return of part of a recent delivered sale; false when none could be picked (a sale is made instead). */
  private makeReturn(t: number): boolean {
    const rng = this.rng;
    for (let tries = 0; tries < 6; tries++) {
      const o = this.ring[rng.int(0, this.ring.length - 1)];
      if (!o || o.used || o.deliveredAt > t - DAY) continue;
      o.used = true;
      const number = `RT-${String(++this.returnSeq).padStart(6, '0')}`;
      const c = this.customers[o.customer]!;
      const confirmedAt = t + rng.int(60, 24 * 60) * MIN;
      const shippedAt = confirmedAt + rng.int(24 * 60, 4 * 24 * 60) * MIN;
      const deliveredAt = shippedAt + rng.int(24 * 60, 4 * 24 * 60) * MIN;
      const tl = cutAtEnd(confirmedAt, shippedAt, deliveredAt, this.cal.end);
      this.writeOrder(number, 'RETURN', tl, c, o.wh, t);
      const n = Math.min(o.lines.length, rng.chance(0.75) ? 1 : 2);
      const picked = rng.shuffle([...o.lines]).slice(0, n);
      picked.forEach((l, k) => {
        const qty = Math.max(1, Math.floor(l.qty * rng.float(0.2, 1)));
        const sku = this.products[l.prod]!.sku;
        this.files.lines.add([number, k + 1, sku, qty, l.price, l.disc, l.tax]);
        if (tl.status !== 'DELIVERED') return;
        this.stock.push({
          t: deliveredAt,
          pair: l.prod * this.nWh + o.wh,
          free: qty,
          onOrder: 0,
          supplier: -1,
          onTime: true,
          line: row([
            `RET-${number}-${k + 1}`,
            sku,
            WAREHOUSES[o.wh]!.code,
            'RECEIPT',
            qty,
            number,
            iso(deliveredAt),
            `returned goods of ${o.number} line ${l.lineNo}`,
          ]),
        });
      });
      return true;
    }
    return false;
  }

  /** The customer of the next sale: the burst's, a plausible small account for an absurd amount, else drawn. */
  private pickCustomer(anomaly: AnomalyKind | undefined): number {
    const rng = this.rng;
    let ci = anomaly === 'ORDER_BURST' ? this.plan.burstCustomer : this.custSampler!.draw(rng);
    if (anomaly === 'ABSURD_AMOUNT') {
      for (let k = 0; k < 200 && (this.customers[ci]!.seg !== 1 || this.customers[ci]!.freq > 3); k++)
        ci = this.custSampler!.draw(rng);
    }
    return ci;
  }

  /** A product for line k not yet on the order (-1: none found), mostly from the customer's focus category. */
  private pickProduct(
    c: Customer,
    k: number,
    chosen: Set<number>,
    sale: { t: number; wh: number; usesStock: boolean; anomaly: AnomalyKind | undefined; priceLine: number },
  ): number {
    const rng = this.rng;
    const stock = this.stock;
    for (let tries = 0; tries < 30; tries++) {
      const rs = this.rootSamplers[c.focusRoot]!;
      const cand =
        rng.chance(c.focus) && rs.s.total > 0 ? rs.idx[rs.s.draw(rng)]! : this.prodSampler!.draw(rng);
      if (chosen.has(cand)) continue;
      const pair = cand * this.nWh + sale.wh;
      if (sale.usesStock && sale.t >= stock.starveFrom[pair]! && stock.free[pair]! < 1) continue;
      if (sale.anomaly === 'PRICE_OFF_LIST' && k + 1 === sale.priceLine && this.products[cand]!.list < 20)
        continue;
      return cand;
    }
    return -1;
  }

  private makeSale(t: number, anomaly: AnomalyKind | undefined): void {
    const rng = this.rng;
    const stock = this.stock;
    const ci = this.pickCustomer(anomaly);
    const c = this.customers[ci]!;
    const seg = SEGMENTS[c.seg]!;
    const wh = rng.chance(0.95) ? c.wh : rng.int(0, this.nWh - 1);
    const tl = this.timeline(t, anomaly === undefined);
    const number = `SO-${String(++this.saleSeq).padStart(7, '0')}`;
    this.writeOrder(number, 'SALE', tl, c, wh, t);
    const usesStock = tl.status === 'CONFIRMED' || tl.status === 'SHIPPED' || tl.status === 'DELIVERED';
    let nLines = Math.min(25, 1 + rng.poisson((seg.lines - 1) * Math.sqrt(c.basket)));
    if (anomaly === 'MANY_LINES') nLines = rng.int(60, 90);
    if (anomaly === 'ABSURD_AMOUNT') nLines = Math.max(nLines, rng.int(3, 6));
    nLines = Math.min(nLines, Math.floor(this.products.length * 0.6));
    const factor = anomaly === 'ABSURD_AMOUNT' ? rng.int(20, 50) : 1;
    const sale = { t, wh, usesStock, anomaly, priceLine: anomaly === 'PRICE_OFF_LIST' ? 1 : 0 };
    const chosen = new Set<number>();
    const yearF = Math.pow(1.03, new Date(t).getUTCFullYear() - this.lastYear);
    const lines: Delivered['lines'] = [];
    for (let k = 0; k < nLines; k++) {
      const p = this.pickProduct(c, k, chosen, sale);
      if (p < 0) continue;
      chosen.add(p);
      const prod = this.products[p]!;
      const pair = p * this.nWh + wh;
      let qty = Math.max(1, Math.round(rng.lognormal(seg.qty * c.basket * prod.qtyFactor, 0.7))) * factor;
      if (anomaly === 'ABSURD_AMOUNT') qty = Math.max(qty, Math.ceil(2000 / prod.list));
      if (usesStock && t >= stock.starveFrom[pair]!) qty = Math.min(qty, Math.floor(stock.free[pair]!));
      let price = prod.list * yearF;
      let disc = rng.chance(seg.seg === 'CONSUMER' ? 0.8 : 0.25)
        ? 0
        : Math.min(0.15, Math.max(0, c.disc + rng.float(-0.02, 0.03)));
      disc = Math.round(disc * 200) / 200;
      const lineNo = lines.length + 1;
      if (anomaly === 'EXTREME_DISCOUNT') disc = Math.round(rng.float(0.45, 0.7) * 100) / 100;
      if (anomaly === 'PRICE_OFF_LIST' && lineNo === sale.priceLine) {
        const mult = rng.chance(0.67) ? rng.float(8, 12) : rng.float(0.05, 0.1);
        price = prod.list * mult;
        const why = `line ${lineNo}: unit price ${money(price)} vs list price ${prod.list.toFixed(2)} (×${mult.toFixed(2)})`;
        this.anomalies.push(row([null, anomaly, number, c.code, prod.sku, why]));
      }
      const priceS = money(price);
      const discS = frac(disc);
      this.files.lines.add([number, lineNo, prod.sku, qty, priceS, discS, prod.leaf.taxRate]);
      lines.push({ lineNo, prod: p, qty, price: priceS, disc: discS, tax: prod.leaf.taxRate });
      if (usesStock) this.commit(pair, t, qty, tl, number, lineNo);
    }
    this.noteAnomaly(anomaly, number, c, lines.length, factor);
    if (tl.status === 'DELIVERED' && !anomaly && lines.length) {
      const entry: Delivered = { number, customer: ci, wh, deliveredAt: tl.deliveredAt!, lines, used: false };
      if (this.ring.length < this.ringSize) this.ring.push(entry);
      else this.ring[this.ringPos++ % this.ringSize] = entry;
    }
  }

  /** A sale line's stock: taken now, then reserved (confirmed) or shipped when the order ships. */
  private commit(pair: number, t: number, qty: number, tl: Timeline, number: string, lineNo: number): void {
    this.stock.take(pair, t, qty);
    if (tl.status === 'CONFIRMED') {
      this.stock.reserved[pair]! += qty;
      return;
    }
    this.stock.push({
      t: tl.shippedAt!,
      pair,
      free: 0,
      onOrder: 0,
      supplier: -1,
      onTime: true,
      line: row([
        `SHIP-${number}-${lineNo}`,
        this.products[Math.floor(pair / this.nWh)]!.sku,
        WAREHOUSES[pair % this.nWh]!.code,
        'SHIPMENT',
        -qty,
        number,
        iso(tl.shippedAt!),
        null,
      ]),
    });
  }

  /** The whole-order anomalies' descriptions (an off-list price is noted on its line). */
  private noteAnomaly(
    anomaly: AnomalyKind | undefined,
    number: string,
    c: Customer,
    nLines: number,
    factor: number,
  ): void {
    const seg = SEGMENTS[c.seg]!;
    const why =
      anomaly === 'ABSURD_AMOUNT'
        ? `${nLines} lines with quantities ×${factor} the customer's usual basket (at least 2,000 EUR a line; a ${seg.seg} account)`
        : anomaly === 'MANY_LINES'
          ? `${nLines} lines (usual orders have 1–25)`
          : anomaly === 'EXTREME_DISCOUNT'
            ? `every line discounted 45–70 % (usual 0–15 %)`
            : anomaly === 'ORDER_BURST'
              ? `one of ${this.plan.burstSize} orders in a row from a small account that usually orders about once a month`
              : undefined;
    if (why !== undefined) this.anomalies.push(row([null, anomaly, number, c.code, null, why]));
  }
}
