/**
 * Scenario 3, worker memory, and scenario 6, cold restart. A worker process of its own
 * (bench/worker-child.ts: the project's createWorker, maxCachedWorkflows above the largest step)
 * polls a Temporal dev server; team workflows of the example collaborative are started and wait
 * on their first timer (pre-work, months ahead), so each stays in the worker's cache. The
 * worker's RSS (after full GCs) is sampled at each `--cached` step; the slope is the memory of
 * one cached team workflow, from which maxCachedWorkflows for 1 GiB and 4 GiB containers follows.
 *
 * Restart: `--restart` of those workflows get one input each (completePrework) while cached —
 * the warm baseline — then the worker is SIGKILLed like a crashed container, a new one starts
 * with an empty cache, and the same workflows get another input: each must be fetched and
 * replayed first. The time until every input is recorded in MongoDB is compared.
 */
import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { COLLECTIONS } from '../../store/db';
import { ids } from '../../store/keys';
import { applicationFor } from '../../testing/fixtures';
import { ROOT } from '../../tools/provisioning';
import { teamWorkflow, teamWorkflowId, type TeamInput } from '../../workflows';
import {
  CountingSink,
  eachLimited,
  figure,
  mean,
  median,
  progress,
  sleep,
  slope,
  syntheticSites,
  timed,
  waitFor,
  type Figure,
  type ScenarioResult,
  type Services,
} from '../lib';
import type { BenchOptions } from '../options';
import { exampleLaunchConfig } from './fanout';

const MiB = 1024 * 1024;

interface Status {
  runState: string;
  cached: number;
  inFlightActivations: number;
  inFlightActivities: number;
}

/** The worker child process and its IPC. */
class WorkerChild {
  private child?: ChildProcess;
  private nextId = 1;
  private pending = new Map<number, (m: any) => void>();
  private output: string[] = [];
  startedAt = 0;
  readyAt = 0;

  constructor(private readonly env: Record<string, string>) {}

  async start(): Promise<void> {
    this.startedAt = Date.now();
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', path.join(__dirname, '../worker-child.ts')],
      {
        cwd: ROOT,
        env: { ...process.env, ...this.env },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    this.child = child;
    const keep = (b: Buffer) => {
      this.output.push(b.toString());
      if (this.output.length > 200) this.output.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker child not ready in 60 s:\n${this.tail()}`)),
        60_000,
      );
      child.on('message', (m: any) => {
        if (m.ready) {
          clearTimeout(timer);
          this.readyAt = Date.now();
          resolve();
        } else if (m.id) {
          this.pending.get(m.id)?.(m);
          this.pending.delete(m.id);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`worker child exited (${code}):\n${this.tail()}`));
      });
    });
    await waitFor('the worker to run', async () => (await this.status()).runState === 'RUNNING', 30_000);
  }

  tail(): string {
    return this.output.join('').split('\n').slice(-30).join('\n');
  }

  private ask(cmd: string): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker child did not answer ${cmd}`)), 30_000);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.child!.send({ id, cmd });
    });
  }

  async status(): Promise<Status> {
    return (await this.ask('status')).status;
  }

  async mem(): Promise<NodeJS.MemoryUsage> {
    return (await this.ask('mem')).mem;
  }

  /** SIGKILL: no graceful shutdown, like a crashed or OOM-killed container. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    await this.ask('stop').catch(() => undefined);
    await Promise.race([exited, sleep(15_000)]);
    await this.kill();
  }
}

export async function memory(services: Services, o: BenchOptions): Promise<ScenarioResult[]> {
  const steps = o.cached.length ? o.cached : [0];
  const max = Math.max(...steps, o.restart);
  const slug = 'bench-mem';
  const config = exampleLaunchConfig(slug); // metrics and both consultation series: a full-size input
  const sites = syntheticSites(max);
  const { db } = await services.db('memory');
  const apps = sites.map((s) => ({
    _id: ids.application(slug, s.siteId),
    ...applicationFor(s.siteId, s.piEmail),
    collaborative: slug,
    version: 1,
    submittedAt: new Date(),
  }));
  for (let i = 0; i < apps.length; i += 1000)
    await db.collection<{ _id: string }>(COLLECTIONS.applications).insertMany(apps.slice(i, i + 1000));
  const sink = await new CountingSink().start();
  const temporal = await services.temporalDev();
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const taskQueue = `bench-memory-${process.pid}`;
  const childEnv = {
    TEMPORAL_ADDRESS: temporal.address,
    TASK_QUEUE: taskQueue,
    MONGODB_URI: await services.mongo(),
    MONGODB_DB: db.databaseName,
    SMTP_URL: sink.url,
    WORKFLOW_BUNDLE: await services.workflowBundle(),
    MAX_CACHED_WORKFLOWS: String(max + 100),
  };
  let worker = new WorkerChild(childEnv);
  const memFigures: Figure[] = [];
  const restartFigures: Figure[] = [];
  const memNotes: string[] = [];
  const restartNotes: string[] = [];
  const details: Record<string, unknown> = {};
  const restartDetails: Record<string, unknown> = {};

  const input = (siteId: string): TeamInput => ({
    slug,
    siteId,
    schedule: config.schedule,
    joinedAt: new Date().toISOString(),
    timeZone: config.timeZone,
    metrics: config.metrics,
    maxHistoryEvents: config.limits.teamHistoryEvents,
  });
  const settled = (want: number) =>
    waitFor(
      `${want} cached workflows, idle`,
      async () => {
        const st = await worker.status();
        return st.cached >= want && st.inFlightActivations === 0 && st.inFlightActivities === 0;
      },
      300_000,
      250,
    );

  try {
    await worker.start();
    progress(`memory: worker process ready in ${worker.readyAt - worker.startedAt} ms`);
    const samples: { cached: number; rssMiB: number; heapUsedMiB: number; externalMiB: number }[] = [];
    let startedSoFar = 0;
    for (const target of steps) {
      const toStart = sites.slice(startedSoFar, target);
      await eachLimited(toStart, 20, async (s) => {
        await client.workflow.start(teamWorkflow, {
          workflowId: teamWorkflowId(slug, s.siteId),
          taskQueue,
          args: [input(s.siteId)],
        });
      });
      startedSoFar = Math.max(startedSoFar, target);
      await settled(target);
      await sleep(1000);
      const mems: NodeJS.MemoryUsage[] = [];
      for (let i = 0; i < 3; i++) mems.push(await worker.mem());
      const st = await worker.status();
      const sample = {
        cached: st.cached,
        rssMiB: median(mems.map((m) => m.rss)) / MiB,
        heapUsedMiB: median(mems.map((m) => m.heapUsed)) / MiB,
        externalMiB: median(mems.map((m) => m.external + m.arrayBuffers)) / MiB,
      };
      samples.push(sample);
      progress(
        `memory: ${sample.cached} cached team workflows: RSS ${sample.rssMiB.toFixed(0)} MiB, ` +
          `heap used ${sample.heapUsedMiB.toFixed(0)} MiB`,
      );
    }
    details.samples = samples;
    const base = samples[0]!;
    // The first workflows also pay one-off costs (the workflow VM context, JIT, the core's caches):
    // the per-workflow figure is the slope over the steps with workflows, its intercept the base.
    const withWf = samples.filter((x) => x.cached > 0);
    const fit = withWf.length >= 2 ? withWf : samples;
    const xs = fit.map((x) => x.cached);
    const perWf =
      fit.length > 1
        ? slope(
            xs,
            fit.map((x) => x.rssMiB),
          )
        : NaN;
    const heapPerWf =
      fit.length > 1
        ? slope(
            xs,
            fit.map((x) => x.heapUsedMiB),
          )
        : NaN;
    const intercept = mean(fit.map((x) => x.rssMiB)) - perWf * mean(xs);
    for (const x of samples)
      memFigures.push(
        figure(`worker RSS, ${x.cached} cached team workflows`, x.rssMiB, 'MiB', {
          baseline:
            x === base
              ? undefined
              : { name: `${base.cached} cached`, value: base.rssMiB, unit: 'MiB', kind: 'measured' },
        }),
      );
    memFigures.push(
      figure('RSS per cached team workflow (slope)', perWf * 1024, 'KiB'),
      figure('V8 heap per cached team workflow (slope)', heapPerWf * 1024, 'KiB'),
      figure('one-off cost of the first workflows (intercept − idle)', intercept - base.rssMiB, 'MiB'),
    );
    // A container keeps a quarter for GC headroom, activity buffers and bursts.
    const recommend = (containerMiB: number) =>
      Math.max(0, Math.floor((containerMiB * 0.75 - intercept) / perWf));
    const sdkDefault = (heapMiB: number) =>
      Math.max(Math.floor(Math.max(heapMiB - 200, 0) * (600 / 1024)), 10);
    for (const [label, mib] of [
      ['1 GiB', 1024],
      ['4 GiB', 4096],
    ] as const)
      memFigures.push(
        figure(`recommended maxCachedWorkflows, ${label} container`, recommend(mib), '', {
          baseline: {
            name: `SDK default, heap ${label}`,
            value: sdkDefault(mib),
            unit: '',
            kind: 'expected',
          },
        }),
      );
    Object.assign(details, { perWorkflowMiB: perWf, heapPerWorkflowMiB: heapPerWf, interceptMiB: intercept });
    memNotes.push(
      `Worker RSS grows ${(perWf * 1024).toFixed(0)} KiB per cached team workflow (V8 heap ${(heapPerWf * 1024).toFixed(0)} KiB; ` +
        `the rest is native memory outside the V8 heap: the SDK's Rust core and the allocator) above ` +
        `${intercept.toFixed(0)} MiB (idle ${base.rssMiB.toFixed(0)} MiB + ${(intercept - base.rssMiB).toFixed(0)} MiB once the first ` +
        `workflows ran). Recommended maxCachedWorkflows = (0.75 × container − ${intercept.toFixed(0)} MiB) ÷ per-workflow RSS: ` +
        `${recommend(1024)} for 1 GiB, ${recommend(4096)} for 4 GiB (the SDK's default from the V8 heap limit would be ` +
        `${sdkDefault(1024)} and ${sdkDefault(4096)}). Each team workflow's input carries the schedule and metrics config ` +
        `(${(JSON.stringify(input('site-0001')).length / 1024).toFixed(1)} KiB of JSON).`,
    );

    // ---- scenario 6: cold restart -------------------------------------------------------------
    const r = Math.min(o.restart, startedSoFar);
    if (r > 0) {
      const targets = sites.slice(0, r);
      const prework = db.collection(COLLECTIONS.prework);
      const inputAll = async (item: string) => {
        const t = await timed(async () => {
          await eachLimited(targets, 20, async (s) => {
            await client.workflow
              .getHandle(teamWorkflowId(slug, s.siteId))
              .signal('completePrework', { item, by: s.piEmail });
          });
          await waitFor(
            `${r} ${item} records`,
            async () => (await prework.countDocuments({ item })) >= r,
            300_000,
            200,
          );
        });
        return t.ms;
      };
      const warmMs = await inputAll('checklist');
      progress(`restart: ${r} inputs to cached workflows recorded in ${warmMs.toFixed(0)} ms`);
      await worker.kill();
      const killedAt = Date.now();
      worker = new WorkerChild(childEnv);
      await worker.start();
      const startMs = worker.readyAt - killedAt;
      const coldMs = await inputAll('commitment');
      const st = await worker.status();
      progress(
        `restart: worker killed and restarted (${startMs} ms to poll); ${r} inputs to uncached workflows ` +
          `recorded in ${coldMs.toFixed(0)} ms; ${st.cached} cached again`,
      );
      Object.assign(restartDetails, { workflows: r, warmMs, coldMs, startMs, cachedAfter: st.cached });
      restartFigures.push(
        figure('new worker process polling after SIGKILL', startMs / 1000, 's'),
        figure(`${r} inputs after restart (replay each), until recorded`, coldMs / 1000, 's', {
          baseline: { name: 'same, warm cache', value: warmMs / 1000, unit: 's', kind: 'measured' },
        }),
        figure('  … per workflow', coldMs / r, 'ms', {
          baseline: { name: 'warm', value: warmMs / r, unit: 'ms', kind: 'measured' },
        }),
        figure('workflows back in cache', st.cached, '', {
          baseline: { name: 'restarted', value: r, unit: '', kind: 'expected' },
        }),
      );
      restartNotes.push(
        `After a SIGKILL the server still routes each workflow's next task to the dead worker's sticky queue ` +
          `until its schedule-to-start timeout (10 s by default) expires, then to the normal queue, where the new ` +
          `worker fetches the history and replays it: that is the cold cost measured here, for ${r} team workflows.`,
      );
    }
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- worker output ---\n${worker.tail()}`);
  } finally {
    await worker.stop();
    await connection.close();
    await sink.stop();
    await temporal.stop();
  }
  const out: ScenarioResult[] = [
    { name: 'memory', title: 'Worker memory', wallMs: 0, figures: memFigures, notes: memNotes, details },
  ];
  if (restartFigures.length)
    out.push({
      name: 'restart',
      title: 'Cold restart',
      wallMs: 0,
      figures: restartFigures,
      notes: restartNotes,
      details: restartDetails,
    });
  return out;
}
