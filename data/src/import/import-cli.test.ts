import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '@erp/kit';
import { testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { importDirectory, type ProgressStream } from './index';

/** `npm run import` as a user meets it: its errors, its dry run, its progress lines. */
const FIXTURE = path.join(__dirname, 'fixtures', 'native');
const CLI = path.join(repoRoot(), 'data', 'src', 'cli', 'import.ts');

let db: TestDatabase;
let foreign: string;
beforeAll(async () => {
  db = await testDatabase();
  foreign = mkdtempSync(path.join(tmpdir(), 'import-cli-'));
  writeFileSync(path.join(foreign, 'Sample - Superstore.csv'), 'Row ID,Order ID\n1,CA-1\n');
});
afterAll(async () => {
  rmSync(foreign, { recursive: true, force: true });
  await db.drop();
});

/** The command in a child process, on the test database, stderr not a terminal. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    cwd: repoRoot(),
    env: { ...process.env, DATABASE_URL: db.url, DWH_DATABASE_URL: db.url },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.trim().split('\n') };
}

test('wrong folder or mapping: one line on stderr, no stack trace, a non-zero exit, before any database work', () => {
  // a folder that is not in the native format, without --mapping: refused instead of "Import committed" with nothing read
  const noMapping = cli('--dir', foreign);
  expect(noMapping.status).toBe(1);
  expect(noMapping.stderr).toEqual([
    expect.stringMatching(
      /^Error \(VALIDATION\): mapping: required: .+ is not in the native format; use --mapping native\|northwind\|online-retail or a mapping file \(got nothing\)$/,
    ),
  ]);

  const unknown = cli('--mapping', 'superstor', '--dir', foreign);
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toEqual([
    expect.stringMatching(
      /^Error \(VALIDATION\): mapping: unknown mapping: use one of native, northwind, online-retail/,
    ),
  ]);

  const missing = cli('--dir', path.join(foreign, 'no-such-folder'));
  expect(missing.status).toBe(1);
  expect(missing.stderr).toEqual([expect.stringMatching(/^Error \(VALIDATION\): dir: no such folder/)]);

  const notAFolder = cli('--mapping', 'native', '--dir', path.join(foreign, 'Sample - Superstore.csv'));
  expect(notAFolder.status).toBe(1);
  expect(notAFolder.stderr).toEqual([
    expect.stringMatching(
      /^Error \(VALIDATION\): dir: is not a folder \(got ".+Sample - Superstore\.csv"\)$/,
    ),
  ]);

  for (const r of [noMapping, unknown, missing, notAFolder])
    expect(r.stderr.join('\n')).not.toMatch(/\n\s+at /);
});

test('a dry run is not a run: it takes no run number; the import after it takes the next one', async () => {
  const runs = async () =>
    (
      await db.pool.query<{ n: number; last: number | null }>(
        `SELECT count(*)::int AS n, max(id) AS last FROM platform.import_runs`,
      )
    ).rows[0]!;
  const first = await importDirectory({ pool: db.pool, dir: FIXTURE, quiet: true });
  expect(first.status).toBe('committed');
  const before = await runs();
  expect(before.last).toBe(first.runId);

  // the native folder is recognised: no --mapping needed
  const dry = cli('--dir', FIXTURE, '--dry-run');
  expect(dry.status).toBe(0);
  expect(dry.stdout).toMatch(/dry run/i);
  expect(await runs()).toEqual(before);

  const again = await importDirectory({ pool: db.pool, dir: FIXTURE, quiet: true });
  expect(again.status).toBe('committed');
  expect(again.runId).toBe(first.runId! + 1);
}, 120_000);

test('progress: each staged file and each write says its rows, and for staging its rows/s, share and ETA', async () => {
  const lines: string[] = [];
  const stream: ProgressStream = { isTTY: false, write: (t: string) => lines.push(t) };
  // every step shown, however short (the default waits 3 s: the fixture is small)
  const s = await importDirectory({
    pool: db.pool,
    dir: FIXTURE,
    dryRun: true,
    progress: { stream, delayMs: 0, intervalMs: 0 },
  });
  expect(s.status).toBe('dry-run');
  expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
  expect(lines).toContainEqual(
    expect.stringMatching(/^staging orders\.csv: [\d,]+ rows, [\d,]+ rows\/s, \d+ %(, eta \d+ s)?\n$/),
  );
  expect(lines).toContainEqual(
    expect.stringMatching(/^staging orders\.csv: [\d,]+ rows in [\d.]+ s, [\d,]+ rows\/s\n$/),
  );
  expect(lines).toContainEqual(
    expect.stringMatching(/^writing order_lines: [\d,]+ rows in [\d.]+ s, [\d,]+ rows\/s\n$/),
  );
  expect(lines).toContainEqual(expect.stringMatching(/^checks: done in [\d.]+ s\n$/));
  // the rows a write step reports are the rows it read
  const written = lines.find((l) => l.startsWith('writing orders: ') && l.includes(' in '));
  expect(written).toContain(`${s.entities.orders!.read.toLocaleString('en')} rows`);
}, 120_000);
