/**
 * Diagnosis probe for the confirmation write path (not a benchmark of record):
 *   tsx bench/confirm-probe.ts prepare TEMPLATE            — imports data/native into TEMPLATE (+ TEMPLATE_dwh)
 *   tsx bench/confirm-probe.ts run TEMPLATE local|http [--profile FILE] [--free 400]
 * `run` copies TEMPLATE, starts the system on the copy, creates free+100 one-unit orders on the stock
 * level closest to `free`, confirms them with 50 concurrent clients and prints: confirmations/s, this
 * process's CPU per confirmation (process.cpuUsage), the PostgreSQL backends' CPU per confirmation
 * (/proc of the backends of the system's pools), statements per confirmation per pool, event-loop delay.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import pg from 'pg';
import { countStatements, createPool, quoteIdent, repoRoot, withDatabase } from '@erp/kit';
import { migrateOltp } from '@erp/kit/db/migrate';
import { migrateDwh } from '@erp/dwh-schema';
import { hashPassword } from '@erp/gateway';
import {
  adminClient,
  confirmConcurrently,
  createOrdersOfOne,
  importNativeData,
  PASSWORD,
  startBenchSystem,
} from './lib';

const [cmd, template, transport] = process.argv.slice(2);
const opt = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const adminUrl = withDatabase(
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  'postgres',
);
async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function prepare(name: string) {
  await admin(async (c) => {
    await c.query(`CREATE DATABASE ${quoteIdent(name)}`);
    await c.query(`CREATE DATABASE ${quoteIdent(`${name}_dwh`)}`);
  });
  const url = withDatabase(adminUrl, name);
  await migrateOltp(url);
  await migrateDwh(withDatabase(adminUrl, `${name}_dwh`));
  const pool = createPool(url, { statementTimeout: 600_000 });
  await importNativeData(pool);
  await pool.query(
    `INSERT INTO auth.users (email, name, role, password_hash) VALUES ('bench@x.example', 'Bench', 'ADMIN', $1)`,
    [await hashPassword(PASSWORD)],
  );
  await pool.query('VACUUM ANALYZE');
  await pool.end();
  console.log(`prepared ${name}`);
}

/** utime + stime (clock ticks → ms) of a process, from /proc. */
function procCpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

async function run(name: string, mode: 'local' | 'http') {
  const copy = `${name}_run_${process.pid}`;
  await admin((c) => c.query(`CREATE DATABASE ${quoteIdent(copy)} TEMPLATE ${quoteIdent(name)}`));
  const url = withDatabase(adminUrl, copy);
  const pool = createPool(url);
  const sys = await startBenchSystem(url, withDatabase(adminUrl, `${name}_dwh`), {
    transport: mode,
    level: process.env.PROBE_LOG,
  });
  try {
    const api = await adminClient(sys.gatewayUrl);
    const free = Number(opt('free') ?? 400);
    const {
      rows: [target],
    } = await pool.query(
      `SELECT product_id, warehouse_id, on_hand - reserved AS free FROM inventory.stock_levels
        WHERE on_hand - reserved > 0 ORDER BY abs(on_hand - reserved - $1), product_id LIMIT 1`,
      [free],
    );
    const customer = (
      await pool.query(`SELECT id FROM customers.customers WHERE status = 'ACTIVE' ORDER BY id LIMIT 1`)
    ).rows[0].id;
    const count = target.free + 100;
    const createCounters = Object.fromEntries(
      Object.entries(sys.pools).map(([k, p]) => [k, countStatements(p)]),
    );
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const ids = await createOrdersOfOne(api, count, { customer, ...target });
    const createMs = performance.now() - t0;
    const createCpu = process.cpuUsage(c0);
    const createStmts = Object.entries(createCounters)
      .filter(([, c]) => c.count)
      .map(([k, c]) => `${k} ${(c.count / count).toFixed(1)}`)
      .join(', ');
    for (const c of Object.values(createCounters)) c.reset();
    const counters = createCounters;
    const backends = (
      await pool.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'erp-%'`,
        [copy],
      )
    ).rows.map((r) => r.pid as number);
    const pg0 = backends.map(procCpuMs);
    const clients = Number(opt('clients') ?? 50);
    // The fixed cost of an authenticated request through the gateway, one at a time.
    for (let i = 0; i < 50; i++) await api.raw('{ __typename }');
    const tnCount = Number(opt('typename') ?? 0);
    if (tnCount) {
      const session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
      const c = process.cpuUsage();
      for (let i = 0; i < tnCount; i++) await api.raw('{ __typename }');
      const u = process.cpuUsage(c);
      const { profile: p } = await session.post('Profiler.stop');
      writeFileSync(opt('profile')!, JSON.stringify(p));
      console.log(`typename: ${((u.user + u.system) / 1000 / tnCount).toFixed(3)} ms/request`);
      return;
    }
    const tn0 = process.cpuUsage();
    const tt0 = performance.now();
    for (let i = 0; i < 300; i++) await api.raw('{ __typename }');
    const tn = process.cpuUsage(tn0);
    console.log(
      `  { __typename } with a token, sequential: node CPU ${((tn.user + tn.system) / 1000 / 300).toFixed(3)} ms/request, ${((performance.now() - tt0) / 300).toFixed(2)} ms wall`,
    );
    const eld = monitorEventLoopDelay({ resolution: 1 });
    let session: Session | undefined;
    const profile = opt('profile');
    if (profile) {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    }
    const gc = { ms: 0, major: 0, count: 0 };
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        gc.ms += e.duration;
        gc.count++;
        if ((e as { detail?: { kind?: number } }).detail?.kind === 4) gc.major++;
      }
    });
    obs.observe({ entryTypes: ['gc'] });
    const heap = process.memoryUsage().heapUsed;
    eld.enable();
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    const tally = await confirmConcurrently(api, ids, clients);
    const secs = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    eld.disable();
    obs.disconnect();
    if (session) {
      const { profile: p } = await session.post('Profiler.stop');
      writeFileSync(profile!, JSON.stringify(p));
      session.disconnect();
    }
    const pgMs = backends.map(procCpuMs).reduce((a, b, i) => a + b - pg0[i]!, 0);
    const after = (
      await pool.query(
        `SELECT on_hand, reserved FROM inventory.stock_levels WHERE product_id = $1 AND warehouse_id = $2`,
        [target.product_id, target.warehouse_id],
      )
    ).rows[0];
    const oversell = Math.max(0, tally.confirmed - target.free) + (after.reserved > after.on_hand ? 1 : 0);
    const n = ids.length;
    const stmts = Object.entries(counters)
      .filter(([, c]) => c.count)
      .map(([k, c]) => `${k} ${(c.count / n).toFixed(1)}`)
      .join(', ');
    console.log(
      [
        `${path.basename(repoRoot())} ${mode}: ${n} orders / ${target.free} free → ${tally.confirmed} confirmed, ${tally.refused} refused, ${tally.other} other${tally.firstOther ? ` (${tally.firstOther})` : ''}, oversell ${oversell}`,
        `  confirm: ${Math.round(n / secs)}/s, node CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms/confirm (user ${(cpu.user / 1000 / n).toFixed(2)}), pg backends CPU ${(pgMs / n).toFixed(2)} ms/confirm (${backends.length} backends), ` +
          `event-loop delay p50 ${(eld.percentile(50) / 1e6).toFixed(1)} p99 ${(eld.percentile(99) / 1e6).toFixed(1)} ms; statements/confirm: ${stmts}`,
        `  gc ${(gc.ms / n).toFixed(2)} ms/confirm (${gc.count} pauses, ${gc.major} major), heap at start ${(heap / 1e6).toFixed(0)} MB`,
        `  create: ${Math.round(n / (createMs / 1000))}/s, node CPU ${((createCpu.user + createCpu.system) / 1000 / n).toFixed(2)} ms/order, statements/order: ${createStmts}; load ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
      ].join('\n'),
    );
  } finally {
    await sys.close();
    await pool.end();
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(copy)} WITH (FORCE)`));
  }
}

async function main() {
  if (cmd === 'prepare' && template) await prepare(template);
  else if (cmd === 'run' && template && (transport === 'local' || transport === 'http'))
    await run(template, transport);
  else {
    console.error(
      'usage: confirm-probe.ts prepare TEMPLATE | run TEMPLATE local|http [--profile FILE] [--free 400]',
    );
    process.exit(2);
  }
}
void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
