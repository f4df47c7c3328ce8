import { baseEnv, connectDatabases, migrateOltp, parseCli, parseEnv, runCli } from '..';

const spec = {
  usage: 'npm run db:migrate',
  description:
    'Applies the committed OLTP migrations (kit/migrations) to DATABASE_URL, or to the embedded\nPostgreSQL under .data/ when DATABASE_URL is unset. Safe to run again: applied migrations are skipped.',
  options: {},
  help: {},
};

runCli(async () => {
  parseCli(spec);
  const env = parseEnv(baseEnv);
  const dbs = await connectDatabases(env);
  try {
    await migrateOltp(dbs.oltpUrl);
    console.log(`OLTP schema up to date (${dbs.server ? 'embedded PostgreSQL' : 'DATABASE_URL'})`);
  } finally {
    await dbs.close();
  }
});
