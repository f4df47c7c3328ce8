import { row, type CsvFile } from './csv';
import { EventHeap } from './heap';
import { WAREHOUSES } from './reference';
import type { Rng } from './rng';
import { onTimeProb } from './master';
import {
  DAY,
  HOUR,
  MIN,
  SEGMENTS,
  iso,
  isoDate,
  type Calendar,
  type Customer,
  type Product,
  type Supplier,
} from './model';

/** A stock movement due at t, applied to the model when the simulation reaches it. */
export interface StockEvent {
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

/** A purchase order the simulation sent (one line), and when its goods arrived (never: still on order). */
export interface PurchaseDoc {
  number: string;
  supplier: number;
  pair: number;
  qty: number;
  cost: string;
  orderedAt: number;
  expected: string;
  receivedAt?: number;
}

/**
 * Stock per (product, warehouse) pair (`pair = product × warehouses + warehouse`): what is free,
 * on order and reserved, the demand rate it replenishes against, and the movements still to come.
 */
export class StockModel {
  readonly nWh = WAREHOUSES.length;
  readonly nPairs: number;
  /** On hand − committed shipments − reservations (never < 0). */
  readonly free: Float64Array;
  readonly onOrder: Float64Array;
  readonly reserved: Float64Array;
  /** Smoothed units/day. */
  readonly rate: Float64Array;
  readonly dayDemand: Float64Array;
  /** Smoothed line quantity. */
  readonly lineAvg: Float64Array;
  /** From then on the pair is no longer replenished (it runs dry). */
  readonly starveFrom: Float64Array;
  readonly purchaseDocs: PurchaseDoc[] = [];
  /** Deliveries and on-time deliveries per supplier and calendar month. */
  readonly deliveries: Int32Array[];
  readonly onTimeCount: Int32Array[];
  expedited = 0;
  private readonly heap = new EventHeap<StockEvent>();
  private evSeq = 0;
  private poSeq = 0;

  constructor(
    private readonly cal: Calendar,
    private readonly products: Product[],
    private readonly suppliers: Supplier[],
    private readonly moveF: CsvFile,
    private readonly rng: Rng,
  ) {
    this.nPairs = products.length * this.nWh;
    this.free = new Float64Array(this.nPairs);
    this.onOrder = new Float64Array(this.nPairs);
    this.reserved = new Float64Array(this.nPairs);
    this.rate = new Float64Array(this.nPairs);
    this.dayDemand = new Float64Array(this.nPairs);
    this.lineAvg = new Float64Array(this.nPairs).fill(1);
    this.starveFrom = new Float64Array(this.nPairs).fill(Infinity);
    this.deliveries = Array.from({ length: suppliers.length }, () => new Int32Array(cal.calMonths));
    this.onTimeCount = Array.from({ length: suppliers.length }, () => new Int32Array(cal.calMonths));
  }

  /** Expected demand to seed the opening stock and the reorder points. */
  seedRates(customers: Customer[], dayCount: number[]): void {
    const nWh = this.nWh;
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
    const products = this.products;
    const pw = products.reduce((a, p) => a + p.weight, 0);
    for (let p = 0; p < products.length; p++) {
      for (let w = 0; w < nWh; w++) {
        this.rate[p * nWh + w] =
          ((linesPerDay * products[p]!.weight) / pw) *
          (whShare[w]! / fw) *
          qtyPerLine *
          products[p]!.qtyFactor;
      }
    }
  }

  /** A few pairs stop being replenished 30–55 days before the end (they run dry). */
  plantStarvation(rngA: Rng): void {
    for (let i = 0; i < this.nPairs; i++)
      if (rngA.chance(0.06)) this.starveFrom[i] = this.cal.end - rngA.float(30, 55) * DAY;
  }

  /** The opening balance of every pair: 35–60 days of the expected demand, and a little. */
  writeOpening(): void {
    const rng = this.rng;
    const openingAt = iso(this.cal.t0);
    for (let p = 0; p < this.products.length; p++) {
      for (let w = 0; w < this.nWh; w++) {
        const i = p * this.nWh + w;
        const q = Math.ceil(this.rate[i]! * rng.float(35, 60)) + rng.int(2, 10);
        this.free[i] = q;
        this.moveF.add([
          `OPEN-${this.products[p]!.sku}-${WAREHOUSES[w]!.code}`,
          this.products[p]!.sku,
          WAREHOUSES[w]!.code,
          'OPENING',
          q,
          'OPENING',
          openingAt,
          'opening balance',
        ]);
      }
    }
  }

  /** Applies (and writes) every movement due by t. */
  flushUntil(t: number): void {
    for (let e = this.heap.peek(); e && e.t <= t; e = this.heap.peek()) {
      this.heap.pop();
      this.free[e.pair]! += e.free;
      this.onOrder[e.pair]! -= e.onOrder;
      if (e.po !== undefined) this.purchaseDocs[e.po]!.receivedAt = e.t;
      if (e.supplier >= 0) {
        const m = this.cal.monthOf(e.t);
        this.deliveries[e.supplier]![m]!++;
        if (e.onTime) this.onTimeCount[e.supplier]![m]!++;
      }
      this.moveF.line(e.line);
    }
  }

  push(e: Omit<StockEvent, 'seq'>): void {
    this.heap.push({ ...e, seq: this.evSeq++ });
  }

  /** Takes `qty` of a pair at time t (shipment or reservation), replenishing as needed. */
  take(pair: number, t: number, qty: number): void {
    const rng = this.rng;
    const prod = this.products[Math.floor(pair / this.nWh)]!;
    this.lineAvg[pair] = this.lineAvg[pair]! * 0.9 + qty * 0.1;
    if (this.free[pair]! < qty) {
      const si = this.pickSupply(prod);
      const q = qty - this.free[pair]! + this.rate[pair]! * 14 + this.lineAvg[pair]!;
      this.receipt(pair, t, roundUp(q, prod.supplies[si]!.moq), si, true);
    }
    this.free[pair]! -= qty;
    this.dayDemand[pair]! += qty;
    if (t < this.starveFrom[pair]! && this.cal.monthOf(t) < prod.discontinuedMonth) {
      const si = this.pickSupply(prod);
      const lead = prod.supplies[si]!.lead;
      const rate = this.rate[pair]!;
      const lineAvg = this.lineAvg[pair]!;
      if (this.free[pair]! + this.onOrder[pair]! <= rate * (lead + 12) + 3 * lineAvg + 2) {
        const q = Math.max(rate * rng.float(25, 40), 3 * lineAvg);
        this.receipt(pair, t, roundUp(q, prod.supplies[si]!.moq), si, false);
      }
    }
  }

  /** The end of a day: the demand rates follow the day's demand (a 30-day smoothing). */
  endDay(): void {
    for (let i = 0; i < this.nPairs; i++) {
      this.rate[i] = this.rate[i]! * (29 / 30) + this.dayDemand[i]! / 30;
      this.dayDemand[i] = 0;
    }
  }

  /** A few stock counts at the end write off what is left of starved pairs: some items end at zero. */
  writeOffCounts(rngZ: Rng, target: number): void {
    const { end } = this.cal;
    const candidates: number[] = [];
    for (let i = 0; i < this.nPairs; i++)
      if (this.starveFrom[i]! < end && this.reserved[i] === 0 && this.free[i]! > 0 && this.onOrder[i] === 0)
        candidates.push(i);
    rngZ.shuffle(candidates);
    for (const pair of candidates.slice(0, target)) {
      const q = this.free[pair]!;
      const at = end - MIN;
      const sku = this.products[Math.floor(pair / this.nWh)]!.sku;
      const wh = WAREHOUSES[pair % this.nWh]!.code;
      this.push({
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
  }

  private pickSupply(prod: Product): number {
    return prod.supplies.length > 1 && this.rng.chance(0.15) ? this.rng.int(1, prod.supplies.length - 1) : 0;
  }

  private bizTime(day: number): number {
    return Math.floor(day / DAY) * DAY + this.rng.int(7 * 60, 17 * 60) * MIN;
  }

  /** A purchase order and its receipt: expedited (arrives within the half hour) or due after the lead time. */
  private receipt(pair: number, t: number, qty: number, supplyIdx: number, expeditedNow: boolean): void {
    const rng = this.rng;
    const prod = this.products[Math.floor(pair / this.nWh)]!;
    const wh = WAREHOUSES[pair % this.nWh]!;
    const sup = prod.supplies[supplyIdx]!;
    const s = this.suppliers[sup.supplier]!;
    const po = `PO-${String(++this.poSeq).padStart(7, '0')}`;
    let at: number;
    let onTime = true;
    if (expeditedNow) at = t + rng.int(1, 30) * MIN;
    else {
      onTime = rng.chance(onTimeProb(s, t, this.cal.end));
      const due = t + sup.lead * DAY;
      at = this.bizTime(onTime ? due - rng.int(0, 1) * DAY : due + rng.int(1, s.maxLate) * DAY);
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
    const doc =
      this.purchaseDocs.push({
        number: po,
        supplier: sup.supplier,
        pair,
        qty,
        cost: sup.cost,
        orderedAt: t,
        expected: isoDate(expeditedNow ? at : t + sup.lead * DAY),
      }) - 1;
    if (expeditedNow) {
      this.expedited++;
      this.free[pair]! += qty;
      this.push({ t: at, line, pair, free: 0, onOrder: 0, supplier: sup.supplier, onTime: true, po: doc });
    } else {
      this.onOrder[pair]! += qty;
      this.push({ t: at, line, pair, free: qty, onOrder: qty, supplier: sup.supplier, onTime, po: doc });
    }
  }
}

const roundUp = (q: number, moq: number) => Math.max(moq, Math.ceil(q / moq) * moq);
