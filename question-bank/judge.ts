import type { AskAnswer } from '@erp/ai';
import type { Question } from './types';

/**
 * Judges one answer of the chat against its oracle. Figures: money within a cent per line of
 * rounding (max(0.011, 5e-6 × |expected|): the oracle prices each line to the cent as the ERP does,
 * so any real difference — a status forgotten, a period off by a day — is far larger); counts exact;
 * percentages and ratios within their last printed digit. Labels: compared without case, accents,
 * punctuation or underscores, against the member's label or key (a few country spellings of the
 * source are aliases: UK = United Kingdom, USA = United States).
 */
export type OracleRow = Record<string, unknown>;

export interface Verdict {
  ok: boolean;
  /** Why not, in words. */
  reason?: string;
}

const num = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));

export function tolerance(unit: Question['unit'], expected: number): number {
  switch (unit) {
    case 'money':
      return Math.max(0.011, 5e-6 * Math.abs(expected));
    case 'count':
      return 0.001;
    case 'pct':
      return 0.011;
    default:
      return 0.051;
  }
}

const close = (unit: Question['unit'], got: number | null, expected: number | null) =>
  got !== null &&
  expected !== null &&
  Number.isFinite(got) &&
  Math.abs(got - expected) <= tolerance(unit, expected);

const ALIASES: Record<string, string> = {
  uk: 'united kingdom',
  usa: 'united states',
  us: 'united states',
  'united states of america': 'united states',
};
export function norm(label: string): string {
  const s = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[_&.,'’()/-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return ALIASES[s] ?? s;
}

type Row = NonNullable<AskAnswer['result']>['rows'][number];
type Value = Row['values'][number];

/** The names a row answers to: each member's label and key, and, for several members, them joined in either order. */
function names(row: Row): Set<string> {
  const out = new Set<string>();
  for (const m of row.members) for (const x of [m.label, m.key]) if (x) out.add(norm(x));
  if (row.members.length > 1) {
    const labels = row.members.map((m) => m.label ?? m.key ?? '');
    out.add(norm(labels.join(' ')));
    out.add(norm([...labels].reverse().join(' ')));
  }
  return out;
}

function pick(values: Value[], measure?: string): Value | undefined {
  return measure ? values.find((v) => v.measure === measure) : values[0];
}

const fmt = (v: unknown) => (v === null || v === undefined ? 'null' : String(v));

/** The answer in a few lines, for the failure report. */
export function describe(a: AskAnswer | null, error?: string): string {
  if (error) return `ERROR ${error}`;
  if (!a) return 'no answer';
  const r = a.result;
  const head = `understood=${a.understood} text="${(a.text ?? '').split('\n')[0]!.slice(0, 160)}"`;
  if (!r) return head;
  const rows = r.rows
    .slice(0, 8)
    .map(
      (row) =>
        `${row.members.map((m) => m.label ?? m.key).join(' × ') || '(all)'}=${row.values.map((v) => `${v.measure}:${fmt(v.value)}${v.compared !== null ? ` vs ${fmt(v.compared)}` : ''}${v.share !== null ? ` (${v.share}%)` : ''}`).join(',')}`,
    )
    .join('; ');
  const totals = r.totals
    .map((v) => `${v.measure}:${fmt(v.value)}${v.compared !== null ? ` vs ${fmt(v.compared)}` : ''}`)
    .join(',');
  return `${head}\n      period=${r.period ? `${r.period.from}..${r.period.to}` : 'none'} rows(${r.rows.length}${r.rowCount > r.rows.length ? ` of ${r.rowCount}` : ''})=[${rows}${r.rows.length > 8 ? '; …' : ''}] totals=[${totals}]`;
}

/** The oracle's answer in one line, for the failure report. */
export function describeExpected(q: Question, rows: OracleRow[]): string {
  if (q.expect === 'refusal') return 'a refusal (understood=false)';
  const shown = rows
    .slice(0, q.expect === 'top' ? Math.max(q.n ?? 10, 3) : 12)
    .map((r) => Object.values(r).map(fmt).join('='));
  return `${q.expect}: ${shown.join('; ')}${rows.length > shown.length ? `; … (${rows.length} rows)` : ''}`;
}

/**
 * The figures an answer gives for a one-figure question: its totals, else its only row — of the
 * question's measure when it names one, else of any measure the answer shows.
 */
function figures(
  a: AskAnswer,
  measure?: string,
): { value: number | null; compared: number | null; delta: number | null }[] {
  const r = a.result!;
  const of = (values: Value[]) => (measure ? values.filter((v) => v.measure === measure) : values);
  const all = [...of(r.totals), ...(r.rows.length === 1 ? of(r.rows[0]!.values) : [])];
  return all.map((v) => ({ value: num(v.value), compared: num(v.compared), delta: num(v.delta) }));
}

const UP =
  /\b(rose|risen|increased?|grew|grown|up|higher|gain(ed)?|augment\w*|hausse|progress\w*|cro[iî]t\w*|mont[ée]\w*)\b/i;
const DOWN = /\b(fell|fallen|decreased?|dropped|declined?|down|lower|baiss\w*|diminu\w*|recul\w*|chut\w*)\b/i;

export function judge(q: Question, a: AskAnswer, oracle: OracleRow[]): Verdict {
  if (q.expect === 'refusal')
    return a.understood
      ? { ok: false, reason: 'answered a question outside the model instead of refusing' }
      : { ok: true };
  if (!a.understood) return { ok: false, reason: 'not understood' };
  if (q.expect === 'direction') return direction(q, a, oracle[0]!);
  const r = a.result;
  if (!r) return { ok: false, reason: 'no figures in the answer' };
  switch (q.expect) {
    case 'value': {
      const e = num(oracle[0]!.value);
      return figures(a, q.measure).some((f) => close(q.unit, f.value, e))
        ? { ok: true }
        : { ok: false, reason: `figure differs (expected ${fmt(e)})` };
    }
    case 'compare': {
      const cur = num(oracle[0]!.current);
      const prev = num(oracle[0]!.previous);
      const fs = figures(a, q.measure);
      if (fs.some((f) => close(q.unit, f.value, cur) && close(q.unit, f.compared, prev))) return { ok: true };
      return {
        ok: false,
        reason: fs.some((f) => close(q.unit, f.value, cur))
          ? 'current figure right, compared figure wrong or missing'
          : 'current figure differs',
      };
    }
    case 'share': {
      const e = oracle[0]!;
      const want = norm(String(e.label));
      const row = r.rows.find((x) => names(x).has(want));
      if (!row) return { ok: false, reason: `no row for ${fmt(e.label)}` };
      const v = pick(row.values, q.measure);
      return close('pct', num(v?.share), num(e.value))
        ? { ok: true }
        : { ok: false, reason: `share of ${fmt(e.label)} is ${fmt(v?.share)}, expected ${fmt(e.value)}` };
    }
    case 'rows':
      return rowsMatch(q, r, oracle);
    case 'top':
      return topMatch(q, r, oracle);
  }
  return { ok: false, reason: `unknown expectation ${q.expect}` };
}

function rowsMatch(q: Question, r: NonNullable<AskAnswer['result']>, oracle: OracleRow[]): Verdict {
  const expected = new Map(oracle.map((o) => [norm(String(o.label)), num(o.value)]));
  const seen = new Set<string>();
  for (const row of r.rows) {
    const v = num(pick(row.values, q.measure)?.value);
    const hit = [...names(row)].find((n) => expected.has(n));
    if (!hit) {
      if (v === null || v === 0) continue;
      return {
        ok: false,
        reason: `unexpected row ${row.members.map((m) => m.label ?? m.key).join(' × ')}=${fmt(v)}`,
      };
    }
    if (!close(q.unit, v, expected.get(hit)!))
      return { ok: false, reason: `${hit}: ${fmt(v)}, expected ${fmt(expected.get(hit))}` };
    seen.add(hit);
  }
  const missing = [...expected.keys()].filter((k) => !seen.has(k));
  if (!missing.length) return { ok: true };
  // A long breakdown may be cut to its first rows with "and N more": then the population must be right.
  const cut = r.truncated || r.rowCount > r.rows.length;
  if (cut && r.rowCount === expected.size) return { ok: true };
  return {
    ok: false,
    reason: `missing ${missing.length} of ${expected.size} rows (${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''})`,
  };
}

function topMatch(q: Question, r: NonNullable<AskAnswer['result']>, oracle: OracleRow[]): Verdict {
  const n = Math.min(q.n ?? 10, oracle.length);
  if (r.rows.length < n) return { ok: false, reason: `${r.rows.length} rows, expected ${n}` };
  if (r.rows.length > Math.max(q.n ?? 10, 10))
    return { ok: false, reason: `${r.rows.length} rows for a top ${q.n}` };
  for (let i = 0; i < n; i++) {
    const row = r.rows[i]!;
    const picked = pick(row.values, q.measure);
    const v = num(q.figure === 'delta' ? picked?.delta : picked?.value);
    const e = num(oracle[i]!.value);
    if (!close(q.unit, v, e))
      return {
        ok: false,
        reason: `rank ${i + 1}: ${row.members.map((m) => m.label ?? m.key).join(' × ')}=${fmt(v)}, expected ${fmt(oracle[i]!.label)}=${fmt(e)}`,
      };
    // Ties: any member with the same figure may stand at this rank.
    const allowed = new Set(
      oracle.filter((o) => close(q.unit, num(o.value), e)).map((o) => norm(String(o.label))),
    );
    if (![...names(row)].some((x) => allowed.has(x)))
      return {
        ok: false,
        reason: `rank ${i + 1}: ${row.members.map((m) => m.label ?? m.key).join(' × ')}, expected ${fmt(oracle[i]!.label)}`,
      };
  }
  return { ok: true };
}

function direction(q: Question, a: AskAnswer, o: OracleRow): Verdict {
  const cur = num(o.current) ?? 0;
  const prev = num(o.previous) ?? 0;
  const want = Math.sign(cur - prev);
  const f = a.result ? figures(a, q.measure).find((x) => x.delta !== null || x.compared !== null) : undefined;
  let got: number | null = null;
  if (f) {
    if (!close(q.unit, f.value, cur))
      return {
        ok: false,
        reason: `explains another figure: ${fmt(f.value)} vs ${fmt(f.compared)}, expected ${cur} vs ${prev}`,
      };
    got = Math.sign(f.delta ?? (f.value ?? 0) - (f.compared ?? 0));
  } else {
    const text = (a.text ?? '').split('\n')[0] ?? '';
    const up = UP.test(text);
    const down = DOWN.test(text);
    if (up !== down) got = up ? 1 : -1;
  }
  if (got === null)
    return {
      ok: false,
      reason: `the answer does not say which way it went (it went ${want > 0 ? 'up' : 'down'})`,
    };
  return got === want
    ? { ok: true }
    : {
        ok: false,
        reason: `said ${got > 0 ? 'up' : 'down'}, it went ${want > 0 ? 'up' : 'down'} (${cur} vs ${prev})`,
      };
}
