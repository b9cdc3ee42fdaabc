/**
 * Scenario 2, throughput against trivial workflows, on a Temporal dev server with one worker
 * (the project's createWorker, default options, in this process). Three batches of `--workflows`
 * each, started 50 at a time and timed start-to-all-completed, in this order:
 * - trivial workflows (one workflow task, nothing else): the engine's floor;
 * - trivial workflows doing the same engine work as a short team workflow (two no-op activities,
 *   as many search-attribute upserts as a team's phase takes, the signal to its collaborative:
 *   the same workflow tasks, activities and actions): the baseline;
 * - short team workflows: the real teamWorkflow with every date already past, so it loads its
 *   roster, finds every item stale, records the team as completed and ends.
 * For each batch, the SDK runtime's metrics (workflow-task and activity latencies) and the CPU
 * time of each process (worker, Temporal dev server, FerretDB) say where the time went.
 * `--throughput-activities memory` (DIAGNOSTIC ONLY) runs the team's record activities against
 * a map instead of the database.
 */
import { Client, Connection } from '@temporalio/client';
import { createActivities } from '../../activities';
import { createTransport, Outbox } from '../../mail/outbox';
import { COLLECTIONS } from '../../store/db';
import { ids } from '../../store/keys';
import { applicationFor } from '../../testing/fixtures';
import { createWorker } from '../../workers/worker';
import { teamWorkflow, teamWorkflowId, type TeamInput } from '../../workflows';
import { benchActivities } from '../activities';
import { actionsOf, runsOf, sumTypes } from '../history';
import {
  CountingSink,
  eachLimited,
  figure,
  MAIL_FROM,
  progress,
  quietRuntime,
  runtimeMetricsAddress,
  syntheticSites,
  timed,
  type Figure,
  type ScenarioResult,
  type Services,
} from '../lib';
import { cpuDelta, cpuSnapshot, histogramDelta, scrape } from '../metrics';
import type { BenchOptions } from '../options';
import type { trivialActivitiesWorkflow, trivialWorkflow } from '../workflows';
import { exampleLaunchConfig } from './fanout';

export async function throughput(services: Services, o: BenchOptions): Promise<ScenarioResult> {
  quietRuntime();
  const n = o.workflows;
  const diagnostic = o.throughputActivities === 'memory';
  const slug = 'bench-tp';
  // The example collaborative six years earlier: every date has passed.
  const config = exampleLaunchConfig(slug, (c) => {
    c.schedule = JSON.parse(JSON.stringify(c.schedule).replace(/2027-/g, '2021-').replace(/2028-/g, '2022-'));
    delete c.metrics;
  });
  const sites = syntheticSites(n + 1); // the last one for the probe (below)
  const applications = sites.map((s) => ({
    _id: ids.application(slug, s.siteId),
    ...applicationFor(s.siteId, s.piEmail),
    collaborative: slug,
    version: 1,
    submittedAt: new Date(),
  }));
  const { db } = await services.db('throughput');
  await db.collection<{ _id: string }>(COLLECTIONS.applications).insertMany(applications);
  const sink = await new CountingSink().start();
  const transport = createTransport({ smtpUrl: sink.url, from: MAIL_FROM });
  const temporal = await services.temporalDev();
  const { NativeConnection } = await import('@temporalio/worker');
  const native = await NativeConnection.connect({ address: temporal.address });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const taskQueue = `bench-throughput-${process.pid}`;
  const deps = { db, outbox: new Outbox(db, transport, MAIL_FROM) };
  // DIAGNOSTIC ONLY: the two record activities a short team workflow calls, without the database.
  const memoryTeams = new Map<string, string>();
  const inMemory = {
    async loadRoster(_slug: string, siteId: string): Promise<string[]> {
      const app = applications.find((a) => a.siteId === siteId);
      if (!app) throw new Error(`no application of ${siteId}`);
      return [...new Set(app.coreTeam.members.map((m) => m.email))];
    },
    async recordTeam(_slug: string, siteId: string, status: string): Promise<void> {
      memoryTeams.set(siteId, status);
    },
  };
  const worker = await createWorker({
    connection: native,
    taskQueue,
    deps,
    workflowBundlePath: await services.workflowBundle(),
    // The project's activities (default worker options otherwise), plus the baseline's no-op one.
    options: {
      activities: { ...createActivities(deps), ...benchActivities, ...(diagnostic ? inMemory : {}) },
    },
  });
  const running = worker.run();
  const input = (siteId: string): TeamInput => ({
    slug,
    siteId,
    // Joining after every date: each agenda item is stale but the end, which is due at once.
    schedule: config.schedule,
    joinedAt: new Date().toISOString(),
    timeZone: config.timeZone,
  });
  const concurrency = 50;
  /** One batch of `n` workflows, 50 in flight, with what the runtime and the processes spent. */
  const batch = async (label: string, start: (i: number) => Promise<unknown>) => {
    const m0 = await scrape(runtimeMetricsAddress());
    const c0 = cpuSnapshot(services.pgDataDir);
    const t = await timed(() =>
      eachLimited(
        Array.from({ length: n }, (_, i) => i),
        concurrency,
        async (i) => {
          await start(i);
        },
      ),
    );
    const cpu = cpuDelta(c0, cpuSnapshot(services.pgDataDir));
    const m1 = await scrape(runtimeMetricsAddress());
    const wft = histogramDelta(m0, m1, 'temporal_workflow_task_execution_latency').all;
    const wftQueue = histogramDelta(m0, m1, 'temporal_workflow_task_schedule_to_start_latency').all;
    const acts = histogramDelta(m0, m1, 'temporal_activity_execution_latency', 'activity_type');
    const actQueue = histogramDelta(m0, m1, 'temporal_activity_schedule_to_start_latency').all;
    const e2e = histogramDelta(m0, m1, 'temporal_workflow_endtoend_latency').all;
    progress(`throughput: ${n} ${label} in ${t.ms.toFixed(0)} ms`);
    return { label, ms: t.ms, rate: (n / t.ms) * 1000, cpu, wft, wftQueue, acts, actQueue, e2e };
  };
  try {
    // Warm-up (bundle load, JIT, connections), outside the timings.
    await client.workflow.execute<typeof trivialWorkflow>('trivialWorkflow', {
      workflowId: 'warm-trivial',
      taskQueue,
      args: [0],
    });
    // One team workflow, outside the timings too: how many search-attribute upserts its phase
    // takes, for the baseline to do as many.
    const probe = sites[n]!.siteId;
    await client.workflow.execute(teamWorkflow, {
      workflowId: teamWorkflowId(slug, probe),
      taskQueue,
      args: [input(probe)],
    });
    const upserts =
      sumTypes(await runsOf(client, teamWorkflowId(slug, probe))).UPSERT_WORKFLOW_SEARCH_ATTRIBUTES ?? 1;
    await client.workflow.execute<typeof trivialActivitiesWorkflow>('trivialActivitiesWorkflow', {
      workflowId: 'warm-trivial-activities',
      taskQueue,
      args: [0, 2, upserts],
    });
    const trivial = await batch('trivial workflows', (i) =>
      client.workflow.execute<typeof trivialWorkflow>('trivialWorkflow', {
        workflowId: `trivial-${i}`,
        taskQueue,
        args: [i],
      }),
    );
    const fair = await batch(`trivial workflows with 2 no-op activities and ${upserts} upserts`, (i) =>
      client.workflow.execute<typeof trivialActivitiesWorkflow>('trivialActivitiesWorkflow', {
        workflowId: `trivial-activities-${i}`,
        taskQueue,
        args: [i, 2, upserts],
      }),
    );
    const team = await batch(
      `short team workflows${diagnostic ? ' (DIAGNOSTIC: in-memory records)' : ''}`,
      (i) =>
        client.workflow.execute(teamWorkflow, {
          workflowId: teamWorkflowId(slug, sites[i]!.siteId),
          taskQueue,
          args: [input(sites[i]!.siteId)],
        }),
    );
    const sample = await runsOf(client, teamWorkflowId(slug, sites[0]!.siteId));
    const trivialRun = await runsOf(client, 'trivial-0');
    const fairRun = await runsOf(client, 'trivial-activities-0');
    const teamTypes = sumTypes(sample);
    const fairTypes = fairRun[0]!.byType;
    const recorded = diagnostic
      ? [...memoryTeams].filter(([siteId, v]) => v === 'completed' && siteId !== probe).length
      : await db
          .collection(COLLECTIONS.teams)
          .countDocuments({ collaborative: slug, status: 'completed', siteId: { $ne: probe } });
    const tasks = (types: Record<string, number>) => types.WORKFLOW_TASK_COMPLETED ?? 0;
    const measured = (name: string, value: number, unit: string) =>
      ({ name, value, unit, kind: 'measured' }) as const;
    const per = (b: typeof team, k: string) => (b.cpu[k] ?? 0) / n;
    const actMean = (b: typeof team) =>
      Object.entries(b.acts)
        .map(([k, v]) => `${k} ${v.meanMs.toFixed(1)} ms`)
        .join(', ');
    const actTotal = (b: typeof team) => Object.values(b.acts).reduce((a, v) => a + v.totalMs, 0) / n;
    const figures: Figure[] = [
      figure(`trivial workflows, 1 workflow task (${concurrency} in flight)`, trivial.rate, 'wf/s'),
      figure('trivial workflows, same engine work as a team (baseline)', fair.rate, 'wf/s', {
        baseline: measured('trivial', trivial.rate, 'wf/s'),
      }),
      figure(
        `short team workflows${diagnostic ? ' (DIAGNOSTIC: in-memory records)' : ''}`,
        team.rate,
        'wf/s',
        {
          baseline: measured('same engine work', fair.rate, 'wf/s'),
          target: { op: '>=', value: 0.8 }, // issue 18
        },
      ),
      figure('  … workflow tasks per second', team.rate * tasks(teamTypes), '/s', {
        baseline: measured('same engine work', fair.rate * tasks(fairTypes), '/s'),
      }),
      figure('  … their workflow tasks each', tasks(teamTypes), '', {
        baseline: measured('same engine work', tasks(fairTypes), ''),
      }),
      figure('  … their activities each', teamTypes.ACTIVITY_TASK_SCHEDULED ?? 0, '', {
        baseline: measured('same engine work', fairTypes.ACTIVITY_TASK_SCHEDULED ?? 0, ''),
      }),
      figure('  … their actions each', actionsOf(teamTypes), '', {
        baseline: measured('same engine work', actionsOf(fairTypes), ''),
      }),
      figure('  … workflow task execution, mean', team.wft?.meanMs ?? NaN, 'ms', {
        baseline: measured('same engine work', fair.wft?.meanMs ?? NaN, 'ms'),
      }),
      figure('  … activity execution per workflow', actTotal(team), 'ms', {
        baseline: measured('same engine work', actTotal(fair), 'ms'),
      }),
      figure('  … activity schedule-to-start, mean', team.actQueue?.meanMs ?? NaN, 'ms', {
        baseline: measured('same engine work', fair.actQueue?.meanMs ?? NaN, 'ms'),
      }),
      figure('  … workflow task schedule-to-start, mean', team.wftQueue?.meanMs ?? NaN, 'ms', {
        baseline: measured('same engine work', fair.wftQueue?.meanMs ?? NaN, 'ms'),
      }),
      ...Object.keys({ ...team.cpu, ...fair.cpu }).map((k) =>
        figure(`  … CPU per workflow: ${k === 'bench' ? 'worker (bench process)' : k}`, per(team, k), 'ms', {
          baseline: measured('same engine work', per(fair, k), 'ms'),
        }),
      ),
      figure('teams recorded completed', recorded, '', {
        baseline: { name: 'workflows', value: n, unit: '', kind: 'expected' },
        target: { op: '==', value: 1 },
      }),
    ];
    return {
      name: 'throughput',
      title: 'Throughput vs trivial workflows',
      wallMs: 0,
      figures,
      notes: [
        ...(diagnostic
          ? [
              'DIAGNOSTIC RUN (--throughput-activities memory): loadRoster and recordTeam ran against a map, ' +
                'not the database; these figures are not the scenario.',
            ]
          : []),
        `One worker with default options on a dev server (SQLite, in memory), all sharing this machine with ` +
          `the database. A short team workflow is ${sample[0]!.events} history events ` +
          `(${teamTypes.ACTIVITY_TASK_SCHEDULED ?? 0} activities) against ${fairRun[0]!.events} for the ` +
          `same-engine-work baseline and ${trivialRun[0]!.events} for a trivial one.`,
        `Activity execution, mean: team ${actMean(team)}; baseline ${actMean(fair)}.`,
        `CPU over each batch (ms): trivial ${JSON.stringify(trivial.cpu)}; baseline ${JSON.stringify(fair.cpu)}; ` +
          `team ${JSON.stringify(team.cpu)}.`,
      ],
      details: {
        diagnostic: diagnostic ? 'in-memory records' : undefined,
        batches: [trivial, fair, team],
        teamHistory: sample[0],
        baselineHistory: fairRun[0],
        trivialHistory: trivialRun[0],
      },
    };
  } finally {
    worker.shutdown();
    await running;
    await native.close();
    await connection.close();
    transport.close();
    await sink.stop();
    await temporal.stop();
  }
}
