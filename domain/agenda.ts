/**
 * What happens when, derived from the schedule: the workflows process their agenda in time order
 * and recompute it whenever the schedule changes, so a moved date moves every timer that hangs on it.
 * Each item has a stable key; a workflow remembers the keys it has done (and carries them across
 * continue-as-new), so nothing is done twice.
 */
import { rungTime, type Ladder, type Rung } from './metrics';
import { plusMonths } from './months';
import { communityMeetings, DAY, dayOf, ms, plus, type CommunitySchedule, type Schedule } from './schedule';

export interface AgendaItem<K extends string = string> {
  key: string;
  kind: K;
  at: string;
  /** A reminder is pointless once what it reminds of has passed: skipped if reached after this. */
  staleAfter?: string;
  index?: number;
  series?: number;
}

/**
 * How an agenda is built. Workflows pass what `patched()` tells them, so a run started before an
 * option existed keeps the agenda it was started with (README, "Changing running workflows").
 */
export interface AgendaOptions {
  /**
   * A reminder due at or before its invitation goes out is left out: the invitation has just told
   * them (a team promoted ten days before LS1 used to get "in 14 days" even ahead of its
   * invitation, the reminder's date being earlier). Patch `reminders-after-invitation`.
   */
  remindersAfterInvitation?: boolean;
  /**
   * The schedule's own notification date and pre-work end (when the config gives them): the
   * notification goes out then, not when decisions are due, and pre-work reminders stop at the
   * pre-work end, not at the first session. Patch `notification-and-prework-end`.
   */
  ownDates?: boolean;
  /**
   * A series given by a rule (RRULE) gets one invitation for the whole series, when its first
   * call's invitation would have gone out, instead of one per call; its reminders stay per call.
   * A moved call of such a series is sent again (its occurrence, SEQUENCE raised) when its own
   * invitation would have gone out, if that is after the series' invitation.
   * Series written as first + everyDays keep one invitation per call. Patch
   * `consultation-series-invites`.
   */
  seriesInvites?: boolean;
  /**
   * The monthly digest of what teams shared (PDSA cycles, storyboards, resources), its months
   * counted in this zone (the collaborative's). Patch `shared-digest`.
   */
  sharedDigest?: { timeZone: string };
  /**
   * Each team is asked for its storyboard before each learning session, and reminded a few days
   * before if it has not shared one. Patch `storyboard-requests`.
   */
  storyboardRequests?: boolean;
}

/** Whether a reminder due `at` belongs on the agenda, its invitation going out at `invitedAt`. */
const remindAt = (o: AgendaOptions, at: string, invitedAt: string) =>
  !o.remindersAfterInvitation || ms(at) > ms(invitedAt);

const byTime = (a: AgendaItem, b: AgendaItem) => ms(a.at) - ms(b.at);

/** Stable order: by time, then as listed (so 'decisions-due' comes before 'notify'). */
function inTimeOrder<T extends AgendaItem>(items: T[]): T[] {
  return items
    .map((item, n) => ({ item, n }))
    .sort((a, b) => byTime(a.item, b.item) || a.n - b.n)
    .map((x) => x.item);
}

export type CollaborativeItemKind =
  | 'announce'
  | 'info-call-reminder'
  | 'applications-open'
  | 'applications-closing'
  | 'applications-close'
  | 'review-reminder'
  | 'decisions-due'
  | 'notify'
  | 'sessions-begin'
  | 'consultation-invite'
  | 'consultation-series-invite'
  | 'consultation-moved'
  | 'consultation-reminder'
  | 'metrics-digest'
  | 'metrics-complete'
  | 'storyboard-request'
  | 'storyboard-reminder'
  | 'shared-digest'
  | 'end';

/** `launchedAt` stands in for an announcement date the config leaves out ("announce at launch"). */
/** The weekly digest of missing metrics to faculty and coordinators (days of the programme). */
export const DIGEST_EVERY_DAYS = 7;

/** Teams are asked for their storyboard this many days before a session, and reminded this many. */
export const STORYBOARD_REQUEST_DAYS = 21;
export const STORYBOARD_REMINDER_DAYS = 5;

/**
 * When the digest of what teams shared goes out: a month after the first learning session, then
 * each month (the same local time in `timeZone`, counted from that session, so 31 January gives
 * 28 February then 31 March), and at the end. In compressed time a month is 30 programme days.
 */
export function sharedDigestTimes(s: Schedule, timeZone: string): string[] {
  const ls1 = s.learningSessions[0]?.start;
  if (!ls1) return [];
  const month = (k: number) => (s.dayMs ? plus(ls1, k * 30 * s.dayMs) : plusMonths(ls1, k, timeZone));
  const out: string[] = [];
  for (let k = 1, at = month(1); ms(at) < ms(s.end); k++, at = month(k)) out.push(at);
  return ms(ls1) < ms(s.end) ? [...out, s.end] : out;
}

/**
 * What digest `n` covers: [the digest before it, this one); the first covers everything since the
 * launch (what was shared before and at the first session, the resources already in the library).
 */
export function sharedDigestWindow(
  s: Schedule,
  timeZone: string,
  launchedAt: string,
  n: number,
): { from: string; to: string } | undefined {
  const times = sharedDigestTimes(s, timeZone);
  const to = times[n];
  return to === undefined ? undefined : { from: n ? times[n - 1]! : launchedAt, to };
}

export function collaborativeAgenda(
  s: Schedule,
  launchedAt: string,
  ladder?: Ladder,
  o: AgendaOptions = {},
): AgendaItem<CollaborativeItemKind>[] {
  const items: AgendaItem<CollaborativeItemKind>[] = [];
  const add = (i: AgendaItem<CollaborativeItemKind>) => items.push(i);
  const day = dayOf(s);
  add({ key: 'announce', kind: 'announce', at: s.announcement ?? launchedAt });
  s.informationalCalls.forEach((c, i) =>
    add({
      key: `info-call-reminder:${i}`,
      kind: 'info-call-reminder',
      at: plus(c.start, -day),
      staleAfter: c.start,
      index: i,
    }),
  );
  add({ key: 'applications-open', kind: 'applications-open', at: s.applicationsOpen });
  add({
    key: 'applications-closing',
    kind: 'applications-closing',
    at: plus(s.applicationsClose, -3 * day),
    staleAfter: s.applicationsClose,
  });
  add({ key: 'applications-close', kind: 'applications-close', at: s.applicationsClose });
  add({
    key: 'review-reminder',
    kind: 'review-reminder',
    at: plus(s.decisionsDue, -3 * day),
    staleAfter: s.decisionsDue,
  });
  add({ key: 'decisions-due', kind: 'decisions-due', at: s.decisionsDue });
  add({ key: 'notify', kind: 'notify', at: (o.ownDates && s.notification) || s.decisionsDue });
  const ls1 = s.learningSessions[0];
  if (ls1) add({ key: 'sessions-begin', kind: 'sessions-begin', at: ls1.start });
  s.consultation.forEach((series, si) => {
    const inviteAt = (call: string) =>
      ms(call) - 7 * day < ms(ls1?.start ?? call) ? (ls1?.start ?? call) : plus(call, -7 * day);
    const whole = o.seriesInvites && !!series.recurrence && series.calls.length > 0;
    if (whole) {
      const seriesAt = inviteAt(series.calls[0]!);
      add({
        key: `consultation-series-invite:${si}`,
        kind: 'consultation-series-invite',
        at: seriesAt,
        staleAfter: series.calls.at(-1),
        series: si,
      });
      series.recurrence!.moved.forEach((m, mi) => {
        if (ms(inviteAt(m.to)) > ms(seriesAt))
          add({
            key: `consultation-moved:${si}:${mi}`,
            kind: 'consultation-moved',
            at: inviteAt(m.to),
            staleAfter: m.to,
            series: si,
            index: mi,
          });
      });
    }
    series.calls.forEach((call, ci) => {
      const invite = inviteAt(call);
      if (!whole)
        add({
          key: `consultation-invite:${si}:${ci}`,
          kind: 'consultation-invite',
          at: invite,
          staleAfter: call,
          series: si,
          index: ci,
        });
      if (remindAt(o, plus(call, -day), invite))
        add({
          key: `consultation-reminder:${si}:${ci}`,
          kind: 'consultation-reminder',
          at: plus(call, -day),
          staleAfter: call,
          series: si,
          index: ci,
        });
    });
  });
  const firstDue = s.periods[0]?.due;
  if (ladder && firstDue)
    for (
      let n = 0, at = plus(firstDue, ladder.digestAfterDays * day);
      ms(at) < ms(s.end);
      n++, at = plus(at, DIGEST_EVERY_DAYS * day)
    )
      add({ key: `metrics-digest:${n}`, kind: 'metrics-digest', at, index: n });
  const lastDue = s.periods.at(-1)?.due;
  if (ladder && lastDue && ms(lastDue) < ms(s.end))
    add({ key: 'metrics-complete', kind: 'metrics-complete', at: lastDue });
  if (o.storyboardRequests) {
    // Never before the teams exist (the notification), so a first session soon after it is still asked for.
    const teamsFrom = (o.ownDates && s.notification) || s.decisionsDue;
    s.learningSessions.forEach((ls, i) => {
      const asked = plus(ls.start, -STORYBOARD_REQUEST_DAYS * day);
      const requestAt = ms(asked) < ms(teamsFrom) ? teamsFrom : asked;
      if (ms(requestAt) >= ms(ls.start)) return;
      add({
        key: `storyboard-request:${i}`,
        kind: 'storyboard-request',
        at: requestAt,
        staleAfter: ls.start,
        index: i,
      });
      const reminderAt = plus(ls.start, -STORYBOARD_REMINDER_DAYS * day);
      if (ms(reminderAt) > ms(requestAt))
        add({
          key: `storyboard-reminder:${i}`,
          kind: 'storyboard-reminder',
          at: reminderAt,
          staleAfter: ls.start,
          index: i,
        });
    });
  }
  if (o.sharedDigest)
    sharedDigestTimes(s, o.sharedDigest.timeZone).forEach((at, n) =>
      add({ key: `shared-digest:${n}`, kind: 'shared-digest', at, index: n }),
    );
  add({ key: 'end', kind: 'end', at: s.end });
  return inTimeOrder(items);
}

export type TeamItemKind =
  | 'prework'
  | 'prework-reminder'
  | 'session-invite'
  | 'session-reminder'
  | 'session-check'
  | 'metrics-rung'
  | 'end';

/** How often pre-work reminders go out until it is done or the first session starts (days). */
export const PREWORK_REMINDER_EVERY_DAYS = 7;

export function teamAgenda(
  s: Schedule,
  joinedAt: string,
  ladder?: Ladder,
  o: AgendaOptions = {},
): AgendaItem<TeamItemKind>[] {
  const items: AgendaItem<TeamItemKind>[] = [];
  const day = dayOf(s);
  const PREWORK_REMINDER_EVERY = PREWORK_REMINDER_EVERY_DAYS * day;
  const ls1 = s.learningSessions[0];
  const preworkAt = s.prework && ms(s.prework) > ms(joinedAt) ? s.prework : joinedAt;
  items.push({ key: 'prework', kind: 'prework', at: preworkAt, staleAfter: ls1?.start });
  const remindUntil = (o.ownDates && s.preworkEnd) || ls1?.start;
  if (remindUntil) {
    for (let n = 1; ms(preworkAt) + n * PREWORK_REMINDER_EVERY < ms(remindUntil); n++)
      items.push({
        key: `prework-reminder:${n}`,
        kind: 'prework-reminder',
        at: plus(preworkAt, n * PREWORK_REMINDER_EVERY),
        staleAfter: remindUntil,
        index: n,
      });
  }
  s.learningSessions.forEach((ls, i) => {
    if (ms(ls.start) <= ms(joinedAt)) return; // a team promoted late joins from the next session on
    const previous = s.learningSessions[i - 1];
    const inviteAt = previous && ms(previous.end) > ms(joinedAt) ? previous.end : joinedAt;
    items.push({
      key: `session-invite:${i}`,
      kind: 'session-invite',
      at: inviteAt,
      staleAfter: ls.start,
      index: i,
    });
    for (const days of [14, 2])
      if (remindAt(o, plus(ls.start, -days * day), inviteAt))
        items.push({
          key: `session-reminder:${i}:${days}`,
          kind: 'session-reminder',
          at: plus(ls.start, -days * day),
          staleAfter: ls.start,
          index: i,
          series: days,
        });
    items.push({ key: `session-check:${i}`, kind: 'session-check', at: plus(ls.end, day), index: i });
  });
  if (ladder)
    s.periods.forEach((p, i) => {
      for (const rung of [1, 2, 3] as Rung[])
        items.push({
          key: `metrics-rung:${p.id}:${rung}`,
          kind: 'metrics-rung',
          at: rungTime(p, rung, ladder, day),
          index: i,
          series: rung,
        });
    });
  items.push({ key: 'end', kind: 'end', at: s.end });
  return inTimeOrder(items);
}

export type CommunityItemKind =
  'announce' | 'start' | 'meeting-invite' | 'meeting-reminder' | 'digest' | 'end';

/** Invitations to a meeting go out this long before it (and to a new member when they join). */
export const MEETING_INVITE_BEFORE = 7 * DAY;

/** When the digest of what members shared goes out: every `digestEveryDays` from the start, and at the end. */
export function digestTimes(s: CommunitySchedule): string[] {
  const out: string[] = [];
  for (
    let at = plus(s.start, s.digestEveryDays * DAY);
    ms(at) < ms(s.end);
    at = plus(at, s.digestEveryDays * DAY)
  )
    out.push(at);
  return [...out, s.end];
}

/**
 * A Learning Community's agenda: the announcement, the start, each meeting's invitation (a week
 * before, never before the announcement) and reminder (the day before), the periodic digests and
 * the end. Who receives each is decided when it goes out: the members at that moment.
 */
export function communityAgenda(
  s: CommunitySchedule,
  launchedAt: string,
  o: AgendaOptions = {},
): AgendaItem<CommunityItemKind>[] {
  const announce = s.announcement ?? launchedAt;
  const items: AgendaItem<CommunityItemKind>[] = [
    { key: 'announce', kind: 'announce', at: announce },
    { key: 'start', kind: 'start', at: s.start },
  ];
  communityMeetings(s.meetings).forEach((m, index) => {
    const week = plus(m.start, -MEETING_INVITE_BEFORE);
    const invite = ms(week) < ms(announce) ? announce : week;
    items.push({
      key: `meeting-invite:${index}`,
      kind: 'meeting-invite',
      at: invite,
      staleAfter: m.start,
      index,
    });
    if (remindAt(o, plus(m.start, -DAY), invite))
      items.push({
        key: `meeting-reminder:${index}`,
        kind: 'meeting-reminder',
        at: plus(m.start, -DAY),
        staleAfter: m.start,
        index,
      });
  });
  digestTimes(s).forEach((at, index) => items.push({ key: `digest:${index}`, kind: 'digest', at, index }));
  items.push({ key: 'end', kind: 'end', at: s.end });
  return inTimeOrder(items);
}

/** The next item not yet done, or undefined when the agenda is through. */
export function nextItem<K extends string>(
  agenda: AgendaItem<K>[],
  done: { has(key: string): boolean },
): AgendaItem<K> | undefined {
  return agenda.find((i) => !done.has(i.key));
}

export function isStale(item: AgendaItem, now: number): boolean {
  return item.staleAfter !== undefined && now >= ms(item.staleAfter);
}
