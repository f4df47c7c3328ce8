/**
 * Grounding: every number a model writes must be one of the numbers it was given.
 *
 * Rounding rules. A number in the text is read with its shown precision and scale, then it matches
 * an allowed value `a` when |shown × scale − |a|| ≤ ½ unit of its last shown digit × scale. So
 * 1234567.89 may appear as 1,234,567.89 / 1 234 567,89 / 1 234 568 / 1.23 M / 1,2 M€ / 1.2 million,
 * and 12.345 % as 12 %, 12.3 % or 12,3 %. Separators: spaces (also no-break) and, in a group of
 * three digits, "," or "." are thousands; a "," or "." before 1–2 or 4+ final digits is the decimal
 * mark; "1,234" alone is read both ways. Scales: k / K / mille / thousand (10³), M / million(s) (10⁶),
 * Md / Mds / milliard(s) / bn / B / billion(s) (10⁹). Signs are ignored (a fall of 12 % may be written
 * "−12 %" or "fell by 12 %"). Allowed values: every number in the facts (recursively, ids left out),
 * the digits of their strings (dates, codes, periods: so a year, a month or "SO-1056" is allowed when
 * it appears there) and the numbers in the question. Years and small integers ≤ 31 are allowed only on
 * those terms like every other number.
 */

const NUMBER =
  /(?<![\w.,])[-+−]?(\d{1,3}(?:[ \u00a0\u202f](?=\d{3}(?!\d))\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*)(?:\s?(milliards?|millions?|billions?|thousand|mille|mds|md|bn|k|m|b)(?![a-z]))?/gi;

const SCALES: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  mille: 1e3,
  m: 1e6,
  million: 1e6,
  millions: 1e6,
  md: 1e9,
  mds: 1e9,
  milliard: 1e9,
  milliards: 1e9,
  bn: 1e9,
  b: 1e9,
  billion: 1e9,
  billions: 1e9,
};

export interface ReadNumber {
  text: string;
  /** The possible readings: value (before scale), decimals shown, scale. */
  readings: { value: number; decimals: number; scale: number }[];
}

/** Every number in a text with its possible readings. */
export function readNumbers(text: string): ReadNumber[] {
  const out: ReadNumber[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const body = m[1]!;
    const scale = m[2] ? (SCALES[m[2].toLowerCase()] ?? 1) : 1;
    const readings: ReadNumber['readings'] = [];
    const spaced = body.replace(/[ \u00a0\u202f]/g, '');
    const seps = [...spaced.matchAll(/[.,]/g)].map((x) => x.index!);
    const asNumber = (digits: string, decimalAt: number | null) => {
      const clean = [...digits]
        .filter((_c, i) => !seps.includes(i) || i === decimalAt)
        .join('')
        .replace(',', '.');
      return {
        value: Number(clean),
        decimals: decimalAt === null ? 0 : digits.length - decimalAt - 1,
        scale,
      };
    };
    if (!seps.length) readings.push(asNumber(spaced, null));
    else {
      const last = seps[seps.length - 1]!;
      const tail = spaced.length - last - 1;
      const mixed = new Set(seps.map((i) => spaced[i])).size > 1;
      if (mixed || tail !== 3 || seps.length === 1) readings.push(asNumber(spaced, last)); // last separator as the decimal mark
      if (!mixed && tail === 3) {
        // every separator a thousands separator (1,234,567 or 1.234.567 or 1,234)
        const groupsOk = seps.every((i, k) => (k === 0 ? i >= 1 && i <= 3 : i - seps[k - 1]! === 4));
        if (groupsOk) readings.push(asNumber(spaced, null));
      }
    }
    out.push({ text: m[0], readings: readings.filter((r) => Number.isFinite(r.value)) });
  }
  return out;
}

/** Every number in a value, recursively (ids are identifiers, not figures: left out). */
export function collectNumbers(value: unknown, into: Set<number> = new Set(), key = ''): Set<number> {
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (key !== 'id') into.add(Math.abs(value));
  } else if (typeof value === 'string') {
    for (const d of value.match(/\d+(?:\.\d+)?/g) ?? []) into.add(Number(d));
  } else if (Array.isArray(value)) value.forEach((v) => collectNumbers(v, into, key));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) collectNumbers(v, into, k);
  return into;
}

export interface GroundingResult {
  ok: boolean;
  /** The numbers of the text that match nothing given. */
  unmatched: string[];
}

export function checkGrounding(text: string, allowed: Set<number>): GroundingResult {
  const values = [...allowed];
  const unmatched: string[] = [];
  for (const n of readNumbers(text)) {
    const ok = n.readings.some((r) => {
      const tol = 0.5 * 10 ** -r.decimals * r.scale + 1e-9;
      return values.some((a) => Math.abs(r.value * r.scale - a) <= tol);
    });
    if (!ok) unmatched.push(n.text.trim());
  }
  return { ok: unmatched.length === 0, unmatched };
}

/**
 * Customer names and codes leave for an external provider only as aliases (C1, C2…), and come back
 * re-identified. The aliases are given in order of first sight, so the same data yields the same prompt.
 */
export class Pseudonymizer {
  private readonly byReal = new Map<string, string>();
  private readonly byAlias = new Map<string, { code?: string; name?: string }>();

  add(customer: { code?: string | null; name?: string | null }): string | undefined {
    const code = customer.code ?? undefined;
    const name = customer.name ?? undefined;
    if (!code && !name) return undefined;
    const alias =
      (code && this.byReal.get(code)) ?? (name && this.byReal.get(name)) ?? `C${this.byAlias.size + 1}`;
    if (!this.byAlias.has(alias)) this.byAlias.set(alias, { code, name });
    if (code) this.byReal.set(code, alias);
    if (name) this.byReal.set(name, alias);
    return alias;
  }

  /** Finds customers in facts, recommendations and OLAP rows (anything typed customer, drivers, lists). */
  collect(value: unknown, customerContext = false): this {
    if (Array.isArray(value)) value.forEach((v) => this.collect(v, customerContext));
    else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (o.type === 'customer') this.add({ code: o.code as string, name: o.label as string });
      else if (customerContext && typeof o.code === 'string' && typeof o.name === 'string')
        this.add({ code: o.code, name: o.name });
      else if (customerContext && typeof o.key === 'string' && typeof o.label === 'string')
        this.add({ code: o.key, name: o.label });
      for (const [k, v] of Object.entries(o))
        this.collect(
          v,
          ['customer', 'top', 'slipped', 'geography.customer'].includes(k) ||
            (customerContext && k !== 'details'),
        );
    }
    return this;
  }

  /** Replaces every known name and code (longest first) by its alias. */
  redact(text: string): string {
    let out = text;
    const reals = [...this.byReal.keys()].sort((a, b) => b.length - a.length);
    for (const r of reals) out = out.split(r).join(this.byReal.get(r)!);
    return out.replace(/\b(C\d+) \(\1\)/g, '$1');
  }

  /** Aliases back to "Name (CODE)". */
  restore(text: string): string {
    return text.replace(/\bC(\d+)\b/g, (alias) => {
      const c = this.byAlias.get(alias);
      if (!c) return alias;
      return c.name && c.code ? `${c.name} (${c.code})` : (c.name ?? c.code ?? alias);
    });
  }

  get size(): number {
    return this.byAlias.size;
  }
}
