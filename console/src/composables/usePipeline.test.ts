import { afterEach, describe, expect, test, vi } from 'vitest';
import { createPoller, isActive, newestRunId, POLL_MS, runProgress } from './usePipeline';

afterEach(() => vi.useRealTimers());

describe('pipeline polling', () => {
  test('a run is active while it or a stage is RUNNING', () => {
    expect(isActive([{ status: 'SUCCEEDED', stages: [{ status: 'SUCCEEDED' }] }])).toBe(false);
    expect(isActive([{ status: 'RUNNING', stages: [] }])).toBe(true);
    expect(isActive([{ status: 'FAILED', stages: [{ status: 'RUNNING' }] }])).toBe(true);
  });

  test('the newest run id is what a requested run must exceed (ids come as strings)', () => {
    expect(newestRunId([])).toBe(0);
    expect(newestRunId([{ id: '9' }, { id: '12' }, { id: '10' }])).toBe(12);
  });

  test('polls every 2 s while a run is RUNNING, then stops', async () => {
    vi.useFakeTimers();
    let status = 'RUNNING';
    const refetch = vi.fn(async () => {
      if (refetch.mock.calls.length >= 3) status = 'SUCCEEDED';
    });
    const p = createPoller(refetch, () => status === 'RUNNING');
    p.schedule();
    expect(POLL_MS).toBe(2000);
    await vi.advanceTimersByTimeAsync(1999);
    expect(refetch).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(refetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(refetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(refetch).toHaveBeenCalledTimes(3); // now SUCCEEDED
    await vi.advanceTimersByTimeAsync(10_000);
    expect(refetch).toHaveBeenCalledTimes(3);
    expect(p.polling()).toBe(false);
  });

  test('stop cancels the next poll', async () => {
    vi.useFakeTimers();
    const refetch = vi.fn(async () => undefined);
    const p = createPoller(refetch, () => true);
    p.schedule();
    p.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(refetch).not.toHaveBeenCalled();
  });
});

describe('runProgress: where a running run is', () => {
  test('the stage under way, its rank among the run’s stages, how many are finished', () => {
    const run = {
      status: 'RUNNING',
      stages: [
        { name: 'etl', status: 'SUCCEEDED' },
        { name: 'mining', status: 'RUNNING', startedAt: '2026-01-01T00:00:00Z' },
        { name: 'reporting', status: 'PENDING' },
      ],
    };
    expect(runProgress(run)).toEqual({ current: run.stages[1], rank: 2, total: 3, finished: 1 });
  });
  test('between two stages the next one to start; a finished run has no progress', () => {
    const between = {
      status: 'RUNNING',
      stages: [
        { name: 'etl', status: 'SKIPPED' },
        { name: 'mining', status: 'PENDING' },
      ],
    };
    expect(runProgress(between)).toMatchObject({
      current: { name: 'mining' },
      rank: 2,
      total: 2,
      finished: 1,
    });
    expect(runProgress({ status: 'SUCCEEDED', stages: [{ name: 'etl', status: 'SUCCEEDED' }] })).toBeNull();
  });
});
