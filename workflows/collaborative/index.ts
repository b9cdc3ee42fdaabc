/**
 * One workflow per Learning Collaborative (id `lc/<slug>`). It works through its agenda
 * (domain/agenda.ts) in time order — announcement, informational calls, the application window,
 * review, notification, learning sessions, consultation calls, closing — sleeping until each date
 * of the current schedule. Inputs arrive as Updates (or their Signal twins, inputs.ts); what each
 * agenda item does is perform.ts; the run's state is one object (state.ts); each accepted team
 * runs in its own child workflow (workflows/team.ts).
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { collaborativeAgenda } from '../../domain/agenda';
import type { LaunchConfig } from '../../domain/config';
import { ms } from '../../domain/schedule';
import { runAgenda } from '../agenda';
import { collaborativeStatusQuery, teamFinished, type CollaborativeStatus } from '../definitions';
import { LC_KIND, LC_PHASE } from '../search-attributes';
import { registerInputs } from './inputs';
import { perform } from './perform';
import { enter, mail, newRun, records, signalTeam, teamsEnded } from './run';
import { activeTeams, initialState, keySet, statusOf, teamOf, type CollaborativeState } from './state';

export { collaborativeStatusQuery as statusQuery } from '../definitions';
export type { CollaborativeStatus } from '../definitions';
export type { CollaborativeState } from './state';

/** `carried`: the state of the run before, when this run continues it (continue-as-new). */
export async function collaborativeWorkflow(
  config: LaunchConfig,
  carried?: CollaborativeState,
): Promise<CollaborativeStatus> {
  const s = carried ?? initialState(config, new Date().toISOString());
  const run = newRun(config, s);
  // Collaboratives launched before keep their teams tied to the run, and never continue-as-new.
  if (!carried) {
    s.detachedTeams = patched('parent-continues-as-new');
    s.concurrentTeams = patched('concurrent-team-commands');
    s.seriesInvites = patched('consultation-series-invites');
    s.sharedDigest = patched('shared-digest');
    s.storyboardRequests = patched('storyboard-requests');
    s.ownDatesReschedulable = patched('own-dates-reschedulable');
  }
  const { slug } = run;
  const now = () => Date.now();
  const status = () => statusOf(config, s);
  setHandler(collaborativeStatusQuery, status);
  setHandler(teamFinished, (r) => void ((s.finished ??= {})[r.siteId] = r));
  registerInputs(run);

  if (carried)
    upsertSearchAttributes([
      { key: LC_KIND, value: 'collaborative' },
      { key: LC_PHASE, value: s.phase },
    ]);
  else {
    upsertSearchAttributes([{ key: LC_KIND, value: 'collaborative' }]);
    await records.recordCollaborative(config);
    // Since v0.2 the record carries the current schedule from the start (readers used to fall back
    // to the config's). Collaboratives launched before keep running without it: see README,
    // "Changing running workflows".
    if (patched('record-schedule-at-launch'))
      await records.recordSchedule(slug, s.schedule, s.scheduleVersion);
    await enter(run, 'scheduled');
  }

  const agendaOptions = {
    remindersAfterInvitation: patched('reminders-after-invitation'),
    ownDates: patched('notification-and-prework-end'),
    seriesInvites: !!s.seriesInvites,
    sharedDigest: s.sharedDigest ? { timeZone: config.timeZone } : undefined,
    storyboardRequests: !!s.storyboardRequests,
  };
  const performOptions = { waitlistNotices: patched('waitlist-notices') };
  const budget = config.limits.collaborativeHistoryEvents ?? 3000;
  const end = await runAgenda({
    agenda: () => collaborativeAgenda(s.schedule, s.launchedAt, config.metrics?.ladder, agendaOptions),
    done: keySet(s.done),
    perform: (item) => perform(run, item, performOptions),
    upcoming: (item) => (s.nextMilestone = item && { name: item.key, at: item.at }),
    stop: () => !!s.cancelled,
    version: () => s.scheduleVersion,
    last: 'end',
    full: {
      when: 'waiting',
      check: () => {
        if (!s.detachedTeams) return false;
        const info = workflowInfo();
        return info.historyLength >= budget || info.continueAsNewSuggested;
      },
    },
  });
  if (end === 'full') {
    await condition(() => allHandlersFinished() && run.effects.drained());
    await continueAsNew<typeof collaborativeWorkflow>(config, {
      ...s,
      nextMilestone: undefined,
      continuedAsNew: (s.continuedAsNew ?? 0) + 1,
    });
  }
  s.nextMilestone = undefined;

  if (s.cancelled) {
    const close = { reason: 'cancelled' as const, note: s.cancelled.reason };
    const active = activeTeams(s);
    for (const siteId of active) teamOf(s, siteId)!.state = 'cancelled';
    if (s.concurrentTeams) await Promise.all(active.map((siteId) => signalTeam(run, siteId, close)));
    else for (const siteId of active) await signalTeam(run, siteId, close);
    if (s.announcedTo)
      await mail.notify(slug, {
        kind: 'cancelled',
        siteIds: s.announcedTo,
        reason: s.cancelled.reason,
        sessions: s.schedule.learningSessions
          .map((ls, index) => ({ ls, index }))
          .filter(({ ls }) => ms(ls.start) > now())
          .map(({ index }) => ({
            index,
            sequence: (s.milestoneVersions[`learningSessions[${index}]`] ?? 0) + 1,
          })),
      });
    await teamsEnded(run, true);
    await condition(() => allHandlersFinished() && run.effects.drained());
    await enter(run, 'cancelled');
    return status();
  }

  await enter(run, 'closing');
  if (performOptions.waitlistNotices && s.waitlist.length)
    await mail.notify(slug, { kind: 'waitlist-update', stage: 'closed', siteIds: [...s.waitlist] });
  const results = await teamsEnded(run, false);
  for (const r of results) {
    const team = teamOf(s, r.siteId)!;
    if (team.state === 'accepted') team.state = 'completed';
  }
  await mail.sendFinalReport(slug);
  await condition(() => allHandlersFinished() && run.effects.drained());
  await enter(run, 'completed');
  return status();
}
