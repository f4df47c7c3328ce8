import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, connectDatabases, createPool, repoRoot, withDatabase } from '@erp/kit';

/** `npm start` against a DATABASE_URL that is down, or names a database that is not there yet. */
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const admin = createPool(SERVER, { max: 1, applicationName: 'erp-start-database-test' });
const logDir = mkdtempSync(path.join(os.tmpdir(), 'erp-start-db-'));
afterAll(async () => {
  await admin.end();
  rmSync(logDir, { recursive: true, force: true });
});
const suffix = () => randomBytes(4).toString('hex');
const embeddedPort = 54329;

function start(databaseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const secret = () => randomBytes(32).toString('base64url');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'gateway/src/cli/start.ts', '--no-import', '--no-pipeline', '--no-schedule'],
      {
        cwd: repoRoot(),
        env: {
          ...process.env,
          NODE_ENV: 'development',
          DATABASE_URL: databaseUrl,
          DWH_DATABASE_URL: '',
          JWT_SECRET: secret(),
          SUBGRAPH_SECRET: secret(),
          ETL_PASSWORD: secret(),
          MINING_PASSWORD: secret(),
          LOG_DIR: logDir,
          GATEWAY_PORT: '4291',
          CONSOLE_PORT: '3230',
          EMBEDDED_PG_PORT: String(embeddedPort),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('an unreachable database at start printed a raw pg stack without naming DATABASE_URL: now one line naming it', async () => {
  const r = await start('postgres://postgres@127.0.0.1:1/erp_distribution');
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/DATABASE_URL/);
  expect(lines[0]).toMatch(/127\.0\.0\.1:1/);
  expect(r.stderr + r.stdout).not.toMatch(/^\s+at /m);
}, 90_000);

test('a missing database at start stopped with a pg stack: now it is created when the server allows it', async () => {
  const name = `erp_start_missing_${suffix()}`;
  const url = withDatabase(SERVER, name);
  try {
    const dbs = await connectDatabases({
      DATABASE_URL: url,
      DWH_DATABASE_URL: undefined,
      EMBEDDED_PG_PORT: embeddedPort,
    });
    expect(dbs.oltpUrl).toBe(url);
    expect(
      (await admin.query(`SELECT count(*)::int AS n FROM pg_database WHERE datname = $1`, [name])).rows[0].n,
    ).toBe(1);
    // a second start finds it there
    await connectDatabases({
      DATABASE_URL: url,
      DWH_DATABASE_URL: undefined,
      EMBEDDED_PG_PORT: embeddedPort,
    });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
  }
}, 60_000); // CREATE DATABASE copies a template: seconds on a loaded machine

test('a missing database the user may not create: one line naming DATABASE_URL, nothing created', async () => {
  const role = `erp_nocreate_${suffix()}`;
  const name = `erp_start_forbidden_${suffix()}`;
  await admin.query(`CREATE ROLE "${role}" LOGIN NOCREATEDB`);
  try {
    const u = new URL(withDatabase(SERVER, name));
    u.username = role;
    u.password = '';
    const err = await connectDatabases({
      DATABASE_URL: u.toString(),
      DWH_DATABASE_URL: undefined,
      EMBEDDED_PG_PORT: embeddedPort,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as ConfigError).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/DATABASE_URL: .*does not exist.*may not create it/);
    expect(
      (await admin.query(`SELECT count(*)::int AS n FROM pg_database WHERE datname = $1`, [name])).rows[0].n,
    ).toBe(0);
  } finally {
    await admin.query(`DROP ROLE IF EXISTS "${role}"`);
  }
}, 30_000);
