import { computed, onScopeDispose, getCurrentScope, ref, watch } from 'vue';
import { PipelineRunsDocument, RunPipelineDocument } from '@erp/sdk';
import { idempotencyKey, useApiMutation, useApiQuery } from './useApi';

export const POLL_MS = 2000;

/** True while any run (or one of its stages) is RUNNING or QUEUED: the page polls then. */
export function isActive(runs: readonly { status: string; stages?: readonly { status: string }[] }[]): boolean {
  return runs.some((r) => r.status === 'RUNNING' || r.status === 'QUEUED' || (r.stages ?? []).some((s) => s.status === 'RUNNING'));
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

export function usePipeline() {
  const q = useApiQuery(PipelineRunsDocument, () => ({ first: 20 }));
  const runs = computed(() => q.data.value?.pipelineRuns ?? []);
  const active = computed(() => isActive(runs.value));
  const poller = createPoller(q.refetch, () => active.value);
  const stopWatch = watch(active, (a) => (a ? poller.schedule() : poller.stop()), { immediate: true });
  const run = useApiMutation(RunPipelineDocument);
  const message = ref<string | null>(null);
  async function request() {
    const r = await run.execute({ idempotencyKey: idempotencyKey() });
    if (r) {
      message.value = r.runPipeline.message ?? null;
      await q.refetch();
      poller.schedule();
    }
  }
  if (getCurrentScope())
    onScopeDispose(() => {
      stopWatch();
      poller.stop();
    });
  return { ...q, runs, active, request, runState: run.state, runError: run.error, message };
}
