/**
 * A whole 18-month collaborative under the time-skipping test server, against the real
 * MongoDB-wire and SMTP servers: 12 invited sites — 3 never apply, 2 are declined, 1 is waitlisted
 * and promoted when an accepted team withdraws, 1 misses LS2 — from announcement to final report.
 * Inputs are sent as signals (the Update twins are tested on the dev server).
 */
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { parseLaunchConfig } from '../../domain/config';
import { DAY, ms } from '../../domain/schedule';
import { COLLECTIONS } from '../../store/db';
import type { ApplicationDoc, TeamDoc } from '../../store/lifecycle';
import { upsertSites } from '../../store/sites';
import {
  collaborativeWorkflow,
  statusQuery,
  teamStatusQuery,
  teamWorkflowId,
  type CollaborativeStatus,
  type TeamStatus,
} from '../../workflows';
import { exampleStory as story, storyConfig } from '../helpers/configs';
import { harness, timeSkippingEnv, type Harness } from '../helpers/env';
import { applicationFor, piOf as pi, exampleSites as sites } from '../helpers/people';
import type { ReceivedMail } from '../helpers/smtp-sink';

const FACULTY = 'jcohen@faculty.example.org';
const COORDINATOR = 'sam.rivera@network.example.org';

// Roles in the story.
const NEVER_APPLY = ['juniper', 'keystone', 'lakeside'];
const DECLINED = ['inland', 'meadow'];
const WAITLISTED = 'harbor';
const WITHDRAWS = 'fairview';
const MISSES_LS2 = 'delta-youth';
const ACCEPTED = ['bayview', 'cedar-hill', 'delta-youth', 'elm-street', 'fairview', 'granite'];

function config() {
  const c = storyConfig();
  c.slug = 'lc18';
  c.schedule.end = story.date('2028-07-07'); // 2027-01-11 → 2028-07-07: just under 18 months
  c.schedule.consultation = [
    { kind: 'all-collaborative', first: story.date('2027-06-02T13:00'), everyDays: 28 },
    { kind: 'clinical', first: story.date('2027-06-16T13:00'), everyDays: 84 },
  ];
  delete c.metrics; // metrics have their own test (metrics.test.ts)
  c.limits = { teamHistoryEvents: 150 }; // small, so that team workflows continue-as-new in this run
  return parseLaunchConfig(c);
}

describe('an 18-month collaborative, start to finish (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let handle: WorkflowHandle<typeof collaborativeWorkflow>;
  const cfg = config();
  const s = cfg.schedule;
  let result: Awaited<ReturnType<typeof collaborativeWorkflow>>;
  let wallMs = 0;
  let missedStatus: TeamStatus;
  let finalStatus: CollaborativeStatus;

  /** Advances workflow time to `iso` (plus `extra` ms). */
  async function until(iso: string, extra = 0) {
    if (process.env.LC_DEBUG)
      process.stderr.write(
        `[until ${iso}] now=${new Date(await env.currentTimeMs()).toISOString()} emails=${h.sink.received.length} status=${JSON.stringify(
          await handle
            .query(statusQuery)
            .then((x) => [x.phase, x.nextMilestone])
            .catch((e) => e.message),
        )}\n`,
      );
    const delta = ms(iso) + extra - (await env.currentTimeMs());
    if (delta > 0) await env.sleep(delta);
  }
  const team = (siteId: string) => env.client.workflow.getHandle(teamWorkflowId('lc18', siteId));
  /** Workflow time of the email's event, to the minute (timers fire a few ms after their date). */
  const eventTime = (m: ReceivedMail) =>
    Math.round(ms(m.parsed.headers.get('x-lc-event-time') as string) / 60_000) * 60_000;
  const subjects = (email: string) => h.sink.to(email).map((m) => m.parsed.subject!);
  const mailsTo = (email: string, subject: RegExp) =>
    h.sink.to(email).filter((m) => subject.test(m.parsed.subject!));

  /** `LC_RECORD_HISTORIES=1 npx jest test/workflows/lifecycle` refreshes the histories that test/replay replays. */
  async function recordHistories() {
    const dir = path.join(__dirname, '../histories');
    fs.mkdirSync(dir, { recursive: true });
    const save = async (name: string, h2: WorkflowHandle) =>
      fs.writeFileSync(path.join(dir, `${name}.json`), historyToJSON(await h2.fetchHistory()) + '\n');
    // LC_RECORD_HISTORIES=<tag> names the set, so the histories of earlier code stay and keep being replayed.
    const tag = process.env.LC_RECORD_HISTORIES === '1' ? '' : `-${process.env.LC_RECORD_HISTORIES}`;
    await save(`collaborative-lc18${tag}`, handle);
    await save(`team-lc18-delta-youth${tag}`, team(MISSES_LS2));
    await save(`team-lc18-fairview-withdrawn${tag}`, team(WITHDRAWS));
  }

  beforeAll(async () => {
    env = await timeSkippingEnv();
    h = await harness(env, 'lifecycle');
    await upsertSites(h.db, sites);
    h.sink.deferParsing = true;
    const started = Date.now();
    const running = h.worker.run();
    try {
      handle = await env.client.workflow.start(collaborativeWorkflow, {
        workflowId: 'lc/lc18',
        taskQueue: h.taskQueue,
        args: [cfg],
      });

      await until(s.applicationsOpen, DAY);
      for (const siteId of [...ACCEPTED, ...DECLINED, WAITLISTED])
        await handle.signal('submitApplication', applicationFor(siteId, pi(siteId)));
      // One amendment, and one bad application that is refused (never applied).
      await handle.signal(
        'submitApplication',
        applicationFor('granite', pi('granite'), { readiness: 'Amended: ' + 'x'.repeat(30) }),
      );
      await handle.signal('submitApplication', {
        ...applicationFor('juniper', pi('juniper')),
        commitAllSessions: false,
      });

      await until(s.applicationsClose, DAY);
      for (const siteId of ACCEPTED)
        await handle.signal('recordDecision', {
          siteId,
          decision: 'accept',
          notes: 'Strong team.',
          by: FACULTY,
        });
      for (const siteId of DECLINED)
        await handle.signal('recordDecision', {
          siteId,
          decision: 'decline',
          notes: 'Not this round.',
          by: FACULTY,
        });
      // The last decision comes after the deadline: escalated, and notification waits for it.
      await until(s.decisionsDue, DAY);
      await handle.signal('recordDecision', { siteId: WAITLISTED, decision: 'waitlist', by: FACULTY });

      await until(s.decisionsDue, 3 * DAY);
      await handle.signal('withdraw', { siteId: WITHDRAWS, reason: 'Lost our supervisor.' });
      await until(s.decisionsDue, 4 * DAY);
      for (const siteId of ACCEPTED.filter((x) => x !== WITHDRAWS)) {
        await team(siteId).signal('completePrework', { item: 'checklist', by: pi(siteId) });
        await team(siteId).signal('completePrework', { item: 'commitment', by: pi(siteId) });
      }

      const present = [...ACCEPTED.filter((x) => x !== WITHDRAWS), WAITLISTED];
      for (const [i, ls] of s.learningSessions.entries()) {
        await until(ls.start, 3600_000);
        for (const siteId of present) {
          if (i === 1 && siteId === MISSES_LS2) continue;
          const app = applicationFor(siteId, pi(siteId));
          await team(siteId).signal('recordAttendance', {
            session: i,
            attendees: app.coreTeam.members.map((m) => ({ email: m.email, present: true })),
            by: FACULTY,
          });
        }
        if (i === 0)
          await handle.signal('recordFeedback', {
            siteId: 'granite',
            by: FACULTY,
            text: 'Great start on fidelity monitoring.',
          });
      }
      result = await handle.result();
      wallMs = Date.now() - started;
      await h.sink.parseAll();
      // Queries need a worker (a closed workflow is replayed to answer), so they are asked here.
      missedStatus = await team(MISSES_LS2).query(teamStatusQuery);
      finalStatus = await handle.query(statusQuery);
      if (process.env.LC_RECORD_HISTORIES) await recordHistories();
    } finally {
      h.worker.shutdown();
      await running;
    }
  }, 240_000);

  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('completes, with every team in its final state', () => {
    expect(result.phase).toBe('completed');
    const states = Object.fromEntries(result.teams.map((t) => [t.siteId, t.state]));
    expect(states).toEqual({
      bayview: 'completed',
      'cedar-hill': 'completed',
      'delta-youth': 'completed',
      'elm-street': 'completed',
      fairview: 'withdrawn',
      granite: 'completed',
      harbor: 'completed',
      inland: 'declined',
      meadow: 'declined',
    });
    expect(result.teams.find((t) => t.siteId === WAITLISTED)).toMatchObject({
      decision: 'accept',
      promoted: true,
    });
    expect(result.waitlist).toEqual([]);
    expect(result.rejected).toEqual([
      expect.objectContaining({
        input: 'submitApplication',
        message: expect.stringMatching(/commitment to send the core team/),
      }),
    ]);
    // Speed is measured, not asserted (bench/ has the figures); this line reports the run.
    console.log(`18-month lifecycle: ${h.sink.received.length} emails, wall time ${wallMs} ms`);
  });

  it('announced to every active PI at the announcement date; none registered for a call, so none was invited or reminded', () => {
    // Registrants' invitations and reminders: test/workflows/rehearsal.test.ts, test/web/call-registration.test.ts.
    for (const site of sites.filter((x) => x.active)) {
      const [a] = mailsTo(site.piEmail, /^Announcing/);
      expect(eventTime(a!)).toBe(ms(s.announcement!));
      expect(mailsTo(site.piEmail, /^(Invitation|Reminder): informational call/)).toEqual([]);
    }
    expect(h.sink.to('mia.kowalski@northwind.example.org')).toHaveLength(0);
  });

  it('reminded only the PIs who had not applied, three days before the close', () => {
    for (const siteId of NEVER_APPLY) {
      const [r] = mailsTo(pi(siteId), /^Applications close/);
      expect(eventTime(r!)).toBe(ms(s.applicationsClose) - 3 * DAY);
      // and nothing after that: no decision, no sessions
      expect(subjects(pi(siteId)).filter((x) => /Accepted|Waiting|session|Pre-work/i.test(x))).toEqual([]);
    }
    for (const siteId of ACCEPTED) expect(mailsTo(pi(siteId), /^Applications close/)).toHaveLength(0);
  });

  it('confirmed each application and amendment, and escalated the late decision', () => {
    expect(mailsTo(pi('granite'), /^Application received/)).toHaveLength(1);
    expect(mailsTo(pi('granite'), /^Amended application received/)).toHaveLength(1);
    const [faculty] = mailsTo(FACULTY, /^Decisions due/);
    expect(eventTime(faculty!)).toBe(ms(s.decisionsDue) - 3 * DAY);
    expect(faculty!.parsed.text).toContain('Harbor Behavioral Health');
    const [overdue] = mailsTo(COORDINATOR, /^Overdue: 1 application/);
    expect(eventTime(overdue!)).toBe(ms(s.decisionsDue));
    // notification waited for the last decision, a day after the deadline
    const [accepted] = mailsTo(pi('bayview'), /^Accepted/);
    expect(eventTime(accepted!)).toBeGreaterThanOrEqual(ms(s.decisionsDue) + DAY);
  });

  it('notified each decision to the PI and the core team; declined sites heard nothing more', () => {
    for (const siteId of DECLINED) {
      expect(mailsTo(pi(siteId), /^Your application/)).toHaveLength(1);
      expect(mailsTo(`leader@${siteId}.example.org`, /^Your application/)).toHaveLength(1);
      expect(
        h.sink
          .to(`clinician@${siteId}.example.org`)
          .filter((m) => /session|Pre-work/.test(m.parsed.subject!)),
      ).toEqual([]);
    }
    expect(mailsTo(pi(WAITLISTED), /^Waiting list/)).toHaveLength(1);
    const [promoted] = mailsTo(pi(WAITLISTED), /^Accepted/);
    expect(promoted!.parsed.text).toContain('accepted from the waiting list');
    expect(eventTime(promoted!)).toBe(ms(s.decisionsDue) + 3 * DAY);
    expect(mailsTo(COORDINATOR, /^Withdrawal confirmed: Fairview/)).toHaveLength(1);
  });

  it('invited each team to every session with a calendar file, and reminded it two weeks and two days before', () => {
    for (const siteId of [...ACCEPTED.filter((x) => x !== WITHDRAWS), WAITLISTED]) {
      const clinician = `clinician@${siteId}.example.org`;
      const invites = mailsTo(clinician, /^Invitation: Learning Session/);
      expect(invites).toHaveLength(3);
      for (const inv of invites)
        expect(inv.raw).toMatch(/BEGIN:VCALENDAR[\s\S]*METHOD:REQUEST[\s\S]*UID:lc18-ls-\d@lc-orchestrator/);
      const reminders = mailsTo(clinician, /^Reminder: Learning Session/).map(eventTime);
      expect(reminders).toEqual(
        s.learningSessions.flatMap((ls) => [ms(ls.start) - 14 * DAY, ms(ls.start) - 2 * DAY]),
      );
    }
    // The withdrawn team got LS1's invitation on acceptance, and nothing after its withdrawal.
    const fairview = h.sink.to('clinician@fairview.example.org');
    expect(fairview.filter((m) => eventTime(m) > ms(s.decisionsDue) + 3 * DAY)).toEqual([]);
  });

  it('flagged the team that missed LS2 to faculty and coordinator, once', () => {
    for (const who of [FACULTY, COORDINATOR]) {
      const flags = mailsTo(who, /missed Learning Session/);
      expect(flags.map((m) => m.parsed.subject)).toEqual([
        'Delta Youth Clinic missed Learning Session 2 — TF-CBT Learning Collaborative 2027',
      ]);
      expect(eventTime(flags[0]!)).toBe(ms(s.learningSessions[1]!.end) + DAY);
    }
    expect(missedStatus).toMatchObject({ state: 'completed', missedSessions: [1] });
    expect(missedStatus.continuedAsNew).toBeGreaterThan(0);
  });

  it('sent the consultation calls to the active teams, and the feedback to its team', () => {
    const calls = s.consultation.reduce((n, c) => n + c.calls.length, 0);
    const clinician = 'clinician@bayview.example.org';
    expect(mailsTo(clinician, /^Invitation: (All-collaborative|Clinical consultation) call/)).toHaveLength(
      calls,
    );
    expect(mailsTo(clinician, /^Reminder: (All-collaborative|Clinical consultation) call/)).toHaveLength(
      calls,
    );
    // Harbor joined in time for the calls too; Fairview did not get any.
    expect(mailsTo('clinician@harbor.example.org', /call,/).length).toBe(2 * calls);
    expect(mailsTo('clinician@fairview.example.org', /call,/)).toHaveLength(0);
    const [fb] = mailsTo('clinician@granite.example.org', /^Feedback from the faculty/);
    expect(fb!.parsed.text).toContain('Great start on fidelity monitoring.');
  });

  it('kept every record, and sent and stored the final report at the end date', async () => {
    const apps = await h.db
      .collection<ApplicationDoc>(COLLECTIONS.applications)
      .find({ collaborative: 'lc18' })
      .toArray();
    expect(apps).toHaveLength(9);
    expect(apps.find((a) => a.siteId === 'granite')!.version).toBe(2);
    expect(apps.filter((a) => a.decision?.decision === 'accept')).toHaveLength(7); // 6 + the promoted one
    const teams = await h.db.collection<TeamDoc>(COLLECTIONS.teams).find({ collaborative: 'lc18' }).toArray();
    expect(Object.fromEntries(teams.map((t) => [t.siteId, t.status]))).toEqual({
      bayview: 'completed',
      'cedar-hill': 'completed',
      'delta-youth': 'completed',
      'elm-street': 'completed',
      fairview: 'withdrawn',
      granite: 'completed',
      harbor: 'completed',
    });
    // 6 teams × 3 sessions × 3 members, minus delta-youth at LS2
    expect(
      await h.db.collection(COLLECTIONS.attendance).countDocuments({ collaborative: 'lc18', present: true }),
    ).toBe(6 * 9 - 3);
    const report = await h.db
      .collection(COLLECTIONS.reports)
      .findOne({ collaborative: 'lc18', kind: 'final' });
    expect(report!.rows).toContainEqual({
      team: 'Delta Youth Clinic',
      summary: '2/3 sessions (missed LS2); pre-work 2/3; 0 feedback',
    });
    const [mail] = mailsTo(COORDINATOR, /^Final report/);
    expect(eventTime(mail!)).toBeGreaterThanOrEqual(ms(s.end));
    expect(mail!.parsed.text).toContain('9 applications; 7 accepted, 0 waitlisted, 2 declined');
    // No email was sent twice.
    const keys = h.sink.received.map((m) => m.parsed.headers.get('x-lc-key'));
    expect(new Set(keys).size).toBe(keys.length);
    expect(finalStatus.phase).toBe('completed');
  });
});
