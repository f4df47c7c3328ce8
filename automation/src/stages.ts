import pg from 'pg';
import { analyzeStale, rawEnv, type Logger } from '@erp/kit';
import {
  createClient,
  CustomersDocument,
  EtlSourceTotalsDocument,
  OrdersDocument,
  ProductsDocument,
} from '@erp/sdk';
import type { Stage } from './pipeline';

export interface StageContext {
  gatewayUrl: string;
  /** The ETL's read-only service account (ETL_SERVICE). */
  credentials: { email: string; password: string };
  /** The mining write-back's service account (MINING_SERVICE: customer segments only). */
  miningCredentials: { email: string; password: string };
  dwhUrl: string;
  log: Logger;
  /**
   * Releases the stock reservations with no live order behind them (the sales service's sweeper, in
   * the process that runs the subgraphs); absent where no sales service runs (the stage says so).
   */
  sweepReservations?: (opts?: {
    dryRun?: boolean;
  }) => Promise<{ checked: number; released: { orderId: number; reference: string; reason: string }[] }>;
}

async function login(ctx: StageContext): Promise<string> {
  const res = await fetch(ctx.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
      variables: { e: ctx.credentials.email, p: ctx.credentials.password },
    }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await res.json()) as {
    data?: { login: { accessToken: string } };
    errors?: { message: string }[];
  };
  if (!body.data)
    throw new Error(`login of ${ctx.credentials.email} failed: ${body.errors?.[0]?.message ?? res.status}`);
  return body.data.login.accessToken;
}

async function dwhValue<T>(url: string, sql: string): Promise<T | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const exists = await client.query(`SELECT to_regclass('meta.etl_runs') IS NOT NULL AS ok`);
    if (!exists.rows[0].ok) return null;
    return ((await client.query(sql)).rows[0] ?? null) as T | null;
  } finally {
    await client.end();
  }
}

/**
 * The last ETL run that changed the warehouse: finished, and wrote a row (its own counter or an
 * entity's, committed page by page). A run that wrote nothing changes no figure.
 */
const LAST_CHANGING_ETL_RUN = `SELECT max(r.run_id) AS run_id FROM meta.etl_runs r WHERE r.status <> 'RUNNING'
  AND (r.rows_written > 0 OR EXISTS (SELECT 1 FROM meta.etl_run_entities e WHERE e.run_id = r.run_id AND e.rows_written > 0))`;

/** "etl-run:12" → "last ETL run that wrote rows: 12". */
function describeEtlRun(fingerprint: string): string {
  const id = /etl-run:(\w+)/.exec(fingerprint)?.[1];
  return `last ETL run that wrote rows: ${id === 'none' || !id ? 'none' : id}`;
}

/** Releases the stock reservations no live order holds any more. */
function stockSweeperStage(ctx: StageContext): Stage {
  return {
    name: 'stock-sweeper',
    // Its input: the orders holding stock with no live order behind them (a dry run of the sweeper).
    // None, as at its last successful run: skipped; leftovers (a crash between a reservation and its
    // order's commit, a failed compensation): it runs and releases them.
    async fingerprint() {
      if (!ctx.sweepReservations) return 'no sales service in this process';
      const leftovers = (await ctx.sweepReservations({ dryRun: true })).released.map((r) => r.orderId);
      return leftovers.length ? `leftovers:${leftovers.join(',')}` : 'leftovers:none';
    },
    async run() {
      if (!ctx.sweepReservations)
        return {
          skipped: 'no sales service in this process',
          summary: 'not run: the sweeper runs where the subgraphs run (npm start)',
        };
      const r = await ctx.sweepReservations();
      return {
        checked: r.checked,
        released: r.released.length,
        orders: r.released.slice(0, 50),
        summary: `${r.checked} order(s) holding stock checked, ${r.released.length} released (no live order behind them)`,
      };
    },
  };
}

/** Copies the ERP, as its API shows it, into the warehouse. */
function etlStage(ctx: StageContext): Stage {
  return {
    name: 'etl',
    // The source as the API shows it (last changes, totals) and the day: the inventory snapshot is
    // daily, so the ETL runs at least once a day even when nothing else changed.
    async fingerprint() {
      const api = createClient({ url: ctx.gatewayUrl, token: await login(ctx) });
      const [orders, products, customers, totals] = await Promise.all([
        api.request(OrdersDocument, { first: 1, orderBy: { field: 'UPDATED_AT', direction: 'DESC' } }),
        api.request(ProductsDocument, { first: 1, orderBy: { field: 'UPDATED_AT', direction: 'DESC' } }),
        api.request(CustomersDocument, { first: 1, orderBy: { field: 'UPDATED_AT', direction: 'DESC' } }),
        api.request(EtlSourceTotalsDocument),
      ]);
      return JSON.stringify({
        day: new Date().toISOString().slice(0, 10),
        orders: orders.orders.edges[0]?.node.updatedAt ?? null,
        products: products.products.edges[0]?.node.updatedAt ?? null,
        customers: customers.customers.edges[0]?.node.updatedAt ?? null,
        totals,
      });
    },
    unchanged: () =>
      "the ERP shows no change since the last ETL run (last updates of orders, products and customers, source totals; segments written back by mining do not count) and today's snapshot is taken",
    async run() {
      const { runEtl } = await import('@erp/etl');
      const r = await runEtl({
        gatewayUrl: ctx.gatewayUrl,
        credentials: ctx.credentials,
        dwhUrl: ctx.dwhUrl,
        log: (l) => ctx.log.info(l),
      });
      if (r.status === 'FAILED') throw new Error(`ETL run ${r.runId} failed: ${r.message}`);
      if (r.status === 'PARTIAL') throw new Error(`ETL run ${r.runId} was partial: ${r.message}`);
      return {
        runId: r.runId,
        status: r.status,
        rowsWritten: r.rowsWritten,
        reconciled: r.reconciliation ? r.reconciliation.ok : null,
        summary: `ETL run ${r.runId} ${r.status}: ${r.rowsWritten.toLocaleString('en')} rows written${r.reconciliation ? (r.reconciliation.ok ? ', reconciled' : ', NOT reconciled') : ''}`,
      };
    },
  };
}

/** The warehouse's input to a stage: "etl-run:12", the last ETL run that wrote a row ("etl-run:none" before any). */
async function changingEtlRun(ctx: StageContext): Promise<string> {
  const row = await dwhValue<{ run_id: number | null }>(ctx.dwhUrl, LAST_CHANGING_ETL_RUN);
  return `etl-run:${row?.run_id ?? 'none'}`;
}

/** A stage on the warehouse's facts: it follows the ETL, and runs again only when an ETL run wrote a row. */
function onWarehouseFacts(
  ctx: StageContext,
  stage: Pick<Stage, 'name' | 'run'> & { unchanged: string },
): Stage {
  return {
    name: stage.name,
    dependsOn: ['etl'],
    fingerprint: () => changingEtlRun(ctx),
    unchanged: (f) => `${stage.unchanged} (${describeEtlRun(f)})`,
    run: stage.run,
  };
}

/** Runs `work` with a small pool on the warehouse, ended after. */
async function withDwhPool<T>(
  ctx: StageContext,
  work: (pool: pg.Pool) => Promise<T>,
  applicationName?: string,
): Promise<T> {
  const pool = new pg.Pool({
    connectionString: ctx.dwhUrl,
    max: 2,
    ...(applicationName ? { application_name: applicationName } : {}),
  });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

/** Refreshes the analytics rollups that the last ETL run made stale. */
function rollupsStage(ctx: StageContext): Stage {
  // The analytics rollups follow the facts: their input is the last ETL run that wrote a row.
  return onWarehouseFacts(ctx, {
    name: 'rollups',
    unchanged: 'no ETL run wrote a row since the rollups were refreshed',
    async run() {
      const { describeRollupRefresh, refreshStaleRollups } = await import('@erp/semantic');
      return withDwhPool(
        ctx,
        async (pool) => {
          const r = await refreshStaleRollups(pool);
          const summary = describeRollupRefresh(r);
          ctx.log.info(summary);
          return { ...r, summary };
        },
        'erp-pipeline-rollups',
      );
    },
  });
}

/** Mines the warehouse (segments, clusters, anomalies) and writes segments back. */
function miningStage(ctx: StageContext): Stage {
  // The warehouse changed when an ETL run wrote rows.
  return onWarehouseFacts(ctx, {
    name: 'mining',
    unchanged: 'the warehouse did not change since the last mining run',
    async run() {
      const { runMining } = await import('@erp/mining');
      const r = await runMining({
        dwhUrl: ctx.dwhUrl,
        gatewayUrl: ctx.gatewayUrl,
        credentials: ctx.miningCredentials,
      });
      if (r.status === 'FAILED') throw new Error(`mining run ${r.runId} failed: ${r.reason ?? ''}`);
      return {
        runId: r.runId,
        status: r.status,
        reason: r.reason,
        summary: `mining run ${r.runId} ${r.status}${r.reason ? `: ${r.reason}` : ''}`,
      };
    },
  });
}

/** Writes the AI reports of the last full month. */
function reportingStage(ctx: StageContext): Stage {
  return {
    name: 'reporting',
    dependsOn: ['mining'],
    // New reports when either the warehouse (ETL run) or the mining results changed.
    async fingerprint() {
      // an ETL run that wrote nothing changes no figure: it does not call for new reports
      const etl = await changingEtlRun(ctx);
      const mining = await dwhValue<{ run_id: number | null }>(
        ctx.dwhUrl,
        `SELECT CASE WHEN to_regclass('mining.runs') IS NULL THEN NULL ELSE (SELECT max(run_id) FROM mining.runs WHERE status = 'SUCCEEDED') END AS run_id`,
      );
      return `mining-run:${mining?.run_id ?? 'none'}|${etl}`;
    },
    unchanged: (f) => {
      const mining = /mining-run:(\w+)/.exec(f)?.[1];
      return `neither the warehouse nor the mining results changed since the last reports (${describeEtlRun(f)}; last mining run: ${mining === 'none' || !mining ? 'none' : mining})`;
    },
    // The last full month of the warehouse: every audience, in French and in English, stored in ai.reports
    // like `npm run report`; the no-key engine unless AI_PROVIDER names a provider.
    async run() {
      const { aiEnv, buildReport, computeInsights, createModel, latestPeriod, saveInsights, saveReport } =
        await import('@erp/ai');
      return withDwhPool(ctx, async (pool) => {
        // The semantic layer's calendar says whether the warehouse holds sales (an as-of date).
        const { readCalendar } = await import('@erp/semantic');
        const {
          rows: [etl],
        } = await pool.query<{ run_id: string | null }>(
          `SELECT max(run_id)::text AS run_id FROM meta.etl_runs WHERE status = 'SUCCEEDED'`,
        );
        if (!(await readCalendar(pool)).asOf)
          return { skipped: 'no sales in the warehouse', summary: 'no report: no sales in the warehouse' };
        // The last complete month of the data (the semantic layer's calendar), its insights computed once
        // and stored for the AI page, then every audience in French and in English.
        const period = await latestPeriod(pool);
        const insights = await computeInsights(pool, { period });
        if (etl?.run_id) await saveInsights(pool, etl.run_id, insights);
        const provider = rawEnv().AI_PROVIDER;
        const model = provider && provider !== 'none' ? createModel(aiEnv()) : null;
        const reports: { audience: string; language: string; reportId: number; source: string }[] = [];
        for (const audience of ['executive', 'tactical', 'operational'] as const)
          for (const language of ['fr', 'en'] as const) {
            const r = await buildReport(pool, { period, audience, language, model, insights });
            reports.push({ audience, language, reportId: await saveReport(pool, r), source: r.source });
          }
        await analyzeStale(pool, ['ai']);
        ctx.log.info(`reporting: ${reports.length} reports for ${period}`);
        return { period, reports, summary: `${reports.length} reports for ${period}` };
      });
    },
  };
}

/**
 * The pipeline's stages: stock sweeper → ETL → rollups → mining → reporting. Each says what its input is, so a day without
 * change skips it with that reason.
 */
export function defaultStages(ctx: StageContext): Stage[] {
  return [stockSweeperStage(ctx), etlStage(ctx), rollupsStage(ctx), miningStage(ctx), reportingStage(ctx)];
}
