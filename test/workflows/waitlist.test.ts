/**
 * The waiting list after LS1, under the time-skipping test server against the real MongoDB-wire
 * and SMTP servers: waitlisted sites hear when LS1 begins (places are no longer filled on their
 * own) and when the list closes at the end; a team that withdraws after LS1 gives its place away
 * only when the coordinator chooses it (`promoteLate`), and the promoted team is told it joins
 * late and catches up.
 *
 * `LC_RECORD_HISTORIES=<tag> npx jest test/workflows/waitlist` writes the collaborative's history to
 * test/histories/collaborative-waitlist-<tag>.json, for test/replay.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { parseLaunchConfig } from '../../domain/config';
import { DAY, ms } from '../../domain/schedule';
import { upsertSites } from '../../store/sites';
import { collaborativeWorkflow, statusQuery, teamWorkflowId } from '../../workflows';
import { storyConfig } from '../helpers/configs';
import { harness, timeSkippingEnv, type Harness } from '../helpers/env';
import { applicationFor, piOf as pi, exampleSites as sites } from '../helpers/people';

const FACULTY = 'jcohen@faculty.example.org';
const COORDINATOR = 'sam.rivera@network.example.org';
const contact = (siteId: string) => applicationFor(siteId, pi(siteId)).coreTeam.contactPerson.email;

function config() {
  const c = storyConfig();
  c.slug = 'wl';
  c.sites = ['bayview', 'delta-youth', 'harbor', 'cedar-hill'];
  c.schedule.consultation = [];
  c.schedule.informationalCalls = [];
  delete c.metrics;
  return parseLaunchConfig(c);
}

describe('the waiting list after the first learning session (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  const cfg = config();
  const s = cfg.schedule;
  const ls1 = ms(s.learningSessions[0]!.start);
  let waitlistAfterFirstWithdrawal: string[] = [];
  let teamStarted = false;
  /** The first on the waiting list, promoted when the coordinator chose it. */
  const promoted = () => waitlistAfterFirstWithdrawal[0]!;
  const subjects = (email: string) => h.sink.to(email).map((m) => m.parsed.subject!.replace(/ — .*/, ''));

  async function until(at: number) {
    const delta = at - (await env.currentTimeMs());
    if (delta > 0) await env.sleep(delta);
  }

  beforeAll(async () => {
    env = await timeSkippingEnv();
    h = await harness(env, 'waitlist');
    await upsertSites(h.db, sites);
    await h.whileRunning(async () => {
      const handle = await env.client.workflow.start(collaborativeWorkflow, {
        workflowId: 'lc/wl',
        taskQueue: h.taskQueue,
        args: [cfg],
      });
      await until(ms(s.applicationsOpen) + DAY);
      for (const siteId of cfg.sites as string[])
        await handle.signal('submitApplication', applicationFor(siteId, pi(siteId)));
      await until(ms(s.applicationsClose) + DAY);
      for (const [siteId, decision] of [
        ['bayview', 'accept'],
        ['delta-youth', 'accept'],
        ['harbor', 'waitlist'],
        ['cedar-hill', 'waitlist'],
      ])
        await handle.signal('recordDecision', { siteId, decision, notes: '', by: FACULTY });
      await until(ls1 + 3 * DAY);
      // After LS1, by default: the place is not filled.
      await handle.signal('withdraw', {
        siteId: 'delta-youth',
        reason: 'Lost its supervisor.',
        by: COORDINATOR,
      });
      await until(ls1 + 4 * DAY);
      waitlistAfterFirstWithdrawal = (await handle.query(statusQuery)).waitlist;
      // The coordinator's choice: promote anyway.
      await handle.signal('withdraw', {
        siteId: 'bayview',
        reason: 'Merged with another site.',
        by: COORDINATOR,
        promoteLate: true,
      });
      await until(ls1 + 5 * DAY);
      teamStarted = await env.client.workflow
        .getHandle(teamWorkflowId('wl', waitlistAfterFirstWithdrawal[0]!))
        .describe()
        .then(() => true);
      await handle.result();
      if (process.env.LC_RECORD_HISTORIES) {
        const tag = process.env.LC_RECORD_HISTORIES === '1' ? '' : `-${process.env.LC_RECORD_HISTORIES}`;
        const file = path.join(__dirname, `../histories/collaborative-waitlist${tag}.json`);
        fs.writeFileSync(file, historyToJSON(await handle.fetchHistory()) + '\n');
      }
    });
  }, 240_000);

  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('tells the waitlisted sites when LS1 begins, once each (PI and contact person)', () => {
    for (const siteId of ['harbor', 'cedar-hill'])
      for (const email of [pi(siteId), contact(siteId)])
        expect(subjects(email).filter((x) => x === 'Learning Session 1 has begun')).toHaveLength(1);
    expect(subjects(pi('bayview'))).not.toContain('Learning Session 1 has begun');
  });

  it('after LS1, a withdrawal leaves the place empty unless the coordinator chooses to promote', () => {
    expect([...waitlistAfterFirstWithdrawal].sort()).toEqual(['cedar-hill', 'harbor']);
    expect(teamStarted).toBe(true);
    const accepted = h.sink.to(pi(promoted())).filter((m) => m.parsed.subject!.startsWith('Accepted:'));
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.parsed.text).toMatch(
      /Learning Session 1 has already taken place\. Your team joins now and catches up/,
    );
  });

  it('closes the list at the end, telling the sites still on it (not the promoted one)', () => {
    const remaining = waitlistAfterFirstWithdrawal[1]!;
    for (const email of [pi(remaining), contact(remaining)])
      expect(subjects(email).filter((x) => x === 'The waiting list is closed')).toHaveLength(1);
    expect(subjects(pi(promoted()))).not.toContain('The waiting list is closed');
  });
});
