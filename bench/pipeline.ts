/**
 * Pipeline benchmark: data/native imported, the whole pipeline (sweeper → ETL → rollups → mining →
 * reporting) run once on an empty warehouse, then again right after with no change in the OLTP:
 * seconds per run and per stage, and the rows each run wrote in the warehouse (the server's
 * n_tup_ins + n_tup_upd + n_tup_del deltas over every warehouse table).
 *
 *   npm run bench -- pipeline [--keep]
 */
import type pg from 'pg';
import { hashPassword } from '@erp/gateway';
import { defaultStages, runPipeline, type PipelineResult } from '@erp/automation';
import { benchDatabases, importNativeData, log, machine, PASSWORD, startBenchSystem } from './lib';

const HELP = `Usage: npm run bench -- pipeline [--keep]

data/native imported, a first pipeline run on an empty warehouse, then a second right after with no
change in the OLTP: seconds per run and stage, rows written in the warehouse (server counters).
DATABASE_URL's server, or an embedded PostgreSQL.`;

/** n_tup_ins + n_tup_upd + n_tup_del over the warehouse's tables (the server's counters, flushed first). */
async function tuplesWritten(dwh: pg.Pool): Promise<number> {
  const { rows } = await dwh.query<{ n: string }>(
    `SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::text AS n FROM pg_stat_user_tables`,
  );
  return Number(rows[0]!.n);
}

async function main() {
  if (process.argv.includes('--help')) return console.log(HELP);
  const db = await benchDatabases('pipeline', 54_403);
  try {
    let t0 = Date.now();
    await importNativeData(db.pool);
    const hash = await hashPassword(PASSWORD);
    await db.pool.query(
      `INSERT INTO auth.users (email, name, role, password_hash) VALUES ('etl@bench.example', 'ETL', 'ETL_SERVICE', $1), ('mining@bench.example', 'Mining', 'MINING_SERVICE', $1)`,
      [hash],
    );
    const silent = (await import('pino')).default({ level: 'silent' });
    const sys = await startBenchSystem(db.url, db.dwhUrl);
    try {
      const stages = () =>
        defaultStages({
          gatewayUrl: sys.gatewayUrl,
          credentials: { email: 'etl@bench.example', password: PASSWORD },
          miningCredentials: { email: 'mining@bench.example', password: PASSWORD },
          dwhUrl: db.dwhUrl,
          log: silent,
          sweepReservations: (o) => sys.sweepReservations(o),
        });
      const run = async (label: string) => {
        await db.dwh.query(`SELECT pg_stat_clear_snapshot()`);
        const before = await tuplesWritten(db.dwh);
        t0 = Date.now();
        const r: PipelineResult = await runPipeline({
          pool: db.pool,
          stages: stages(),
          trigger: 'manual',
          log: silent,
          attempts: 1,
        });
        const seconds = (Date.now() - t0) / 1000;
        // the counters of other backends are flushed at most every second
        await new Promise((res) => setTimeout(res, 1500));
        await db.dwh.query(`SELECT pg_stat_clear_snapshot()`);
        const written = (await tuplesWritten(db.dwh)) - before;
        log(`${label}: ${r.status} in ${seconds.toFixed(1)} s, ${written} rows written in the warehouse`);
        for (const s of r.stages)
          log(
            `  ${s.name.padEnd(14)} ${s.status.padEnd(9)} ${((Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000).toFixed(1).padStart(6)} s  ${s.reason ?? s.error ?? (s.result?.summary as string | undefined) ?? ''}`,
          );
        return { seconds, written, status: r.status };
      };
      const first = await run('first run (empty warehouse)');
      const second = await run('second run (no OLTP change)');
      const {
        rows: [size],
      } = await db.pool.query<{ orders: number; customers: number }>(
        `SELECT (SELECT count(*)::int FROM sales.orders) AS orders, (SELECT count(*)::int FROM customers.customers) AS customers`,
      );
      console.log(
        `\npipeline on data/native (${size!.orders} orders, ${size!.customers} customers); ${machine(db)}`,
      );
      console.log(
        `first run ${first.status} ${first.seconds.toFixed(1)} s, ${first.written} warehouse rows written`,
      );
      console.log(
        `second run (no change) ${second.status} ${second.seconds.toFixed(1)} s, ${second.written} warehouse rows written`,
      );
    } finally {
      await sys.close();
    }
  } finally {
    await db.close(process.argv.includes('--keep'));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
