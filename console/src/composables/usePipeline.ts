import { computed, onScopeDispose, getCurrentScope, ref, watch } from 'vue';
import { PipelineRunsDocument, PipelineScheduleDocument, RunPipelineDocument } from '@erp/sdk';
import { idempotencyKey, useApiMutation, useApiQuery } from './useApi';

export const POLL_MS = 2000;
/** How long the page keeps polling for the run it asked for to appear (the worker takes the job within seconds). */
export const AWAIT_RUN_MS = 60_000;

/** True while any run (or one of its stages) is RUNNING or QUEUED: the page polls then. */
export function isActive(
  runs: readonly { status: string; stages?: readonly { status: string }[] }[],
): boolean {
  return runs.some(
    (r) =>
      r.status === 'RUNNING' || r.status === 'QUEUED' || (r.stages ?? []).some((s) => s.status === 'RUNNING'),
  );
}

/** The highest run id in the list (0 when there is none): a requested run shows up above it. */
export function newestRunId(runs: readonly { id: string | number }[]): number {
  return runs.reduce((max, r) => Math.max(max, Number(r.id) || 0), 0);
}

/**
 * Polls `refetch` every `ms` while `active()` is true (and once more right after a run is requested);
 * stops when nothing runs any more. Returns start/stop for tests.
 */
export function createPoller(refetch: () => Promise<void>, active: () => boolean, ms = POLL_MS) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const tick = async () => {
    timer = null;
    await refetch();
    if (active()) schedule();
  };
  const schedule = () => {
    if (!timer) timer = setTimeout(() => void tick(), ms);
  };
  return { schedule, stop, polling: () => timer !== null };
}

/**
 * Where a running run is: the stage under way (or the next one to start), its rank and how many
 * stages the run has, and how many are finished (the ledger lists them all while the run runs).
 */
export function runProgress(run: {
  status: string;
  stages: readonly { name: string; status: string; startedAt?: string | null }[];
}) {
  if (run.status !== 'RUNNING') return null;
  const finished = run.stages.filter((s) => s.status !== 'RUNNING' && s.status !== 'PENDING').length;
  const current =
    run.stages.find((s) => s.status === 'RUNNING') ?? run.stages.find((s) => s.status === 'PENDING') ?? null;
  return { current, rank: Math.min(finished + 1, run.stages.length), total: run.stages.length, finished };
}

export function usePipeline() {
  const q = useApiQuery(PipelineRunsDocument, () => ({ first: 20 }));
  const schedule = useApiQuery(PipelineScheduleDocument, () => ({}));
  const runs = computed(() => q.data.value?.pipelineRuns ?? []);
  // After a request, the queued job becomes a run only when the worker takes it: poll until a run newer
  // than those known shows up (or AWAIT_RUN_MS passes), not only while a run is RUNNING.
  const awaited = ref<{ above: number; until: number } | null>(null);
  const stopAwait = watch(runs, (rs) => {
    if (awaited.value && newestRunId(rs) > awaited.value.above) awaited.value = null;
  });
  const active = computed(() => isActive(runs.value) || awaited.value !== null);
  const poller = createPoller(q.refetch, () => {
    if (awaited.value && Date.now() > awaited.value.until) awaited.value = null;
    return active.value;
  });
  const run = useApiMutation(RunPipelineDocument);
  const message = ref<string | null>(null);
  /** Whether the last request queued a run (the page says so in the user's language; otherwise the API's message). */
  const queued = ref<boolean | null>(null);
  const stopWatch = watch(
    active,
    (a) => {
      if (a) return poller.schedule();
      poller.stop();
      // a run ended: the next scheduled run may have moved (a scheduled run just took place)
      void schedule.refetch();
      // the queued run has come and gone: "queued" is no longer true
      if (queued.value) {
        message.value = null;
        queued.value = null;
      }
    },
    { immediate: true },
  );
  async function request() {
    const r = await run.execute({ idempotencyKey: idempotencyKey() });
    if (r) {
      message.value = r.runPipeline.message ?? null;
      queued.value = r.runPipeline.queued;
      if (r.runPipeline.queued)
        awaited.value = { above: newestRunId(runs.value), until: Date.now() + AWAIT_RUN_MS };
      await q.refetch();
      poller.schedule();
    }
  }
  if (getCurrentScope())
    onScopeDispose(() => {
      stopWatch();
      stopAwait();
      poller.stop();
    });
  return {
    ...q,
    runs,
    active,
    request,
    runState: run.state,
    runError: run.error,
    message,
    queued,
    schedule: computed(() => schedule.data.value?.pipelineSchedule ?? null),
  };
}
