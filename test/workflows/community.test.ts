/**
 * A 12-month Learning Community under the time-skipping test server, against the real MongoDB-wire
 * and SMTP servers: five people join at different times (one leaves, one leaves and joins again),
 * share barriers, solutions and innovations, and a facilitator records two meetings. Each person
 * must receive exactly the invitations, reminders and digests of the time they were a member —
 * computed here from the config and the join and leave times — and a digest period in which
 * nothing was shared sends nothing. Inputs are signals (the Update twins are tested on the dev
 * server, in community-updates.test.ts).
 *
 * `LC_RECORD_HISTORIES=<tag> npx jest test/workflows/community` also writes the history of every
 * run of the chain (it continues-as-new) to test/histories/community-lcom12-run<n>[-<tag>].json,
 * for test/replay to replay (`1` for no tag), as test/workflows/lifecycle.test.ts does.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { digestTimes, MEETING_INVITE_BEFORE } from '../../domain/agenda';
import { parseCommunityConfig } from '../../domain/community';
import type { ShareKind } from '../../domain/inputs';
import { communityMeetings, DAY, ms } from '../../domain/schedule';
import type { MemberDoc, ShareDoc } from '../../store/community';
import { COLLECTIONS } from '../../store/db';
import { upsertSites } from '../../store/sites';
import { learningCommunityWorkflow, type CommunityStatus } from '../../workflows';
import { exampleStory as story, storyCommunity } from '../helpers/configs';
import { harness, timeSkippingEnv, type Harness } from '../helpers/env';
import { piOf as pi, exampleSites as sites } from '../helpers/people';
import type { ReceivedMail } from '../helpers/smtp-sink';

const SLUG = 'lcom12';
const FACILITATOR = 'rgerson@faculty.example.org';

function config() {
  const c = storyCommunity();
  c.slug = SLUG;
  c.sites = ['bayview', 'cedar-hill', 'harbor'];
  c.limits = { historyEvents: 300 }; // small, so that the workflow continues-as-new in this run
  return parseCommunityConfig(c);
}

/** Who joins and leaves when (UTC), between the dates of the community's own events. */
const PEOPLE = {
  ana: { name: 'Ana Ruiz', email: 'ana@bayview.example.org', siteId: 'bayview' },
  ben: { name: 'Ben Okafor', email: 'ben@cedarhill.example.org', siteId: 'cedar-hill' },
  cara: { name: 'Cara Lind', email: 'cara@harbor.example.org', siteId: 'harbor' },
  dev: { name: 'Dev Patel', email: 'dev@example.org' },
  eve: { name: 'Eve Marsh', email: 'eve@bayview.example.org', siteId: 'bayview' },
};
type Who = keyof typeof PEOPLE;
/** [join, leave?] periods per person; dev leaves and comes back. */
const PERIODS: Record<Who, [string, string?][]> = story.shift({
  ana: [['2027-02-03T20:00:00Z']],
  ben: [['2027-04-03T20:00:00Z']], // after meeting 2's invitation went out: gets it on joining
  cara: [['2027-05-20T20:00:00Z', '2027-09-01T20:00:00Z']],
  dev: [['2027-07-10T20:00:00Z', '2027-07-20T20:00:00Z'], ['2027-11-01T20:00:00Z']],
  eve: [['2028-01-05T20:00:00Z']],
});
/** What is shared, when and by whom. Nothing between 2027-03-29 and 2027-04-12: that digest sends nothing. */
const SHARES: { at: string; by: Who; kind: ShareKind; title: string }[] = story.shift([
  { at: '2027-03-05T16:00:00Z', by: 'ana', kind: 'barrier', title: 'Consent forms come back late' },
  { at: '2027-03-20T16:00:00Z', by: 'ana', kind: 'solution', title: 'Consent at enrolment' },
  { at: '2027-04-20T16:00:00Z', by: 'ben', kind: 'innovation', title: 'Ten-minute huddles' },
  { at: '2027-04-21T16:00:00Z', by: 'ana', kind: 'barrier', title: 'No substitutes for training days' },
  { at: '2027-06-01T16:00:00Z', by: 'cara', kind: 'solution', title: 'Training in planning periods' },
  { at: '2027-07-15T16:00:00Z', by: 'dev', kind: 'barrier', title: 'Screening tool in one language' },
  { at: '2027-10-01T16:00:00Z', by: 'ana', kind: 'innovation', title: 'Student-led calm corners' },
  { at: '2028-01-10T16:00:00Z', by: 'eve', kind: 'barrier', title: 'Counsellor turnover' },
  { at: '2028-02-20T16:00:00Z', by: 'ana', kind: 'solution', title: 'Peer mentors for new counsellors' },
]);
/** Refused: a stranger's share, and Cara's after she left. */
const REFUSED = story.shift([
  { at: '2027-05-01T16:00:00Z', by: 'stranger@example.org' },
  { at: '2027-09-10T16:00:00Z', by: PEOPLE.cara.email },
]);
/** A facilitator records who came to a meeting and sends its summary the next day. */
const RECORDED = story.shift([
  { meeting: 2, at: '2027-04-16T16:00:00Z', present: ['ana', 'ben'] as Who[] },
  { meeting: 6, at: '2027-07-16T16:00:00Z', present: ['ana', 'cara', 'dev'] as Who[] },
]);

const memberAt = (who: Who, t: number) =>
  PERIODS[who].some(([j, l]) => ms(j) <= t && (l === undefined || t < ms(l)));

describe('a 12-month Learning Community, members coming and going (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let handle: WorkflowHandle<typeof learningCommunityWorkflow>;
  let result: CommunityStatus;
  const cfg = config();
  const meetings = communityMeetings(cfg.meetings);
  const digests = digestTimes(cfg);
  const announcedAt = ms(cfg.announcement!);
  const inviteAt = (k: number) => Math.max(ms(meetings[k]!.start) - MEETING_INVITE_BEFORE, announcedAt);

  async function until(iso: string) {
    const delta = ms(iso) - (await env.currentTimeMs());
    if (delta > 0) await env.sleep(delta);
  }
  /** Workflow time of the email's event, to the minute. */
  const eventTime = (m: ReceivedMail) =>
    Math.round(ms(m.parsed.headers.get('x-lc-event-time') as string) / 60_000) * 60_000;
  const key = (m: ReceivedMail) => m.parsed.headers.get('x-lc-key') as string;
  /** The numbers in the keys `<slug>:<kind>:<n>:<email>` of the emails of one kind to someone. */
  const numbers = (who: Who, kind: string) =>
    h.sink
      .to(PEOPLE[who].email)
      .map(key)
      .filter((k) => k.startsWith(`${SLUG}:${kind}:`))
      .map((k) => Number(k.split(':')[2]))
      .sort((a, b) => a - b);
  const mailsOf = (who: Who, kind: string) =>
    h.sink.to(PEOPLE[who].email).filter((m) => key(m).startsWith(`${SLUG}:${kind}:`));

  /** Saves the history of each run of the chain, from the first, following continue-as-new. */
  async function recordHistories(firstRunId: string) {
    const dir = path.join(__dirname, '../histories');
    fs.mkdirSync(dir, { recursive: true });
    const tag = process.env.LC_RECORD_HISTORIES === '1' ? '' : `-${process.env.LC_RECORD_HISTORIES}`;
    const save = async (n: number, runId: string): Promise<string | undefined> => {
      const history = await env.client.workflow.getHandle(`lcom/${SLUG}`, runId).fetchHistory();
      fs.writeFileSync(path.join(dir, `community-${SLUG}-run${n}${tag}.json`), historyToJSON(history) + '\n');
      return (
        history.events!.at(-1)!.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined
      );
    };
    let runId: string | undefined = firstRunId;
    for (let n = 1; runId; n++) runId = await save(n, runId);
  }

  beforeAll(async () => {
    env = await timeSkippingEnv();
    h = await harness(env, 'community');
    await upsertSites(h.db, sites);
    h.sink.deferParsing = true;
    await h.whileRunning(async () => {
      const started = await env.client.workflow.start(learningCommunityWorkflow, {
        workflowId: `lcom/${SLUG}`,
        taskQueue: h.taskQueue,
        args: [cfg],
      });
      handle = started;
      const events = [
        ...Object.entries(PERIODS).flatMap(([who, periods]) =>
          periods.flatMap(([join, leave]) => [
            { at: join, send: () => handle.signal('join', PEOPLE[who as Who]) },
            ...(leave
              ? [{ at: leave, send: () => handle.signal('leave', { email: PEOPLE[who as Who].email }) }]
              : []),
          ]),
        ),
        ...SHARES.map((s) => ({
          at: s.at,
          send: () =>
            handle.signal('postShare', {
              kind: s.kind,
              title: s.title,
              text: `${s.title}: what we learned.`,
              by: PEOPLE[s.by].email,
            }),
        })),
        ...REFUSED.map((r) => ({
          at: r.at,
          send: () =>
            handle.signal('postShare', {
              kind: 'barrier',
              title: 'Refused',
              text: 'Not a member.',
              by: r.by,
            }),
        })),
        ...RECORDED.map((r) => ({
          at: r.at,
          send: async () => {
            await handle.signal('recordMeetingAttendance', {
              meeting: r.meeting,
              emails: r.present.map((w) => PEOPLE[w].email),
              by: FACILITATOR,
            });
            await handle.signal('recordMeetingSummary', {
              meeting: r.meeting,
              text: `Notes of meeting ${r.meeting + 1}: what worked, what did not.`,
              by: FACILITATOR,
            });
          },
        })),
      ].sort((a, b) => ms(a.at) - ms(b.at));
      for (const e of events) {
        await until(e.at);
        await e.send();
      }
      result = await handle.result();
      if (process.env.LC_RECORD_HISTORIES) await recordHistories(started.firstExecutionRunId);
      await h.sink.parseAll();
    });
  }, 240_000);

  afterAll(() => Promise.all([h?.close(), env?.teardown()]));

  it('runs to its end, continuing-as-new on the way, and refuses shares from non-members', () => {
    expect(result).toMatchObject({
      phase: 'completed',
      members: 4, // ana, ben, dev (again), eve
      formerMembers: 1, // cara
      announcedTo: 3,
      meetings: 17,
      summaries: [2, 6],
      shares: { barrier: 4, solution: 3, innovation: 2, total: 9 },
    });
    expect(result.continuedAsNew).toBeGreaterThan(0);
    expect(result.rejected.map((r) => r.message)).toEqual(
      REFUSED.map((r) => `${r.by} is not a member of this community; join it first`),
    );
    // No email was sent twice.
    const keys = h.sink.received.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    console.log(
      `12-month community: ${h.sink.received.length} emails, ${result.digestsSent} digests, continued-as-new ${result.continuedAsNew} times`,
    );
  });

  it('announced it to the PI of each of its sites at the announcement date', () => {
    for (const siteId of cfg.sites as string[]) {
      const mails = h.sink.to(pi(siteId));
      expect(mails.map((m) => m.parsed.subject)).toEqual([
        'Join the Trauma-Informed Schools Learning Community 2027: a Learning Community on trauma-informed practice in schools',
      ]);
      expect(eventTime(mails[0]!)).toBe(announcedAt);
    }
  });

  it('welcomed each membership, a returning member again', () => {
    for (const who of Object.keys(PEOPLE) as Who[]) {
      const welcomes = mailsOf(who, 'community-welcome');
      expect(welcomes.map(eventTime)).toEqual(PERIODS[who].map(([join]) => ms(join)));
    }
  });

  it('invited each member to exactly the meetings of their membership: a week before, or on joining', () => {
    for (const who of Object.keys(PEOPLE) as Who[]) {
      const expected = meetings.flatMap((m, k) => {
        const period = PERIODS[who].find(
          ([j, l]) => ms(j) < ms(m.start) && Math.max(inviteAt(k), ms(j)) < (l ? ms(l) : Infinity),
        );
        return period ? [{ k, at: Math.max(inviteAt(k), ms(period[0])) }] : [];
      });
      expect(numbers(who, 'community-meeting-invite')).toEqual(expected.map((e) => e.k));
      const invites = mailsOf(who, 'community-meeting-invite').sort(
        (a, b) => Number(key(a).split(':')[2]) - Number(key(b).split(':')[2]),
      );
      expect(invites.map(eventTime)).toEqual(expected.map((e) => e.at));
      for (const inv of invites)
        expect(inv.raw).toMatch(
          new RegExp(
            `BEGIN:VCALENDAR[\\s\\S]*METHOD:REQUEST[\\s\\S]*UID:${SLUG}-meeting-\\d+@lc-orchestrator`,
          ),
        );
    }
    // Ben joined after meeting 2's invitations went out; Eve after meeting 15's: each got it on joining.
    expect(numbers('ben', 'community-meeting-invite')[0]).toBe(1);
    expect(numbers('eve', 'community-meeting-invite')[0]).toBe(14);
  });

  it('reminded the members of the day before each meeting, and no one else', () => {
    for (const who of Object.keys(PEOPLE) as Who[]) {
      const expected = meetings.flatMap((m, k) => (memberAt(who, ms(m.start) - DAY) ? [k] : []));
      expect(numbers(who, 'community-meeting-reminder')).toEqual(expected);
      expect(mailsOf(who, 'community-meeting-reminder').map(eventTime).sort()).toEqual(
        expected.map((k) => ms(meetings[k]!.start) - DAY).sort(),
      );
    }
  });

  it('sent each digest of what was shared since the last one to the members of the day, and none when nothing was', () => {
    const shared = (n: number) =>
      SHARES.filter((s) => ms(s.at) <= ms(digests[n]!) && (n === 0 || ms(s.at) > ms(digests[n - 1]!)));
    const empty = digests.map((_, n) => n).filter((n) => !shared(n).length);
    expect(empty).toContain(2); // 2027-03-29 → 2027-04-12: nothing shared
    for (const n of empty)
      expect(h.sink.received.filter((m) => key(m).includes(`:community-digest:${n}:`))).toEqual([]);
    for (const who of Object.keys(PEOPLE) as Who[]) {
      const expected = digests.flatMap((at, n) => (shared(n).length && memberAt(who, ms(at)) ? [n] : []));
      expect(numbers(who, 'community-digest')).toEqual(expected);
    }
    expect(result.digestsSent).toBe(digests.length - empty.length);
    // The digest of 2027-04-26 lists Ben's innovation and Ana's barrier, grouped by kind, with their names.
    const [digest] = mailsOf('ana', 'community-digest').filter((m) => eventTime(m) === ms(digests[3]!));
    expect(digest!.parsed.subject).toBe(
      'Digest: 2 new shares (1 barrier, 1 innovation) — Trauma-Informed Schools Learning Community 2027',
    );
    expect(digest!.parsed.text).toMatch(
      /Barriers \(1\)\n {2}- No substitutes for training days: [^\n]*\(Ana Ruiz\)\n\nInnovations \(1\)\n {2}- Ten-minute huddles: [^\n]*\(Ben Okafor\)/,
    );
  });

  it("sent each meeting's summary to the members of the moment, naming who attended", () => {
    for (const r of RECORDED)
      for (const who of Object.keys(PEOPLE) as Who[]) {
        const got = mailsOf(who, 'community-meeting-summary').filter((m) =>
          key(m).includes(`:community-meeting-summary:${r.meeting}:`),
        );
        expect([who, got.length]).toEqual([who, memberAt(who, ms(r.at)) ? 1 : 0]);
        if (got.length)
          expect(got[0]!.parsed.text).toContain(
            `Present: ${r.present
              .map((w) => PEOPLE[w].name)
              .sort()
              .join(', ')}.`,
          );
      }
  });

  it('sent nothing to anyone after they left, nor before they joined (but their welcome)', () => {
    for (const who of Object.keys(PEOPLE) as Who[])
      for (const m of h.sink.to(PEOPLE[who].email))
        expect([who, key(m), memberAt(who, eventTime(m) + 1)]).toEqual([who, key(m), true]);
  });

  it('kept the memberships, shares, attendance and summaries in MongoDB', async () => {
    const members = await h.db
      .collection<MemberDoc>(COLLECTIONS.members)
      .find({ community: SLUG })
      .sort({ joinedAt: 1 })
      .toArray();
    const periods = (Object.keys(PERIODS) as Who[]).flatMap((who) =>
      PERIODS[who].map(([j, l], i) => ({ email: PEOPLE[who].email, membership: i + 1, j, l })),
    );
    expect(members).toHaveLength(periods.length);
    for (const p of periods) {
      const doc = members.find((m) => m.email === p.email && m.membership === p.membership)!;
      expect(Math.round(doc.joinedAt.getTime() / 60_000)).toBe(ms(p.j) / 60_000);
      if (p.l) expect(Math.round(doc.leftAt!.getTime() / 60_000)).toBe(ms(p.l) / 60_000);
      else expect(doc.leftAt).toBeUndefined();
    }
    const shares = await h.db
      .collection<ShareDoc>(COLLECTIONS.shares)
      .find({ community: SLUG })
      .sort({ n: 1 })
      .toArray();
    expect(shares.map((s) => [s.n, s.kind, s.title])).toEqual(SHARES.map((s, i) => [i + 1, s.kind, s.title]));
    expect(
      await h.db.collection(COLLECTIONS.meetingAttendance).countDocuments({ community: SLUG, present: true }),
    ).toBe(RECORDED.reduce((n, r) => n + r.present.length, 0));
    const summaries = await h.db.collection(COLLECTIONS.meetingSummaries).find({ community: SLUG }).toArray();
    expect(summaries.map((s) => s.meeting).sort()).toEqual([2, 6]);
    const record = await h.db.collection(COLLECTIONS.communities).findOne({ slug: SLUG });
    expect(record).toMatchObject({ phase: 'completed', workflowId: `lcom/${SLUG}`, announcedTo: cfg.sites });
  });
});
