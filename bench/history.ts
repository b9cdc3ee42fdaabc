/** Workflow histories: every run of a workflow id (following continue-as-new back), their sizes and counts. */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
const EventType = temporal.api.enums.v1.EventType;

export interface RunStats {
  workflowId: string;
  runId: string;
  events: number;
  bytes: number;
  byType: Record<string, number>;
}

/** Every run of `workflowId`, newest first, by following continuedExecutionRunId back. */
export async function runsOf(client: Client, workflowId: string): Promise<RunStats[]> {
  const out: RunStats[] = [];
  let runId: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const handle = client.workflow.getHandle(workflowId, runId);
    const history = await handle.fetchHistory();
    const first = history.events?.[0];
    const described = runId ?? (await handle.describe()).runId;
    out.push(stats(workflowId, described, history));
    const previous = first?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) break;
    runId = previous;
  }
  return out;
}

export function stats(workflowId: string, runId: string, history: History): RunStats {
  const byType: Record<string, number> = {};
  for (const e of history.events ?? []) {
    const name = (EventType[e.eventType ?? 0] ?? String(e.eventType)).replace(/^EVENT_TYPE_/, '');
    byType[name] = (byType[name] ?? 0) + 1;
  }
  return {
    workflowId,
    runId,
    events: history.events?.length ?? 0,
    bytes: temporal.api.history.v1.History.encode(history).finish().length,
    byType,
  };
}

export function sumTypes(runs: RunStats[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.byType)) total[k] = (total[k] ?? 0) + v;
  return total;
}

/**
 * Billable-style actions, estimated from history events the way Temporal Cloud counts them:
 * a workflow started (also by continue-as-new or as a child), a signal received, an activity
 * scheduled, a timer started, a search-attribute upsert, a signal sent to another workflow.
 * (Queries, Updates and activity heartbeats also count there; none are in a history.)
 */
export function actionsOf(t: Record<string, number>): number {
  return (
    (t.WORKFLOW_EXECUTION_STARTED ?? 0) +
    (t.WORKFLOW_EXECUTION_SIGNALED ?? 0) +
    (t.ACTIVITY_TASK_SCHEDULED ?? 0) +
    (t.TIMER_STARTED ?? 0) +
    (t.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES ?? 0) +
    (t.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED ?? 0)
  );
}
