/**
 * A team promoted from the waiting list 10 days before the first learning session, under the
 * time-skipping test server against the real MongoDB-wire and SMTP servers. Its invitation to LS1
 * goes out on promotion; the "in 14 days" reminder, whose date has passed by then, must not follow
 * it (before patched('reminders-after-invitation') it went out first, ahead of the invitation:
 * test/histories/team-late-promotion-v2.json is that run, replayed by test/replay). The 2-day
 * reminder and the later sessions' reminders still go out.
 *
 * It is asked for its LS1 storyboard on promotion too: the request went to the others 21 days
 * before the session, and the reminder goes only to teams that shared none (before
 * patched('promoted-storyboard-requests') the promoted team got only that reminder).
 *
 * `LC_RECORD_HISTORIES=<tag> npx jest test/workflows/late-promotion` writes the promoted team's
 * and the collaborative's histories to test/histories/{team,collaborative}-late-promotion-<tag>.json.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { parseLaunchConfig } from '../../domain/config';
import { DAY, ms } from '../../domain/schedule';
import { upsertSites } from '../../store/sites';
import { collaborativeWorkflow, teamWorkflowId } from '../../workflows';
import { LC_PHASE } from '../../workflows/search-attributes';
import { storyConfig } from '../helpers/configs';
import { harness, timeSkippingEnv, type Harness } from '../helpers/env';
import { applicationFor, piOf as pi, exampleSites as sites } from '../helpers/people';

const FACULTY = 'jcohen@faculty.example.org';

function config() {
  const c = storyConfig();
  c.slug = 'late';
  c.sites = ['bayview', 'harbor'];
  c.schedule.consultation = [];
  c.schedule.informationalCalls = [];
  delete c.metrics;
  return parseLaunchConfig(c);
}

describe('a team promoted 10 days before the first session (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  const s = config().schedule;
  const promotedAt = ms(s.learningSessions[0]!.start) - 10 * DAY;
  /** What harbor's senior leader received, in order: [days from promotion, subject]. */
  let received: [number, string][] = [];
  /** harbor's LcPhase a day after its promotion, and an hour into LS1. */
  const phases: (string | undefined)[] = [];

  async function until(at: number) {
    const delta = at - (await env.currentTimeMs());
    if (delta > 0) await env.sleep(delta);
  }

  beforeAll(async () => {
    env = await timeSkippingEnv();
    h = await harness(env, 'late_promotion');
    await upsertSites(h.db, sites);
    const running = h.worker.run();
    try {
      const handle = await env.client.workflow.start(collaborativeWorkflow, {
        workflowId: 'lc/late',
        taskQueue: h.taskQueue,
        args: [config()],
      });
      await until(ms(s.applicationsOpen) + DAY);
      for (const siteId of ['bayview', 'harbor'])
        await handle.signal('submitApplication', applicationFor(siteId, pi(siteId)));
      await until(ms(s.applicationsClose) + DAY);
      await handle.signal('recordDecision', { siteId: 'bayview', decision: 'accept', by: FACULTY });
      await handle.signal('recordDecision', { siteId: 'harbor', decision: 'waitlist', by: FACULTY });
      await until(promotedAt);
      await handle.signal('withdraw', { siteId: 'bayview', reason: 'Lost our supervisor.' });
      const phase = async () =>
        (
          await env.client.workflow.getHandle(teamWorkflowId('late', 'harbor')).describe()
        ).typedSearchAttributes.get(LC_PHASE);
      await until(promotedAt + DAY);
      phases.push(await phase());
      await until(ms(s.learningSessions[0]!.start) + 3_600_000);
      phases.push(await phase());
      await handle.result();
      if (process.env.LC_RECORD_HISTORIES) {
        const tag = process.env.LC_RECORD_HISTORIES === '1' ? '' : `-${process.env.LC_RECORD_HISTORIES}`;
        const write = async (workflowId: string, name: string) =>
          fs.writeFileSync(
            path.join(__dirname, `../histories/${name}${tag}.json`),
            historyToJSON(await env.client.workflow.getHandle(workflowId).fetchHistory()) + '\n',
          );
        await write(teamWorkflowId('late', 'harbor'), 'team-late-promotion');
        await write('lc/late', 'collaborative-late-promotion');
      }
    } finally {
      h.worker.shutdown();
      await running;
    }
    const leader = applicationFor('harbor', pi('harbor')).coreTeam.members[0]!.email;
    received = h.sink
      .to(leader)
      .map((m) => [
        Math.floor((ms(m.parsed.headers.get('x-lc-event-time') as string) - promotedAt) / DAY),
        m.parsed.subject!.replace(/ — .*/, ''),
      ]);
  }, 240_000);

  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('shows LcPhase "prework" until LS1 begins, though its LS1 invitation went out on promotion', () => {
    expect(phases).toEqual(['prework', 'learning-sessions']);
  });

  it('is invited to LS1 on promotion, with no "in 14 days" reminder after it, and reminded 2 days before', () => {
    // The session's own emails (its storyboard's request and reminder name it too).
    const ls1 = received.filter(([, subject]) =>
      /^(Invitation|Reminder): Learning Session 1\b/.test(subject),
    );
    expect(ls1).toEqual([
      [0, expect.stringMatching(/^Invitation: Learning Session 1,/)],
      [8, 'Reminder: Learning Session 1 in 2 days'],
    ]);
    // Waitlisted at the decisions; on promotion, the acceptance comes first.
    expect(received.find(([days]) => days < 0)?.[1]).toMatch(/^Waiting list: /);
    expect(received.find(([days]) => days >= 0)?.[1]).toMatch(/^Accepted: /);
  });

  it('is asked for its LS1 storyboard on promotion (the others were asked 21 days before), and only once', () => {
    const asked = received.filter(([, subject]) => /^Your storyboard for /.test(subject));
    expect(asked.filter(([, subject]) => /Learning Session 1,/.test(subject))).toEqual([
      [0, expect.stringMatching(/^Your storyboard for Learning Session 1,/)],
    ]);
    // The later sessions' requests come as the others' do, 21 days before each.
    expect(asked.map(([, subject]) => subject.replace(/,.*/, ''))).toEqual(
      [1, 2, 3].map((n) => `Your storyboard for Learning Session ${n}`),
    );
  });

  it('gets both reminders of the later sessions, each after its invitation', () => {
    for (const n of [2, 3]) {
      const subjects = received
        .map(([, subject]) => subject)
        .filter((x) => new RegExp(`^(Invitation|Reminder): Learning Session ${n}\\b`).test(x));
      expect(subjects).toEqual([
        expect.stringMatching(new RegExp(`^Invitation: Learning Session ${n},`)),
        `Reminder: Learning Session ${n} in 14 days`,
        `Reminder: Learning Session ${n} in 2 days`,
      ]);
    }
  });
});
