import { createClient, PipelineRunsDocument, PipelineScheduleDocument, RunPipelineDocument } from '@erp/sdk';
import { startTestSystem, type TestSystem } from './test-system';

/** The pipeline through the API: MANAGER queues a run (audited), ANALYST follows runs but cannot start one. */
let t: TestSystem;
const queued: string[] = [];
beforeAll(async () => {
  t = await startTestSystem({
    pipeline: {
      enqueue: async (by) => (queued.push(by), `job-${queued.length}`),
      schedule: { cron: '30 2 * * *', tz: 'Europe/Paris' },
    },
  });
  await t.db.pool.query(
    `INSERT INTO automation.pipeline_runs (trigger, status, finished_at, stages) VALUES ('schedule', 'SUCCEEDED', now() - interval '1 day', $1), ('schedule', 'DEGRADED', now(), $2)`,
    [
      JSON.stringify([
        {
          name: 'etl',
          status: 'SUCCEEDED',
          attempts: 1,
          result: {
            runId: 7,
            status: 'SUCCEEDED',
            rowsWritten: 5281,
            reconciled: true,
            summary: 'ETL run 7 SUCCEEDED: 5,281 rows written, reconciled',
          },
        },
      ]),
      JSON.stringify([
        { name: 'etl', status: 'FAILED', error: 'gateway unreachable', attempts: 3 },
        { name: 'mining', status: 'SKIPPED', reason: 'its input stage etl failed', attempts: 0 },
      ]),
    ],
  );
}, 60_000);
afterAll(() => t.close());

test('a MANAGER queues a run; the request is audited', async () => {
  const api = createClient({ url: t.system.gatewayUrl, token: await t.login('MANAGER') });
  const r = await api.request(RunPipelineDocument, { idempotencyKey: 'pipeline-now-0001' });
  expect(r.runPipeline).toEqual({ queued: true, jobId: 'job-1', message: 'Pipeline run queued.' });
  expect(queued).toEqual([t.users.MANAGER.email]);
  const again = await api.request(RunPipelineDocument, { idempotencyKey: 'pipeline-now-0001' });
  expect(again.runPipeline.jobId).toBe('job-1'); // a retry queues nothing more
  expect(queued).toHaveLength(1);
  const audit = await t.db.pool.query(
    `SELECT entity, entity_id FROM platform.audit_log WHERE operation = 'runPipeline'`,
  );
  expect(audit.rows).toEqual([{ entity: 'PipelineRun', entity_id: 'job-1' }]);
});

test('an ANALYST sees the runs and their stages but cannot start one', async () => {
  const api = createClient({ url: t.system.gatewayUrl, token: await t.login('ANALYST') });
  const { pipelineRuns } = await api.request(PipelineRunsDocument, {});
  expect(pipelineRuns[0]).toMatchObject({
    status: 'DEGRADED',
    stages: [
      { name: 'etl', status: 'FAILED', error: 'gateway unreachable', rowsWritten: null, reconciled: null },
      { name: 'mining', status: 'SKIPPED' },
    ],
  });
  // what a stage produced: rows written, reconciliation, a one-line summary
  expect(pipelineRuns[1]!.stages[0]).toMatchObject({
    name: 'etl',
    rowsWritten: 5281,
    reconciled: true,
    summary: 'ETL run 7 SUCCEEDED: 5,281 rows written, reconciled',
  });
  const denied = await api.execute(RunPipelineDocument, {});
  expect(denied.errors[0]?.extensions?.code).toBe('FORBIDDEN');
});

test('the schedule: the next run is the next 02:30 in Paris, within a day; SALES may not read it', async () => {
  const api = createClient({ url: t.system.gatewayUrl, token: await t.login('ANALYST') });
  const { pipelineSchedule } = await api.request(PipelineScheduleDocument, {});
  expect(pipelineSchedule).toMatchObject({ cron: '30 2 * * *', timeZone: 'Europe/Paris' });
  const next = new Date(pipelineSchedule!.nextRunAt);
  const ahead = next.getTime() - Date.now();
  expect(ahead).toBeGreaterThan(0);
  expect(ahead).toBeLessThanOrEqual(24 * 3600_000);
  expect(next.toLocaleTimeString('en-GB', { timeZone: 'Europe/Paris' })).toBe('02:30:00');
  const sales = createClient({ url: t.system.gatewayUrl, token: await t.login('SALES') });
  expect((await sales.execute(PipelineScheduleDocument, {})).errors[0]?.extensions?.code).toBe('FORBIDDEN');
});
