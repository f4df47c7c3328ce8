import { ForbiddenError, ValidationError, type Principal } from '@erp/kit';
import type pg from 'pg';
import {
  FACTS,
  GRANULARITY_LEVEL,
  LEVELS,
  MEASURE_BY_NAME,
  type FactName,
  type Granularity,
  type LevelDef,
  type MeasureDef,
} from './model';
import {
  comparison,
  comparisonWith,
  parseIsoDate,
  addMonths,
  type CompareMode,
  type Comparison,
  type DateRange,
} from './periods';
import type { DataCalendar } from './calendar';

/** What a caller asks (the GraphQL `OlapQuery` input, or a dashboard tile's query). */
export interface OlapInput {
  measures: string[];
  dimensions?: string[] | null;
  filters?: FilterInput[] | null;
  time?: { from: string; to: string; granularity?: Granularity | null } | null;
  compare?: CompareMode | null;
  /** Compare with this window instead (two periods named: "2025 vs 2023"); needs `time`. */
  compareTo?: { from: string; to: string } | null;
  having?: { measure: string; op: HavingOp; value: string }[] | null;
  order?: { by: string; direction?: 'ASC' | 'DESC' | null }[] | null;
  limit?: number | null;
  pivot?: { rows: string[]; columns: string[] } | null;
  source?: 'AUTO' | 'FACT' | 'ROLLUP' | null;
}
export interface FilterInput {
  level: string;
  members?: string[] | null;
  from?: string | null;
  to?: string | null;
}
export type HavingOp = 'LT' | 'LE' | 'GT' | 'GE' | 'EQ';

export interface Viewer {
  role: Principal;
  userId: number | null;
}

export interface Plan {
  fact: FactName;
  measures: MeasureDef[];
  /** Row levels, the time granularity's level first. */
  levels: LevelDef[];
  filters: { level: LevelDef; members?: string[]; from?: string; to?: string }[];
  range: DateRange | null;
  compare: CompareMode | null;
  comparison: Comparison | null;
  timeLevel: LevelDef | null;
  having: { index: number; op: string; value: string }[];
  order: { column: string; direction: 'ASC' | 'DESC' }[];
  limit: number;
  pivot: { rows: number[]; columns: number[] } | null;
  source: 'AUTO' | 'FACT' | 'ROLLUP';
  salesRepId: { restricted: boolean; id: number | null };
  /** The data's as-of date (relative windows such as the 90 days behind days of cover end there). */
  asOf: string | null;
  /** The period was not asked: it is the measure's default (e.g. the supplier on-time rate's 12 months). */
  defaultPeriod: boolean;
}

export const MAX_LIMIT = 10_000;
export const DEFAULT_LIMIT = 1_000;
const OPS: Record<HavingOp, string> = { LT: '<', LE: '<=', GT: '>', GE: '>=', EQ: '=' };
const MAX_TEXT = 200;

const ANALYTICS_ROLES = new Set(['ADMIN', 'MANAGER', 'SALES', 'ANALYST', 'SERVICE']);

function text(field: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_TEXT)
    throw new ValidationError(field, v, `must be a non-empty string of at most ${MAX_TEXT} characters`);
  if (v.includes('\u0000')) throw new ValidationError(field, v, 'must not contain a NUL character');
  return v;
}

/** A level the viewer may use on this fact, or a typed error naming the field. */
function level(field: string, name: unknown, fact: FactName | null, viewer: Viewer): LevelDef {
  const l = LEVELS.get(text(field, name));
  if (!l) throw new ValidationError(field, name, `unknown level; known: ${[...LEVELS.keys()].join(', ')}`);
  if (fact && !l.facts.includes(fact))
    throw new ValidationError(
      field,
      name,
      `is not a level of the ${fact} fact (it has: ${[...LEVELS.values()]
        .filter((x) => x.facts.includes(fact))
        .map((x) => x.name)
        .join(', ')})`,
    );
  if (l.personal && viewer.role === 'ANALYST')
    throw new ForbiddenError(
      `${field}: the level ${l.name} names a person or a company (personal data) and is not available to ANALYST`,
    );
  return l;
}

function memberShape(field: string, l: LevelDef, v: unknown): string {
  const m = text(field, v);
  if (l.pattern && !l.pattern.test(m))
    throw new ValidationError(
      field,
      v,
      `is not a member of ${l.name} (expected like ${l.name === 'date.quarter' ? '2024-Q1' : l.name === 'date.month' ? '2024-02' : l.name === 'date.day' ? '2024-02-29' : '2024'})`,
    );
  if (l.fixedMembers && !l.fixedMembers.includes(m))
    throw new ValidationError(field, v, `is not a member of ${l.name} (${l.fixedMembers.join(', ')})`);
  return m;
}

/** Checks that every member exists in its dimension (one bound query); unknown ones are named. */
export async function checkMembers(
  pool: pg.Pool,
  field: string,
  l: LevelDef,
  members: string[],
): Promise<void> {
  if (!l.membersFrom || members.length === 0) return;
  const { rows } = await pool.query<{ key: string }>(
    `SELECT DISTINCT ${l.key} AS key FROM ${l.membersFrom} WHERE (${l.key}) = ANY($1::text[])`,
    [members],
  );
  const known = new Set(rows.map((r) => r.key));
  const unknown = members.filter((m) => !known.has(m));
  if (unknown.length)
    throw new ValidationError(
      field,
      unknown[0],
      `unknown member of ${l.name}${unknown.length > 1 ? ` (and ${unknown.length - 1} more)` : ''}`,
    );
}

const f = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

/** Validates a query against the semantic model and the viewer's rights, into a plan. */
export async function planQuery(
  pool: pg.Pool,
  input: OlapInput,
  viewer: Viewer,
  prefix = 'query',
  calendar: DataCalendar | null = null,
): Promise<Plan> {
  if (!ANALYTICS_ROLES.has(viewer.role)) throw new ForbiddenError('Analytics are not available to your role');
  const measures = planMeasures(input, viewer, prefix);
  const fact = singleFact(input, measures, prefix);
  const asked = planTime(input, fact, prefix);
  const { timeLevel } = asked;
  const levels = planLevels(input, fact, timeLevel, measures, viewer, prefix);
  const filters = await planFilters(pool, input, fact, viewer, prefix);
  const { range, defaultPeriod } = withDefaultPeriod(asked.range, measures, calendar);
  const { compare, cmp } = planComparison(input, range, prefix);
  const having = planHaving(input, measures, prefix);
  const order = planOrder(input, measures, levels, prefix);
  const limit = planLimit(input, prefix);
  const pivot = planPivot(input, levels, prefix);
  const source = planSource(input, prefix);

  return {
    fact,
    measures,
    levels,
    filters,
    range: cmp ? cmp.current : range,
    compare,
    comparison: cmp,
    timeLevel,
    having,
    order,
    limit,
    pivot,
    source,
    salesRepId: { restricted: viewer.role === 'SALES', id: viewer.role === 'SALES' ? viewer.userId : null },
    asOf: calendar?.asOf ?? null,
    defaultPeriod,
  };
}

/** The asked measures, each known, allowed to the viewer's role, and named once. */
function planMeasures(input: OlapInput, viewer: Viewer, prefix: string): MeasureDef[] {
  if (!Array.isArray(input.measures) || input.measures.length === 0 || input.measures.length > 20) {
    throw new ValidationError(f(prefix, 'measures'), input.measures, 'must list 1 to 20 measures');
  }
  const measures = input.measures.map((name, i) => {
    const m = MEASURE_BY_NAME.get(text(f(prefix, `measures[${i}]`), name));
    if (!m)
      throw new ValidationError(
        f(prefix, `measures[${i}]`),
        name,
        `unknown measure; known: ${[...MEASURE_BY_NAME.keys()].join(', ')}`,
      );
    if (m.roles && viewer.role !== 'SERVICE' && !(m.roles as readonly Principal[]).includes(viewer.role))
      throw new ForbiddenError(
        `${f(prefix, `measures[${i}]`)}: ${m.name} is not available to ${viewer.role}`,
      );
    return m;
  });
  if (new Set(measures.map((m) => m.name)).size !== measures.length)
    throw new ValidationError(f(prefix, 'measures'), input.measures, 'lists a measure twice');
  return measures;
}

/** The one fact the measures are read from (facts share no grain, so a query reads one). */
function singleFact(input: OlapInput, measures: MeasureDef[], prefix: string): FactName {
  const facts = [...new Set(measures.map((m) => m.fact))];
  if (facts.length > 1) {
    throw new ValidationError(
      f(prefix, 'measures'),
      input.measures,
      `mixes measures of the ${facts.join(' and ')} facts, which share no grain: query them separately`,
    );
  }
  return facts[0]!;
}

/** The asked period and the date level its granularity groups by, if any. */
function planTime(
  input: OlapInput,
  fact: FactName,
  prefix: string,
): { range: DateRange | null; timeLevel: LevelDef | null } {
  let range: DateRange | null = null;
  let timeLevel: LevelDef | null = null;
  if (input.time && !FACTS[fact].dateKey) {
    throw new ValidationError(
      f(prefix, 'time'),
      input.time,
      `${FACTS[fact].title} has no date (it is read as the last ETL run saw it): ask it without a period`,
    );
  }
  if (input.time) {
    const from = parseIsoDate(f(prefix, 'time.from'), input.time.from);
    const to = parseIsoDate(f(prefix, 'time.to'), input.time.to);
    if (from > to) throw new ValidationError(f(prefix, 'time.to'), to, 'is before time.from');
    range = { from, to };
    if (input.time.granularity) {
      const name = GRANULARITY_LEVEL[input.time.granularity];
      if (!name)
        throw new ValidationError(
          f(prefix, 'time.granularity'),
          input.time.granularity,
          'must be YEAR, QUARTER, MONTH or DAY',
        );
      timeLevel = LEVELS.get(name)!;
    }
  }
  return { range, timeLevel };
}

/** The row levels: the time granularity's first, then the asked dimensions, each once. */
function planLevels(
  input: OlapInput,
  fact: FactName,
  timeLevel: LevelDef | null,
  measures: MeasureDef[],
  viewer: Viewer,
  prefix: string,
): LevelDef[] {
  const dims = input.dimensions ?? [];
  if (!Array.isArray(dims) || dims.length > 6)
    throw new ValidationError(f(prefix, 'dimensions'), dims, 'at most 6 dimension levels');
  const levels: LevelDef[] = timeLevel ? [timeLevel] : [];
  dims.forEach((name, i) => {
    const l = level(f(prefix, `dimensions[${i}]`), name, fact, viewer);
    if (levels.some((x) => x.name === l.name)) {
      if (l === timeLevel) return; // the time granularity's level, named again
      throw new ValidationError(f(prefix, `dimensions[${i}]`), name, 'is listed twice');
    }
    if (timeLevel && l.dimension === 'date')
      throw new ValidationError(
        f(prefix, `dimensions[${i}]`),
        name,
        'the date is grouped by time.granularity already',
      );
    levels.push(l);
  });
  for (const m of measures) {
    if (!m.noDateGrouping) continue;
    const bad = levels.find((l) => l.dimension === 'date' || !l.facts.includes('sales'));
    if (bad)
      throw new ValidationError(
        f(prefix, 'dimensions'),
        bad.name,
        `${m.name} is computed at one reference date from sales by product and warehouse: it cannot be grouped by ${bad.name}`,
      );
  }
  return levels;
}

/** The filters, each on a level of the fact, with members that exist in their dimension. */
async function planFilters(
  pool: pg.Pool,
  input: OlapInput,
  fact: FactName,
  viewer: Viewer,
  prefix: string,
): Promise<Plan['filters']> {
  const filters: Plan['filters'] = [];
  const filterInputs = input.filters ?? [];
  if (!Array.isArray(filterInputs) || filterInputs.length > 20)
    throw new ValidationError(f(prefix, 'filters'), filterInputs, 'at most 20 filters');
  for (const [i, fi] of filterInputs.entries()) {
    const field = f(prefix, `filters[${i}]`);
    const l = level(`${field}.level`, fi.level, fact, viewer);
    const entry: Plan['filters'][number] = { level: l };
    if (fi.members != null) {
      if (!Array.isArray(fi.members) || fi.members.length === 0 || fi.members.length > 500)
        throw new ValidationError(`${field}.members`, fi.members, 'must list 1 to 500 members');
      entry.members = [...new Set(fi.members.map((m, j) => memberShape(`${field}.members[${j}]`, l, m)))];
    }
    if (fi.from != null) entry.from = memberShape(`${field}.from`, l, fi.from);
    if (fi.to != null) entry.to = memberShape(`${field}.to`, l, fi.to);
    if (!entry.members && entry.from === undefined && entry.to === undefined)
      throw new ValidationError(field, fi, 'needs members, from or to');
    filters.push(entry);
  }
  // Unknown members are errors (in the dimension, not in what the viewer may see: row-level security
  // is applied on the facts, so naming someone else's customer just selects nothing).
  await Promise.all(
    filters.map((fl, i) =>
      fl.members ? checkMembers(pool, f(prefix, `filters[${i}].members`), fl.level, fl.members) : undefined,
    ),
  );
  return filters;
}

/** A measure with a default period (one definition on every screen) gets it when none is asked. */
function withDefaultPeriod(
  asked: DateRange | null,
  measures: MeasureDef[],
  calendar: DataCalendar | null,
): { range: DateRange | null; defaultPeriod: boolean } {
  const months = Math.max(0, ...measures.map((m) => m.defaultPeriodMonths ?? 0));
  if (!asked && months && calendar?.asOf) {
    const range = { from: addMonths(`${calendar.asOf.slice(0, 7)}-01`, -(months - 1)), to: calendar.asOf };
    return { range, defaultPeriod: true };
  }
  return { range: asked, defaultPeriod: false };
}

/** The comparison: a standard one (a year ago, the period before…) or an explicit second window. */
function planComparison(
  input: OlapInput,
  range: DateRange | null,
  prefix: string,
): { compare: CompareMode | null; cmp: Comparison | null } {
  const compare = input.compare ?? null;
  if (compare && !['PREVIOUS_PERIOD', 'YEAR_AGO', 'YEAR_TO_DATE'].includes(compare))
    throw new ValidationError(
      f(prefix, 'compare'),
      compare,
      'must be PREVIOUS_PERIOD, YEAR_AGO or YEAR_TO_DATE',
    );
  if (compare && !range)
    throw new ValidationError(f(prefix, 'compare'), compare, 'needs a time range (time.from, time.to)');
  let cmp = compare && range ? comparison(range, compare) : null;
  if (input.compareTo) {
    if (!range)
      throw new ValidationError(
        f(prefix, 'compareTo'),
        input.compareTo,
        'needs a time range (time.from, time.to)',
      );
    const from = parseIsoDate(f(prefix, 'compareTo.from'), input.compareTo.from);
    const to = parseIsoDate(f(prefix, 'compareTo.to'), input.compareTo.to);
    if (from > to) throw new ValidationError(f(prefix, 'compareTo.to'), to, 'is before compareTo.from');
    cmp = comparisonWith(range, { from, to });
  }
  return { compare, cmp };
}

/** Conditions on the query's own measures, as the measure's column index, an SQL operator and a decimal. */
function planHaving(input: OlapInput, measures: MeasureDef[], prefix: string): Plan['having'] {
  return (input.having ?? []).map((h, i) => {
    const index = measures.findIndex((m) => m.name === h.measure);
    if (index < 0)
      throw new ValidationError(
        f(prefix, `having[${i}].measure`),
        h.measure,
        'must be one of the query measures',
      );
    const op = OPS[h.op];
    if (!op) throw new ValidationError(f(prefix, `having[${i}].op`), h.op, 'must be LT, LE, GT, GE or EQ');
    if (typeof h.value !== 'string' || !/^-?\d{1,15}(\.\d{1,6})?$/.test(h.value))
      throw new ValidationError(f(prefix, `having[${i}].value`), h.value, 'must be a decimal number');
    return { index, op, value: h.value };
  });
}

/** The sort, by a query measure (column m<i>) or dimension level (column k<i>). */
function planOrder(
  input: OlapInput,
  measures: MeasureDef[],
  levels: LevelDef[],
  prefix: string,
): Plan['order'] {
  return (input.order ?? []).map((o, i) => {
    const direction = o.direction ?? 'DESC';
    if (direction !== 'ASC' && direction !== 'DESC')
      throw new ValidationError(f(prefix, `order[${i}].direction`), direction, 'must be ASC or DESC');
    const mi = measures.findIndex((m) => m.name === o.by);
    if (mi >= 0) return { column: `m${mi}`, direction };
    const li = levels.findIndex((l) => l.name === o.by);
    if (li >= 0) return { column: `k${li}`, direction };
    throw new ValidationError(
      f(prefix, `order[${i}].by`),
      o.by,
      'must be one of the query measures or dimension levels',
    );
  });
}

function planLimit(input: OlapInput, prefix: string): number {
  const limit = input.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new ValidationError(f(prefix, 'limit'), limit, `must be an integer from 1 to ${MAX_LIMIT}`);
  return limit;
}

/** The pivot: the query levels shared out between rows and columns, as level indexes. */
function planPivot(input: OlapInput, levels: LevelDef[], prefix: string): Plan['pivot'] {
  if (!input.pivot) return null;
  const idx = (names: string[], side: string) =>
    names.map((n, i) => {
      const at = levels.findIndex((l) => l.name === n);
      if (at < 0)
        throw new ValidationError(
          f(prefix, `pivot.${side}[${i}]`),
          n,
          'must be one of the query dimension levels',
        );
      return at;
    });
  const rows = idx(input.pivot.rows ?? [], 'rows');
  const columns = idx(input.pivot.columns ?? [], 'columns');
  const all = [...rows, ...columns].sort();
  if (all.length !== levels.length || new Set(all).size !== all.length)
    throw new ValidationError(
      f(prefix, 'pivot'),
      input.pivot,
      'rows and columns must share out the query levels, each once',
    );
  return { rows, columns };
}

function planSource(input: OlapInput, prefix: string): Plan['source'] {
  const source = input.source ?? 'AUTO';
  if (!['AUTO', 'FACT', 'ROLLUP'].includes(source))
    throw new ValidationError(f(prefix, 'source'), source, 'must be AUTO, FACT or ROLLUP');
  return source;
}
