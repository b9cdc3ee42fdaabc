/**
 * One workflow per Learning Collaborative (id `lc/<slug>`). It moves through the phases of
 * domain/phases.ts, sleeping until each date of the schedule; every side effect is an activity.
 */
import {
  condition,
  defineQuery,
  defineSignal,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { LaunchConfig } from '../domain/config';
import type { Phase } from '../domain/phases';
import { LC_KIND, LC_PHASE } from './search-attributes';

const records = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});
/** Bulk sends heartbeat their progress; a stalled one is retried and resumes through the outbox. */
const mail = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', backoffCoefficient: 2 },
});

export interface Milestone {
  name: string;
  at: string;
}

export interface CollaborativeStatus {
  slug: string;
  title: string;
  phase: Phase;
  nextMilestone?: Milestone;
  announcedTo: number;
  unknownSites: string[];
}

export const statusQuery = defineQuery<CollaborativeStatus>('status');
export const cancelSignal = defineSignal<[{ reason: string }]>('cancel');

export async function collaborativeWorkflow(config: LaunchConfig): Promise<CollaborativeStatus> {
  const state: CollaborativeStatus = {
    slug: config.slug,
    title: config.title,
    phase: 'scheduled',
    announcedTo: 0,
    unknownSites: [],
  };
  let cancelled: string | undefined;
  setHandler(statusQuery, () => state);
  setHandler(cancelSignal, ({ reason }) => {
    cancelled = reason;
  });

  async function enter(phase: Phase): Promise<void> {
    state.phase = phase;
    upsertSearchAttributes([{ key: LC_PHASE, value: phase }]);
    await records.recordPhase(config.slug, phase);
  }

  /** Sleeps until `at` (an instant); wakes early and returns false when the collaborative is cancelled. */
  async function until(name: string, at: string | undefined): Promise<boolean> {
    state.nextMilestone = at ? { name, at } : undefined;
    const ms = at ? Date.parse(at) - Date.now() : 0;
    if (ms > 0) await condition(() => cancelled !== undefined, ms);
    return cancelled === undefined;
  }

  upsertSearchAttributes([{ key: LC_KIND, value: 'collaborative' }]);
  await records.recordCollaborative(config);
  await enter('scheduled');

  if (await until('announcement', config.schedule.announcement)) {
    await enter('announcement');
    const { siteIds, unknown } = await records.resolveAnnouncementSites(config.slug);
    state.unknownSites = unknown;
    if (unknown.length) log.warn('sites in the config are not in the directory', { unknown });
    const sent = await mail.sendAnnouncements({ slug: config.slug, siteIds });
    state.announcedTo = sent.total;
  }

  if (await until('end', config.schedule.end)) {
    await enter('completed');
  } else {
    await enter('cancelled');
  }
  state.nextMilestone = undefined;
  return state;
}
