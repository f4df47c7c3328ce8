import { ROLLUPS, rollupColumns, type RollupDef } from '@erp/semantic';

/**
 * The rollup tables' DDL, generated from their one definition (the semantic model's ROLLUPS and the
 * columns it derives): written into a migration by `npm run rollups:migration -w @erp/dwh-schema`
 * when a rollup changes, and checked against the migrated warehouse by rollups.test.ts. The
 * warehouse's tables are all created by migrations; nothing creates a rollup table at run time.
 */
export function rollupTableSql(r: RollupDef, opts: { replace?: boolean } = {}): string {
  const cols = rollupColumns(r);
  return [
    // A changed rollup is rebuilt: its table is recreated and its state forgotten, so the next
    // refresh computes every rollup again (queries read the facts meanwhile).
    ...(opts.replace
      ? [`DROP TABLE IF EXISTS ${r.table};`, `DELETE FROM analytics.rollup_state WHERE name = '${r.name}';`]
      : []),
    `CREATE TABLE IF NOT EXISTS ${r.table} (\n  ${cols.map((c) => `${c.name} ${c.type}`).join(',\n  ')}\n);`,
    `CREATE INDEX IF NOT EXISTS ${r.name}_month ON ${r.table} (month_start);`,
    ...(r.customerGrain
      ? [`CREATE INDEX IF NOT EXISTS ${r.name}_customer ON ${r.table} (customer_id);`]
      : []),
  ].join('\n');
}

/** Every rollup table (`replace`: dropped and created again, for a migration that changes them). */
export function rollupTablesSql(opts: { replace?: boolean } = {}): string {
  return ROLLUPS.map((r) => rollupTableSql(r, opts)).join('\n\n');
}
