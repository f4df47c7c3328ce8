import path from 'node:path';
import { parseCli, repoRoot, runCli } from '@erp/kit';
import { DEFAULTS, generate } from '../generate';

const spec = {
  usage:
    'npm run data:generate -- [--scale N] [--seed S] [--out DIR] [--start YYYY-MM-DD] [--months M] [--gzip true|false]',
  description:
    'Writes the seeded, deterministic data set of a stock-and-distribution company in the native CSV\n' +
    'format (data/FORMAT.md): users, catalog, warehouses, customers, suppliers, stock ledger, orders.\n' +
    'Same --seed and --scale give byte-identical files. Scale 1 = 2,000 customers and 40,000 orders.',
  options: {
    scale: { type: 'string' as const, default: String(DEFAULTS.scale) },
    seed: { type: 'string' as const, default: String(DEFAULTS.seed) },
    out: { type: 'string' as const, default: 'data/native' },
    start: { type: 'string' as const, default: DEFAULTS.start },
    months: { type: 'string' as const, default: String(DEFAULTS.months) },
    gzip: { type: 'string' as const, default: 'true' },
  },
  help: {
    scale: 'multiplies customers and orders (fractional allowed, e.g. 0.05); products grow with √scale',
    seed: 'seed of the pseudo-random generator (an integer)',
    out: 'output folder (relative to the repository root unless absolute)',
    start: 'first day of the orders',
    months: 'months of orders',
    gzip: 'write .csv.gz (true) or plain .csv (false)',
  },
  examples: [
    'npm run data:generate',
    'npm run data:generate -- --scale 0.05 --seed 7 --out /tmp/small --gzip false',
    'npm run data:generate -- --scale 25 --out /tmp/big',
  ],
};

function fail(msg: string): never {
  console.error(msg);
  process.exit(2);
}

runCli(async () => {
  const args = parseCli(spec);
  const scale = Number(args.scale);
  if (!Number.isFinite(scale) || scale <= 0) fail(`--scale: expected a positive number, got "${args.scale}"`);
  const seed = Number(args.seed);
  if (!Number.isInteger(seed)) fail(`--seed: expected an integer, got "${args.seed}"`);
  const months = Number(args.months);
  if (!Number.isInteger(months) || months < 3)
    fail(`--months: expected a whole number ≥ 3, got "${args.months}"`);
  if (!/^(true|false)$/.test(args.gzip)) fail(`--gzip: expected true or false, got "${args.gzip}"`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(args.start)) fail(`--start: expected YYYY-MM-DD, got "${args.start}"`);
  const out = path.isAbsolute(args.out) ? args.out : path.join(repoRoot(), args.out);
  const started = Date.now();
  const s = await generate({ scale, seed, out, start: args.start, months, gzip: args.gzip === 'true' });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `Data set (scale ${scale}, seed ${seed}, ${s.range.from} → ${s.range.to}) written to ${out} in ${secs}s`,
  );
  for (const f of s.files)
    console.log(
      `  ${f.file.padEnd(30)} ${String(f.rows).padStart(10)} rows ${String(f.bytes).padStart(12)} bytes`,
    );
  console.log(`  ${'total'.padEnd(30)} ${''.padStart(15)} ${String(s.totalBytes).padStart(12)} bytes`);
  console.log(`  expedited receipts: ${s.expeditedReceipts}`);
});
