/**
 * Scenario 1, lifecycle cost: the example collaborative stretched to 18 months (announcement
 * 2027-01-11 → end 2028-07-07, both consultation series, monthly metrics with the chase ladder)
 * with `--lifecycle-teams` accepted teams, driven under the time-skipping test server with
 * signals the way test/workflows/lifecycle.test.ts does: applications, decisions, pre-work,
 * attendance at each learning session (one team misses LS2), metrics every month (one team in
 * ten never reports, so the ladder and the weekly digest run). Then every history is fetched —
 * the parent and every run of every team — and held against Temporal's limits.
 */
import { randomBytes } from 'node:crypto';
import { collaborativeAgenda, teamAgenda } from '../../domain/agenda';
import { DAY, ms } from '../../domain/schedule';
import { createTransport, Outbox } from '../../mail/outbox';
import { COLLECTIONS } from '../../store/db';
import { upsertSites } from '../../store/sites';
import { applicationFor, timeSkippingEnv } from '../../testing/fixtures';
import { createWorker } from '../../workers/worker';
import { collaborativeWorkflow, teamWorkflowId } from '../../workflows';
import { actionsOf, runsOf, sumTypes, type RunStats } from '../history';
import {
  CountingSink,
  eachLimited,
  figure,
  MAIL_FROM,
  profiledDb,
  progress,
  quietRuntime,
  sleep,
  syntheticSites,
  type Figure,
  type ScenarioResult,
  type Services,
} from '../lib';
import type { BenchOptions } from '../options';
import { exampleLaunchConfig } from './fanout';

const FACULTY = 'jcohen@faculty.example.org';
const MiB = 1024 * 1024;
/** Temporal's limits: the design budget the project keeps to, and the server's hard limits. */
export const LIMITS = {
  suggestedEvents: 4096,
  suggestedBytes: 1 * MiB,
  hardEvents: 51_200,
  hardBytes: 50 * MiB,
} as const;

/** The wall time an 18-month, 30-team collaborative may take on the local store (issue 18). */
const BUDGET = { teams: 30, seconds: 120 } as const;

/**
 * The worker counts as idle once nothing is in flight at this many polls in a row: long enough for
 * the server to hand it the task that follows a completed one (a few ms on loopback; 0.2 s until
 * 2026-12-02, 49 of a 10-team run's 196 s; every run still ends with every team completed and
 * emails delivered = outbox records).
 */
const IDLE_POLL_MS = 20;
const IDLE_QUIET_POLLS = 5;

export async function lifecycle(services: Services, o: BenchOptions): Promise<ScenarioResult> {
  const notes: string[] = [];
  const figures: Figure[] = [];
  const nTeams = o.lifecycleTeams;
  const slug = 'bench-18';
  const sites = syntheticSites(nTeams + 5); // five PIs hear of it and never apply
  const teamSites = sites.slice(0, nTeams);
  const silent = new Set(teamSites.filter((_, i) => i % 10 === 9).map((s) => s.siteId)); // never report metrics
  const missesLs2 = teamSites[0]!.siteId;
  const config = exampleLaunchConfig(slug, (c) => {
    c.schedule.end = '2028-07-07'; // 2027-01-11 → 2028-07-07: 18 months
    if (!o.lifecycleMetrics) delete c.metrics;
  });
  const s = config.schedule;

  const { db: plainDb } = await services.db('lifecycle');
  const { db, profile } = profiledDb(plainDb); // times every database call the activities make
  await upsertSites(db, sites);
  const sink = await new CountingSink().start();
  // The tests' harness pools 8 connections; emails block time skipping while they are sent.
  const transport = createTransport({ smtpUrl: sink.url, from: MAIL_FROM, maxConnections: 8 });
  quietRuntime();
  const env = await timeSkippingEnv(services.tools.testServer);
  const taskQueue = `bench-lifecycle-${randomBytes(3).toString('hex')}`;
  const worker = await createWorker({
    connection: env.nativeConnection,
    taskQueue,
    deps: { db, outbox: new Outbox(db, transport, MAIL_FROM), sendConcurrency: 8 },
    workflowBundlePath: await services.workflowBundle(),
  });
  const client = env.client;
  const team = (siteId: string) => client.workflow.getHandle(teamWorkflowId(slug, siteId));
  /**
   * The test server skips time even while activities run, so a long skip can time out a slow
   * activity (that is not how 18 real months behave). The driver therefore advances from one
   * agenda date to the next and waits, with time locked, until the worker is idle.
   */
  // Where the driver's wall time goes: advancing time (the test server runs what falls due), waiting
  // for the worker to be idle, and the people's signals.
  const spent = { advance: 0, idle: 0, idleQuietFloor: 0, signals: 0, stops: 0 };
  const timedInto = async <T>(k: 'advance' | 'idle' | 'signals', fn: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      spent[k] += Date.now() - t;
    }
  };
  const idle = () => timedInto('idle', idleNow);
  const idleNow = async () => {
    spent.idleQuietFloor += IDLE_QUIET_POLLS * IDLE_POLL_MS;
    let quiet = 0;
    const deadline = Date.now() + 600_000;
    while (quiet < IDLE_QUIET_POLLS && Date.now() < deadline) {
      const st = worker.getStatus();
      quiet = st.numInFlightActivities === 0 && st.numInFlightWorkflowActivations === 0 ? quiet + 1 : 0;
      await sleep(IDLE_POLL_MS);
    }
  };
  const until = async (at: number) => {
    spent.stops++;
    await timedInto('advance', async () => {
      const delta = at - (await env.currentTimeMs());
      if (delta > 0) await env.sleep(delta);
    });
    await idle();
  };

  // What people do, in time order.
  type Step = { at: number; label: string; run?: () => Promise<void> };
  const steps: Step[] = [];
  const each = (fn: (siteId: string, pi: string) => Promise<unknown>) => () =>
    eachLimited(teamSites, 10, async (site) => void (await fn(site.siteId, site.piEmail)));
  let handle: Awaited<ReturnType<typeof client.workflow.start<typeof collaborativeWorkflow>>>;
  steps.push({
    at: ms(s.applicationsOpen) + DAY,
    label: 'applications',
    run: each((id, pi) => handle.signal('submitApplication', applicationFor(id, pi))),
  });
  steps.push({
    at: ms(s.applicationsClose) + DAY,
    label: 'decisions',
    run: each((id) =>
      handle.signal('recordDecision', { siteId: id, decision: 'accept', notes: 'Strong team.', by: FACULTY }),
    ),
  });
  steps.push({
    at: ms(s.decisionsDue) + 4 * DAY,
    label: 'pre-work',
    run: each(async (id, pi) => {
      for (const item of ['checklist', 'commitment', 'baseline'])
        await team(id).signal('completePrework', { item, by: pi });
    }),
  });
  s.learningSessions.forEach((ls, i) =>
    steps.push({
      at: ms(ls.start) + 3600_000,
      label: `LS${i + 1} attendance`,
      run: each(async (id, pi) => {
        if (i === 1 && id === missesLs2) return;
        const members = applicationFor(id, pi).coreTeam.members;
        await team(id).signal('recordAttendance', {
          session: i,
          attendees: members.map((m) => ({ email: m.email, present: true })),
          by: FACULTY,
        });
      }),
    }),
  );
  for (const p of s.periods)
    steps.push({
      at: ms(p.due) - DAY,
      label: `metrics ${p.id}`,
      run: each(async (id) => {
        if (silent.has(id)) return;
        await team(id).signal('submitMetrics', {
          period: p.id,
          values: { children_served: 12, fidelity: 85, cds_used: true, notes: 'on track' },
          by: `data@${id}.example.org`,
        });
      }),
    });
  // Every date something is due, a few seconds after it: the driver stops at each.
  const ladder = config.metrics?.ladder;
  const agendaDates = [
    ...collaborativeAgenda(s, new Date().toISOString(), ladder),
    ...teamAgenda(s, s.decisionsDue, ladder),
  ].map((i) => ms(i.at) + 5_000);
  for (const at of [...new Set(agendaDates)]) steps.push({ at, label: 'agenda' });
  steps.sort((a, b) => a.at - b.at);

  const details: Record<string, unknown> = {};
  const running = worker.run();
  const started = Date.now();
  let wallMs = 0;
  try {
    handle = await client.workflow.start(collaborativeWorkflow, {
      workflowId: `lc/${slug}`,
      taskQueue,
      args: [config],
    });
    let lastLog = Date.now();
    for (const step of steps) {
      await until(step.at);
      // An agenda stop signals nothing: `until` has waited for what fell due already.
      if (step.run) {
        await timedInto('signals', step.run);
        await idle();
      }
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        progress(
          `lifecycle: ${new Date(step.at).toISOString().slice(0, 10)} ${step.label}; ${sink.count} emails; ` +
            `${((Date.now() - started) / 1000).toFixed(0)} s`,
        );
      }
    }
    await until(ms(s.end) + 2 * DAY);
    const result = await handle.result();
    wallMs = Date.now() - started;
    const states = result.teams.reduce<Record<string, number>>(
      (acc, t) => ((acc[t.state] = (acc[t.state] ?? 0) + 1), acc),
      {},
    );
    progress(
      `lifecycle: completed in ${(wallMs / 1000).toFixed(1)} s wall; ${sink.count} emails; teams ${JSON.stringify(states)}`,
    );
    details.teamStates = states;
    if (result.phase !== 'completed') throw new Error(`the collaborative ended in phase ${result.phase}`);
  } finally {
    worker.shutdown();
    await running;
  }

  try {
    // ---- histories ----------------------------------------------------------------------------
    const parent = (await runsOf(client, `lc/${slug}`))[0]!;
    const teamRuns: RunStats[] = [];
    await eachLimited(teamSites, 8, async (site) => {
      teamRuns.push(...(await runsOf(client, teamWorkflowId(slug, site.siteId))));
    });
    const all = [parent, ...teamRuns];
    const totals = sumTypes(all);
    const largest = teamRuns.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const largestByEvents = teamRuns.reduce((a, b) => (b.events > a.events ? b : a));
    const emailDays = [...sink.perEventDay.entries()].sort((a, b) => b[1] - a[1]);
    const outboxCount = await db.collection(COLLECTIONS.outbox).countDocuments();
    const actions = actionsOf(totals);
    const historyBytes = all.reduce((a, r) => a + r.bytes, 0);
    const dbTop = profile.top(8);
    const dbTotal = [...profile.ops.values()].reduce((a, x) => a + x.ms, 0);
    Object.assign(details, {
      databaseCalls: dbTop,
      driverMs: spent,
      config: { announcement: s.announcement, end: s.end, periods: s.periods.length, teams: nTeams },
      driverStops: steps.length,
      parent: { events: parent.events, bytes: parent.bytes, byType: parent.byType },
      largestTeamRun: largest,
      teamRuns: teamRuns.map((r) => ({ workflowId: r.workflowId, events: r.events, bytes: r.bytes })),
      totals,
      actions,
      historyBytes,
      emailsPerEventDayTop: emailDays.slice(0, 10),
      outboxDocuments: outboxCount,
    });

    const lim = (name: string, value: number, unit: string, kind: 'limit' = 'limit') => ({
      name,
      value,
      unit,
      kind,
    });
    figures.push(
      figure(
        `wall time, 18 months, ${nTeams} teams (time skipping)`,
        wallMs / 1000,
        's',
        nTeams === BUDGET.teams
          ? {
              baseline: {
                name: `budget at ${BUDGET.teams} teams`,
                value: BUDGET.seconds,
                unit: 's',
                kind: 'limit',
              },
              target: { op: '<=', value: 1 },
            }
          : {},
      ),
      figure('workflow tasks (all runs)', totals.WORKFLOW_TASK_COMPLETED ?? 0, ''),
      figure('activities scheduled', totals.ACTIVITY_TASK_SCHEDULED ?? 0, ''),
      figure('timers started', totals.TIMER_STARTED ?? 0, ''),
      figure('signals received', totals.WORKFLOW_EXECUTION_SIGNALED ?? 0, ''),
      figure('emails delivered at the sink', sink.count, '', {
        baseline: { name: 'outbox records', value: outboxCount, unit: '', kind: 'measured' },
        target: { op: '==', value: 1 },
      }),
      figure('emails on the busiest event day', emailDays[0]?.[1] ?? 0, '', { note: emailDays[0]?.[0] }),
      figure('actions (estimated from histories)', actions, ''),
      figure('history bytes, all runs', historyBytes / 1024, 'KiB'),
      figure('team runs (incl. continue-as-new)', teamRuns.length, '', {
        baseline: { name: 'teams', value: nTeams, unit: '', kind: 'expected' },
      }),
      figure('parent history events', parent.events, '', {
        baseline: lim('suggested', LIMITS.suggestedEvents, ''),
      }),
      figure('parent history events', parent.events, '', {
        baseline: lim('hard limit', LIMITS.hardEvents, ''),
      }),
      figure('parent history size', parent.bytes / 1024, 'KiB', {
        baseline: lim('1 MiB', LIMITS.suggestedBytes / 1024, 'KiB'),
      }),
      figure('parent history size', parent.bytes / 1024, 'KiB', {
        baseline: lim('hard limit', LIMITS.hardBytes / 1024, 'KiB'),
      }),
      figure('largest team run events', largestByEvents.events, '', {
        baseline: lim('suggested', LIMITS.suggestedEvents, ''),
      }),
      figure('largest team run events', largestByEvents.events, '', {
        baseline: lim('hard limit', LIMITS.hardEvents, ''),
      }),
      figure('largest team run size', largest.bytes / 1024, 'KiB', {
        baseline: lim('1 MiB', LIMITS.suggestedBytes / 1024, 'KiB'),
      }),
      figure('largest team run size', largest.bytes / 1024, 'KiB', {
        baseline: lim('hard limit', LIMITS.hardBytes / 1024, 'KiB'),
      }),
    );
    figures.push(
      figure(
        '  … advancing time (env.sleep: timers, workflow tasks, activities)',
        spent.advance / 1000,
        's',
        {
          baseline: { name: 'wall time', value: wallMs / 1000, unit: 's', kind: 'measured' },
        },
      ),
      figure('  … waiting for the worker to be idle', spent.idle / 1000, 's', {
        baseline: { name: 'wall time', value: wallMs / 1000, unit: 's', kind: 'measured' },
        note: `${(spent.idleQuietFloor / 1000).toFixed(0)} s of it the quiet window itself`,
      }),
      figure("  … sending the people's signals", spent.signals / 1000, 's', {
        baseline: { name: 'wall time', value: wallMs / 1000, unit: 's', kind: 'measured' },
      }),
      figure('database call time, summed (profiled)', dbTotal / 1000, 's', {
        baseline: { name: 'wall time', value: wallMs / 1000, unit: 's', kind: 'measured' },
        note: 'calls overlap, so the sum can exceed the wall time',
      }),
    );
    for (const t of dbTop.slice(0, 4))
      figures.push(
        figure(`  … ${t.op} (${t.calls} calls)`, t.meanMs, 'ms/call', {
          note: `${(t.share * 100).toFixed(0)}% of database time`,
        }),
      );
    // Per-team growth of the parent: its events are a fixed part plus a part per team.
    notes.push(
      `Parent: ${parent.events} events / ${(parent.bytes / 1024).toFixed(0)} KiB for ${nTeams} teams ` +
        `(${(parent.events / LIMITS.suggestedEvents).toFixed(2)} of 4,096; ${((parent.bytes / LIMITS.suggestedBytes) * 100).toFixed(0)}% of 1 MiB). ` +
        `Largest team run: ${largestByEvents.events} events, ${(largest.bytes / 1024).toFixed(0)} KiB. ` +
        `Per team over 18 months: ${((totals.WORKFLOW_TASK_COMPLETED ?? 0) / nTeams).toFixed(0)} workflow tasks, ` +
        `${((totals.ACTIVITY_TASK_SCHEDULED ?? 0) / nTeams).toFixed(0)} activities, ${(sink.count / nTeams).toFixed(0)} emails, ` +
        `${(actions / nTeams).toFixed(0)} actions, ${(historyBytes / nTeams / 1024).toFixed(0)} KiB of history.`,
      `Time skipping: the driver advances from one agenda date to the next (${steps.length} stops) and waits for ` +
        `the worker to be idle at each (nothing in flight for ${IDLE_QUIET_POLLS * IDLE_POLL_MS} ms), so the wall time is the work itself (workflow tasks, ` +
        `activities, ${sink.count} SMTP sends on 8 pooled connections, FerretDB calls) plus those pauses. ` +
        `Database time by call, summed over concurrent calls: ` +
        dbTop
          .slice(0, 5)
          .map((t) => `${t.op} ${t.calls}× ${t.meanMs.toFixed(1)} ms (${(t.share * 100).toFixed(0)}%)`)
          .join('; ') +
        '.',
    );
  } finally {
    transport.close();
    await sink.stop();
    await env.teardown();
  }
  return { name: 'lifecycle', title: 'Lifecycle cost', wallMs, figures, notes, details };
}
