/**
 * One workflow per Learning Collaborative (id `lc/<slug>`). It works through its agenda
 * (domain/agenda.ts) in time order — announcement, informational calls, the application window,
 * review, notification, learning sessions, consultation calls, closing — sleeping until each date
 * of the current schedule. Inputs arrive as Updates (or their Signal twins); every side effect is
 * an activity; each accepted team runs in its own child workflow (workflows/team.ts).
 * Long because its inputs' handlers share the run's state as closures; one state object (which
 * continue-as-new of the parent needs) is the step that splits it.
 */
import {
  ChildWorkflowHandle,
  condition,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  upsertSearchAttributes,
  allHandlersFinished,
} from '@temporalio/workflow';
import {
  collaborativeAgenda,
  isStale,
  nextItem,
  type AgendaItem,
  type CollaborativeItemKind,
} from '../domain/agenda';
import type { LaunchConfig } from '../domain/config';
import {
  applicationSchema,
  callAttendanceSchema,
  callRegistrationSchema,
  cancelSchema,
  decisionSchema,
  feedbackSchema,
  parseInput,
  rescheduleSchema,
  withdrawalSchema,
  type DecisionKind,
} from '../domain/inputs';
import type { Notice } from '../domain/notices';
import type { Phase } from '../domain/phases';
import { milestoneDate, milestoneNames, moveMilestone, ms, scheduleProblems } from '../domain/schedule';
import {
  cancel,
  closeTeam,
  collaborativeStatusQuery,
  recordCallAttendance,
  recordDecision,
  recordFeedback,
  registerForCall,
  reschedule,
  scheduleChanged,
  submitApplication,
  withdraw,
  type CollaborativeStatus,
  type Rejection,
  type TeamSummary,
} from './definitions';
import { handleInput, refusalDates, refuse } from './inputs';
import { mailActivities, recordActivities } from './proxies';
import { LC_KIND, LC_PHASE } from './search-attributes';
import { teamWorkflow, teamWorkflowId, type TeamResult } from './team';

export { collaborativeStatusQuery as statusQuery } from './definitions';
export type { CollaborativeStatus } from './definitions';

const records = recordActivities();
const mail = mailActivities('30 minutes');

export async function collaborativeWorkflow(config: LaunchConfig): Promise<CollaborativeStatus> {
  const slug = config.slug;
  const launchedAt = new Date().toISOString();
  const facultyEmails = new Set(config.faculty.map((f) => f.email));
  const coordinatorEmails = new Set(config.coordinators.map((c) => c.email));

  // Collaboratives launched before metrics existed have no `periods`: read them as none.
  let schedule = { ...config.schedule, periods: config.schedule.periods ?? [] };
  let scheduleVersion = 0;
  const milestoneVersions: Record<string, number> = {};
  let phase: Phase = 'scheduled';
  let nextMilestone: { name: string; at: string } | undefined;
  let announcedTo: string[] | undefined; // undefined until the announcement went out
  let unknownSites: string[] = [];
  let cancelled: { reason: string; by: string } | undefined;
  let notifiedAt: string | undefined;
  const done = new Set<string>();
  const rejected: Rejection[] = [];
  const teams = new Map<string, TeamSummary>();
  const waitlist: string[] = [];
  const feedbackCount = new Map<string, number>();
  const children = new Map<string, ChildWorkflowHandle<typeof teamWorkflow>>();
  const callRegistrations = new Map<number, Set<string>>();

  const now = () => Date.now();
  const when = refusalDates(config.timeZone);
  const activeTeams = () => [...teams.values()].filter((t) => t.state === 'accepted').map((t) => t.siteId);

  async function enter(p: Phase): Promise<void> {
    phase = p;
    upsertSearchAttributes([{ key: LC_PHASE, value: p }]);
    await records.recordPhase(slug, p);
  }

  function status(): CollaborativeStatus {
    return {
      slug,
      title: config.title,
      phase,
      nextMilestone,
      announcedTo: announcedTo?.length ?? 0,
      unknownSites,
      scheduleVersion,
      applications: [...teams.values()].filter((t) => t.applicationVersion > 0).length,
      teams: [...teams.values()].sort((a, b) => a.siteId.localeCompare(b.siteId)),
      waitlist: [...waitlist],
      rejected: [...rejected],
    };
  }
  setHandler(collaborativeStatusQuery, status);

  // ---- inputs ------------------------------------------------------------------------------
  const open = () => {
    if (cancelled) refuse(`the collaborative was cancelled (${cancelled.reason})`);
    if (phase === 'completed' || phase === 'closing') refuse('the collaborative has ended');
  };

  handleInput(
    submitApplication,
    (input) => {
      open();
      const app = parseInput(applicationSchema, input, 'the application');
      if (now() < ms(schedule.applicationsOpen))
        refuse(`applications open on ${when(schedule.applicationsOpen)}`);
      if (now() >= ms(schedule.applicationsClose))
        refuse(`applications closed on ${when(schedule.applicationsClose)}`);
      if (!announcedTo?.includes(app.siteId))
        refuse(
          `site "${app.siteId}" was not invited to this collaborative; ask the coordinator to add it to the network directory`,
        );
      return app;
    },
    async (app) => {
      const version = (teams.get(app.siteId)?.applicationVersion ?? 0) + 1;
      teams.set(app.siteId, { siteId: app.siteId, state: 'applied', applicationVersion: version });
      await records.recordApplication(slug, app, version);
      await mail.notify(slug, { kind: 'application-received', siteId: app.siteId, version });
      return { siteId: app.siteId, version };
    },
    rejected,
  );

  handleInput(
    recordDecision,
    (input) => {
      open();
      const d = parseInput(decisionSchema, input, 'the decision');
      if (!facultyEmails.has(d.by))
        refuse(`${d.by} is not faculty of this collaborative; only its faculty decide`);
      if (!teams.get(d.siteId)?.applicationVersion) refuse(`site "${d.siteId}" has not applied`);
      if (now() < ms(schedule.applicationsClose))
        refuse(`decisions are made once applications close on ${when(schedule.applicationsClose)}`);
      if (notifiedAt)
        refuse(`decisions were sent to the sites on ${when(notifiedAt)}; to change a team, use withdraw`);
      return d;
    },
    async (d) => {
      teams.get(d.siteId)!.decision = d.decision;
      await records.recordDecision(slug, d);
      return { siteId: d.siteId, decision: d.decision };
    },
    rejected,
  );

  handleInput(
    withdraw,
    (input) => {
      open();
      const w = parseInput(withdrawalSchema, input, 'the withdrawal');
      if (teams.get(w.siteId)?.state !== 'accepted')
        refuse(`site "${w.siteId}" is not an accepted team of this collaborative`);
      return w;
    },
    async (w) => {
      teams.get(w.siteId)!.state = 'withdrawn';
      await records.recordTeam(slug, w.siteId, 'withdrawn', { reason: w.reason });
      await signalTeam(w.siteId, { reason: 'withdrawn', note: w.reason });
      // The first team on the waiting list takes the place while the sessions have not begun;
      // later only when the coordinator chooses it, and the team catches up on what it missed.
      const begun = schedule.learningSessions.flatMap((ls, i) => (ms(ls.start) <= now() ? [i] : []));
      const promoted = !begun.length || w.promoteLate ? waitlist.shift() : undefined;
      await mail.notify(slug, { kind: 'withdrawal', siteId: w.siteId, promoted });
      if (promoted) {
        const team = teams.get(promoted)!;
        team.decision = 'accept';
        team.promoted = true;
        const note = `promoted from the waiting list when ${w.siteId} withdrew`;
        await records.recordDecision(slug, {
          siteId: promoted,
          decision: 'accept',
          notes: note,
          by: w.by ?? config.coordinators[0]!.email,
        });
        await mail.notify(slug, {
          kind: 'decision',
          siteId: promoted,
          decision: 'accept',
          promoted: true,
          ...(begun.length ? { catchUp: begun } : {}),
        });
        await startTeam(promoted, true);
      }
      return { siteId: w.siteId, promoted };
    },
    rejected,
  );

  handleInput(
    reschedule,
    (input) => {
      open();
      const r = parseInput(rescheduleSchema, input, 'the reschedule');
      if (!coordinatorEmails.has(r.by) && !facultyEmails.has(r.by))
        refuse(`${r.by} may not change this collaborative's schedule`);
      const names = milestoneNames(schedule);
      if (!names.includes(r.milestone as never))
        refuse(`unknown milestone "${r.milestone}"; one of: ${names.join(', ')}`);
      if (
        !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(r.at) ||
        Number.isNaN(ms(r.at))
      )
        refuse(`"${r.at}" is not a date and time with a zone (e.g. 2027-05-17T09:00:00-04:00)`);
      const current = milestoneDate(schedule, r.milestone)!;
      if (ms(current) <= now()) refuse(`${r.milestone} already took place on ${when(current)}`);
      if (ms(r.at) <= now()) refuse(`the new date ${when(r.at)} has passed`);
      const moved = moveMilestone(schedule, r.milestone, new Date(ms(r.at)).toISOString());
      const problems = scheduleProblems(moved, {
        learningSessionCount: config.learningSessionCount,
        strictSpan: config.scheduleChecks === 'strict',
      });
      if (problems.length)
        refuse(`the new schedule does not hold: ${problems.map((p) => p.message).join('; ')}`);
      return r;
    },
    async (r) => {
      schedule = moveMilestone(schedule, r.milestone, new Date(ms(r.at)).toISOString());
      scheduleVersion++;
      const version = (milestoneVersions[r.milestone] = (milestoneVersions[r.milestone] ?? 0) + 1);
      await records.recordSchedule(slug, schedule, scheduleVersion);
      for (const siteId of activeTeams())
        await getExternalWorkflowHandle(teamWorkflowId(slug, siteId)).signal(scheduleChanged, {
          schedule,
          milestone: r.milestone,
          version,
        });
      const audience = /^(learningSessions|prework|end)/.test(r.milestone)
        ? activeTeams()
        : (announcedTo ?? []);
      if (announcedTo)
        await mail.notify(slug, {
          kind: 'schedule-change',
          milestone: r.milestone,
          version,
          siteIds: audience,
        });
      return { milestone: r.milestone, at: milestoneDate(schedule, r.milestone)!, version: scheduleVersion };
    },
    rejected,
  );

  handleInput(
    cancel,
    (input) => {
      open();
      const c = parseInput(cancelSchema, input, 'the cancellation');
      if (!coordinatorEmails.has(c.by))
        refuse(`only a coordinator of this collaborative can cancel it (${c.by} is not one)`);
      return c;
    },
    async (c) => {
      cancelled = { reason: c.reason, by: c.by };
      return { cancelled: true as const };
    },
    rejected,
  );

  handleInput(
    recordFeedback,
    (input) => {
      open();
      const f = parseInput(feedbackSchema, input, 'the feedback');
      if (!facultyEmails.has(f.by)) refuse(`${f.by} is not faculty of this collaborative`);
      if (teams.get(f.siteId)?.state !== 'accepted') refuse(`site "${f.siteId}" is not an active team`);
      return f;
    },
    async (f) => {
      const n = (feedbackCount.get(f.siteId) ?? 0) + 1;
      feedbackCount.set(f.siteId, n);
      await records.recordFeedback(slug, f, n);
      await mail.notify(slug, { kind: 'feedback', siteId: f.siteId, n });
      return { siteId: f.siteId, n };
    },
    rejected,
  );

  handleInput(
    registerForCall,
    (input) => {
      open();
      const r = parseInput(callRegistrationSchema, input, 'the registration');
      const call = schedule.informationalCalls[r.call];
      if (!call) refuse(`there is no informational call ${r.call + 1}`);
      if (ms(call.start) <= now())
        refuse(`informational call ${r.call + 1} took place on ${when(call.start)}`);
      if (!announcedTo?.includes(r.siteId))
        refuse(`site "${r.siteId}" was not invited to this collaborative`);
      return r;
    },
    async (r) => {
      const set = callRegistrations.get(r.call) ?? new Set<string>();
      callRegistrations.set(r.call, set.add(r.siteId));
      await records.recordCallRegistration(slug, r);
      return { call: r.call, siteId: r.siteId };
    },
    rejected,
  );

  handleInput(
    recordCallAttendance,
    (input) => {
      open();
      const a = parseInput(callAttendanceSchema, input, 'the attendance');
      const call = schedule.informationalCalls[a.call];
      if (!call) refuse(`there is no informational call ${a.call + 1}`);
      if (ms(call.start) > now())
        refuse(`informational call ${a.call + 1} has not taken place yet (${when(call.start)})`);
      const unknown = a.siteIds.filter((s) => !announcedTo?.includes(s));
      if (unknown.length) refuse(`not invited to this collaborative: ${unknown.join(', ')}`);
      return a;
    },
    async (a) => {
      await records.recordCallAttendance(slug, a);
      return { call: a.call, sites: a.siteIds.length };
    },
    rejected,
  );

  // ---- teams -------------------------------------------------------------------------------
  async function startTeam(siteId: string, promoted: boolean): Promise<void> {
    const team = teams.get(siteId)!;
    team.state = 'accepted';
    await records.recordTeam(slug, siteId, 'accepted', { promoted });
    const handle = await startChild(teamWorkflow, {
      workflowId: teamWorkflowId(slug, siteId),
      args: [
        {
          slug,
          siteId,
          schedule,
          joinedAt: new Date().toISOString(),
          timeZone: config.timeZone,
          metrics: config.metrics,
          maxHistoryEvents: config.limits.teamHistoryEvents,
        },
      ],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      typedSearchAttributes: [
        { key: LC_KIND, value: 'team' },
        { key: LC_PHASE, value: 'prework' },
      ],
    });
    children.set(siteId, handle);
  }

  async function signalTeam(siteId: string, close: { reason: 'withdrawn' | 'cancelled'; note: string }) {
    if (children.has(siteId))
      await getExternalWorkflowHandle(teamWorkflowId(slug, siteId)).signal(closeTeam, close);
  }

  // ---- the agenda --------------------------------------------------------------------------
  async function perform(item: AgendaItem<CollaborativeItemKind>): Promise<boolean> {
    const notice = (n: Notice) => mail.notify(slug, n);
    switch (item.kind) {
      case 'announce': {
        await enter('announcement');
        const resolved = await records.resolveAnnouncementSites(slug);
        unknownSites = resolved.unknown;
        if (unknownSites.length) log.warn('sites in the config are not in the directory', { unknownSites });
        await mail.sendAnnouncements({ slug, siteIds: resolved.siteIds });
        announcedTo = resolved.siteIds;
        for (let i = 0; i < schedule.informationalCalls.length; i++)
          if (ms(schedule.informationalCalls[i]!.start) > now())
            await notice({
              kind: 'info-call-invite',
              call: i,
              sequence: milestoneVersions[`informationalCalls[${i}]`] ?? 0,
            });
        if (schedule.informationalCalls.length && ms(schedule.applicationsOpen) > now())
          await enter('informational-calls');
        return true;
      }
      case 'info-call-reminder':
        await notice({ kind: 'info-call-reminder', call: item.index! });
        return true;
      case 'applications-open':
        await enter('applications');
        return true;
      case 'applications-closing': {
        const notApplied = (announcedTo ?? []).filter((s) => !teams.get(s)?.applicationVersion);
        if (notApplied.length) await notice({ kind: 'applications-closing', siteIds: notApplied });
        return true;
      }
      case 'applications-close':
        await enter('review');
        return true;
      case 'review-reminder': {
        const undecided = [...teams.values()]
          .filter((t) => t.applicationVersion && !t.decision)
          .map((t) => t.siteId);
        if (undecided.length) await notice({ kind: 'review-reminder', undecided });
        return true;
      }
      case 'decisions-due': {
        const undecided = [...teams.values()]
          .filter((t) => t.applicationVersion && !t.decision)
          .map((t) => t.siteId);
        if (undecided.length) await notice({ kind: 'decisions-overdue', undecided });
        return true;
      }
      case 'notify': {
        // Notification waits for every decision (escalated at the deadline), or a schedule change.
        const version = scheduleVersion;
        const allDecided = () => [...teams.values()].every((t) => !t.applicationVersion || t.decision);
        await condition(() => allDecided() || !!cancelled || scheduleVersion !== version);
        if (!allDecided()) return false;
        await enter('notification');
        notifiedAt = new Date().toISOString();
        const decided = [...teams.values()]
          .filter((t) => t.decision)
          .sort((a, b) => a.siteId.localeCompare(b.siteId));
        for (const t of decided) {
          await notice({ kind: 'decision', siteId: t.siteId, decision: t.decision as DecisionKind });
          if (t.decision === 'waitlist') {
            t.state = 'waitlisted';
            waitlist.push(t.siteId);
          } else if (t.decision === 'decline') t.state = 'declined';
        }
        for (const t of decided.filter((d) => d.decision === 'accept')) await startTeam(t.siteId, false);
        await enter('prework');
        return true;
      }
      case 'sessions-begin':
        await enter('learning-sessions');
        if (waitlistNotices && waitlist.length)
          await notice({ kind: 'waitlist-update', stage: 'sessions-begun', siteIds: [...waitlist] });
        return true;
      case 'consultation-invite':
      case 'consultation-reminder': {
        const siteIds = activeTeams();
        if (siteIds.length)
          await notice({ kind: item.kind, series: item.series!, call: item.index!, siteIds });
        return true;
      }
      case 'metrics-complete':
        // Every required period of every team in: the final report need not wait for the end.
        if (await records.metricsComplete(slug)) await mail.sendFinalReport(slug);
        return true;
      case 'metrics-digest':
        await notice({ kind: 'metrics-digest', n: item.index! });
        return true;
      case 'end':
        return true;
    }
  }

  upsertSearchAttributes([{ key: LC_KIND, value: 'collaborative' }]);
  await records.recordCollaborative(config);
  // Since v0.2 the record carries the current schedule from the start (readers used to fall back
  // to the config's). Collaboratives launched before keep running without it: see README,
  // "Changing running workflows".
  if (patched('record-schedule-at-launch')) await records.recordSchedule(slug, schedule, scheduleVersion);
  await enter('scheduled');

  const agendaOptions = { remindersAfterInvitation: patched('reminders-after-invitation') };
  // Waitlisted sites hear when LS1 begins and when the list closes at the end.
  const waitlistNotices = patched('waitlist-notices');
  for (;;) {
    const item = nextItem(
      collaborativeAgenda(schedule, launchedAt, config.metrics?.ladder, agendaOptions),
      done,
    );
    if (!item || cancelled) break;
    nextMilestone = { name: item.key, at: item.at };
    const version = scheduleVersion;
    const wait = ms(item.at) - now();
    if (wait > 0 && (await condition(() => !!cancelled || scheduleVersion !== version, wait))) continue;
    if (cancelled) break;
    if (isStale(item, now())) {
      done.add(item.key);
      continue;
    }
    if (await perform(item)) done.add(item.key);
    if (item.kind === 'end') break;
  }
  nextMilestone = undefined;

  if (cancelled) {
    for (const siteId of activeTeams()) {
      teams.get(siteId)!.state = 'cancelled';
      await signalTeam(siteId, { reason: 'cancelled', note: cancelled.reason });
    }
    if (announcedTo)
      await mail.notify(slug, {
        kind: 'cancelled',
        siteIds: announcedTo,
        reason: cancelled.reason,
        sessions: schedule.learningSessions
          .map((ls, index) => ({ ls, index }))
          .filter(({ ls }) => ms(ls.start) > now())
          .map(({ index }) => ({
            index,
            sequence: (milestoneVersions[`learningSessions[${index}]`] ?? 0) + 1,
          })),
      });
    await Promise.all([...children.values()].map((c) => c.result().catch(() => undefined)));
    await condition(allHandlersFinished);
    await enter('cancelled');
    return status();
  }

  await enter('closing');
  if (waitlistNotices && waitlist.length)
    await mail.notify(slug, { kind: 'waitlist-update', stage: 'closed', siteIds: [...waitlist] });
  const results: TeamResult[] = await Promise.all([...children.values()].map((c) => c.result()));
  for (const r of results) {
    const team = teams.get(r.siteId)!;
    if (team.state === 'accepted') team.state = 'completed';
  }
  await mail.sendFinalReport(slug);
  await condition(allHandlersFinished);
  await enter('completed');
  return status();
}
