import { QueryTimeoutError, ValidationError } from '@erp/kit';
import type pg from 'pg';
import { percentChange, sharePct, subtract } from './decimal';
import { readCalendar, type DataCalendar } from './calendar';
import { defineAnswer, type AnswerDefinition } from './definition';
import { LEVELS, ROLLUPS, type RollupDef } from './model';
import { isMonthAligned, shiftMember, type CompareMode, type DateRange } from './periods';
import { checkMembers, planQuery, type FilterInput, type OlapInput, type Plan, type Viewer } from './plan';
import { rollupStates } from './rollups';
import { buildQuery, buildSnapshotQuery, canShareTotals } from './sql';

export interface Member {
  level: string;
  key: string | null;
  label: string | null;
}
export interface Value {
  measure: string;
  value: string | null;
  compared: string | null;
  delta: string | null;
  deltaPct: string | null;
  /** 100 × value / the total of every member (rows only; null on totals). */
  share: string | null;
}
export interface Row {
  members: Member[];
  values: Value[];
}
export interface Freshness {
  runId: string | null;
  finishedAt: Date | null;
  status: string | null;
  reconciled: boolean | null;
}
export interface Pivot {
  rowLevels: string[];
  columnLevels: string[];
  rowHeaders: Member[][];
  columnHeaders: Member[][];
  cells: { row: number; column: number; values: Value[] }[];
}
export interface OlapAnswer {
  measures: string[];
  dimensions: string[];
  rows: Row[];
  totals: Value[];
  period: DateRange | null;
  compare: CompareMode | null;
  comparePeriod: DateRange | null;
  pivot: Pivot | null;
  source: 'ROLLUP' | 'FACT';
  rollup: string | null;
  freshness: Freshness;
  truncated: boolean;
  /** How many rows matched in all (the population behind "and N more"), when more than the limit. */
  rowCount: number;
  /** What the figures mean: measures in words, filters, period and its coverage, currency, as-of date. */
  definition: AnswerDefinition;
}

/** The last successful ETL run: when the warehouse was last loaded, and whether it reconciled. */
export async function freshness(pool: pg.Pool): Promise<Freshness> {
  const { rows } = await pool.query<{
    run_id: string;
    finished_at: Date | null;
    status: string;
    reconciled: boolean | null;
  }>(
    `SELECT run_id::text, finished_at, status,
            CASE WHEN jsonb_typeof(reconciliation -> 'ok') = 'boolean' THEN (reconciliation ->> 'ok')::boolean END AS reconciled
       FROM meta.etl_runs WHERE status = 'SUCCEEDED'
      ORDER BY finished_at DESC NULLS LAST, run_id DESC LIMIT 1`,
  );
  const r = rows[0];
  return r
    ? { runId: r.run_id, finishedAt: r.finished_at, status: r.status, reconciled: r.reconciled }
    : { runId: null, finishedAt: null, status: null, reconciled: null };
}

/** Why this rollup cannot answer the plan (null: it can). */
function rollupRefusal(plan: Plan, rollup: RollupDef): string | null {
  if (plan.fact !== rollup.fact) return `it holds ${rollup.fact} only`;
  if (plan.salesRepId.restricted && !rollup.customerGrain)
    return 'row-level security (SALES) needs the customer, which it does not keep';
  const m = plan.measures.find((x) => !x.components.every((c) => rollup.components.includes(c)));
  if (m) return `${m.name} cannot be computed from it`;
  const l = [...plan.levels, ...plan.filters.map((x) => x.level)].find(
    (x) => !rollup.levels.includes(x.name),
  );
  if (l) return `${l.name} is not in it`;
  for (const w of [plan.range, plan.comparison?.compared])
    if (w && !isMonthAligned(w)) return `${w.from}..${w.to} is not made of whole months`;
  return null;
}

/**
 * What every answer needs besides its own rows — the rollups' state and the warehouse's freshness —
 * read as soon as a request arrives, while it is being validated, and shared by a dashboard's tiles.
 */
export interface AnswerState {
  rollups: Promise<Map<string, { fresh: boolean; rows: number }>>;
  freshness: Promise<Freshness>;
  /** The data's as-of date, first date and currency. */
  calendar: Promise<DataCalendar>;
}
export function readAnswerState(pool: pg.Pool): AnswerState {
  const state = {
    rollups: rollupStates(pool).catch(() => new Map<string, { fresh: boolean; rows: number }>()),
    freshness: freshness(pool),
    calendar: readCalendar(pool),
  };
  // awaited with the answer; a request refused first must not leave them unhandled
  state.freshness.catch(() => undefined);
  state.calendar.catch(() => undefined);
  return state;
}

/** The smallest fresh rollup that can answer, or the facts (a forced ROLLUP that none can answer is an error naming why). */
async function chooseSource(plan: Plan, prefix: string, state: AnswerState): Promise<RollupDef | 'FACT'> {
  if (plan.source === 'FACT') return 'FACT';
  const refusals = ROLLUPS.map((r) => ({ rollup: r, why: rollupRefusal(plan, r) }));
  const able = refusals.filter((x) => !x.why).map((x) => x.rollup);
  let refusal: string | null = null;
  let chosen: RollupDef | null = null;
  if (!ROLLUPS.some((r) => r.fact === plan.fact)) {
    refusal = `the rollups hold ${[...new Set(ROLLUPS.map((r) => r.fact))].join(', ')} only`;
  } else if (!able.length) {
    refusal = refusals.map((x) => `${x.rollup.name}: ${x.why}`).join('; ');
  } else {
    const states = await state.rollups;
    const fresh = able.filter((r) => states.get(r.name)?.fresh);
    chosen =
      fresh.sort(
        (a, b) =>
          states.get(a.name)!.rows - states.get(b.name)!.rows || ROLLUPS.indexOf(a) - ROLLUPS.indexOf(b),
      )[0] ?? null;
    if (!chosen)
      refusal = `${able.map((r) => r.name).join(', ')} could answer but ${able.length > 1 ? 'are' : 'is'} not built or older than the last ETL run`;
  }
  if (!chosen && plan.source === 'ROLLUP')
    throw new ValidationError(
      prefix ? `${prefix}.source` : 'source',
      'ROLLUP',
      `no rollup can answer: ${refusal}`,
    );
  return chosen ?? 'FACT';
}

type DbRow = Record<string, string | null>;

async function run(
  pool: pg.Pool,
  plan: Plan,
  window: DateRange | null,
  source: RollupDef | 'FACT',
  grouped: boolean,
  shaped: boolean,
  totals = false,
): Promise<DbRow[]> {
  const opts = { window, grouped, shaped, totals };
  const q = buildQuery(
    plan,
    source === 'FACT' ? { ...opts, source } : { ...opts, source: 'ROLLUP', rollup: source },
  );
  return (await pool.query<DbRow>(q.text, q.values)).rows;
}

/** 57014 (cancelled by statement_timeout): too broad a read for the data's size, said as such to the user. */
export async function withinTimeLimit<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if ((err as { code?: string }).code === '57014') {
      throw new QueryTimeoutError(
        'This query reads more of the warehouse than its time limit allows: ask for a shorter period, fewer breakdowns or a filter',
      );
    }
    throw err;
  }
}

/** A window's rows and its totals' row: one statement (one scan) where they can share it, else two at once. */
async function rowsAndTotals(
  pool: pg.Pool,
  plan: Plan,
  window: DateRange | null,
  source: RollupDef | 'FACT',
  shaped: boolean,
): Promise<{ rows: DbRow[]; total: DbRow | undefined }> {
  if (canShareTotals(plan)) {
    const all = await run(pool, plan, window, source, true, shaped, true);
    return { rows: all.filter((r) => r.part === 'R'), total: all.find((r) => r.part === 'T') };
  }
  const [rows, total] = await Promise.all([
    run(pool, plan, window, source, true, shaped),
    run(pool, plan, window, source, false, false),
  ]);
  return { rows, total: total[0] };
}

const values = (plan: Plan, row: DbRow | undefined, compared?: DbRow | null, total?: DbRow): Value[] =>
  plan.measures.map((m, i) => {
    const value = row?.[`m${i}`] ?? null;
    const c = compared === undefined ? null : (compared?.[`m${i}`] ?? null);
    const share = total ? sharePct(value, total[`m${i}`] ?? null) : null;
    return {
      measure: m.name,
      value,
      compared: c,
      delta: subtract(value, c),
      deltaPct: percentChange(value, c),
      share,
    };
  });

const rowKey = (keys: (string | null)[]) => JSON.stringify(keys);

/** Runs an OLAP query: validation, source choice, the main rows, totals and compared values. */
export function olap(
  pool: pg.Pool,
  input: OlapInput,
  viewer: Viewer,
  prefix = 'query',
  state: AnswerState = readAnswerState(pool),
): Promise<OlapAnswer> {
  return withinTimeLimit(() => answer(pool, input, viewer, prefix, state));
}

async function answer(
  pool: pg.Pool,
  input: OlapInput,
  viewer: Viewer,
  prefix: string,
  state: AnswerState,
): Promise<OlapAnswer> {
  const plan = await planQuery(pool, input, viewer, prefix, await state.calendar);
  return execute(pool, plan, prefix, state);
}

async function execute(pool: pg.Pool, plan: Plan, prefix: string, state: AnswerState): Promise<OlapAnswer> {
  const source = await chooseSource(plan, prefix, state);
  const window = plan.range;
  const cmp = plan.comparison;
  const [{ rows: main, total }, compared, fresh, calendar, snapshotDate] = await Promise.all([
    rowsAndTotals(pool, plan, window, source, true),
    cmp ? rowsAndTotals(pool, plan, cmp.compared, source, false) : Promise.resolve(null),
    state.freshness,
    state.calendar,
    plan.fact === 'inventory' ? snapshotOf(pool, plan, window) : Promise.resolve(undefined),
  ]);
  const truncated = main.length > plan.limit;
  const kept = main.slice(0, plan.limit);
  const timeIndex = plan.timeLevel ? plan.levels.indexOf(plan.timeLevel) : -1;
  const comparedByKey = new Map(
    (compared?.rows ?? []).map((r) => [rowKey(plan.levels.map((_l, i) => r[`k${i}`] ?? null)), r]),
  );
  const rows: Row[] = kept.map((r) => {
    const keys = plan.levels.map((_l, i) => r[`k${i}`] ?? null);
    let compared: DbRow | null | undefined;
    if (cmp) {
      const shifted = keys.map((k, i) =>
        i === timeIndex && k !== null ? shiftMember(plan.timeLevel!.granularity!, k, cmp.shift) : k,
      );
      compared = comparedByKey.get(rowKey(shifted)) ?? null;
    }
    return {
      members: plan.levels.map((l, i) => ({
        level: l.name,
        key: keys[i] ?? null,
        label: r[`l${i}`] ?? null,
      })),
      values: values(plan, r, compared, total),
    };
  });
  const totals = values(plan, total, cmp ? (compared?.total ?? null) : undefined);
  return {
    measures: plan.measures.map((m) => m.name),
    dimensions: plan.levels.map((l) => l.name),
    rows,
    totals,
    period: window,
    compare: plan.compare,
    comparePeriod: cmp?.compared ?? null,
    pivot: plan.pivot ? pivot(plan, rows) : null,
    source: source === 'FACT' ? 'FACT' : 'ROLLUP',
    rollup: source === 'FACT' ? null : source.name,
    freshness: fresh,
    truncated,
    rowCount: main[0]?.n != null ? Number(main[0].n) : main.length,
    definition:
      snapshotDate === undefined
        ? defineAnswer(plan, calendar)
        : { ...defineAnswer(plan, calendar), snapshotDate },
  };
}

async function snapshotOf(pool: pg.Pool, plan: Plan, window: DateRange | null): Promise<string | null> {
  const q = buildSnapshotQuery(plan, window);
  return (await pool.query<{ snapshot_date: string }>(q.text, q.values)).rows[0]?.snapshot_date ?? null;
}

/** Rows as a cross table: distinct row headers × column headers, sparse cells. */
function pivot(plan: Plan, rows: Row[]): Pivot {
  const p = plan.pivot!;
  const headerIndex = (levels: number[]) => {
    const headers: Member[][] = [];
    const index = new Map<string, number>();
    const of = (r: Row) => {
      const members = levels.map((i) => r.members[i]!);
      const key = rowKey(members.map((m) => m.key));
      let at = index.get(key);
      if (at === undefined) {
        at = headers.length;
        headers.push(members);
        index.set(key, at);
      }
      return at;
    };
    return { headers, of };
  };
  const rh = headerIndex(p.rows);
  const ch = headerIndex(p.columns);
  const cells = rows.map((r) => ({ row: rh.of(r), column: ch.of(r), values: r.values }));
  return {
    rowLevels: p.rows.map((i) => plan.levels[i]!.name),
    columnLevels: p.columns.map((i) => plan.levels[i]!.name),
    rowHeaders: rh.headers,
    columnHeaders: ch.headers,
    cells,
  };
}

export interface DrillInput {
  level: string;
  member: string;
  measures: string[];
  time?: OlapInput['time'];
  filters?: FilterInput[] | null;
  limit?: number | null;
}

/** The members of the next level under `member` of `level`, with the measures asked. */
export function drillDown(pool: pg.Pool, input: DrillInput, viewer: Viewer): Promise<OlapAnswer> {
  return withinTimeLimit(() => drill(pool, input, viewer));
}

async function drill(pool: pg.Pool, input: DrillInput, viewer: Viewer): Promise<OlapAnswer> {
  const state = readAnswerState(pool);
  const l = typeof input.level === 'string' ? LEVELS.get(input.level) : undefined;
  if (!l)
    throw new ValidationError('level', input.level, `unknown level; known: ${[...LEVELS.keys()].join(', ')}`);
  if (!l.child)
    throw new ValidationError(
      'level',
      input.level,
      'is the finest level of its hierarchy: nothing to drill into',
    );
  const filters = [...(input.filters ?? [])];
  // The plan checks the level (fact, personal data) and the member's shape; the member must exist.
  const plan = await planQuery(
    pool,
    {
      measures: input.measures,
      dimensions: [l.child],
      filters: [...filters, { level: l.name, members: [input.member] }],
      time: input.time,
      limit: input.limit,
    },
    viewer,
    '',
  ).catch((err: unknown) => {
    if (err instanceof ValidationError && err.field.startsWith(`filters[${filters.length}]`))
      throw new ValidationError('member', input.member, err.reason);
    if (err instanceof ValidationError && err.field === 'dimensions[0]')
      throw new ValidationError('level', input.level, err.reason);
    throw err;
  });
  await checkMembers(pool, 'member', l, [input.member]);
  return execute(pool, plan, '', state);
}
