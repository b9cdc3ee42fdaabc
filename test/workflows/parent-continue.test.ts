/**
 * A collaborative whose own history outgrows its budget continues-as-new, carrying its state, and
 * its teams (started to outlive a run of it) tell it when they end: under the time-skipping test
 * server against the real MongoDB-wire and SMTP servers, with a budget of 150 events, four teams
 * (one withdrawn after LS1) and the example timeline with consultation calls. The run completes
 * as a run without a budget would: every team in its final state, every email once, the final
 * report once.
 *
 * `LC_RECORD_HISTORIES=<tag> npx jest test/workflows/parent-continue` writes each run's history
 * to test/histories/collaborative-continued-run<N>-<tag>.json, for test/replay.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { parseLaunchConfig } from '../../domain/config';
import { DAY, ms } from '../../domain/schedule';
import { COLLECTIONS } from '../../store/db';
import { upsertSites } from '../../store/sites';
import { collaborativeWorkflow, type CollaborativeStatus } from '../../workflows';
import { storyConfig } from '../helpers/configs';
import { harness, timeSkippingEnv, type Harness } from '../helpers/env';
import { applicationFor, piOf as pi, exampleSites as sites } from '../helpers/people';

type History = temporal.api.history.v1.IHistory;
type StartedAttributes = temporal.api.history.v1.IWorkflowExecutionStartedEventAttributes;

const FACULTY = 'jcohen@faculty.example.org';
const SITES = ['bayview', 'cedar-hill', 'harbor', 'keystone'];

function config() {
  const c = storyConfig();
  c.slug = 'continued';
  c.sites = SITES;
  c.schedule.informationalCalls = [];
  delete c.metrics;
  c.limits = { collaborativeHistoryEvents: 150 };
  return parseLaunchConfig(c);
}

describe('a collaborative that continues-as-new, with its teams (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  const s = config().schedule;
  let result: CollaborativeStatus;
  /** Each run of lc/continued: its history's length. */
  const runs: number[] = [];

  async function until(at: number) {
    const delta = at - (await env.currentTimeMs());
    if (delta > 0) await env.sleep(delta);
  }

  beforeAll(async () => {
    env = await timeSkippingEnv();
    h = await harness(env, 'continued');
    await upsertSites(h.db, sites);
    const running = h.worker.run();
    try {
      const handle = await env.client.workflow.start(collaborativeWorkflow, {
        workflowId: 'lc/continued',
        taskQueue: h.taskQueue,
        args: [config()],
      });
      await until(ms(s.applicationsOpen) + DAY);
      for (const siteId of SITES)
        await handle.signal('submitApplication', applicationFor(siteId, pi(siteId)));
      await until(ms(s.applicationsClose) + DAY);
      for (const siteId of SITES)
        await handle.signal('recordDecision', { siteId, decision: 'accept', by: FACULTY });
      await until(ms(s.learningSessions[0]!.end) + DAY);
      await handle.signal('withdraw', { siteId: 'keystone', reason: 'Lost our supervisor.' });
      // To the day before the end, then the result (not past the end: once every workflow has
      // ended, the test server's sleep never returns; see TEST_SERVER_KEEPALIVE in testing/).
      await until(ms(s.end) - DAY);
      result = await handle.result();
      // Every run of the workflow, first to last, by the run each one continued.
      let runId: string | undefined = (await handle.describe()).runId;
      const histories: string[] = [];
      while (runId) {
        const run: WorkflowHandle = env.client.workflow.getHandle('lc/continued', runId);
        const history: History = await run.fetchHistory();
        histories.unshift(historyToJSON(history));
        runs.unshift(history.events!.length);
        const started: StartedAttributes = history.events![0]!.workflowExecutionStartedEventAttributes!;
        runId = started.continuedExecutionRunId || undefined;
      }
      if (process.env.LC_RECORD_HISTORIES) {
        const tag = process.env.LC_RECORD_HISTORIES === '1' ? '' : `-${process.env.LC_RECORD_HISTORIES}`;
        histories.forEach((json, i) =>
          fs.writeFileSync(
            path.join(__dirname, `../histories/collaborative-continued-run${i + 1}${tag}.json`),
            json + '\n',
          ),
        );
      }
    } finally {
      h.worker.shutdown();
      await running;
    }
  }, 600_000); // a safety net, not a deadline: a busy machine only slows the run

  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it("continued-as-new on the way, each run within its budget (and the last one's final tasks)", () => {
    expect(runs.length).toBeGreaterThan(1);
    expect(result.continuedAsNew).toBe(runs.length - 1);
    // A run continues once it is past 150 events, at the next item or input: a little over.
    for (const n of runs.slice(0, -1)) expect(n).toBeLessThan(400);
  });

  it('ends completed, with every team in its final state', () => {
    expect(result.phase).toBe('completed');
    expect(result.teams.map((t) => [t.siteId, t.state])).toEqual([
      ['bayview', 'completed'],
      ['cedar-hill', 'completed'],
      ['harbor', 'completed'],
      ['keystone', 'withdrawn'],
    ]);
  });

  it('sent every email once, and the final report once to each of the faculty and coordinators', async () => {
    const ids = h.sink.received.map((m) => m.parsed.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    const sent = await h.db
      .collection(COLLECTIONS.outbox)
      .countDocuments({ collaborative: 'continued', status: 'sent' });
    expect(h.sink.received).toHaveLength(sent);
    const reports = h.sink.received.filter((m) => /^Final report/.test(m.parsed.subject!));
    const c = config();
    expect(reports.flatMap((m) => m.envelopeTo).sort()).toEqual(
      [...c.faculty, ...c.coordinators].map((p) => p.email).sort(),
    );
  });

  it('invited every team to every consultation call until it ended, across the runs', () => {
    const calls = s.consultation.flatMap((series) => series.calls);
    const leader = (siteId: string) => applicationFor(siteId, pi(siteId)).coreTeam.members[0]!.email;
    const invited = (siteId: string) =>
      h.sink
        .to(leader(siteId))
        .filter((m) => /^Invitation: (Clinical consultation|All-collaborative) call,/.test(m.parsed.subject!))
        .length;
    for (const siteId of ['bayview', 'cedar-hill', 'harbor']) expect(invited(siteId)).toBe(calls.length);
    expect(invited('keystone')).toBeLessThan(calls.length);
  });
});
