import {
  baseEnvShape,
  connectDatabases,
  intOption,
  parseCli,
  parseEnv,
  progress,
  runCli,
  type Progress,
} from '@erp/kit';
import { z } from 'zod';
import { runMining } from './run';

// npm run mine: one mining run on the warehouse (see mining/README.md).
const env = z.object({
  ...baseEnvShape,
  GATEWAY_URL: z.string().url().default('http://localhost:4000/graphql'),
  /** The MINING_SERVICE account (the only identity allowed to write customer segments). */
  MINING_EMAIL: z.string().default('mining@erp.local'),
  MINING_PASSWORD: z.string().optional(),
  MINING_SEED: z.coerce.number().int().optional(),
});

runCli(async () => {
  const args = parseCli({
    usage:
      'npm run mine [-- --reference-date YYYY-MM-DD] [--k-min 2 --k-max 8] [--seed N] [--force] [--no-writeback]',
    description:
      'Mines the warehouse: exploratory analysis, RFM per customer, K-Means on log-RFM (k by silhouette), Isolation Forest on orders;\nresults in the mining schema of the warehouse, RFM segments written back through the gateway (GATEWAY_URL, as the MINING_EMAIL/MINING_PASSWORD service account).',
    options: {
      'reference-date': { type: 'string' },
      'k-min': { type: 'string', default: '2' },
      'k-max': { type: 'string', default: '8' },
      seed: { type: 'string' },
      force: { type: 'boolean', default: false },
      'no-writeback': { type: 'boolean', default: false },
    },
    help: {
      'reference-date': 'RFM reference date (default: the day after the last order in the facts)',
      'k-min': 'smallest k tried by K-Means',
      'k-max': 'largest k tried by K-Means',
      seed: 'seed of K-Means and Isolation Forest (default: MINING_SEED or 42)',
      force: 'recompute even when the warehouse has not changed since the last run',
      'no-writeback': 'do not write the segments back to the ERP',
    },
    examples: ['npm run mine', 'npm run mine -- --reference-date 2026-06-30 --seed 7 --force --no-writeback'],
  });
  const e = parseEnv(env);
  const dbs = e.DWH_DATABASE_URL ? undefined : await connectDatabases(e);
  const email = e.MINING_EMAIL;
  const password = e.MINING_PASSWORD;
  const bars = new Map<string, Progress>();
  try {
    const r = await runMining({
      dwhUrl: e.DWH_DATABASE_URL ?? dbs!.dwhUrl,
      gatewayUrl: e.GATEWAY_URL,
      credentials: email && password ? { email, password } : undefined,
      referenceDate: args['reference-date'],
      seed: args.seed !== undefined ? intOption('seed', args.seed, 42) : (e.MINING_SEED ?? 42),
      kMin: intOption('k-min', args['k-min'], 2),
      kMax: intOption('k-max', args['k-max'], 8),
      force: args.force,
      writeback: !args['no-writeback'],
      onStage(stage, event, detail) {
        if (event === 'start') bars.set(stage, progress(stage, 1, 'stage'));
        else {
          bars.get(stage)?.update(1);
          bars.get(stage)?.stop(detail);
        }
      },
    });
    if (r.status === 'SKIPPED') {
      console.log(`mining run ${r.runId}: SKIPPED — ${r.reason}`);
      return;
    }
    const s = r.summary!;
    console.log(
      `\nmining run ${r.runId}: ${r.status}, reference date ${r.referenceDate}, ${s.customers} customers, ${s.orders} orders`,
    );
    console.table(Object.entries(r.timings).map(([stage, seconds]) => ({ stage, seconds })));
    console.table(
      Object.entries(s.segments)
        .sort((a, b) => b[1] - a[1])
        .map(([segment, customers]) => ({ segment, customers })),
    );
    console.log(
      s.k === null || s.silhouette === null
        ? `K-Means: skipped (${s.clusteringSkipped ?? 'no clustering'})`
        : `K-Means: k = ${s.k} (silhouette ${s.silhouette.toFixed(3)})`,
    );
    console.table(s.clusters.map((c) => ({ ...c, revenueShare: `${(c.revenueShare * 100).toFixed(1)} %` })));
    console.table(s.topAnomalies.map((a) => ({ ...a, score: a.score.toFixed(4) })));
    console.log(
      s.writeback
        ? `write-back: ${s.writeback.updated} customers in ${s.writeback.batches} call(s)`
        : 'write-back: off',
    );
  } finally {
    await dbs?.close();
  }
});
