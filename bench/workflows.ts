/**
 * The workflow bundle the benchmarks run: the project's workflows, unchanged, plus two trivial
 * workflows, the floors the throughput scenario compares against.
 */
import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
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
 * activities one after another (the team's roster load and team record), the search-attribute
 * upsert in the last one's workflow task, hence as many workflow tasks, activities and actions.
 */
export async function trivialActivitiesWorkflow(n: number, activities: number): Promise<number> {
  for (let i = 0; i < activities; i++) {
    if (i === activities - 1) upsertSearchAttributes([{ key: LC_PHASE, value: 'completed' }]);
    await benchNoop(i);
  }
  return n;
}
