/**
 * A collaborative with a notification date of its own (three days after decisions are due) and a
 * pre-work end (a week before LS1), under the time-skipping test server against the real
 * MongoDB-wire and SMTP servers: the decision reaches the site on the notification date, pre-work
 * begins, and its weekly reminders stop at the pre-work end (patched('notification-and-prework-end')).
 *
 * `LC_RECORD_HISTORIES=<tag> npx jest test/workflows/own-dates` writes the collaborative's and the
 * team's histories to test/histories/*-own-dates-<tag>.json, for test/replay.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { parseLaunchConfig } from '../../domain/config';
import { DAY, ms } from '../../domain/schedule';
import { upsertSites } from '../../store/sites';
import { collaborativeWorkflow, teamWorkflowId } from '../../workflows';
import { exampleStory as story, storyConfig } from '../helpers/configs';
import { harness, timeSkippingEnv, type Harness } from '../helpers/env';
import { applicationFor, piOf as pi, exampleSites as sites } from '../helpers/people';

const FACULTY = 'jcohen@faculty.example.org';

function config() {
  const c = storyConfig();
  c.slug = 'own-dates';
  c.sites = ['bayview'];
  c.schedule.informationalCalls = [];
  c.schedule.consultation = [];
  c.schedule.notification = story.date('2027-03-25'); // decisions are due 22 March
  c.schedule.prework = story.date('2027-03-29');
  c.schedule.preworkEnd = story.date('2027-05-03'); // LS1 is 17 May
  delete c.metrics;
  return parseLaunchConfig(c);
}

describe('a notification date and a pre-work end of their own (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  const s = config().schedule;
  /** What bayview's senior leader received: [event time, subject]. */
  let received: [number, string][] = [];

  async function until(at: number) {
    const delta = at - (await env.currentTimeMs());
    if (delta > 0) await env.sleep(delta);
  }

  beforeAll(async () => {
    env = await timeSkippingEnv();
    h = await harness(env, 'own_dates');
    await upsertSites(h.db, sites);
    const running = h.worker.run();
    try {
      const handle = await env.client.workflow.start(collaborativeWorkflow, {
        workflowId: 'lc/own-dates',
        taskQueue: h.taskQueue,
        args: [config()],
      });
      await until(ms(s.applicationsOpen) + DAY);
      await handle.signal('submitApplication', applicationFor('bayview', pi('bayview')));
      await until(ms(s.applicationsClose) + DAY);
      await handle.signal('recordDecision', { siteId: 'bayview', decision: 'accept', by: FACULTY });
      await handle.result();
      if (process.env.LC_RECORD_HISTORIES) {
        const tag = process.env.LC_RECORD_HISTORIES === '1' ? '' : `-${process.env.LC_RECORD_HISTORIES}`;
        const save = async (name: string, history: Parameters<typeof historyToJSON>[0]) =>
          fs.writeFileSync(
            path.join(__dirname, `../histories/${name}${tag}.json`),
            historyToJSON(history) + '\n',
          );
        await save('collaborative-own-dates', await handle.fetchHistory());
        await save(
          'team-own-dates',
          await env.client.workflow.getHandle(teamWorkflowId('own-dates', 'bayview')).fetchHistory(),
        );
      }
    } finally {
      h.worker.shutdown();
      await running;
    }
    const leader = applicationFor('bayview', pi('bayview')).coreTeam.members[0]!.email;
    received = h.sink
      .to(leader)
      .map((m) => [
        ms(m.parsed.headers.get('x-lc-event-time') as string),
        m.parsed.subject!.replace(/ — .*/, ''),
      ]);
  }, 240_000);

  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  /** Whole days from `from` to `t` (timers fire a few ms after their date). */
  const days = (t: number, from: string) => Math.floor((t - ms(from)) / DAY);

  it('tells the site of its acceptance on the notification date, not when decisions are due', () => {
    const accepted = received.filter(([, subject]) => subject.startsWith('Accepted: '));
    expect(accepted).toHaveLength(1);
    expect(days(accepted[0]![0], s.notification!)).toBe(0);
    expect(accepted[0]![0]).toBeGreaterThan(ms(s.decisionsDue) + 2 * DAY);
  });

  it('begins pre-work on its date and reminds weekly up to the pre-work end, not up to LS1', () => {
    const prework = received.filter(([, subject]) => /^(Reminder: )?[Pp]re-work/.test(subject));
    expect(prework.map(([t, subject]) => [days(t, s.prework!), subject.replace(/ \(.*\)$/, '')])).toEqual([
      [0, expect.stringMatching(/^Pre-work for /)],
      [7, 'Reminder: pre-work still open'],
      [14, 'Reminder: pre-work still open'],
      [21, 'Reminder: pre-work still open'],
      [28, 'Reminder: pre-work still open'],
    ]);
    // Before the patch, reminders went on to LS1 (days 35 and 42 here).
    expect(ms(s.learningSessions[0]!.start) - ms(s.prework!)).toBe(49 * DAY);
  });
});
