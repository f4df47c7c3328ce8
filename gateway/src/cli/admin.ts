import { connectDatabases, createPool, parseCli, runCli } from '@erp/kit';
import { resetPassword } from '../auth/bootstrap';
import { loadEnv } from '../env';

const spec = {
  usage: 'npm run admin -- reset-password EMAIL',
  description: [
    'Operator commands on the OLTP database (DATABASE_URL, or the embedded PostgreSQL under .data/).',
    '',
    'reset-password EMAIL   sets a new password for that person: NEW_PASSWORD from the environment when',
    '                       set (12 characters or more), otherwise a generated one printed once. The account',
    '                       is unlocked and its sessions end (refresh tokens revoked; an access token already',
    '                       issued expires within ACCESS_TOKEN_TTL_SECONDS, 15 minutes at most).',
  ].join('\n'),
  options: {},
  help: {},
  examples: [
    'npm run admin -- reset-password admin@erp.local',
    "NEW_PASSWORD='a long passphrase' npm run admin -- reset-password ana@example.com",
  ],
};

runCli(async () => {
  parseCli(
    spec,
    process.argv.slice(2).filter((a) => a.startsWith('-')),
  );
  const [command, email, ...rest] = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  if (command !== 'reset-password' || !email || rest.length) {
    console.error(
      `${command && command !== 'reset-password' ? `unknown command: ${command}\n` : ''}Usage: ${spec.usage}  (see --help)`,
    );
    return 2;
  }
  const env = loadEnv();
  const dbs = await connectDatabases(env);
  const pool = createPool(dbs.oltpUrl, { max: 1, applicationName: 'erp-admin' });
  try {
    const result = await resetPassword(pool, email, process.env.NEW_PASSWORD || undefined);
    console.log(
      `Password of ${result.email} reset; account unlocked; ${result.sessionsEnded} session(s) ended.`,
    );
    if (result.generatedPassword) console.log(`New password (shown once): ${result.generatedPassword}`);
    return 0;
  } catch (err) {
    console.error(`reset-password: ${(err as Error).message}`);
    return 1;
  } finally {
    await pool.end();
    await dbs.close();
  }
});
