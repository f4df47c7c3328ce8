import { spawn } from 'node:child_process';
import path from 'node:path';
import { testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { quietLogger } from '@erp/kit/test/graphql';
import { runPipeline, type Stage } from './pipeline';
import { latestTick } from './schedule';
import { Scheduler, type JobQueue } from './scheduler';

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(() => db.drop());
beforeEach(async () => {
  await db.pool.query('TRUNCATE automation.pipeline_runs, automation.ticks');
});

const log = quietLogger();
const CRON = '0 2 * * *';
const TZ = 'Europe/Paris';

function fakeQueue() {
  const sent: { name: string; data: Record<string, unknown> }[] = [];
  const queue: JobQueue = {
    send: async (name, data) => {
      sent.push({ name, data: data as Record<string, unknown> });
      return `job-${sent.length}`;
    },
  };
  return { queue, sent };
}

describe('schedule', () => {
  test('the daily tick is 02:00 Paris time, summer and winter', () => {
    expect(latestTick(CRON, TZ, new Date('2026-01-15T12:00:00Z'))?.toISOString()).toBe(
      '2026-01-15T01:00:00.000Z',
    );
    expect(latestTick(CRON, TZ, new Date('2026-07-15T12:00:00Z'))?.toISOString()).toBe(
      '2026-07-15T00:00:00.000Z',
    );
  });

  test('a scheduler with a fake clock fires at 02:00, once', async () => {
    let now = new Date('2026-01-14T12:00:00+01:00');
    const { queue, sent } = fakeQueue();
    const s = new Scheduler({ pool: db.pool, queue, cron: CRON, tz: TZ, log, now: () => now });
    expect(await s.check()).toBeNull(); // first start: baseline only
    now = new Date('2026-01-15T01:59:30+01:00');
    expect(await s.check()).toBeNull();
    expect(sent).toHaveLength(0);
    now = new Date('2026-01-15T02:00:10+01:00');
    const fired = await s.check();
    expect(fired).toMatchObject({ catchUp: false });
    expect(fired!.tick.toISOString()).toBe('2026-01-15T01:00:00.000Z');
    now = new Date('2026-01-15T02:30:00+01:00');
    expect(await s.check()).toBeNull();
    expect(sent).toEqual([
      { name: 'pipeline', data: { tick: '2026-01-15T01:00:00.000Z', trigger: 'schedule' } },
    ]);
  });

  test('runs missed while no scheduler ran are caught up once', async () => {
    let now = new Date('2026-01-10T12:00:00+01:00');
    const { queue, sent } = fakeQueue();
    const s = new Scheduler({ pool: db.pool, queue, cron: CRON, tz: TZ, log, now: () => now });
    await s.check(); // baseline on the 10th
    now = new Date('2026-01-14T09:00:00+01:00'); // down from the 11th to the 14th: 4 ticks missed
    expect(await s.check()).toMatchObject({ catchUp: true });
    expect(await s.check()).toBeNull();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.data).toEqual({ tick: '2026-01-14T01:00:00.000Z', trigger: 'catch-up' });
  });
});

describe('pipeline', () => {
  const stage = (
    name: string,
    fp: () => string | null,
    run: () => Promise<void> = async () => undefined,
    dependsOn?: string[],
  ): Stage => ({
    name,
    dependsOn,
    fingerprint: async () => fp(),
    run: async () => {
      await run();
      return { ok: true };
    },
  });

  test('while a run runs, its ledger shows the stage under way (RUNNING, since when) and those to come (PENDING); the finished run keeps its outcomes only', async () => {
    const seen: { name: string; status: string; startedAt?: string }[][] = [];
    const ledger = async () =>
      (await db.pool.query(`SELECT stages FROM automation.pipeline_runs ORDER BY id DESC LIMIT 1`)).rows[0]
        .stages;
    const look = async () => void seen.push(await ledger());
    const result = await runPipeline({
      pool: db.pool,
      trigger: 'manual',
      log,
      backoffMs: 1,
      stages: [
        stage('etl', () => null, look),
        stage('mining', () => null, look, ['etl']),
        stage('reporting', () => null, look),
      ],
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(seen.map((stages) => stages.map((s) => `${s.name}:${s.status}`))).toEqual([
      ['etl:RUNNING', 'mining:PENDING', 'reporting:PENDING'],
      ['etl:SUCCEEDED', 'mining:RUNNING', 'reporting:PENDING'],
      ['etl:SUCCEEDED', 'mining:SUCCEEDED', 'reporting:RUNNING'],
    ]);
    expect(typeof seen[1]![1]!.startedAt).toBe('string');
    expect((await ledger()).map((s: { status: string }) => s.status)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
  });

  test('a no-change day skips every stage and says why', async () => {
    const runs: string[] = [];
    const stages = () => [
      stage(
        'etl',
        () => 'oltp@1',
        async () => void runs.push('etl'),
      ),
      stage(
        'mining',
        () => 'dwh@1',
        async () => void runs.push('mining'),
        ['etl'],
      ),
    ];
    const first = await runPipeline({
      pool: db.pool,
      stages: stages(),
      trigger: 'manual',
      log,
      backoffMs: 1,
    });
    expect(first.status).toBe('SUCCEEDED');
    const second = await runPipeline({
      pool: db.pool,
      stages: stages(),
      trigger: 'schedule',
      log,
      backoffMs: 1,
    });
    expect(second.status).toBe('SUCCEEDED');
    expect(second.stages.map((s) => [s.name, s.status, s.reason])).toEqual([
      ['etl', 'SKIPPED', 'input unchanged since its last successful run'],
      ['mining', 'SKIPPED', 'input unchanged since its last successful run'],
    ]);
    expect(runs).toEqual(['etl', 'mining']);
    const { rows } = await db.pool.query(`SELECT status, stages FROM automation.pipeline_runs ORDER BY id`);
    expect(rows.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });

  test('a failing stage is retried, then the run is DEGRADED: dependants skipped, the others complete', async () => {
    let tries = 0;
    const result = await runPipeline({
      pool: db.pool,
      trigger: 'manual',
      log,
      attempts: 3,
      backoffMs: 5,
      stages: [
        stage(
          'etl',
          () => null,
          async () => {
            tries++;
            throw new Error('gateway unreachable');
          },
        ),
        stage('mining', () => null, undefined, ['etl']),
        stage('reporting', () => null),
      ],
    });
    expect(tries).toBe(3);
    expect(result.status).toBe('DEGRADED');
    expect(result.stages.map((s) => [s.name, s.status])).toEqual([
      ['etl', 'FAILED'],
      ['mining', 'SKIPPED'],
      ['reporting', 'SUCCEEDED'],
    ]);
    expect(result.stages[1]!.reason).toBe('its input stage etl failed');
    const { rows } = await db.pool.query(`SELECT status, error FROM automation.pipeline_runs WHERE id = $1`, [
      result.runId,
    ]);
    expect(rows[0]).toEqual({ status: 'DEGRADED', error: 'etl: gateway unreachable' });
  });
});

/** Runs automation/src/test-process.ts in a child process with the given role. */
function child(role: string, extra: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'test-process.ts'), role], {
      env: { ...process.env, TEST_DB_URL: db.url, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`${role} exited ${code}: ${err}`)),
    );
  });
}

describe('across processes', () => {
  test('two schedulers in two processes at the same tick: exactly one pipeline job', async () => {
    await db.pool.query(
      `INSERT INTO automation.ticks (tick, cron, claimed_by) VALUES ('2026-01-14T01:00:00Z', $1, 'baseline')`,
      [CRON],
    );
    const outs = await Promise.all([
      child('schedule', { FAKE_NOW: '2026-01-15T02:00:05+01:00' }),
      child('schedule', { FAKE_NOW: '2026-01-15T02:00:05+01:00' }),
    ]);
    expect(outs.sort()).toEqual(['claimed', 'not claimed']);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'pipeline'`);
    expect(rows[0].n).toBe(1);
  }, 60_000);

  test('two pipelines started at once in two processes: one runs, the other says it is already running', async () => {
    const outs = await Promise.all([child('pipeline'), child('pipeline')]);
    expect(outs.sort()).toEqual(['ALREADY_RUNNING', 'SUCCEEDED']);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM automation.pipeline_runs`);
    expect(rows[0].n).toBe(1);
  }, 60_000);
});
