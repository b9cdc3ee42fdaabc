/**
 * What teams share, through a run (time skipping, against the real MongoDB-wire and SMTP
 * servers): three teams; each is asked for its storyboard three weeks before each learning
 * session; Bayview logs a PDSA cycle and shares its LS2 storyboard in the second month (through
 * the app's use cases, as the team page does), Delta Youth withdraws, nothing is shared in the
 * third month. The month-2 digest (read from the SMTP sink) lists both, to each active team member
 * and each faculty member and coordinator once, with links to where each is seen; the withdrawn
 * team's people get none; no other digest is sent (nothing shared: nothing sent); the LS2 reminder
 * goes only to the team that had not shared, the LS3 one to both.
 *
 * `LC_RECORD_HISTORIES=<tag> npx jest test/workflows/shared-digest` also writes the
 * collaborative's history for test/replay (`collaborative-shared-digest-<tag>.json`).
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { logPdsaCycle } from '../../app/pdsa';
import { shareStoryboard } from '../../app/storyboards';
import { sharedDigestTimes, STORYBOARD_REMINDER_DAYS, STORYBOARD_REQUEST_DAYS } from '../../domain/agenda';
import { parseLaunchConfig } from '../../domain/config';
import { DAY, ms } from '../../domain/schedule';
import { getCollaborative } from '../../store/collaboratives';
import { upsertSites } from '../../store/sites';
import { collaborativeWorkflow } from '../../workflows';
import { exampleStory as story, storyConfig } from '../helpers/configs';
import { harness, timeSkippingEnv, type Harness } from '../helpers/env';
import { applicationFor, piOf as pi, exampleSites as sites } from '../helpers/people';
import type { ReceivedMail } from '../helpers/smtp-sink';

const SLUG = 'shared';
const WEB = 'http://web.test';
const TEAMS = ['bayview', 'cedar-hill', 'delta-youth'];
const [SHARES, QUIET, WITHDRAWS] = TEAMS as [string, string, string];
const roster = (siteId: string) =>
  ['leader', 'supervisor', 'clinician', 'data'].map((r) => `${r}@${siteId}.example.org`);
const STAFF = [
  'jcohen@faculty.example.org',
  'amannarino@faculty.example.org',
  'sam.rivera@network.example.org',
];

function config() {
  const c = storyConfig();
  c.slug = SLUG;
  c.sites = TEAMS;
  c.schedule.informationalCalls = [];
  c.schedule.consultation = [];
  c.schedule.learningSessions[1].start = story.date('2027-07-12');
  c.schedule.learningSessions[1].end = story.date('2027-07-13T17:00');
  c.schedule.learningSessions[2].start = story.date('2027-09-27');
  c.schedule.learningSessions[2].end = story.date('2027-09-28T17:00');
  c.schedule.end = story.date('2027-10-15');
  return parseLaunchConfig(c);
}

describe('what teams share: storyboard requests and the monthly digest (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  const cfg = config();
  const s = cfg.schedule;
  const digests = sharedDigestTimes(s, cfg.timeZone);
  let mails: ReceivedMail[] = [];
  let sharedAt = 0;

  beforeAll(async () => {
    env = await timeSkippingEnv();
    h = await harness(env, SLUG, { links: { baseUrl: WEB, key: 'k'.repeat(48), ttlDays: 45 } });
    await upsertSites(h.db, sites);
    h.sink.deferParsing = true;
    const running = h.worker.run();
    try {
      const handle = await env.client.workflow.start(collaborativeWorkflow, {
        workflowId: `lc/${SLUG}`,
        taskQueue: h.taskQueue,
        args: [cfg],
      });
      const until = async (at: number) => {
        const delta = at - (await env.currentTimeMs());
        if (delta > 0) await env.sleep(delta);
      };
      await until(ms(s.applicationsOpen) + DAY);
      for (const siteId of TEAMS)
        await handle.signal('submitApplication', applicationFor(siteId, pi(siteId)));
      await until(ms(s.applicationsClose) + DAY);
      for (const siteId of TEAMS)
        await handle.signal('recordDecision', { siteId, decision: 'accept', by: STAFF[0] });
      // Month 2, after the LS2 request: Bayview logs a cycle and shares its LS2 storyboard; Delta Youth withdraws.
      await until(ms(s.learningSessions[1]!.start) - (STORYBOARD_REQUEST_DAYS - 3) * DAY);
      sharedAt = await env.currentTimeMs();
      expect(sharedAt).toBeGreaterThan(ms(digests[0]!));
      const doc = await getCollaborative(h.db, SLUG);
      const by = `clinician@${SHARES}.example.org`;
      await logPdsaCycle(
        h.db,
        doc,
        SHARES,
        {
          measure: 'fidelity',
          change: 'Caregiver session booked before the first visit ends',
          prediction: 'More caregivers attend the second session',
          observed: 'Eight of ten came back',
          learned: 'Booking on the spot works',
          decision: 'adopt',
        },
        by,
        new Date(sharedAt),
      );
      await shareStoryboard(
        h.db,
        doc,
        SHARES,
        { session: '1', link: 'https://docs.example.org/bayview-ls2-storyboard' },
        by,
        new Date(sharedAt),
      );
      await handle.signal('withdraw', { siteId: WITHDRAWS, reason: 'Lost our supervisor.' });
      await handle.result();
      await h.sink.parseAll();
      mails = h.sink.received;
      if (process.env.LC_RECORD_HISTORIES) {
        const tag = process.env.LC_RECORD_HISTORIES === '1' ? '' : `-${process.env.LC_RECORD_HISTORIES}`;
        const file = path.join(__dirname, '../histories', `collaborative-shared-digest${tag}.json`);
        fs.writeFileSync(file, historyToJSON(await handle.fetchHistory()) + '\n');
      }
    } finally {
      h.worker.shutdown();
      await running;
    }
  }, 300_000);

  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  /** When the workflow asked for the email, to the minute (the activity is scheduled a moment after its timer). */
  const eventTime = (m: ReceivedMail) =>
    Math.round(ms(m.parsed.headers.get('x-lc-event-time') as string) / 60_000) * 60_000;
  const titled = (prefix: string) => mails.filter((m) => m.parsed.subject!.startsWith(prefix));
  const recipients = (list: ReceivedMail[]) => list.flatMap((m) => m.envelopeTo).sort();

  it('sends one digest, the month-2 one, to each active team member and each staff member once', () => {
    const sent = titled('Shared this month:');
    expect(sent.map((m) => m.parsed.subject)).toEqual(
      sent.map(() => `Shared this month: 1 PDSA cycle, 1 storyboard — ${cfg.title}`),
    );
    expect(new Set(sent.map(eventTime))).toEqual(new Set([ms(digests[1]!)]));
    expect(recipients(sent)).toEqual([...roster(SHARES), ...roster(QUIET), ...STAFF].sort());
    for (const person of roster(WITHDRAWS)) expect(recipients(sent)).not.toContain(person);
    // Nothing was shared in months 1 and 3 nor before the end: those digests were not sent.
    expect(digests.length).toBeGreaterThanOrEqual(4);
  });

  it('the digest lists the cycle and the storyboard, each linked to where it is seen', () => {
    const [toTeam] = titled('Shared this month:').filter((m) =>
      m.envelopeTo.includes(`data@${QUIET}.example.org`),
    );
    const text = toTeam!.parsed.text!;
    expect(text).toContain(
      'Bayview Child Trauma Center, cycle 1: “Caregiver session booked before the first visit ends” (measure: Fidelity (%)) — Adopt: keep the change.',
    );
    expect(text).toMatch(
      /Bayview Child Trauma Center, for Learning Session 2: https:\/\/docs\.example\.org\/bayview-ls2-storyboard\./,
    );
    expect(text).toMatch(
      new RegExp(`See it in the gallery: ${WEB}/team/[\\w-]+\\.[\\w-]+/storyboards#session-2`),
    );
    const [toStaff] = titled('Shared this month:').filter((m) => m.envelopeTo.includes(STAFF[0]!));
    expect(toStaff!.parsed.text).toContain(
      `Read the cycle: ${WEB}/c/${SLUG}/pdsa?siteId=${SHARES}#cycle-${SHARES}-1`,
    );
    expect(toStaff!.parsed.text).toContain(`See it in the gallery: ${WEB}/c/${SLUG}/storyboards#session-2`);
  });

  it('asks every team for each storyboard three weeks before the session, and reminds only those that have not shared', () => {
    const requests = titled('Your storyboard for Learning Session');
    const forSession = (list: ReceivedMail[], k: number) =>
      list.filter((m) => m.parsed.subject!.includes(`Learning Session ${k + 1}`));
    // LS2 was asked for before Delta Youth withdrew; LS3 after.
    expect(recipients(forSession(requests, 1))).toEqual(TEAMS.flatMap(roster).sort());
    expect(new Set(forSession(requests, 1).map(eventTime))).toEqual(
      new Set([ms(s.learningSessions[1]!.start) - STORYBOARD_REQUEST_DAYS * DAY]),
    );
    expect(recipients(forSession(requests, 2))).toEqual([...roster(SHARES), ...roster(QUIET)].sort());
    const reminders = titled('Reminder: the storyboard of');
    expect(recipients(forSession(reminders, 1))).toEqual(roster(QUIET).sort());
    expect(new Set(forSession(reminders, 1).map(eventTime))).toEqual(
      new Set([ms(s.learningSessions[1]!.start) - STORYBOARD_REMINDER_DAYS * DAY]),
    );
    expect(recipients(forSession(reminders, 2))).toEqual([...roster(SHARES), ...roster(QUIET)].sort());
    // The link opens the team's own gallery, at its form.
    const [one] = forSession(requests, 1);
    expect(one!.parsed.text).toMatch(
      new RegExp(`Share your storyboard: ${WEB}/team/[\\w-]+\\.[\\w-]+/storyboards#share`),
    );
  });
});
