import { appRoleFor, baseEnv, connectDatabases, migrateOltp, parseCli, parseEnv, runCli } from '..';

const spec = {
  usage: 'npm run db:migrate',
  description: [
    'Applies the committed OLTP migrations (kit/migrations) to DATABASE_URL, or to the embedded',
    'PostgreSQL under .data/ when DATABASE_URL is unset. Safe to run again: applied migrations are skipped.',
    "Then prepares the application role the gateway and subgraphs connect as (APP_DATABASE_URL's user, or",
    '<database>_app with APP_DATABASE_PASSWORD): created when the user of DATABASE_URL may create roles, and',
    'granted read/write on the business tables, append-only on the audit log and stock ledger, no DDL.',
  ].join('\n'),
  options: {},
  help: {},
};

runCli(async () => {
  parseCli(spec);
  const env = parseEnv(baseEnv);
  const dbs = await connectDatabases(env);
  try {
    const role = await migrateOltp(dbs.oltpUrl, { appRole: appRoleFor(dbs.oltpUrl, env) });
    console.log(`OLTP schema up to date (${dbs.server ? 'embedded PostgreSQL' : 'DATABASE_URL'})`);
    if (role?.status === 'ready')
      console.log(`application role "${role.role}" ${role.created ? 'created and ' : ''}granted`);
    else if (role) {
      console.log(
        `application role "${role.role}" missing, and this user may not create roles; an administrator runs:`,
      );
      for (const line of role.instructions) console.log(`  ${line}`);
      process.exitCode = 2;
    }
  } finally {
    await dbs.close();
  }
});
