import {
  COMPONENTS,
  FACTS,
  SCOPES,
  scopeCondition,
  type LevelDef,
  type MeasureDef,
  type RollupDef,
  type ScopeName,
} from './model';
import type { DateRange } from './periods';
import type { Plan } from './plan';

/**
 * The SQL generator. Every identifier and expression comes from the semantic model; every value the
 * caller gave (members, ranges, dates, thresholds, limits, the SALES user's id) is a bound parameter
 * ($n), never text in the statement.
 */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

export interface BuiltQuery {
  text: string;
  values: unknown[];
}

export interface BuildOptions {
  window: DateRange | null;
  source: 'FACT' | 'ROLLUP';
  /** The rollup table read when source is ROLLUP. */
  rollup?: RollupDef | null;
  /** Group by the plan's levels (false: one row, the totals). */
  grouped: boolean;
  /** Apply HAVING, ORDER and LIMIT (the main rows); compared values and totals take everything. */
  shaped: boolean;
  /**
   * With `grouped`: the totals too, in the same statement and scan (GROUPING SETS), as a first row
   * whose `part` is 'T' (the rows' part is 'R'). Not for inventory, whose latest snapshot depends on
   * the grouping (see canShareTotals).
   */
  totals?: boolean;
}

/** Whether the rows and the totals can come from one grouping (see BuildOptions.totals). */
export const canShareTotals = (plan: Plan) => plan.fact !== 'inventory';

const compName = (c: string) => `c_${c}`;

/**
 * The scopes of the components a query computes. Every row read must be in the union of their
 * statuses (a condition on every row: the indexes and statistics help, and a member with no row in
 * scope does not appear); when the components' scopes differ, each also filters its own aggregate
 * (FILTER (WHERE …)), e.g. revenue (booked, returns subtracting) beside orders (booked sales only).
 */
function scopePlan(components: string[]): { shared: string | null; perComponent: boolean } {
  const scopes = components.map((c) => COMPONENTS[c]!.scope ?? null);
  if (!scopes.length || scopes.some((x) => x === null))
    return { shared: null, perComponent: scopes.some((x) => x !== null) };
  const named = scopes as ScopeName[];
  if (new Set(named).size === 1) return { shared: scopeCondition(named[0]!, 'FACT'), perComponent: false };
  const statuses = [...new Set(named.flatMap((x) => SCOPES[x].statuses))];
  return { shared: `s.status IN (${statuses.map((x) => `'${x}'`).join(', ')})`, perComponent: true };
}

function componentSql(c: string, source: 'FACT' | 'ROLLUP', perComponent: boolean): string {
  const def = COMPONENTS[c]!;
  const expr = source === 'ROLLUP' ? def.rollup! : def.sql;
  const filter = perComponent && def.scope ? ` FILTER (WHERE ${scopeCondition(def.scope, source)})` : '';
  return expr.replace('{filter}', filter);
}

/** The components the side query of the 90 days of sales computes (see `sold` in buildQuery). */
const SOLD_COLUMNS: Record<string, string> = { sold90: 'sold.units', sold90_net: 'sold.net' };

function finalExpr(m: MeasureDef): string {
  return m.final.replace(/\{(\w+)\}/g, (_all, c: string) => SOLD_COLUMNS[c] ?? `b.${compName(c)}`);
}

/** The SALES row-level predicate: only the rows of customers currently assigned to the user. */
function salesRowLevel(plan: Plan, params: Params, customerId = 'c.customer_id'): string | null {
  if (!plan.salesRepId.restricted) return null;
  if (plan.salesRepId.id === null) return 'false';
  return `${customerId} IN (SELECT cur.customer_id FROM dw.dim_customer cur WHERE cur.is_current AND cur.sales_rep_id = ${params.add(plan.salesRepId.id)}::int)`;
}

function levelKey(l: LevelDef, source: 'FACT' | 'ROLLUP'): string {
  return source === 'ROLLUP' ? l.rollup!.key : l.key;
}
function levelLabel(l: LevelDef, source: 'FACT' | 'ROLLUP'): string {
  return source === 'ROLLUP' ? l.rollup!.label : l.label;
}

function filterConditions(
  plan: Plan,
  params: Params,
  source: 'FACT' | 'ROLLUP',
  keep: (l: LevelDef) => boolean,
): string[] {
  const out: string[] = [];
  for (const f of plan.filters) {
    if (!keep(f.level)) continue;
    const key = `(${levelKey(f.level, source)})`;
    if (f.members) out.push(`${key} = ANY(${params.add(f.members)}::text[])`);
    if (f.from !== undefined) out.push(`${key} >= ${params.add(f.from)}::text`);
    if (f.to !== undefined) out.push(`${key} <= ${params.add(f.to)}::text`);
  }
  return out;
}

function windowCondition(column: string, window: DateRange | null, params: Params): string[] {
  return window
    ? [`${column} BETWEEN ${params.add(window.from)}::date AND ${params.add(window.to)}::date`]
    : [];
}

/** The same window on a YYYYMMDD date key column. */
const dateKey = (isoDate: string) => Number(isoDate.replaceAll('-', ''));
function windowKeyCondition(column: string, window: DateRange | null, params: Params): string[] {
  return window
    ? [
        `${column} BETWEEN ${params.add(dateKey(window.from))}::int AND ${params.add(dateKey(window.to))}::int`,
      ]
    : [];
}

const where = (conds: string[]) => (conds.length ? `WHERE ${conds.join('\n  AND ')}` : '');

/** The last snapshot of the window (of each date member of the grouping, when grouped by date). */
function lastSnapshots(plan: Plan, params: Params, window: DateRange | null, keys: LevelDef[]): string {
  const dateKeys = keys.filter((l) => l.dimension === 'date');
  const conds = [
    ...windowCondition('d.full_date', window, params),
    ...filterConditions(plan, params, 'FACT', (l) => l.dimension === 'date'),
  ];
  return `SELECT max(x.snapshot_date_key) FROM dw.fact_inventory_snapshot x JOIN dw.dim_date d ON d.date_key = x.snapshot_date_key
    ${where(conds)}${dateKeys.length ? `\n    GROUP BY ${dateKeys.map((l) => l.key).join(', ')}` : ''}`;
}

/** The snapshot date an ungrouped inventory read of this window uses (the answer's "stock as of"). */
export function buildSnapshotQuery(plan: Plan, window: DateRange | null): BuiltQuery {
  const params = new Params();
  const text = `SELECT rd.full_date::text AS snapshot_date FROM dw.dim_date rd WHERE rd.date_key = (${lastSnapshots(plan, params, window, [])})`;
  return { text, values: params.values };
}

/** The last day of the 90 days of sales behind days of cover: the snapshot's day, or the as-of date when earlier. */
function soldEnd(plan: Plan, params: Params, window: DateRange | null): string {
  const snapshot = `(SELECT rd.full_date FROM dw.dim_date rd WHERE rd.date_key = (${lastSnapshots(plan, params, window, [])}))`;
  return plan.asOf ? `LEAST(${snapshot}, ${params.add(plan.asOf)}::date)` : snapshot;
}

export function buildQuery(plan: Plan, opts: BuildOptions): BuiltQuery {
  const params = new Params();
  const { source } = opts;
  const keys = opts.grouped ? plan.levels : [];
  const components = [...new Set(plan.measures.flatMap((m) => m.components))].filter(
    (c) => !(c in SOLD_COLUMNS),
  );
  const needsSold = plan.measures.some((m) => m.components.some((c) => c in SOLD_COLUMNS));
  const fact = FACTS[plan.fact];

  const memberColumns = keys.flatMap((l, i) => [
    `${levelKey(l, source)} AS k${i}`,
    `${levelLabel(l, source)} AS l${i}`,
  ]);
  const memberNames = keys.flatMap((_l, i) => [`k${i}`, `l${i}`]);
  const scopes = scopePlan(components);
  const aggregate = (c: string) => `${componentSql(c, source, scopes.perComponent)} AS ${compName(c)}`;
  const conds: string[] = [];
  if (scopes.shared)
    conds.push(
      source === 'ROLLUP'
        ? scopes.shared.replace('s.status', 'r.status').replace('k.kind', 'r.kind')
        : scopes.shared,
    );
  let from: string;
  if (source === 'ROLLUP') {
    const rollup = opts.rollup;
    if (!rollup) throw new Error('buildQuery: source ROLLUP without a rollup');
    from = `${rollup.table} r`;
    conds.push(...windowCondition('r.month_start', opts.window, params));
    conds.push(...filterConditions(plan, params, 'ROLLUP', () => true));
    if (plan.salesRepId.restricted) {
      if (!rollup.customerGrain)
        throw new Error(`buildQuery: ${rollup.name} cannot apply the SALES row-level filter`);
      conds.push(salesRowLevel(plan, params, 'r.customer_id')!);
    }
  } else {
    from = fact.from;
    if (plan.fact === 'inventory') {
      conds.push(`i.snapshot_date_key IN (${lastSnapshots(plan, params, opts.window, keys)})`);
      conds.push(...filterConditions(plan, params, 'FACT', (l) => l.dimension !== 'date'));
    } else {
      if (fact.dateKey) conds.push(...windowKeyCondition(fact.dateKey, opts.window, params));
      conds.push(...filterConditions(plan, params, 'FACT', () => true));
    }
    if (fact.baseCondition) conds.push(fact.baseCondition);
    if (plan.fact === 'sales') {
      const rls = salesRowLevel(plan, params);
      if (rls) conds.push(rls);
    }
  }
  // With the totals, t = 1 marks the totals' row (of the empty grouping set), t = 0 the members' rows.
  const totals = Boolean(opts.totals && opts.grouped);
  if (totals && !canShareTotals(plan))
    throw new Error(`buildQuery: ${plan.fact} rows cannot share their totals' statement`);
  let ctes: string[];
  if (source === 'ROLLUP' && components.includes('customers')) {
    // Distinct customers over a customer rollup, in two steps that hash rather than sort: one row per
    // (members, customer) with the other components' sums, then customers = how many such rows.
    const others = components.filter((c) => c !== 'customers');
    // Without a shared scope, a customer counts when one of their rows is in the customers' scope.
    const flag = scopes.perComponent
      ? `bool_or(${scopeCondition(COMPONENTS.customers!.scope!, 'ROLLUP')})`
      : null;
    const perCustomer = [
      ...memberColumns,
      'r.customer_id AS customer_id',
      ...(flag ? [`${flag} AS in_scope`] : []),
      ...others.map(aggregate),
    ];
    const counted = (count: string) => (flag ? `${count} FILTER (WHERE in_scope)` : count);
    const sums = (customers: string) =>
      components.map(
        (c) =>
          `${c === 'customers' ? counted(customers) : ['orders', 'cancelled_orders'].includes(c) ? `COALESCE(SUM(${compName(c)}), 0)` : `SUM(${compName(c)})`} AS ${compName(c)}`,
      );
    const groupBy = keys.length ? `\n  GROUP BY ${memberNames.join(', ')}` : '';
    let body = `SELECT ${[...memberNames, ...(totals ? [keys.length ? '0 AS t' : '1 AS t'] : []), ...sums('COUNT(*)')].join(', ')}\n  FROM per_customer${groupBy}`;
    if (totals && keys.length) {
      // The totals from the same per-customer rows (a partition of the rows read): the sums add up,
      // the customers are the distinct ones among them; no grouping, so the row exists when none matched.
      body += `\n  UNION ALL\n  SELECT ${[...memberNames.map((n) => `NULL AS ${n}`), '1 AS t', ...sums('COUNT(DISTINCT customer_id)')].join(', ')}\n  FROM per_customer`;
    }
    ctes = [
      `per_customer AS (\n  SELECT ${perCustomer.join(',\n    ')}\n  FROM ${from}\n  ${where(conds)}\n  GROUP BY ${[...memberNames, 'r.customer_id'].join(', ')}\n)`,
      `base AS (\n  ${body}\n)`,
    ];
  } else {
    // The totals as the empty grouping set of the same scan.
    const groupBy = !keys.length
      ? ''
      : totals
        ? `GROUP BY GROUPING SETS ((${memberNames.join(', ')}), ())`
        : `GROUP BY ${memberNames.join(', ')}`;
    const flag = !totals ? [] : keys.length ? [`GROUPING(${levelKey(keys[0]!, source)}) AS t`] : ['1 AS t'];
    ctes = [
      `base AS (\n  SELECT ${[...memberColumns, ...components.map(aggregate), ...flag].join(',\n    ')}\n  FROM ${from}\n  ${where(conds)}\n  ${groupBy}\n)`,
    ];
  }

  let join = '';
  if (needsSold) {
    // Units sold (neither DRAFT nor CANCELLED) in the 90 days up to the last snapshot of the window,
    // for the same product/warehouse members, under the same filters and row-level security.
    const soldConds = [
      `d.full_date > (SELECT ${soldEnd(plan, params, opts.window)} - 90)`,
      `d.full_date <= (SELECT rd.full_date FROM dw.dim_date rd WHERE rd.date_key = (${lastSnapshots(plan, params, opts.window, [])}))`,
      scopeCondition('BOOKED', 'FACT'),
      ...filterConditions(plan, params, 'FACT', (l) => l.dimension !== 'date' && l.facts.includes('sales')),
    ];
    const rls = salesRowLevel(plan, params);
    if (rls) soldConds.push(rls);
    if (plan.asOf) soldConds.push(`d.full_date <= ${params.add(plan.asOf)}::date`);
    ctes.push(
      `sold AS (\n  SELECT ${[...keys.map((l, i) => `${l.key} AS k${i}`), 'SUM(f.quantity) AS units', 'SUM(f.net_amount) AS net'].join(', ')}\n  FROM ${FACTS.sales.from}\n  ${where(soldConds)}\n  ${keys.length ? `GROUP BY ${keys.map((_l, i) => `k${i}`).join(', ')}` : ''}\n)`,
    );
    join = `LEFT JOIN sold ON ${keys.length ? keys.map((_l, i) => `sold.k${i} IS NOT DISTINCT FROM b.k${i}`).join(' AND ') : 'true'}`;
  }

  const inner = [
    ...keys.flatMap((_l, i) => [`b.k${i}`, `b.l${i}`]),
    ...plan.measures.map((m, i) => `(${finalExpr(m)}) AS m${i}`),
  ];
  const outer = [
    ...keys.flatMap((_l, i) => [`q.k${i}`, `q.l${i}`]),
    ...plan.measures.map((_m, i) => `q.m${i}::text AS m${i}`),
  ];
  let tail = '';
  if (opts.shaped) {
    const having = plan.having.map((h) => `q.m${h.index} ${h.op} ${params.add(h.value)}::numeric`);
    const order = [
      ...plan.order.map((o) => `q.${o.column} ${o.direction} NULLS LAST`),
      ...keys.map((_l, i) => `q.k${i} ASC`),
    ];
    tail = `${where(having)}\n${order.length ? `ORDER BY ${order.join(', ')}` : ''}\nLIMIT ${params.add(plan.limit + 1)}::int`;
  } else if (opts.grouped) {
    tail = `LIMIT ${params.add(100_000)}::int`;
  }
  // The shaped rows count every row that passed HAVING (before LIMIT): the population behind "and N more".
  const counted = opts.shaped ? ['count(*) OVER () AS n'] : [];
  if (!totals) {
    const text = `WITH ${ctes.join(',\n')}\nSELECT ${[...outer, ...counted].join(', ')} FROM (SELECT ${inner.join(', ')} FROM base b ${join}) q\n${tail}`;
    return { text, values: params.values };
  }
  // The totals' row, then the rows (shaped); without members the one row is both.
  const part = (which: 'T' | 'R', cond: string) =>
    `SELECT ${[...outer, `'${which}' AS part`, ...(opts.shaped ? [which === 'T' ? 'NULL::bigint AS n' : 'count(*) OVER () AS n'] : [])].join(', ')} FROM (SELECT ${inner.join(', ')} FROM base b ${join} WHERE ${cond}) q`;
  const text = `WITH ${ctes.join(',\n')}\n${part('T', 'b.t = 1')}\nUNION ALL\n(${part('R', keys.length ? 'b.t = 0' : 'true')}\n${tail})`;
  return { text, values: params.values };
}
