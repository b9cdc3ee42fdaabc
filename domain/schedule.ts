/**
 * The schedule's rules and its milestones, as pure functions of plain data: used by the config
 * parser, by the reschedule Update's validator inside the workflow, and by the workflows' agendas.
 * No luxon here (dates are UTC instants), so the workflow bundle stays small.
 */
export interface Call {
  start: string;
  durationMinutes: number;
  link?: string;
}
export interface LearningSession {
  start: string;
  end: string;
  venue: string;
}
export interface ConsultationSeries {
  kind: 'all-collaborative' | 'clinical';
  /** The first call. */
  first: string;
  /** Set when the config gives the series as `first` + `everyDays`. */
  everyDays?: number;
  durationMinutes: number;
  link?: string;
  /**
   * Every call of the series in time order: from `first` every `everyDays` days (same local
   * time), or the recurrence's occurrences with its exceptions applied, until the end.
   */
  calls: string[];
  /** Set when the config gives the series as a recurrence rule (`rrule` or `every`). */
  recurrence?: Recurrence;
}
/** A consultation series' recurrence rule as a calendar needs it (RFC 5545). */
export interface Recurrence {
  /** The RRULE value (no DTSTART), with UNTIL in UTC or COUNT. */
  rrule: string;
  /** The first occurrence of the rule (DTSTART), before exceptions. */
  start: string;
  /** The local time of day the calls start, 'HH:MM' in the collaborative's zone. */
  time: string;
  /** Occurrences left out (EXDATE): holidays skipped, and calls cancelled. */
  skipped: string[];
  cancelled: string[];
  /** Occurrences moved: the rule's date (RECURRENCE-ID) and where the call is instead. */
  moved: { from: string; to: string }[];
}
/** A metrics reporting period ('YYYY-MM'), when it starts and when its data is due. */
export interface ReportingPeriod {
  id: string;
  start: string;
  due: string;
}
export interface Schedule {
  /** Metrics reporting periods (empty when the collaborative collects no metrics). */
  periods: ReportingPeriod[];
  announcement?: string;
  informationalCalls: Call[];
  applicationsOpen: string;
  applicationsClose: string;
  decisionsDue: string;
  /** When the decisions reach the sites and accepted teams start; when decisions are due if absent. */
  notification?: string;
  prework?: string;
  /** When pre-work should be done: its weekly reminders stop there; the first session if absent. */
  preworkEnd?: string;
  learningSessions: LearningSession[];
  consultation: ConsultationSeries[];
  end: string;
  /**
   * How long one day of the programme lasts, in ms, when a rehearsal compresses time (the config's
   * `timeScale`): every offset counted in days (reminders, the ladder, digests, grace, pre-work
   * nudges, the missed-session check) and the reporting period shrink with it. Absent: a real day.
   */
  dayMs?: number;
}

/** A Learning Community's series of meetings, face to face or remote, as its config gives it. */
export interface MeetingSeries {
  kind: 'in-person' | 'remote';
  first: string;
  everyDays: number;
  durationMinutes: number;
  venue?: string;
  link?: string;
  /** Every meeting of the series, from `first` every `everyDays` days (same local time) until the end. */
  dates: string[];
}
/** One meeting of a community; meetings are numbered in time order across every series, from 0. */
export interface Meeting {
  kind: MeetingSeries['kind'];
  series: number;
  start: string;
  end: string;
  venue?: string;
  link?: string;
}
/** What a Learning Community sleeps until: its dates as UTC instants. */
export interface CommunitySchedule {
  /** When the network's PIs hear of it; at launch when left out. */
  announcement?: string;
  start: string;
  end: string;
  meetings: MeetingSeries[];
  digestEveryDays: number;
}

export const DAY = 86_400_000;
export const ms = (iso: string) => Date.parse(iso);
export const plus = (iso: string, delta: number) => new Date(ms(iso) + delta).toISOString();
/** The length of a day of the programme (see Schedule.dayMs). */
export const dayOf = (s: { dayMs?: number }) => s.dayMs ?? DAY;

export interface Problem {
  path: (string | number)[];
  message: string;
}

export interface ScheduleRules {
  learningSessionCount: number;
  /** 9–18 months from announcement to end; off for compressed demos and tests. */
  strictSpan: boolean;
}

/** Every problem with the schedule's order and span; empty when it reads right. */
export function scheduleProblems(s: Schedule, rules: ScheduleRules): Problem[] {
  const out: Problem[] = [];
  const problem = (path: (string | number)[], message: string) =>
    out.push({ path: ['schedule', ...path], message });
  const before = (a: string | undefined, b: string | undefined) => !a || !b || ms(a) < ms(b);
  const notAfter = (a: string | undefined, b: string | undefined) => !a || !b || ms(a) <= ms(b);
  if (!notAfter(s.announcement, s.applicationsOpen))
    problem(['announcement'], 'the announcement must come no later than the application period opens');
  s.informationalCalls.forEach((call, i) => {
    if (!notAfter(s.announcement, call.start))
      problem(['informationalCalls', i, 'start'], 'informational calls take place after the announcement');
    if (!before(call.start, s.applicationsClose))
      problem(
        ['informationalCalls', i, 'start'],
        'informational calls must take place before applications close',
      );
  });
  if (!before(s.applicationsOpen, s.applicationsClose))
    problem(['applicationsClose'], 'applications must close after they open');
  if (!before(s.applicationsClose, s.decisionsDue))
    problem(['decisionsDue'], 'decisions are due after applications close');
  const ls1 = s.learningSessions[0]?.start;
  if (s.prework && !before(s.decisionsDue, s.prework))
    problem(['prework'], 'pre-work starts after decisions are due');
  if (s.prework && !before(s.prework, ls1))
    problem(['prework'], 'pre-work starts before the first learning session');
  if (!before(s.decisionsDue, ls1))
    problem(['learningSessions', 0, 'start'], 'the first learning session comes after decisions are due');
  if (!notAfter(s.decisionsDue, s.notification))
    problem(['notification'], 'the notification comes no earlier than decisions are due');
  if (!before(s.notification, ls1))
    problem(['notification'], 'the notification comes before the first learning session');
  if (s.prework && !notAfter(s.notification, s.prework))
    problem(['prework'], 'pre-work starts no earlier than the notification');
  if (!before(s.prework ?? s.notification ?? s.decisionsDue, s.preworkEnd))
    problem(['preworkEnd'], 'pre-work ends after it begins');
  if (!notAfter(s.preworkEnd, ls1))
    problem(['preworkEnd'], 'pre-work ends no later than the first learning session');
  s.learningSessions.forEach((ls, i) => {
    if (!before(ls.start, ls.end))
      problem(['learningSessions', i, 'end'], 'a learning session must end after it starts');
    const next = s.learningSessions[i + 1];
    if (next && !before(ls.end, next.start))
      problem(
        ['learningSessions', i + 1, 'start'],
        `learning session ${i + 2} must start after session ${i + 1} ends`,
      );
  });
  if (s.learningSessions.length !== rules.learningSessionCount)
    problem(
      ['learningSessions'],
      `expected ${rules.learningSessionCount} learning sessions, found ${s.learningSessions.length} (set learningSessionCount to change this)`,
    );
  const last = s.learningSessions[s.learningSessions.length - 1];
  if (last && !before(last.end, s.end))
    problem(['end'], 'the last learning session must end before the end date');
  s.consultation.forEach((series, i) => {
    // A series by rule starts `from` a date (its first call is where the rule puts it).
    const start = series.recurrence ? 'from' : 'first';
    if (!notAfter(ls1, series.first))
      problem(['consultation', i, start], 'consultation calls start at or after the first learning session');
    if (!before(series.first, s.end))
      problem(['consultation', i, start], 'consultation calls start before the end date');
  });
  if (rules.strictSpan) {
    const months = (ms(s.end) - ms(s.announcement ?? s.applicationsOpen)) / (30.4375 * DAY);
    if (months < 9 || months > 18)
      problem(
        ['end'],
        `a collaborative spans 9 to 18 months from announcement to end; this one spans ${months.toFixed(1)}`,
      );
  }
  return out;
}

/** The milestones a coordinator can move. A learning session moves with its end. */
export type MilestoneName =
  | 'announcement'
  | 'applicationsOpen'
  | 'applicationsClose'
  | 'decisionsDue'
  | 'notification'
  | 'prework'
  | 'preworkEnd'
  | 'end'
  | `informationalCalls[${number}]`
  | `learningSessions[${number}]`;

/** The milestones that are single dates of the schedule (the others are calls and sessions). */
export const SIMPLE_MILESTONES = [
  'announcement',
  'applicationsOpen',
  'applicationsClose',
  'decisionsDue',
  'notification',
  'prework',
  'preworkEnd',
  'end',
] as const;
const INDEXED = /^(informationalCalls|learningSessions)\[(\d+)\]$/;

export function milestoneNames(s: Schedule): MilestoneName[] {
  return [
    ...SIMPLE_MILESTONES.filter((k) => s[k] !== undefined),
    ...s.informationalCalls.map((_, i) => `informationalCalls[${i}]` as const),
    ...s.learningSessions.map((_, i) => `learningSessions[${i}]` as const),
  ];
}

const LABELS: Record<(typeof SIMPLE_MILESTONES)[number], string> = {
  announcement: 'Announcement',
  applicationsOpen: 'Applications open',
  applicationsClose: 'Applications close',
  decisionsDue: 'Decisions due',
  notification: 'Teams notified',
  prework: 'Pre-work begins',
  preworkEnd: 'Pre-work ends',
  end: 'End of the collaborative',
};

/** A milestone as people read it: `learningSessions[1]` → "Learning Session 2". */
export function milestoneLabel(name: string): string {
  const m = INDEXED.exec(name);
  if (m)
    return `${m[1] === 'learningSessions' ? 'Learning Session' : 'Informational call'} ${Number(m[2]) + 1}`;
  return LABELS[name as keyof typeof LABELS] ?? name;
}

export function milestoneDate(s: Schedule, name: string): string | undefined {
  if ((SIMPLE_MILESTONES as readonly string[]).includes(name))
    return s[name as (typeof SIMPLE_MILESTONES)[number]];
  const m = INDEXED.exec(name);
  if (!m) return undefined;
  const list = m[1] === 'informationalCalls' ? s.informationalCalls : s.learningSessions;
  return list[Number(m[2])]?.start;
}

/** A copy of the schedule with one milestone moved; consultation calls after the end are dropped. */
export function moveMilestone(s: Schedule, name: string, at: string): Schedule {
  const next: Schedule = structuredCloneSchedule(s);
  const m = INDEXED.exec(name);
  if (m) {
    const i = Number(m[2]);
    if (m[1] === 'informationalCalls') next.informationalCalls[i]!.start = at;
    else {
      const ls = next.learningSessions[i]!;
      const length = ms(ls.end) - ms(ls.start);
      ls.start = at;
      ls.end = plus(at, length);
    }
  } else {
    (next as unknown as Record<string, string>)[name] = at;
  }
  next.consultation = next.consultation.map((c) => ({
    ...c,
    calls: c.calls.filter((t) => ms(t) < ms(next.end)),
  }));
  next.periods = next.periods.filter((p) => ms(p.due) <= ms(next.end));
  return next;
}

function structuredCloneSchedule(s: Schedule): Schedule {
  return JSON.parse(JSON.stringify(s)) as Schedule;
}

/** Every meeting of every series in time order: a meeting's number is its place in this list. */
export function communityMeetings(series: MeetingSeries[]): Meeting[] {
  return series
    .flatMap((m, i) =>
      m.dates.map((start) => ({
        kind: m.kind,
        series: i,
        start,
        end: plus(start, m.durationMinutes * 60_000).replace(/\.000Z$/, 'Z'),
        ...(m.venue ? { venue: m.venue } : {}),
        ...(m.link ? { link: m.link } : {}),
      })),
    )
    .sort((a, b) => ms(a.start) - ms(b.start) || a.series - b.series);
}
