/**
 * The workflow bundle the benchmarks run: the project's workflows, unchanged, plus two trivial
 * workflows, the floors the throughput scenario compares against.
 */
import { getExternalWorkflowHandle, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import { LC_PHASE } from '../workflows/search-attributes';
import type { BenchActivities } from './activities';

export * from '../workflows';

/** Completes at once: one workflow task, no activity, no timer. */
export async function trivialWorkflow(n: number): Promise<number> {
  return n;
}

const { benchNoop } = proxyActivities<BenchActivities>({ startToCloseTimeout: '1 minute' });

/**
 * The same engine work as a short team workflow and no work of ours: `activities` no-op
 * activities one after another (the team's roster load and team record), `upserts`
 * search-attribute upserts (as many as the team's phase takes) in the last one's workflow task,
 * then the signal a team sends its collaborative when it
 * ends (to a workflow that does not exist, as the team's in the throughput scenario, which runs
 * no collaborative: its failure is one more workflow task), hence as many workflow tasks,
 * activities and actions.
 */
export async function trivialActivitiesWorkflow(n: number, activities: number, upserts = 1): Promise<number> {
  for (let i = 0; i < activities; i++) {
    if (i === activities - 1)
      for (let u = 0; u < upserts; u++) upsertSearchAttributes([{ key: LC_PHASE, value: 'completed' }]);
    await benchNoop(i);
  }
  await getExternalWorkflowHandle('bench-no-collaborative')
    .signal('benchTeamFinished')
    .catch(() => undefined);
  return n;
}
