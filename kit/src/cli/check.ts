import { baseEnv, connectDatabases, createPool, parseCli, parseEnv, runCli } from '..';
import { checkDatabase } from '../db/check';

const spec = {
  usage: 'npm run db:check [-- --json]',
  description:
    'Reports rows that refer to something that does not exist (orders without their customer, warehouse,\nproduct or sales rep; stock held with no confirmed order behind it; stock counts that differ from\nthe ledger or the reservations). Read-only. Exit code 0 when nothing is found, 3 otherwise.',
  options: { json: { type: 'boolean' as const } },
  help: { json: 'print the findings as JSON' },
};

runCli(async () => {
  const args = parseCli(spec);
  const env = parseEnv(baseEnv);
  const dbs = await connectDatabases(env);
  const pool = createPool(dbs.oltpUrl, { statementTimeout: 600_000, applicationName: 'erp-db-check' });
  try {
    const results = await checkDatabase(pool);
    if (args.json) console.log(JSON.stringify(results, null, 2));
    else {
      for (const r of results) {
        console.log(
          `${r.count === 0 ? 'ok  ' : 'FAIL'} ${r.name.padEnd(24)} ${r.count === 0 ? `none: ${r.meaning}` : `${r.count.toLocaleString('en')} ${r.meaning}, e.g. ${r.examples.join(', ')}`}`,
        );
      }
    }
    return results.some((r) => r.count > 0) ? 3 : 0;
  } finally {
    await pool.end();
    await dbs.close();
  }
});
