/**
 * app/attention.ts: what needs the coordinator's attention, over plain data. The instants are
 * fixed (no "today"); each rule is checked on both sides of its threshold.
 */
import { attentionItems, DECISIONS_NEAR_DAYS, siteLines, type AttentionInput } from '../../app/attention';
import type { TeamLine } from '../../app/collaborative';
import type { Schedule } from '../../domain/schedule';
import type { ApplicationDoc } from '../../store/lifecycle';

const DAY = 86_400_000;
const T0 = Date.parse('2027-03-01T14:00:00Z');
const at = (days: number) => new Date(T0 + days * DAY).toISOString();

const schedule: Schedule = {
  periods: [
    { id: '2027-05', start: at(60), due: at(100) },
    { id: '2027-06', start: at(90), due: at(130) },
  ],
  informationalCalls: [],
  applicationsOpen: at(0),
  applicationsClose: at(20),
  decisionsDue: at(30),
  learningSessions: [],
  consultation: [],
  end: at(300),
};

const app = (siteId: string, decided = false) =>
  ({
    siteId,
    collaborative: 'spring',
    version: 1,
    submittedAt: new Date(at(10)),
    ...(decided
      ? { decision: { decision: 'accept', notes: '', by: 'f@x.org', decidedAt: new Date(at(25)) } }
      : {}),
  }) as unknown as ApplicationDoc;

const team = (
  siteId: string,
  missedSessions: number[],
  state: 'active' | 'withdrawn' = 'active',
): TeamLine => ({
  siteId,
  state: 'accepted',
  applicationVersion: 1,
  team: {
    slug: 'spring',
    siteId,
    state,
    preworkDone: [],
    attendance: {},
    missedSessions,
    metrics: {},
    continuedAsNew: 0,
  },
});

const input = (o: Partial<AttentionInput>): AttentionInput => ({
  slug: 'spring',
  now: T0,
  schedule,
  decisionsOpen: true,
  apps: [],
  teams: [],
  failedEmails: 0,
  ...o,
});

describe('attentionItems', () => {
  test('nothing to attend to: no items', () => {
    expect(attentionItems(input({ apps: [app('a', true)], teams: [team('a', [])] }))).toEqual([]);
  });

  test('undecided applications show once the decisions are near their due date, each with its form', () => {
    const apps = [app('alpha'), app('beta', true), app('gamma')];
    const before = at(30 - DECISIONS_NEAR_DAYS);
    expect(attentionItems(input({ apps, now: Date.parse(before) - 1 }))).toEqual([]);
    const near = attentionItems(input({ apps, now: Date.parse(before) }));
    expect(near.map((i) => [i.kind, i.siteId, i.action.href])).toEqual([
      ['undecided', 'alpha', '/c/spring#decision-alpha'],
      ['undecided', 'gamma', '/c/spring#decision-gamma'],
    ]);
    expect(near[0]!.what).toMatch(/due soon/);
    expect(attentionItems(input({ apps, now: Date.parse(at(31)) }))[0]!.what).toMatch(/were due/);
    // Once the decisions are sent there is nothing left to decide.
    expect(attentionItems(input({ apps, now: Date.parse(at(31)), decisionsOpen: false }))).toEqual([]);
  });

  test('a team past the ladder: missing after the senior leader was reminded (default ladder: 14 days)', () => {
    const compliance = {
      periods: ['2027-05', '2027-06'],
      teams: [
        { siteId: 'late', cells: ['missing', 'not-yet-due'] as const },
        { siteId: 'fine', cells: ['on-time', 'not-yet-due'] as const },
      ],
      totals: { 'on-time': 1, late: 0, missing: 1, 'not-yet-due': 2 },
    } as unknown as AttentionInput['compliance'];
    expect(attentionItems(input({ compliance, now: Date.parse(at(114)) - 1 }))).toEqual([]);
    const items = attentionItems(input({ compliance, now: Date.parse(at(114)) }));
    expect(items).toEqual([
      {
        kind: 'past-ladder',
        siteId: 'late',
        what: 'metrics still missing after every reminder: 2027-05',
        action: { label: 'See the team', href: '/c/spring#team-row-late' },
      },
    ]);
    // A ladder of its own, and a compressed day (timeScale): the offsets shrink with the day.
    const fast = { ...schedule, dayMs: DAY / 1000 };
    const ladder = { secondAfterDays: 2, seniorAfterDays: 4, digestAfterDays: 6 };
    const due = Date.parse(at(100));
    expect(
      attentionItems(input({ compliance, schedule: fast, ladder, now: due + 4 * (DAY / 1000) - 1 })),
    ).toEqual([]);
    expect(
      attentionItems(input({ compliance, schedule: fast, ladder, now: due + 4 * (DAY / 1000) })),
    ).toHaveLength(1);
  });

  test('failed emails: one item with the filtered email centre as its action', () => {
    expect(attentionItems(input({ failedEmails: 1 }))).toEqual([
      {
        kind: 'failed-email',
        what: '1 email failed or bounced',
        action: { label: 'See the failed emails', href: '/c/spring/emails?status=failed' },
      },
    ]);
    expect(attentionItems(input({ failedEmails: 3 }))[0]!.what).toBe('3 emails failed or bounced');
  });

  test('a team absent from a session, numbered as people number them; not once it has withdrawn', () => {
    const items = attentionItems(input({ teams: [team('delta', [0, 2]), team('gone', [0], 'withdrawn')] }));
    expect(items).toEqual([
      {
        kind: 'absent',
        siteId: 'delta',
        what: 'absent from learning session 1, 3',
        action: { label: 'Check the attendance', href: '/c/spring#team-delta' },
      },
    ]);
  });
});

describe('siteLines', () => {
  test('every announced site at its furthest stage, and a site that applied off the list', () => {
    const decided = (siteId: string, decision: string) =>
      ({ siteId, decision: { decision } }) as unknown as ApplicationDoc;
    const lines = siteLines(
      ['quiet', 'keen', 'yes', 'later', 'no', 'left', 'moved-up'],
      [
        { siteId: 'keen' } as ApplicationDoc,
        decided('yes', 'accept'),
        decided('later', 'waitlist'),
        decided('no', 'decline'),
        decided('left', 'accept'),
        decided('moved-up', 'waitlist'),
        { siteId: 'stray' } as ApplicationDoc,
      ],
      [
        { siteId: 'yes', state: 'accepted' },
        // Decided in the workflow, not yet in the records, not yet notified.
        { siteId: 'keen', state: 'applied', decision: 'waitlist' },
        { siteId: 'left', state: 'withdrawn' },
        { siteId: 'moved-up', state: 'accepted', promoted: true },
      ],
    );
    expect(lines.map((l) => [l.siteId, l.stage])).toEqual([
      ['quiet', 'announced'],
      ['keen', 'waitlisted'],
      ['yes', 'accepted'],
      ['later', 'waitlisted'],
      ['no', 'declined'],
      ['left', 'withdrawn'],
      ['moved-up', 'promoted'],
      ['stray', 'applied'],
    ]);
    expect(lines.find((l) => l.siteId === 'left')!.decision).toBe('accept');
  });
});
