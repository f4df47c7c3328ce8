// npm run bench -- NAME: runs one benchmark of bench/ (each prints its figures with data size and machine).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const BENCHES: Record<string, string> = {
  etl: 'full load of the order lines through the API (data/native and a generated 1M-line set) next to a direct SQL copy; incremental with 1 % changed; peak RSS',
  import: 'the full Online Retail import next to a plain COPY, with peak memory',
  api: '{ __typename } and the 20-order page through the gateway (both transports) and the sales subgraph alone, at 40k and 1M orders; confirmations/s and oversell',
  mining:
    'RFM + K-Means at 100k customers, Isolation Forest at 1M orders, next to an SQL-only RFM; with peak memory',
  ask: 'the chat (no-key engine) per question on data/native and at 10M fact lines, next to the olap query each answer ran; concurrent questions from one user',
  pipeline:
    'the pipeline on data/native: a first run on an empty warehouse, then one right after with no OLTP change (seconds, warehouse rows written)',
  olap: 'dashboards and tile queries (facts vs rollup) through the gateway on data/native and at 10M fact lines, next to a raw OLTP GROUP BY',
};
const name = process.argv[2];
if (!name || name === '--help' || !BENCHES[name]) {
  console.log(
    `Usage: npm run bench -- NAME [options]\n\nBenchmarks (figures in bench/README.md):\n${Object.entries(
      BENCHES,
    )
      .map(([k, v]) => `  ${k.padEnd(8)} ${v}`)
      .join('\n')}`,
  );
  process.exit(name && name !== '--help' ? 2 : 0);
}
// etl and pipeline print their own --help; for the others it is the usage written at the top of their file.
if (process.argv.slice(3).includes('--help') && !['etl', 'pipeline'].includes(name)) {
  const header =
    /^\/\*\*([\s\S]*?)\*\//.exec(readFileSync(path.join(__dirname, `${name}.ts`), 'utf8'))?.[1] ?? '';
  const usage = header
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
  console.log(`npm run bench -- ${name}: ${BENCHES[name]}\n\n${usage}`);
  process.exit(0);
}
// api: NODE_ENV=production, as the system it starts (graphql-js then skips its development checks).
const env = name === 'api' ? { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production' } : process.env;
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', path.join(__dirname, `${name}.ts`), ...process.argv.slice(3)],
  { stdio: 'inherit', env },
);
process.exit(r.status ?? 1);
