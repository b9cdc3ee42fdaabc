/**
 * One child workflow per accepted team (id `lc/<slug>/team/<siteId>`): pre-work with its
 * reminders, the learning sessions' invitations, reminders and attendance, and a flag to faculty
 * when a team misses a session. It follows the collaborative's schedule (signalled on every
 * change), ends at the end date or when closed, and continues-as-new, carrying its state, long
 * before its history grows large.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { teamAgenda, type AgendaItem, type TeamItemKind } from '../domain/agenda';
import { workflowIdFor } from '../domain/common';
import type { Schedule } from '../domain/config';
import {
  attendanceSchema,
  parseInput,
  PREWORK_ITEMS,
  preworkSchema,
  type PreworkItem,
} from '../domain/inputs';
import {
  lateAfter,
  parseSubmission,
  type MetricsConfig,
  type Rung,
  type Submission,
} from '../domain/metrics';
import { dayOf, ms } from '../domain/schedule';
import { runAgenda } from './agenda';
import {
  closeTeam,
  completePrework,
  recordAttendance,
  scheduleChanged,
  submitMetrics,
  teamFinished,
  teamStatusQuery,
  type Rejection,
  type TeamResult,
  type TeamStatus,
} from './definitions';
import { handleInput, refusalDates, refuse } from './inputs';
import { mailActivities, recordActivities } from './proxies';
import { LC_PHASE } from './search-attributes';

const records = recordActivities();
const mail = mailActivities('10 minutes');

export const teamWorkflowId = (slug: string, siteId: string) => `lc/${slug}/team/${siteId}`;

/** What a team carries across continue-as-new. */
export interface TeamCarry {
  done: string[];
  roster: string[];
  preworkDone: PreworkItem[];
  attendance: Record<number, Record<string, boolean>>;
  missedSessions: number[];
  sessionVersions: Record<number, number>;
  metrics: TeamStatus['metrics'];
  rejected: Rejection[];
  continuedAsNew: number;
}

export interface TeamInput {
  slug: string;
  siteId: string;
  schedule: Schedule;
  joinedAt: string;
  timeZone: string;
  /** The collaborative's measures and chase ladder, when it collects metrics. */
  metrics?: MetricsConfig;
  carry?: TeamCarry;
  /** Continue-as-new once the history has this many events (the server suggests 4,096 at most). */
  maxHistoryEvents?: number;
}

export type { TeamResult } from './definitions';

export async function teamWorkflow(input: TeamInput): Promise<TeamResult> {
  const { slug, siteId } = input;
  let schedule = { ...input.schedule, periods: input.schedule.periods ?? [] };
  let scheduleVersion = 0;
  let closed: { reason: 'withdrawn' | 'cancelled'; note: string } | undefined;
  let nextMilestone: { name: string; at: string } | undefined;
  const carry: TeamCarry = input.carry ?? {
    done: [],
    roster: [],
    preworkDone: [],
    attendance: {},
    missedSessions: [],
    sessionVersions: {},
    metrics: {},
    rejected: [],
    continuedAsNew: 0,
  };
  const done = new Set(carry.done);
  const now = () => Date.now();
  const when = refusalDates(input.timeZone);

  const state = (): TeamStatus['state'] =>
    closed ? closed.reason : done.has('end') ? 'completed' : 'active';
  setHandler(teamStatusQuery, () => ({
    slug,
    siteId,
    state: state(),
    nextMilestone,
    preworkDone: [...carry.preworkDone],
    attendance: carry.attendance,
    missedSessions: [...carry.missedSessions],
    metrics: carry.metrics,
    continuedAsNew: carry.continuedAsNew,
  }));

  setHandler(scheduleChanged, ({ schedule: next, milestone, version }) => {
    schedule = { ...next, periods: next.periods ?? [] };
    scheduleVersion++;
    const m = /^learningSessions\[(\d+)\]$/.exec(milestone);
    if (m) carry.sessionVersions[Number(m[1])] = version;
  });
  setHandler(closeTeam, (c) => {
    closed = c;
  });

  handleInput(
    recordAttendance,
    (raw) => {
      const a = parseInput(attendanceSchema, raw, 'the attendance');
      const ls = schedule.learningSessions[a.session];
      if (!ls)
        refuse(
          `there is no learning session ${a.session} (sessions are numbered 0 to ${schedule.learningSessions.length - 1})`,
        );
      if (ms(ls.start) > now())
        refuse(`learning session ${a.session + 1} has not started yet (${when(ls.start)})`);
      if (!carry.roster.length) refuse('the team is still starting; try again in a moment');
      const strangers = a.attendees.map((x) => x.email).filter((e) => !carry.roster.includes(e));
      if (strangers.length) refuse(`not on the core team of ${siteId}: ${strangers.join(', ')}`);
      return a;
    },
    async (a) => {
      const session = (carry.attendance[a.session] ??= {});
      for (const { email, present } of a.attendees) session[email] = present;
      await records.recordAttendance(slug, siteId, a);
      return { session: a.session, present: Object.values(session).filter(Boolean).length };
    },
    carry.rejected,
  );

  handleInput(
    completePrework,
    (raw) => {
      if (closed) refuse(`the team is ${closed.reason}`);
      return parseInput(preworkSchema, raw, 'the pre-work');
    },
    async (p) => {
      if (!carry.preworkDone.includes(p.item)) carry.preworkDone.push(p.item);
      await records.recordPrework(slug, siteId, p.item, p.by);
      return { done: [...carry.preworkDone] };
    },
    carry.rejected,
  );

  handleInput(
    submitMetrics,
    (raw) => {
      if (!input.metrics) refuse('this collaborative collects no metrics');
      if (closed) refuse(`the team is ${closed.reason}`);
      const s = parseSubmission(input.metrics.measures, raw);
      const period = schedule.periods.find((p) => p.id === s.period);
      if (!period)
        refuse(
          schedule.periods.length
            ? `there is no reporting period ${s.period}; periods run ${schedule.periods[0]!.id} to ${schedule.periods.at(-1)!.id}`
            : `there is no reporting period ${s.period}: this collaborative's schedule has no reporting periods`,
        );
      if (ms(period.start) > now()) refuse(`period ${s.period} has not started yet`);
      return s as typeof raw;
    },
    async (raw) => {
      const s = raw as Submission;
      const period = schedule.periods.find((p) => p.id === s.period)!;
      const previous = carry.metrics[s.period];
      const late = now() > lateAfter(period, input.metrics!.graceDays, dayOf(schedule));
      const entry = { at: now(), late, amendments: previous ? previous.amendments + 1 : 0 };
      carry.metrics[s.period] = entry;
      await records.recordSubmission(slug, siteId, s, {
        submittedAt: new Date(entry.at).toISOString(),
        late,
        amendments: entry.amendments,
      });
      return { period: s.period, late, amendment: !!previous };
    },
    carry.rejected,
  );

  /** One reminder per rung, listing every period still missing (not one email per period). */
  async function chase(item: AgendaItem<TeamItemKind>): Promise<void> {
    const period = schedule.periods[item.index!];
    if (!period || carry.metrics[period.id]) return;
    const missing = schedule.periods
      .filter((p) => ms(p.due) <= now() && !carry.metrics[p.id])
      .map((p) => p.id);
    await mail.notify(slug, {
      kind: 'metrics-reminder',
      siteId,
      rung: item.series as Rung,
      period: period.id,
      missing,
    });
  }

  const pending = () => PREWORK_ITEMS.filter((i) => !carry.preworkDone.includes(i));

  async function perform(item: AgendaItem<TeamItemKind>): Promise<void> {
    switch (item.kind) {
      case 'prework':
        await mail.notify(slug, { kind: 'prework', siteId });
        return;
      case 'prework-reminder':
        if (pending().length)
          await mail.notify(slug, { kind: 'prework-reminder', siteId, n: item.index!, pending: pending() });
        return;
      case 'session-invite':
        if (item.index === 0 && !phaseAtSessions)
          upsertSearchAttributes([{ key: LC_PHASE, value: 'learning-sessions' }]);
        await mail.notify(slug, {
          kind: 'session-invite',
          siteId,
          session: item.index!,
          sequence: carry.sessionVersions[item.index!] ?? 0,
        });
        return;
      case 'session-reminder':
        await mail.notify(slug, {
          kind: 'session-reminder',
          siteId,
          session: item.index!,
          daysBefore: item.series!,
        });
        return;
      case 'session-check': {
        const present = Object.values(carry.attendance[item.index!] ?? {}).some(Boolean);
        if (!present) {
          carry.missedSessions.push(item.index!);
          await mail.notify(slug, { kind: 'session-missed', siteId, session: item.index! });
        }
        return;
      }
      case 'metrics-rung':
        await chase(item);
        return;
      case 'end':
        return;
    }
  }

  // Handlers are registered above before this first await, so no early input is turned away.
  if (!carry.roster.length) carry.roster = await records.loadRoster(slug, siteId);

  const maxEvents = input.maxHistoryEvents ?? 2_000;
  const agendaOptions = {
    remindersAfterInvitation: patched('reminders-after-invitation'),
    ownDates: patched('notification-and-prework-end'),
  };
  // A team is in pre-work until LS1 begins, though its LS1 invitation goes out when it joins.
  const phaseAtSessions = patched('team-phase-at-first-session');
  const ls1 = () => ms(schedule.learningSessions[0]!.start);
  let inSessions = false;
  const enterSessions = () => {
    upsertSearchAttributes([{ key: LC_PHASE, value: 'learning-sessions' }]);
    inSessions = true;
  };
  if (phaseAtSessions && ls1() <= now()) enterSessions();
  const end = await runAgenda({
    agenda: () => teamAgenda(schedule, input.joinedAt, input.metrics?.ladder, agendaOptions),
    done,
    perform,
    upcoming: (item) => (nextMilestone = item && { name: item.key, at: item.at }),
    stop: () => !!closed,
    version: () => scheduleVersion,
    // A team is in the learning-sessions phase from LS1 on, whatever comes due first.
    gate: (item) =>
      phaseAtSessions && !inSessions && ms(item.at) >= ls1() ? { at: ls1(), pass: enterSessions } : undefined,
    last: 'end',
    full: {
      when: 'after-item',
      check: () => {
        const info = workflowInfo();
        return info.historyLength >= maxEvents || info.continueAsNewSuggested;
      },
    },
  });
  if (end === 'full') {
    await condition(allHandlersFinished);
    carry.done = [...done];
    carry.continuedAsNew++;
    await continueAsNew<typeof teamWorkflow>({ ...input, schedule, carry });
  }
  nextMilestone = undefined;
  await condition(allHandlersFinished);
  upsertSearchAttributes([{ key: LC_PHASE, value: closed ? closed.reason : 'completed' }]);
  const final = state();
  if (closed?.reason !== 'withdrawn')
    await records.recordTeam(slug, siteId, closed ? 'cancelled' : 'completed');
  const result: TeamResult = {
    siteId,
    state: final,
    sessionsAttended: Object.entries(carry.attendance)
      .filter(([, members]) => Object.values(members).some(Boolean))
      .map(([s]) => Number(s)),
    missedSessions: [...carry.missedSessions],
    preworkDone: [...carry.preworkDone],
  };
  // The collaborative waits for this signal, not for the child's result, which does not survive
  // its continue-as-new. A parent that has ended (terminated by an operator) needs no word.
  if (patched('tell-parent-finished'))
    await getExternalWorkflowHandle(workflowIdFor(slug))
      .signal(teamFinished, result)
      .catch((err: unknown) => log.warn("the collaborative did not take the team's end", { err }));
  return result;
}
