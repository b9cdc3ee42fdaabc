/**
 * What the parts of a collaborative's run share: its config, its state, the handles of its
 * teams' child workflows, and the steps several parts take (entering a phase, starting or
 * closing a team).
 */
import {
  condition,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  startChild,
  upsertSearchAttributes,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { LaunchConfig } from '../../domain/config';
import type { Phase } from '../../domain/phases';
import { afterReply, type AfterReply } from '../after-reply';
import { closeTeam, type TeamResult } from '../definitions';
import { refusalDates } from '../inputs';
import { mailActivities, recordActivities } from '../proxies';
import { LC_KIND, LC_PHASE } from '../search-attributes';
import { teamWorkflow, teamWorkflowId } from '../team';
import { teamOf, type CollaborativeState, type Effect } from './state';

export const records = recordActivities();
export const mail = mailActivities('30 minutes');

export interface Run {
  config: LaunchConfig;
  slug: string;
  s: CollaborativeState;
  /** The teams' child workflows started by this run. */
  children: Map<string, ChildWorkflowHandle<typeof teamWorkflow>>;
  facultyEmails: Set<string>;
  coordinatorEmails: Set<string>;
  /** Dates in refusals, in the collaborative's zone. */
  when: (iso: string) => string;
  /** What inputs cause, done after their reply. */
  effects: AfterReply<Effect, unknown>;
}

export function newRun(config: LaunchConfig, s: CollaborativeState): Run {
  const run: Run = {
    config,
    slug: config.slug,
    s,
    children: new Map(),
    facultyEmails: new Set([...config.faculty, ...(s.addedFaculty ?? [])].map((f) => f.email)),
    coordinatorEmails: new Set(config.coordinators.map((c) => c.email)),
    when: refusalDates(config.timeZone),
    effects: afterReply<Effect, unknown>((e) => doEffect(run, e), s.afterReply),
  };
  return run;
}

async function doEffect(run: Run, e: Effect): Promise<unknown> {
  if ('notice' in e) return mail.notify(run.slug, e.notice);
  return startTeam(run, e.startTeam, e.promoted);
}

/** Resolves once every team started has ended, with what each ended with. */
export async function teamsEnded(run: Run, ignoreFailures: boolean): Promise<TeamResult[]> {
  if (!run.s.detachedTeams) {
    const results = [...run.children.values()].map((c) => c.result());
    return ignoreFailures
      ? (await Promise.all(results.map((r) => r.catch(() => undefined)))).filter((r) => !!r)
      : Promise.all(results);
  }
  const started = run.s.started ?? [];
  await condition(() => started.every((id) => run.s.finished?.[id]));
  return started.map((id) => run.s.finished![id]!);
}

export async function enter(run: Run, p: Phase): Promise<void> {
  run.s.phase = p;
  upsertSearchAttributes([{ key: LC_PHASE, value: p }]);
  await records.recordPhase(run.slug, p);
}

export async function startTeam(run: Run, siteId: string, promoted: boolean): Promise<void> {
  const { slug, config } = run;
  teamOf(run.s, siteId)!.state = 'accepted';
  await records.recordTeam(slug, siteId, 'accepted', { promoted });
  const handle = await startChild(teamWorkflow, {
    workflowId: teamWorkflowId(slug, siteId),
    args: [
      {
        slug,
        siteId,
        schedule: run.s.schedule,
        joinedAt: new Date().toISOString(),
        timeZone: config.timeZone,
        metrics: config.metrics,
        maxHistoryEvents: config.limits.teamHistoryEvents,
      },
    ],
    parentClosePolicy: run.s.detachedTeams ? ParentClosePolicy.ABANDON : ParentClosePolicy.REQUEST_CANCEL,
    typedSearchAttributes: [
      { key: LC_KIND, value: 'team' },
      { key: LC_PHASE, value: 'prework' },
    ],
  });
  run.children.set(siteId, handle);
  (run.s.started ??= []).push(siteId);
}

export async function signalTeam(
  run: Run,
  siteId: string,
  close: { reason: 'withdrawn' | 'cancelled'; note: string },
): Promise<void> {
  if (run.children.has(siteId) || run.s.started?.includes(siteId))
    await getExternalWorkflowHandle(teamWorkflowId(run.slug, siteId)).signal(closeTeam, close);
}
