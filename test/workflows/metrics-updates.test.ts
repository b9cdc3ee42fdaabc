/**
 * submitMetrics against the dev server: every kind of bad submission is refused with its field
 * named, the team workflow keeps running with none of it in its history, and a resubmission
 * replaces the earlier values as an amendment.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { parseLaunchConfig } from '../../domain/config';
import { submissions } from '../../store/metrics';
import { upsertSites } from '../../store/sites';
import { submitMetrics, teamWorkflow, teamWorkflowId } from '../../workflows';
import { twoPeriodConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import { MEASURES } from '../helpers/measures';
import { applicationFor } from '../helpers/people';

describe('submitMetrics validation (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let running: Promise<void>;
  let team: WorkflowHandle<typeof teamWorkflow>;
  const now = Date.now();
  const raw = twoPeriodConfig('mv', now, 10);
  raw.sites = ['bayview'];
  raw.metrics = { dueDay: 10, measures: MEASURES };
  const cfg = parseLaunchConfig(raw);
  const [current, next] = cfg.schedule.periods;
  const good = { children_served: 10, fidelity: 90, cds_used: true, notes: 'ok' };

  async function refusal(input: unknown): Promise<string> {
    const err = await team.executeUpdate(submitMetrics, { args: [input as never] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return ((err as WorkflowUpdateFailedError).cause as Error).message;
  }

  beforeAll(async () => {
    env = await devServerEnv();
    h = await harness(env, 'metrics_updates');
    running = h.worker.run();
    await upsertSites(h.db, [
      { siteId: 'bayview', name: 'Bayview', piName: 'Dr A', piEmail: 'a@bayview.example.org', active: true },
    ]);
    const acts = createActivities({ db: h.db, outbox: h.outbox });
    await acts.recordCollaborative(cfg);
    await acts.recordApplication('mv', applicationFor('bayview', 'a@bayview.example.org'), 1);
    await acts.recordTeam('mv', 'bayview', 'accepted');
    team = await env.client.workflow.start(teamWorkflow, {
      workflowId: teamWorkflowId('mv', 'bayview'),
      taskQueue: h.taskQueue,
      args: [
        {
          slug: 'mv',
          siteId: 'bayview',
          schedule: cfg.schedule,
          joinedAt: new Date(now).toISOString(),
          timeZone: cfg.timeZone,
          metrics: cfg.metrics,
        },
      ],
    });
  });
  afterAll(async () => {
    h.worker.shutdown();
    await running;
    await h.close();
    await env.teardown();
  });

  it('has a period that has started and one that has not', () => {
    expect(current).toBeDefined();
    expect(next).toBeDefined();
  });

  it('refuses each kind of bad submission, naming the field', async () => {
    const by = 'data@bayview.example.org';
    const cases: [unknown, string | RegExp][] = [
      [{ period: '2030-01', values: good, by }, /^there is no reporting period 2030-01; periods run /],
      [{ period: next!.id, values: good, by }, `period ${next!.id} has not started yet`],
      [{ period: '2026-13', values: good, by }, /period: a month such as 2027-06/],
      [
        { period: current!.id, values: { ...good, fidelity: 120 }, by },
        /values\.fidelity: Fidelity \(%\): at most 100/,
      ],
      [
        { period: current!.id, values: { ...good, children_served: 3.5 }, by },
        /values\.children_served: Children served: a count is a whole number/,
      ],
      [
        { period: current!.id, values: { ...good, children_served: -1 }, by },
        /values\.children_served: Children served: at least 0/,
      ],
      [
        { period: current!.id, values: { ...good, cds_used: 'yes' }, by },
        /values\.cds_used: Core Data Set used: answer yes \(true\) or no \(false\)/,
      ],
      [
        { period: current!.id, values: { fidelity: 90, cds_used: true }, by },
        /values\.children_served: Required/,
      ],
      [
        { period: current!.id, values: { ...good, extra: 1 }, by },
        /Unrecognized key\(s\) in object: 'extra'/,
      ],
      [
        { period: current!.id, values: { ...good, children_served: { $gt: '' } }, by },
        /values\.children_served: Children served: expected a number/,
      ],
      [{ period: current!.id, values: good, by: 'not-an-email' }, /by: not a valid email address/],
    ];
    for (const [input, message] of cases) expect(await refusal(input)).toMatch(message);
  });

  it('takes a good submission, then a resubmission as an amendment', async () => {
    expect(
      await team.executeUpdate(submitMetrics, {
        args: [{ period: current!.id, values: good, by: 'data@bayview.example.org' }],
      }),
    ).toEqual({
      period: current!.id,
      late: false,
      amendment: false,
    });
    expect(
      await team.executeUpdate(submitMetrics, {
        args: [{ period: current!.id, values: { ...good, fidelity: 95 }, by: 'data@bayview.example.org' }],
      }),
    ).toEqual({ period: current!.id, late: false, amendment: true });
    const doc = await submissions(h.db).findOne({
      collaborative: 'mv',
      siteId: 'bayview',
      period: current!.id,
    });
    expect(doc).toMatchObject({
      amendments: 1,
      late: false,
      values: { fidelity: 95, children_served: 10, cds_used: true },
    });
  });

  it('says plainly when the collaborative has no reporting periods at all', async () => {
    const none = await env.client.workflow.start(teamWorkflow, {
      workflowId: teamWorkflowId('mv', 'bayview-no-periods'),
      taskQueue: h.taskQueue,
      args: [
        {
          slug: 'mv',
          siteId: 'bayview',
          schedule: { ...cfg.schedule, periods: [] },
          joinedAt: new Date(now).toISOString(),
          timeZone: cfg.timeZone,
          metrics: cfg.metrics,
        },
      ],
    });
    const err = await none
      .executeUpdate(submitMetrics, {
        args: [{ period: current!.id, values: good, by: 'data@bayview.example.org' }],
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(((err as WorkflowUpdateFailedError).cause as Error).message).toBe(
      `there is no reporting period ${current!.id}: this collaborative's schedule has no reporting periods`,
    );
    await none.terminate('done with it');
  });

  it('keeps running, with none of the refused submissions in its history', async () => {
    expect((await team.describe()).status.name).toBe('RUNNING');
    const history = JSON.stringify(await team.fetchHistory());
    for (const bad of ['2030-01', '2026-13', 'not-an-email', '"extra"', '$gt'])
      expect(history).not.toContain(bad);
    const accepted = (await team.fetchHistory()).events!.filter(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes,
    );
    expect(accepted).toHaveLength(2);
  });
});
