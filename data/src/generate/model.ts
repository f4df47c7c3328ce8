import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CsvFile } from './csv';
import type { LeafCategory } from './reference';

// The shapes and helpers the generator's steps share (see generate.ts for the order they run in).

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MIN = 60_000;

export type Segment = 'CONSUMER' | 'SMALL_BUSINESS' | 'CORPORATE' | 'WHOLESALE';
export const SEGMENTS: {
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

export interface Product {
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

export interface Supplier {
  code: string;
  onTime: number;
  quality: number;
  price: number;
  /** Deteriorating from this time on (Infinity when not). */
  decayFrom: number;
  maxLate: number;
  /** Leaf categories (index into the flattened leaves) it supplies. */
  leaves: Set<number>;
  /** Lead time range in days. */
  lead: [number, number];
}

export interface Customer {
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

export interface User {
  email: string;
  name: string;
  role: string;
  territory?: string[];
}

export type AnomalyKind =
  'ABSURD_AMOUNT' | 'MANY_LINES' | 'EXTREME_DISCOUNT' | 'PRICE_OFF_LIST' | 'ORDER_BURST';

export const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19) + 'Z';
export const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const money = (x: number) => (Math.round(x * 100) / 100).toFixed(2);
export const frac = (x: number) => String(Math.round(x * 10000) / 10000);

export function slug(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ł/g, 'l')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The simulated period: from the start date, `months` calendar months. */
export class Calendar {
  readonly t0: number;
  readonly end: number;
  readonly nDays: number;
  /** Calendar months touched (the index of the last one + 1). */
  readonly calMonths: number;
  private readonly d0: Date;

  constructor(start: string, months: number) {
    this.t0 = parseStart(start);
    this.d0 = new Date(this.t0);
    this.end = Date.UTC(this.d0.getUTCFullYear(), this.d0.getUTCMonth() + months, this.d0.getUTCDate());
    this.nDays = Math.round((this.end - this.t0) / DAY);
    this.calMonths = this.monthOf(this.end - 1) + 1;
  }

  /** Calendar month index (0 = the month of the start date). */
  monthOf(t: number): number {
    const d = new Date(t);
    return (d.getUTCFullYear() - this.d0.getUTCFullYear()) * 12 + d.getUTCMonth() - this.d0.getUTCMonth();
  }

  monthStart(m: number): number {
    return Date.UTC(this.d0.getUTCFullYear(), this.d0.getUTCMonth() + m, 1);
  }
}

function parseStart(start: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(start);
  if (!m) throw new Error(`--start: expected YYYY-MM-DD, got "${start}"`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(t) || isoDate(t) !== start) throw new Error(`--start: not a valid date: "${start}"`);
  return t;
}

/** The output folder: every file opened through it, in the order opened (the summary's order). */
export class Output {
  readonly files: CsvFile[] = [];
  private readonly ext: string;

  constructor(
    private readonly dir: string,
    private readonly gzip: boolean,
  ) {
    mkdirSync(dir, { recursive: true });
    this.ext = gzip ? '.csv.gz' : '.csv';
  }

  open(name: string, header: string[]): CsvFile {
    // the other flavour of the same file, from an earlier run, would be read alongside
    rmSync(path.join(this.dir, name + (this.gzip ? '.csv' : '.csv.gz')), { force: true });
    const f = new CsvFile(path.join(this.dir, name + this.ext), header, this.gzip);
    this.files.push(f);
    return f;
  }
}
