import { baseEnv, connectDatabases, parseCli, parseEnv, runCli } from '@erp/kit';
import { migrateDwh } from './migrate';

// npm run migrate -w @erp/dwh-schema: applies the warehouse migrations to DWH_DATABASE_URL (or the embedded one).
runCli(async () => {
  parseCli({
    usage: 'npm run migrate -w @erp/dwh-schema',
    description: 'Applies the warehouse migrations (dwh-schema/migrations).',
    options: {},
    help: {},
  });
  const env = parseEnv(baseEnv);
  const dbs = env.DWH_DATABASE_URL ? undefined : await connectDatabases(env);
  try {
    const r = await migrateDwh(env.DWH_DATABASE_URL ?? dbs!.dwhUrl, { log: console.log });
    console.log(
      `warehouse: ${r.applied.length} migration(s) applied, ${r.alreadyApplied.length} already there`,
    );
  } finally {
    await dbs?.close();
  }
});
