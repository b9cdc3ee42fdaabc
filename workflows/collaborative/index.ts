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
  patched,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { collaborativeAgenda } from '../../domain/agenda';
import type { LaunchConfig } from '../../domain/config';
import { ms } from '../../domain/schedule';
import { runAgenda } from '../agenda';
import { collaborativeStatusQuery, type CollaborativeStatus } from '../definitions';
import { LC_KIND } from '../search-attributes';
import type { TeamResult } from '../team';
import { registerInputs } from './inputs';
import { perform } from './perform';
import { enter, mail, newRun, records, signalTeam } from './run';
import { activeTeams, initialState, keySet, statusOf, teamOf } from './state';

export { collaborativeStatusQuery as statusQuery } from '../definitions';
export type { CollaborativeStatus } from '../definitions';
export type { CollaborativeState } from './state';

export async function collaborativeWorkflow(config: LaunchConfig): Promise<CollaborativeStatus> {
  const s = initialState(config, new Date().toISOString());
  const run = newRun(config, s);
  const { slug } = run;
  const now = () => Date.now();
  const status = () => statusOf(config, s);
  setHandler(collaborativeStatusQuery, status);
  registerInputs(run);

  upsertSearchAttributes([{ key: LC_KIND, value: 'collaborative' }]);
  await records.recordCollaborative(config);
  // Since v0.2 the record carries the current schedule from the start (readers used to fall back
  // to the config's). Collaboratives launched before keep running without it: see README,
  // "Changing running workflows".
  if (patched('record-schedule-at-launch')) await records.recordSchedule(slug, s.schedule, s.scheduleVersion);
  await enter(run, 'scheduled');

  const agendaOptions = { remindersAfterInvitation: patched('reminders-after-invitation') };
  const performOptions = { waitlistNotices: patched('waitlist-notices') };
  await runAgenda({
    agenda: () => collaborativeAgenda(s.schedule, s.launchedAt, config.metrics?.ladder, agendaOptions),
    done: keySet(s.done),
    perform: (item) => perform(run, item, performOptions),
    upcoming: (item) => (s.nextMilestone = item && { name: item.key, at: item.at }),
    stop: () => !!s.cancelled,
    version: () => s.scheduleVersion,
    last: 'end',
  });
  s.nextMilestone = undefined;

  if (s.cancelled) {
    for (const siteId of activeTeams(s)) {
      teamOf(s, siteId)!.state = 'cancelled';
      await signalTeam(run, siteId, { reason: 'cancelled', note: s.cancelled.reason });
    }
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
    await Promise.all([...run.children.values()].map((c) => c.result().catch(() => undefined)));
    await condition(() => allHandlersFinished() && run.effects.drained());
    await enter(run, 'cancelled');
    return status();
  }

  await enter(run, 'closing');
  if (performOptions.waitlistNotices && s.waitlist.length)
    await mail.notify(slug, { kind: 'waitlist-update', stage: 'closed', siteIds: [...s.waitlist] });
  const results: TeamResult[] = await Promise.all([...run.children.values()].map((c) => c.result()));
  for (const r of results) {
    const team = teamOf(s, r.siteId)!;
    if (team.state === 'accepted') team.state = 'completed';
  }
  await mail.sendFinalReport(slug);
  await condition(() => allHandlersFinished() && run.effects.drained());
  await enter(run, 'completed');
  return status();
}
