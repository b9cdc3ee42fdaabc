import {
  collaborativeAgenda,
  communityAgenda,
  isStale,
  nextItem,
  teamAgenda,
  type AgendaItem,
} from '../../domain/agenda';
import { parseCommunityConfig } from '../../domain/community';
import { parseLaunchConfig } from '../../domain/config';
import { DAY, moveMilestone, ms, plus } from '../../domain/schedule';
import { exampleCommunity, exampleConfig } from '../helpers/configs';

const NEW = { remindersAfterInvitation: true };
const keys = (items: AgendaItem[], prefix: string) =>
  items.filter((i) => i.key.startsWith(prefix)).map((i) => `${i.key} ${i.at}`);

describe('agenda: reminders come after their invitation', () => {
  const s = parseLaunchConfig(exampleConfig()).schedule;
  const ls2 = s.learningSessions[1]!.start;

  // The agenda's rule for any session; the collaborative itself promotes only before LS1.
  it('a team joining 10 days before LS2 is invited on joining and reminded 2 days before, not "in 14 days"', () => {
    const joinedAt = plus(ls2, -10 * DAY);
    const agenda = teamAgenda(s, joinedAt, undefined, NEW);
    expect(keys(agenda, 'session-invite:1')).toEqual([`session-invite:1 ${joinedAt}`]);
    expect(keys(agenda, 'session-reminder:1')).toEqual([`session-reminder:1:2 ${plus(ls2, -2 * DAY)}`]);
    // LS3 is months away: both its reminders stay.
    expect(keys(agenda, 'session-reminder:2').map((k) => k.split(' ')[0])).toEqual([
      'session-reminder:2:14',
      'session-reminder:2:2',
    ]);
    // Workflows started before the change keep their agenda (the patch's old path).
    expect(keys(teamAgenda(s, joinedAt), 'session-reminder:1')).toHaveLength(2);
  });

  it('a team joining on time gets every reminder (nothing changes for a normal schedule)', () => {
    expect(teamAgenda(s, s.decisionsDue, undefined, NEW)).toEqual(teamAgenda(s, s.decisionsDue));
  });

  it('a team joining an hour before LS1 gets its invitation and no reminder of it', () => {
    const joinedAt = plus(s.learningSessions[0]!.start, -3_600_000);
    expect(keys(teamAgenda(s, joinedAt, undefined, NEW), 'session-reminder:0')).toEqual([]);
  });

  it('a consultation call the day after LS1 opens is invited at LS1 and not reminded before that', () => {
    const ls1 = s.learningSessions[0]!.start;
    const call = plus(ls1, DAY / 2);
    const early = { ...s, consultation: [{ ...s.consultation[0]!, calls: [call] }] };
    const agenda = collaborativeAgenda(early, s.announcement!, undefined, NEW);
    expect(keys(agenda, 'consultation-invite:0:0')).toEqual([`consultation-invite:0:0 ${ls1}`]);
    expect(keys(agenda, 'consultation-reminder:0:0')).toEqual([]);
    expect(keys(collaborativeAgenda(early, s.announcement!), 'consultation-reminder:0:0')).toHaveLength(1);
    expect(collaborativeAgenda(s, s.announcement!, undefined, NEW)).toEqual(
      collaborativeAgenda(s, s.announcement!),
    );
  });

  it('a community meeting within a day of the announcement gets its invitation with it and no reminder', () => {
    const c = parseCommunityConfig(exampleCommunity());
    const announced = plus(c.meetings[0]!.dates[0]!, -DAY / 2);
    const soon = { ...c, announcement: announced };
    expect(keys(communityAgenda(soon, announced, NEW), 'meeting-reminder:0')).toEqual([]);
    expect(keys(communityAgenda(soon, announced, NEW), 'meeting-invite:0')).toEqual([
      `meeting-invite:0 ${announced}`,
    ]);
    expect(keys(communityAgenda(soon, announced), 'meeting-reminder:0')).toHaveLength(1);
    expect(communityAgenda(c, c.announcement!, NEW)).toEqual(communityAgenda(c, c.announcement!));
  });
});

// ---- the agenda as the workflows consume it --------------------------------------------------

const example = () => parseLaunchConfig(exampleConfig());
/** `key at` of every item, in agenda order. */
const lines = (items: AgendaItem[]) => items.map((i) => `${i.key} ${i.at}`);
const byKey = (items: AgendaItem[]) => new Map(items.map((i) => [i.key, i]));
const item = (items: AgendaItem[], key: string) => {
  const found = items.find((i) => i.key === key);
  if (!found) throw new Error(`no item ${key} in the agenda`);
  return found;
};
/** Which items moved, appeared or went away between two agendas (by key). */
function changes(before: AgendaItem[], after: AgendaItem[]) {
  const a = byKey(before);
  const b = byKey(after);
  return {
    moved: Object.fromEntries(
      [...b.values()]
        .filter((i) => a.has(i.key) && a.get(i.key)!.at !== i.at)
        .map((i) => [i.key, `${a.get(i.key)!.at} -> ${i.at}`]),
    ),
    restaled: [...b.values()]
      .filter((i) => a.has(i.key) && a.get(i.key)!.staleAfter !== i.staleAfter)
      .map((i) => i.key),
    gone: [...a.keys()].filter((k) => !b.has(k)),
    added: [...b.keys()].filter((k) => !a.has(k)),
  };
}

/**
 * What a workflow does when it wakes at `now` (its timer fired, or the worker was down): every
 * item due by then, in order, performed or (past its staleAfter) skipped, and marked done —
 * the loop of workflows/collaborative.ts, team.ts and agenda.ts, with the pure nextItem/isStale.
 */
function wake<K extends string>(agenda: AgendaItem<K>[], done: Set<string>, now: number) {
  const performed: string[] = [];
  const skipped: string[] = [];
  for (let i = nextItem(agenda, done); i && ms(i.at) <= now; i = nextItem(agenda, done)) {
    (isStale(i, now) ? skipped : performed).push(i.key);
    done.add(i.key);
  }
  return { performed, skipped, next: nextItem(agenda, done)?.key };
}

const inOrder = (items: AgendaItem[]) => items.every((x, n) => n === 0 || ms(items[n - 1]!.at) <= ms(x.at));

describe('agenda: time order, ties as listed', () => {
  const c = example();
  const s = c.schedule;

  it('the collaborative agenda opens in time order with exact keys and times', () => {
    const agenda = collaborativeAgenda(s, s.announcement!, c.metrics!.ladder, NEW);
    expect(inOrder(agenda)).toBe(true);
    expect(lines(agenda.slice(0, 12))).toEqual([
      'announce 2027-01-11T14:00:00Z',
      'applications-open 2027-01-11T14:00:00Z',
      'info-call-reminder:0 2027-01-24T17:00:00.000Z',
      'info-call-reminder:1 2027-02-07T20:00:00.000Z',
      'applications-closing 2027-02-26T22:00:00.000Z',
      'applications-close 2027-03-01T22:00:00Z',
      'review-reminder 2027-03-19T13:00:00.000Z',
      'decisions-due 2027-03-22T13:00:00Z',
      'notify 2027-03-22T13:00:00Z',
      'sessions-begin 2027-05-17T13:00:00Z',
      'consultation-invite:0:0 2027-05-26T17:00:00.000Z',
      'consultation-reminder:0:0 2027-06-01T17:00:00.000Z',
    ]);
    expect(lines(agenda.slice(-4))).toEqual([
      'metrics-digest:38 2028-03-23T13:00:00.000Z',
      'consultation-reminder:1:21 2028-03-28T17:00:00.000Z',
      'metrics-digest:39 2028-03-30T13:00:00.000Z',
      'end 2028-03-31T13:00:00Z',
    ]);
    // Every key once: the done set could not tell two items of one key apart.
    expect(new Set(agenda.map((i) => i.key)).size).toBe(agenda.length);
  });

  it("'decisions-due' comes before 'notify' at the same instant, whatever the time", () => {
    for (const decisionsDue of ['2027-03-22T13:00:00Z', '2027-03-10T00:00:00.000Z']) {
      const agenda = collaborativeAgenda({ ...s, decisionsDue }, s.announcement!);
      const keys = agenda.map((i) => i.key);
      expect(keys.indexOf('notify')).toBe(keys.indexOf('decisions-due') + 1);
      expect(item(agenda, 'notify').at).toBe(decisionsDue);
      expect(inOrder(agenda)).toBe(true);
    }
  });

  it('ties keep the order items are listed in, not the alphabetical order of their keys', () => {
    // Consultation calls from one hour after LS1, every 3 days: the first three invitations are
    // clamped to LS1 and tie with 'sessions-begin' (listed first); reminder 0:1 ties with invite 0:3.
    const raw = exampleConfig();
    raw.schedule.consultation = [{ kind: 'clinical', first: '2027-05-17T10:00', everyDays: 3 }];
    const { schedule } = parseLaunchConfig(raw);
    const agenda = collaborativeAgenda(schedule, schedule.announcement!, undefined, NEW);
    const from = agenda.findIndex((i) => i.key === 'sessions-begin');
    expect(lines(agenda.slice(from, from + 9))).toEqual([
      'sessions-begin 2027-05-17T13:00:00Z',
      'consultation-invite:0:0 2027-05-17T13:00:00Z',
      'consultation-invite:0:1 2027-05-17T13:00:00Z',
      'consultation-invite:0:2 2027-05-17T13:00:00Z',
      'consultation-reminder:0:1 2027-05-19T14:00:00.000Z',
      'consultation-invite:0:3 2027-05-19T14:00:00.000Z',
      'consultation-reminder:0:2 2027-05-22T14:00:00.000Z',
      'consultation-invite:0:4 2027-05-22T14:00:00.000Z',
      'consultation-reminder:0:3 2027-05-25T14:00:00.000Z',
    ]);
  });

  it('a team agenda: session invitation before pre-work by time, equal times as listed', () => {
    const agenda = teamAgenda(s, s.decisionsDue, c.metrics!.ladder, NEW);
    expect(inOrder(agenda)).toBe(true);
    expect(lines(agenda.slice(0, 10))).toEqual([
      'session-invite:0 2027-03-22T13:00:00Z',
      'prework 2027-04-05T13:00:00Z',
      'prework-reminder:1 2027-04-12T13:00:00.000Z',
      'prework-reminder:2 2027-04-19T13:00:00.000Z',
      'prework-reminder:3 2027-04-26T13:00:00.000Z',
      'prework-reminder:4 2027-05-03T13:00:00.000Z',
      'session-reminder:0:14 2027-05-03T13:00:00.000Z',
      'prework-reminder:5 2027-05-10T13:00:00.000Z',
      'session-reminder:0:2 2027-05-15T13:00:00.000Z',
      'session-invite:1 2027-05-18T21:00:00Z',
    ]);
    // The end falling on the last due date: that rung is listed before 'end', and so comes first;
    // its chasers fall after the end, which the workflow never reaches (it stops at 'end').
    const onDue = teamAgenda({ ...s, end: s.periods.at(-1)!.due }, s.decisionsDue, c.metrics!.ladder);
    expect(lines(onDue.slice(-4))).toEqual([
      'metrics-rung:2028-02:1 2028-03-10T14:00:00Z',
      'end 2028-03-10T14:00:00Z',
      'metrics-rung:2028-02:2 2028-03-17T14:00:00.000Z',
      'metrics-rung:2028-02:3 2028-03-24T14:00:00.000Z',
    ]);
  });

  it('a community agenda: announce and start, then meetings and digests; ties as listed', () => {
    const cfg = parseCommunityConfig(exampleCommunity());
    const at = cfg.start; // 2027-03-01T15:00:00Z; the first meeting is 9 days later
    const agenda = communityAgenda({ ...cfg, announcement: at }, at, NEW);
    expect(inOrder(agenda)).toBe(true);
    expect(lines(agenda.slice(0, 5))).toEqual([
      'announce 2027-03-01T15:00:00Z',
      'start 2027-03-01T15:00:00Z',
      'meeting-invite:0 2027-03-03T18:00:00.000Z',
      'meeting-reminder:0 2027-03-09T18:00:00.000Z',
      'digest:0 2027-03-15T15:00:00.000Z',
    ]);
    // Announced and started two days before the first meeting: its invitation is clamped to the
    // announcement, and the three tie in the order listed ('start' before 'meeting-invite:0').
    const x = plus(cfg.meetings[1]!.dates[0]!, -2 * DAY);
    const tied = communityAgenda({ ...cfg, announcement: x, start: x }, x, NEW);
    expect(lines(tied.slice(0, 4))).toEqual([
      'announce 2027-03-08T18:00:00.000Z',
      'start 2027-03-08T18:00:00.000Z',
      'meeting-invite:0 2027-03-08T18:00:00.000Z',
      'meeting-reminder:0 2027-03-09T18:00:00.000Z',
    ]);
    // The last digest goes out with the end, listed (and so done) before it.
    expect(lines(agenda.slice(-2))).toEqual(['digest:25 2028-02-28T15:00:00Z', 'end 2028-02-28T15:00:00Z']);
  });
});

describe('agenda: stale reminders are skipped', () => {
  const c = example();
  const s = c.schedule;

  it('isStale: from the instant of what it reminds of on, never for an item without staleAfter', () => {
    const agenda = collaborativeAgenda(s, s.announcement!, c.metrics!.ladder, NEW);
    const reminder = item(agenda, 'info-call-reminder:0');
    expect(reminder.staleAfter).toBe('2027-01-25T17:00:00Z');
    expect(isStale(reminder, ms('2027-01-25T17:00:00Z') - 1)).toBe(false);
    expect(isStale(reminder, ms('2027-01-25T17:00:00Z'))).toBe(true);
    expect(isStale(reminder, ms('2027-01-25T17:00:00Z') + 1)).toBe(true);
    const end = item(agenda, 'end');
    expect(end.staleAfter).toBeUndefined();
    expect(isStale(end, ms('2100-01-01T00:00:00Z'))).toBe(false);
  });

  it('each reminder goes stale when what it reminds of happens; deadlines and milestones never do', () => {
    const agenda = collaborativeAgenda(s, s.announcement!, c.metrics!.ladder, NEW);
    const stale = agenda.filter((i) => i.staleAfter !== undefined).map((i) => `${i.key} ${i.staleAfter}`);
    expect(stale.slice(0, 8)).toEqual([
      'info-call-reminder:0 2027-01-25T17:00:00Z',
      'info-call-reminder:1 2027-02-08T20:00:00Z',
      'applications-closing 2027-03-01T22:00:00Z',
      'review-reminder 2027-03-22T13:00:00Z',
      'consultation-invite:0:0 2027-06-02T17:00:00Z',
      'consultation-reminder:0:0 2027-06-02T17:00:00Z',
      'consultation-invite:1:0 2027-06-09T17:00:00Z',
      'consultation-reminder:1:0 2027-06-09T17:00:00Z',
    ]);
    expect(new Set(agenda.filter((i) => i.staleAfter === undefined).map((i) => i.kind))).toEqual(
      new Set([
        'announce',
        'applications-open',
        'applications-close',
        'decisions-due',
        'notify',
        'sessions-begin',
        'metrics-digest',
        'metrics-complete',
        'end',
      ]),
    );
  });

  it('a collaborative woken after an informational call began skips its reminder and does the rest', () => {
    const agenda = collaborativeAgenda(s, s.announcement!, c.metrics!.ladder, NEW);
    const done = new Set<string>();
    expect(wake(agenda, done, ms('2027-01-20T00:00:00Z'))).toEqual({
      performed: ['announce', 'applications-open'],
      skipped: [],
      next: 'info-call-reminder:0',
    });
    // The worker was down from before the reminder until an hour into the call.
    expect(wake(agenda, done, ms('2027-01-25T18:00:00Z'))).toEqual({
      performed: [],
      skipped: ['info-call-reminder:0'],
      next: 'info-call-reminder:1',
    });
    expect(wake(agenda, done, ms('2027-02-08T00:00:00Z'))).toEqual({
      performed: ['info-call-reminder:1'],
      skipped: [],
      next: 'applications-closing',
    });
    // Down across the close of applications: the "closing in 3 days" reminder is skipped, the close is not.
    expect(wake(agenda, done, ms('2027-03-02T00:00:00Z'))).toEqual({
      performed: ['applications-close'],
      skipped: ['applications-closing'],
      next: 'review-reminder',
    });
    // Woken one millisecond before the decisions: the review reminder still goes out.
    expect(wake(agenda, done, ms('2027-03-22T13:00:00Z') - 1)).toEqual({
      performed: ['review-reminder'],
      skipped: [],
      next: 'decisions-due',
    });
  });

  it('a team woken after LS1 began skips the 2-day reminder and the pre-work nudges, not the rest', () => {
    const agenda = teamAgenda(s, s.decisionsDue, c.metrics!.ladder, NEW);
    const done = new Set<string>();
    expect(wake(agenda, done, ms('2027-05-04T00:00:00Z'))).toEqual({
      performed: [
        'session-invite:0',
        'prework',
        'prework-reminder:1',
        'prework-reminder:2',
        'prework-reminder:3',
        'prework-reminder:4',
        'session-reminder:0:14',
      ],
      skipped: [],
      next: 'prework-reminder:5',
    });
    expect(wake(agenda, done, ms('2027-05-20T00:00:00Z'))).toEqual({
      performed: ['session-invite:1', 'session-check:0'],
      skipped: ['prework-reminder:5', 'session-reminder:0:2'],
      next: 'metrics-rung:2027-05:1',
    });
  });

  it('a team promoted after LS1 began: its pre-work is stale at once and LS1 is not on its agenda', () => {
    const joinedAt = plus(s.learningSessions[0]!.start, 3_600_000); // 2027-05-17T14:00:00.000Z
    const agenda = teamAgenda(s, joinedAt, undefined, NEW);
    expect(lines(agenda.slice(0, 5))).toEqual([
      'prework 2027-05-17T14:00:00.000Z',
      'session-invite:1 2027-05-18T21:00:00Z',
      'session-reminder:1:14 2027-08-30T13:00:00.000Z',
      'session-reminder:1:2 2027-09-11T13:00:00.000Z',
      'session-invite:2 2027-09-14T21:00:00Z',
    ]);
    expect(agenda.filter((i) => /:0(:|$)/.test(i.key))).toEqual([]);
    expect(wake(agenda, new Set(), ms(joinedAt))).toEqual({
      performed: [],
      skipped: ['prework'],
      next: 'session-invite:1',
    });
  });
});

describe('agenda: consultation calls within the programme', () => {
  it('invitations are never before LS1: those of the first week are clamped to it', () => {
    const raw = exampleConfig();
    raw.schedule.consultation = [{ kind: 'clinical', first: '2027-05-17T10:00', everyDays: 3 }];
    const { schedule } = parseLaunchConfig(raw);
    const ls1 = schedule.learningSessions[0]!.start;
    const agenda = collaborativeAgenda(schedule, schedule.announcement!, undefined, NEW);
    const invites = agenda.filter((i) => i.kind === 'consultation-invite');
    expect(lines(invites.slice(0, 5))).toEqual([
      `consultation-invite:0:0 ${ls1}`,
      `consultation-invite:0:1 ${ls1}`,
      `consultation-invite:0:2 ${ls1}`,
      'consultation-invite:0:3 2027-05-19T14:00:00.000Z', // its call (26 May) less a week
      'consultation-invite:0:4 2027-05-22T14:00:00.000Z',
    ]);
    expect(invites.filter((i) => ms(i.at) < ms(ls1))).toEqual([]);
    // With the patch no consultation item precedes LS1; the first call's reminder (16 May) is dropped.
    expect(agenda.filter((i) => i.kind.startsWith('consultation') && ms(i.at) < ms(ls1))).toEqual([]);
    expect(agenda.some((i) => i.key === 'consultation-reminder:0:0')).toBe(false);
    expect(item(agenda, 'consultation-reminder:0:1').at).toBe('2027-05-19T14:00:00.000Z');
    // A call exactly a week after LS1 is invited at LS1, by the week rule rather than the clamp.
    const weekLater = plus(ls1, 7 * DAY);
    const exact = collaborativeAgenda(
      { ...schedule, consultation: [{ ...schedule.consultation[0]!, calls: [weekLater] }] },
      schedule.announcement!,
    );
    expect(item(exact, 'consultation-invite:0:0').at).toBe('2027-05-17T13:00:00.000Z');
  });

  it('no call is at or after the end: a call falling on the end date is not in the series', () => {
    const raw = exampleConfig();
    // Fridays at 09:00, like the end (Fri 31 Mar 2028 09:00): the 44th would fall on the end itself.
    raw.schedule.consultation = [{ kind: 'all-collaborative', first: '2027-06-04T09:00', everyDays: 7 }];
    const { schedule } = parseLaunchConfig(raw);
    const calls = schedule.consultation[0]!.calls;
    expect(calls).toHaveLength(43);
    expect(calls.slice(-2)).toEqual(['2028-03-17T13:00:00Z', '2028-03-24T13:00:00Z']);
    const agenda = collaborativeAgenda(schedule, schedule.announcement!, undefined, NEW);
    expect(lines(agenda.slice(-4))).toEqual([
      'consultation-reminder:0:41 2028-03-16T13:00:00.000Z',
      'consultation-invite:0:42 2028-03-17T13:00:00.000Z',
      'consultation-reminder:0:42 2028-03-23T13:00:00.000Z',
      'end 2028-03-31T13:00:00Z',
    ]);
  });

  it('moving the end earlier drops the calls, reminders and digests after it', () => {
    const c = example();
    const end = '2028-02-29T14:00:00.000Z';
    const moved = moveMilestone(c.schedule, 'end', end);
    expect(moved.consultation.map((x) => x.calls.at(-1))).toEqual([
      '2028-02-09T18:00:00Z',
      '2028-02-16T18:00:00Z',
    ]);
    const before = collaborativeAgenda(c.schedule, c.schedule.announcement!, c.metrics!.ladder, NEW);
    const after = collaborativeAgenda(moved, c.schedule.announcement!, c.metrics!.ladder, NEW);
    expect(after.filter((i) => i.key !== 'end' && ms(i.at) >= ms(end))).toEqual([]);
    const d = changes(before, after);
    expect(d.moved).toEqual({
      'metrics-complete': '2028-03-10T14:00:00Z -> 2028-02-10T14:00:00Z',
      end: `2028-03-31T13:00:00Z -> ${end}`,
    });
    expect(d.added).toEqual([]);
    expect(d.gone.sort()).toEqual(
      [
        'consultation-invite:0:10',
        'consultation-reminder:0:10',
        'consultation-invite:1:19',
        'consultation-reminder:1:19',
        'consultation-invite:1:20',
        'consultation-reminder:1:20',
        'consultation-invite:1:21',
        'consultation-reminder:1:21',
        'metrics-digest:35',
        'metrics-digest:36',
        'metrics-digest:37',
        'metrics-digest:38',
        'metrics-digest:39',
      ].sort(),
    );
    expect(lines(after.slice(-3))).toEqual([
      'metrics-digest:33 2028-02-17T13:00:00.000Z',
      'metrics-digest:34 2028-02-24T13:00:00.000Z',
      `end ${end}`,
    ]);
  });
});

describe('agenda: recomputed after a reschedule', () => {
  const c = example();
  const s = c.schedule;
  const ladder = c.metrics!.ladder;

  it('moving the close of applications moves its two items and nothing else', () => {
    const before = collaborativeAgenda(s, s.announcement!, ladder, NEW);
    const after = collaborativeAgenda(
      moveMilestone(s, 'applicationsClose', '2027-03-08T22:00:00.000Z'),
      s.announcement!,
      ladder,
      NEW,
    );
    expect(changes(before, after)).toEqual({
      moved: {
        'applications-closing': '2027-02-26T22:00:00.000Z -> 2027-03-05T22:00:00.000Z',
        'applications-close': '2027-03-01T22:00:00Z -> 2027-03-08T22:00:00.000Z',
      },
      restaled: ['applications-closing'],
      gone: [],
      added: [],
    });
    expect(inOrder(after)).toBe(true);
  });

  it('moving LS2 two weeks later moves its reminders, its check and the LS3 invitation only', () => {
    const before = teamAgenda(s, s.decisionsDue, ladder, NEW);
    const moved = moveMilestone(s, 'learningSessions[1]', '2027-09-27T13:00:00.000Z');
    expect(moved.learningSessions[1]).toEqual({
      start: '2027-09-27T13:00:00.000Z',
      end: '2027-09-28T21:00:00.000Z',
      venue: 'Hyatt Regency, Chicago IL',
    });
    const after = teamAgenda(moved, s.decisionsDue, ladder, NEW);
    expect(changes(before, after)).toEqual({
      moved: {
        'session-reminder:1:14': '2027-08-30T13:00:00.000Z -> 2027-09-13T13:00:00.000Z',
        'session-reminder:1:2': '2027-09-11T13:00:00.000Z -> 2027-09-25T13:00:00.000Z',
        'session-check:1': '2027-09-15T21:00:00.000Z -> 2027-09-29T21:00:00.000Z',
        'session-invite:2': '2027-09-14T21:00:00Z -> 2027-09-28T21:00:00.000Z',
      },
      restaled: ['session-invite:1', 'session-reminder:1:14', 'session-reminder:1:2'],
      gone: [],
      added: [],
    });
    // The collaborative's own agenda: LS2 is no milestone of it, so nothing moves there.
    const collab = changes(
      collaborativeAgenda(s, s.announcement!, ladder),
      collaborativeAgenda(moved, s.announcement!, ladder),
    );
    expect(collab).toEqual({ moved: {}, restaled: [], gone: [], added: [] });
  });

  it('a reminder done before the reschedule stays done; the workflow goes on with the next item', () => {
    const agenda = teamAgenda(s, s.decisionsDue, ladder, NEW);
    const done = new Set<string>();
    wake(agenda, done, ms('2027-09-01T00:00:00Z'));
    expect(done.has('session-reminder:1:14')).toBe(true);
    const moved = moveMilestone(s, 'learningSessions[1]', '2027-09-27T13:00:00.000Z');
    const rebuilt = teamAgenda(moved, s.decisionsDue, ladder, NEW);
    expect(lines(rebuilt.filter((i) => !done.has(i.key)).slice(0, 6))).toEqual([
      'metrics-rung:2027-08:1 2027-09-10T13:00:00Z',
      'metrics-rung:2027-08:2 2027-09-17T13:00:00.000Z',
      'metrics-rung:2027-08:3 2027-09-24T13:00:00.000Z',
      'session-reminder:1:2 2027-09-25T13:00:00.000Z',
      'session-invite:2 2027-09-28T21:00:00.000Z',
      'session-check:1 2027-09-29T21:00:00.000Z',
    ]);
  });

  it('moving the end earlier drops the metrics periods due after it, and their rungs', () => {
    const moved = moveMilestone(s, 'end', '2028-02-29T14:00:00.000Z');
    expect(moved.periods.map((p) => p.id)).toEqual([
      '2027-05',
      '2027-06',
      '2027-07',
      '2027-08',
      '2027-09',
      '2027-10',
      '2027-11',
      '2027-12',
      '2028-01',
    ]);
    const d = changes(
      teamAgenda(s, s.decisionsDue, ladder, NEW),
      teamAgenda(moved, s.decisionsDue, ladder, NEW),
    );
    expect(d).toEqual({
      moved: { end: '2028-03-31T13:00:00Z -> 2028-02-29T14:00:00.000Z' },
      restaled: [],
      gone: ['metrics-rung:2028-02:1', 'metrics-rung:2028-02:2', 'metrics-rung:2028-02:3'],
      added: [],
    });
  });
});

describe('agenda: done keys carried across continue-as-new', () => {
  const c = example();
  const s = c.schedule;
  const ladder = c.metrics!.ladder;

  it('the items left after the carried done keys are exactly those after the last one done', () => {
    const agenda = teamAgenda(s, s.decisionsDue, ladder, NEW);
    const done = new Set<string>();
    wake(agenda, done, ms('2028-01-26T22:00:00Z'));
    // Continue-as-new: the carry is a JSON payload, the agenda is rebuilt from the carried schedule.
    const carried = JSON.parse(JSON.stringify({ schedule: s, done: [...done] })) as {
      schedule: typeof s;
      done: string[];
    };
    const rebuilt = teamAgenda(carried.schedule, s.decisionsDue, ladder, NEW);
    expect(rebuilt).toEqual(agenda);
    expect(lines(rebuilt.filter((i) => !carried.done.includes(i.key)))).toEqual([
      'metrics-rung:2028-01:1 2028-02-10T14:00:00Z',
      'metrics-rung:2028-01:2 2028-02-17T14:00:00.000Z',
      'metrics-rung:2028-01:3 2028-02-24T14:00:00.000Z',
      'metrics-rung:2028-02:1 2028-03-10T14:00:00Z',
      'metrics-rung:2028-02:2 2028-03-17T14:00:00.000Z',
      'metrics-rung:2028-02:3 2028-03-24T14:00:00.000Z',
      'end 2028-03-31T13:00:00Z',
    ]);
    expect(nextItem(rebuilt, new Set(carried.done))?.key).toBe('metrics-rung:2028-01:1');
  });

  it('a run continued as new every few items does each item once, in the same order as one run', () => {
    /** Works through the team agenda at each item's time; LS3 moves a week when October is reached. */
    const run = (every: number) => {
      const order: string[] = [];
      let carry = { done: [] as string[], schedule: s, rescheduled: false };
      for (let runs = 1; runs <= 500; runs++) {
        const done = new Set(carry.done);
        let { schedule, rescheduled } = carry;
        for (let n = 1; ; n++) {
          const i = nextItem(teamAgenda(schedule, s.decisionsDue, ladder, NEW), done);
          if (!i) return { order, runs };
          if (!rescheduled && ms(i.at) >= ms('2027-10-01T00:00:00Z')) {
            // The scheduleChanged signal: the agenda is recomputed before the next item.
            schedule = moveMilestone(schedule, 'learningSessions[2]', '2028-01-31T14:00:00.000Z');
            rescheduled = true;
            continue;
          }
          order.push(`${i.key}${isStale(i, ms(i.at)) ? ' (skipped)' : ''}`);
          done.add(i.key);
          if (i.kind === 'end') return { order, runs };
          if (n % every === 0) break;
        }
        // Continue-as-new: what is carried travels as JSON.
        carry = JSON.parse(JSON.stringify({ done: [...done], schedule, rescheduled }));
      }
      throw new Error('the run did not end');
    };
    const once = run(Infinity);
    const continued = run(7);
    expect(once.runs).toBe(1);
    expect(continued.runs).toBeGreaterThan(5);
    expect(continued.order).toEqual(once.order);
    expect(new Set(once.order).size).toBe(once.order.length);
    expect(once.order.filter((k) => k.endsWith('(skipped)'))).toEqual([]);
    // LS3 moved to 31 January: its reminders and check follow it among the metrics rungs.
    const from = once.order.indexOf('metrics-rung:2027-12:1');
    expect(once.order.slice(from, from + 7)).toEqual([
      'metrics-rung:2027-12:1',
      'session-reminder:2:14',
      'metrics-rung:2027-12:2',
      'metrics-rung:2027-12:3',
      'session-reminder:2:2',
      'session-check:2',
      'metrics-rung:2028-01:1',
    ]);
    expect(once.order.slice(-2)).toEqual(['metrics-rung:2028-02:3', 'end']);
  });

  it('a community continued as new (launch time carried) rebuilds the same keys and resumes after the done ones', () => {
    const cfg = parseCommunityConfig(exampleCommunity());
    // Announced at launch (no announcement date): the launch time is part of what is carried.
    const unannounced = { ...cfg, announcement: undefined };
    const launchedAt = '2027-01-20T10:00:00.000Z';
    const first = communityAgenda(unannounced, launchedAt, NEW);
    expect(item(first, 'announce').at).toBe(launchedAt);
    const done = new Set<string>();
    wake(first, done, ms('2027-04-10T00:00:00Z'));
    const carried = JSON.parse(JSON.stringify({ launchedAt, done: [...done] })) as {
      launchedAt: string;
      done: string[];
    };
    const rebuilt = communityAgenda(JSON.parse(JSON.stringify(unannounced)), carried.launchedAt, NEW);
    expect(rebuilt).toEqual(first);
    expect(carried.done).toEqual([
      'announce',
      'start',
      'meeting-invite:0',
      'meeting-reminder:0',
      'digest:0',
      'digest:1',
      'meeting-invite:1',
      'meeting-reminder:1',
      'meeting-invite:2',
    ]);
    expect(lines(rebuilt.filter((i) => !carried.done.includes(i.key)).slice(0, 3))).toEqual([
      'digest:2 2027-04-12T15:00:00.000Z',
      'meeting-reminder:2 2027-04-14T14:00:00.000Z',
      'digest:3 2027-04-26T15:00:00.000Z',
    ]);
  });
});
