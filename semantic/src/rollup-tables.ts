import { FACTS, LEVELS, ROLLUPS, type RollupDef } from './model';

/**
 * Each rollup's columns and refresh statement, derived from its one definition in the model (ROLLUPS:
 * levels and components) and the levels' own expressions: the table stores a level's member in the
 * columns its `rollup` expression names, computed from the facts with the level's `key` and `label`,
 * so a rollup's answer equals the facts' by construction. Nothing here is written twice by hand. The
 * tables themselves are created by the warehouse migrations, generated from these columns
 * (@erp/dwh-schema rollups.ts; its test checks the migrated tables match).
 */
export interface RollupColumn {
  name: string;
  type: string;
  /** The value over the facts (aliases of FACTS.sales.from); over a finer rollup it is the column itself. */
  fromFacts: string;
  /** A measure column: summed when computed from a finer rollup; a member column is grouped. */
  measure: boolean;
}

// Every rollup is at month grain: the date columns the date levels' rollup expressions read.
const DATE_COLUMNS: RollupColumn[] = [
  {
    name: 'month_start',
    type: 'date NOT NULL',
    fromFacts: `date_trunc('month', d.full_date)::date`,
    measure: false,
  },
  { name: 'year', type: 'smallint NOT NULL', fromFacts: 'd.year', measure: false },
  { name: 'quarter', type: 'smallint NOT NULL', fromFacts: 'd.quarter', measure: false },
  { name: 'year_month', type: 'text NOT NULL', fromFacts: 'd.year_month', measure: false },
];

const money = (name: string, sql: string, notNull = false): RollupColumn => ({
  name,
  type: `numeric(16, 2)${notNull ? ' NOT NULL' : ''}`,
  fromFacts: sql,
  measure: true,
});
const count = (name: string, sql: string): RollupColumn => ({
  name,
  type: 'bigint NOT NULL',
  fromFacts: sql,
  measure: true,
});

/** The stored aggregates; `orders` only where no row splits an order (the rollup holds the component). */
function measureColumns(r: RollupDef): RollupColumn[] {
  return [
    money('net_amount', 'SUM(f.net_amount)', true),
    money('margin_amount', 'SUM(f.net_amount - f.cost_amount)'),
    money('costed_net_amount', 'SUM(CASE WHEN f.cost_amount IS NOT NULL THEN f.net_amount END)'),
    count('units', 'SUM(f.quantity)'),
    ...(r.components.includes('orders') ? [count('orders', 'COUNT(DISTINCT f.order_id)')] : []),
    count('lines', 'COUNT(*)'),
  ];
}

const column = (expr: string, level: string): string => {
  const m = /^r\.(\w+)$/.exec(expr);
  if (!m)
    throw new Error(`rollup-tables: level ${level} names its rollup member with "${expr}", not one column`);
  return m[1]!;
};

/** The member columns of a non-date level: its key and (when another column) its label. */
function levelColumns(levelName: string): RollupColumn[] {
  const level = LEVELS.get(levelName);
  if (!level?.rollup) throw new Error(`rollup-tables: level ${levelName} has no rollup expression`);
  const key = column(level.rollup.key, levelName);
  const label = column(level.rollup.label, levelName);
  const cols: RollupColumn[] = [];
  // The customer's id: SALES row-level security and distinct customers are read on it.
  if (levelName === 'geography.customer')
    cols.push({ name: 'customer_id', type: 'integer NOT NULL', fromFacts: 'c.customer_id', measure: false });
  cols.push({ name: key, type: 'text NOT NULL', fromFacts: level.key, measure: false });
  if (label !== key)
    cols.push({ name: label, type: 'text NOT NULL', fromFacts: level.label, measure: false });
  return cols;
}

export function rollupColumns(r: RollupDef): RollupColumn[] {
  const members = r.levels.filter((l) => !l.startsWith('date.')).flatMap(levelColumns);
  return [...DATE_COLUMNS, ...members, ...measureColumns(r)];
}

/**
 * The order rollups are computed in, and for each its source: the smallest rollup computed before it
 * that holds all its members (and its order count, which only adds up over rows that never split an
 * order), else the facts.
 */
export function refreshPlan(): { rollup: RollupDef; from: RollupDef | null }[] {
  const size = (r: RollupDef) => rollupColumns(r).length;
  // Finer first, so coarser ones can be computed from them.
  const ordered = [...ROLLUPS].sort((a, b) => size(b) - size(a) || a.name.localeCompare(b.name));
  const done: RollupDef[] = [];
  return ordered.map((rollup) => {
    const need = rollupColumns(rollup).map((c) => c.name);
    const candidates = done.filter((d) => {
      const has = new Set(rollupColumns(d).map((c) => c.name));
      return need.every((n) => has.has(n));
    });
    const from = candidates.sort((a, b) => size(a) - size(b))[0] ?? null;
    done.push(rollup);
    return { rollup, from };
  });
}

/** INSERT … SELECT for the months [$1, $2] (both null: all), from the facts or from a finer rollup. */
export function refreshStatement(rollup: RollupDef, from: RollupDef | null): string {
  const cols = rollupColumns(rollup);
  const groups = cols.filter((c) => !c.measure);
  const by = groups.map((_, i) => i + 1).join(', ');
  const select = from
    ? cols.map((c) => (c.measure ? `SUM(${c.name})` : c.name))
    : cols.map((c) => c.fromFacts);
  const source = from
    ? `FROM ${from.table}\n     WHERE ($1::date IS NULL OR month_start BETWEEN $1::date AND $2::date)`
    : `FROM ${FACTS.sales.from}\n     WHERE ($1::date IS NULL OR d.full_date BETWEEN $1::date AND $2::date)`;
  return `INSERT INTO ${rollup.table} (${cols.map((c) => c.name).join(', ')})\n    SELECT ${select.join(', ')}\n    ${source}\n     GROUP BY ${by}`;
}
