/**
 * Scenario 2, throughput against trivial workflows, on a Temporal dev server with one worker
 * (the project's createWorker, default options, in this process): `--workflows` trivial
 * workflows (one workflow task, nothing else) are started and awaited, then as many short team
 * workflows — the real teamWorkflow with every date already past, so it loads its roster, finds
 * every item stale, records the team as completed and ends: two activities on FerretDB, a
 * search-attribute upsert, several workflow tasks. Both are timed start-to-all-completed.
 */
import { Client, Connection } from '@temporalio/client';
import { COLLECTIONS } from '../../activities/db';
import { createTransport, Outbox } from '../../activities/outbox';
import { createWorker } from '../../workers/worker';
import { teamWorkflow, teamWorkflowId, type TeamInput } from '../../workflows';
import { actionsOf, runsOf, sumTypes } from '../history';
import {
  CountingSink,
  eachLimited,
  figure,
  MAIL_FROM,
  progress,
  quietRuntime,
  syntheticSites,
  timed,
  type ScenarioResult,
  type Services,
} from '../lib';
import type { BenchOptions } from '../options';
import type { trivialWorkflow } from '../workflows';
import { exampleLaunchConfig } from './fanout';
import { applicationFor } from '../../scripts/fixtures';

export async function throughput(services: Services, o: BenchOptions): Promise<ScenarioResult> {
  quietRuntime();
  const n = o.workflows;
  const slug = 'bench-tp';
  // The example collaborative six years earlier: every date has passed.
  const config = exampleLaunchConfig(slug, (c) => {
    c.schedule = JSON.parse(JSON.stringify(c.schedule).replace(/2027-/g, '2021-').replace(/2028-/g, '2022-'));
    delete c.metrics;
  });
  const sites = syntheticSites(n);
  const { db } = await services.db('throughput');
  await db.collection(COLLECTIONS.applications).insertMany(
    sites.map((s) => ({
      ...applicationFor(s.siteId, s.piEmail),
      collaborative: slug,
      version: 1,
      submittedAt: new Date(),
    })),
  );
  const sink = await new CountingSink().start();
  const transport = createTransport({ smtpUrl: sink.url, from: MAIL_FROM });
  const temporal = await services.temporalDev();
  const { NativeConnection } = await import('@temporalio/worker');
  const native = await NativeConnection.connect({ address: temporal.address });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const taskQueue = `bench-throughput-${process.pid}`;
  const worker = await createWorker({
    connection: native,
    taskQueue,
    deps: { db, outbox: new Outbox(db, transport, MAIL_FROM) },
    workflowBundlePath: await services.workflowBundle(),
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
  try {
    // Warm-up (bundle load, JIT, connections), outside the timings.
    await client.workflow.execute<typeof trivialWorkflow>('trivialWorkflow', {
      workflowId: 'warm-trivial',
      taskQueue,
      args: [0],
    });
    const concurrency = 50;
    const trivial = await timed(() =>
      eachLimited(
        Array.from({ length: n }, (_, i) => i),
        concurrency,
        async (i) => {
          await client.workflow.execute<typeof trivialWorkflow>('trivialWorkflow', {
            workflowId: `trivial-${i}`,
            taskQueue,
            args: [i],
          });
        },
      ),
    );
    progress(`throughput: ${n} trivial workflows in ${trivial.ms.toFixed(0)} ms`);
    const team = await timed(() =>
      eachLimited(sites, concurrency, async (s) => {
        await client.workflow.execute(teamWorkflow, {
          workflowId: teamWorkflowId(slug, s.siteId),
          taskQueue,
          args: [input(s.siteId)],
        });
      }),
    );
    progress(`throughput: ${n} short team workflows in ${team.ms.toFixed(0)} ms`);
    const sample = await runsOf(client, teamWorkflowId(slug, sites[0]!.siteId));
    const trivialRun = await runsOf(client, 'trivial-0');
    const teamTypes = sumTypes(sample);
    const recorded = await db
      .collection(COLLECTIONS.teams)
      .countDocuments({ collaborative: slug, status: 'completed' });
    const rate = (ms: number) => (n / ms) * 1000;
    return {
      name: 'throughput',
      title: 'Throughput vs trivial workflows',
      wallMs: 0,
      figures: [
        figure(`trivial workflows (${concurrency} in flight)`, rate(trivial.ms), 'wf/s'),
        figure('short team workflows', rate(team.ms), 'wf/s', {
          baseline: { name: 'trivial', value: rate(trivial.ms), unit: 'wf/s', kind: 'measured' },
        }),
        figure('  … their workflow tasks each', teamTypes.WORKFLOW_TASK_COMPLETED ?? 0, '', {
          baseline: {
            name: 'trivial',
            value: trivialRun[0]!.byType.WORKFLOW_TASK_COMPLETED ?? 0,
            unit: '',
            kind: 'measured',
          },
        }),
        figure('  … their actions each', actionsOf(teamTypes), '', {
          baseline: { name: 'trivial', value: actionsOf(trivialRun[0]!.byType), unit: '', kind: 'measured' },
        }),
        figure('teams recorded completed', recorded, '', {
          baseline: { name: 'workflows', value: n, unit: '', kind: 'expected' },
          target: { op: '==', value: 1 },
        }),
      ],
      notes: [
        `One worker with default options on a dev server (SQLite, in memory), both sharing this 2-core machine with ` +
          `FerretDB. A short team workflow is ${sample[0]!.events} history events (${teamTypes.ACTIVITY_TASK_SCHEDULED ?? 0} ` +
          `activities) against ${trivialRun[0]!.events} for a trivial one.`,
      ],
      details: { teamHistory: sample[0], trivialHistory: trivialRun[0] },
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
