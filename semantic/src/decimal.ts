/** Exact decimal arithmetic on the strings PostgreSQL returns (no float ever touches a value). */
const SCALE = 10;
const FACTOR = 10n ** BigInt(SCALE);

function toBig(v: string): bigint {
  const neg = v.startsWith('-');
  const [int, frac = ''] = (neg ? v.slice(1) : v).split('.');
  const n = BigInt(int || '0') * FACTOR + BigInt((frac + '0'.repeat(SCALE)).slice(0, SCALE) || '0');
  return neg ? -n : n;
}

function fromBig(n: bigint, decimals: number): string {
  // round half away from zero to `decimals`
  const unit = 10n ** BigInt(SCALE - decimals);
  const neg = n < 0n;
  let abs = neg ? -n : n;
  abs = ((abs + unit / 2n) / unit) * unit;
  const int = abs / FACTOR;
  const frac = (abs % FACTOR).toString().padStart(SCALE, '0').slice(0, decimals);
  const text = decimals > 0 ? `${int}.${frac}` : `${int}`;
  return neg && abs !== 0n ? `-${text}` : text;
}

const scaleOf = (v: string) => (v.includes('.') ? v.split('.')[1]!.length : 0);

/** a − b, at the larger scale of the two; null when either is null. */
export function subtract(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return null;
  return fromBig(toBig(a) - toBig(b), Math.max(scaleOf(a), scaleOf(b)));
}

/** 100 × (a − b) / |b|, 2 decimals; null when b is null or zero. */
export function percentChange(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return null;
  const base = toBig(b);
  if (base === 0n) return null;
  const diff = toBig(a) - base;
  const absBase = base < 0n ? -base : base;
  return fromBig((diff * 100n * FACTOR) / absBase, 2);
}

/** 100 × a / b, 2 decimals: a member's share of the total; null when either is null or b is zero. */
export function sharePct(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return null;
  const base = toBig(b);
  if (base === 0n) return null;
  return fromBig((toBig(a) * 100n * FACTOR) / base, 2);
}
